import { Labels } from '../i18n';

/** SDMX code for the total of a dimension (a margin). */
export const TOTAL_CODE = '_T';

export interface Code {
  readonly code: string;
  readonly labels: Labels;
  /** Code in the parent codelist (e.g. a district's region). */
  readonly parent?: string;
}

export interface Codelist<C extends Code = Code> {
  readonly id: CodelistId;
  readonly name: Labels;
  readonly codes: readonly C[];
  /** Id of the codelist whose codes are the `parent` of this list's codes. */
  readonly parentCodelist?: CodelistId;
}

export const CODELIST_IDS = [
  'sex',
  'age_band',
  'region',
  'district',
  'violence_type',
  'family_law_form',
  'perpetrator_relationship',
  'service_type',
  'service_outcome',
  'referral_source',
  'referral_destination',
  'centre_type',
  'migration_status',
  'marital_status',
  'hotline_topic',
  'library_theme',
] as const;
export type CodelistId = (typeof CODELIST_IDS)[number];
