import { registerEnumType } from '@nestjs/graphql';

/** Kinds of documents. The first four make the research library, the next four the best-practice library. */
export const LIBRARY_KINDS = [
  'research_finding',
  'thematic_paper',
  'dataset_method_note',
  'methodology',
  'training_material',
  'standard_of_work',
  'referral_protocol',
  'case_management_guide',
  'other',
] as const;
export type LibraryKind = (typeof LIBRARY_KINDS)[number];

export const LIBRARY_SHELVES = ['research', 'best_practice'] as const;
export type LibraryShelf = (typeof LIBRARY_SHELVES)[number];

const RESEARCH_KINDS: readonly LibraryKind[] = ['research_finding', 'thematic_paper', 'dataset_method_note', 'methodology'];
const PRACTICE_KINDS: readonly LibraryKind[] = ['training_material', 'standard_of_work', 'referral_protocol', 'case_management_guide'];

/** The kinds shelved in a library (`other` belongs to both). */
export function kindsOfShelf(shelf: LibraryShelf): LibraryKind[] {
  return [...(shelf === 'research' ? RESEARCH_KINDS : PRACTICE_KINDS), 'other'];
}

export const ACCESS_LEVELS = ['public', 'members_and_researchers', 'members_only'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/**
 * Status of one version. `superseded`: an older published version replaced by a newer one.
 * draft -> submitted -> (changes_requested -> submitted)* -> published | rejected; published -> withdrawn | superseded.
 */
export const VERSION_STATUSES = ['draft', 'submitted', 'changes_requested', 'published', 'rejected', 'withdrawn', 'superseded'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export const CONTENT_LANGUAGES = ['tg', 'ru', 'en', 'other'] as const;
export type ContentLanguage = (typeof CONTENT_LANGUAGES)[number];

export const LIBRARY_FILE_TYPES = ['pdf', 'docx', 'xlsx', 'png', 'jpeg'] as const;
export type LibraryFileType = (typeof LIBRARY_FILE_TYPES)[number];

const asEnum = <T extends string>(values: readonly T[]): Record<T, T> =>
  Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const LibraryKindEnum = asEnum(LIBRARY_KINDS);
export const LibraryShelfEnum = asEnum(LIBRARY_SHELVES);
export const AccessLevelEnum = asEnum(ACCESS_LEVELS);
export const VersionStatusEnum = asEnum(VERSION_STATUSES);
export const ContentLanguageEnum = asEnum(CONTENT_LANGUAGES);

registerEnumType(LibraryKindEnum, { name: 'LibraryDocumentKind' });
registerEnumType(LibraryShelfEnum, { name: 'LibraryShelf', description: 'research: findings, papers, method notes, methodology; best_practice: training, standards, referral protocols, case-management guides.' });
registerEnumType(AccessLevelEnum, { name: 'LibraryAccessLevel' });
registerEnumType(VersionStatusEnum, { name: 'LibraryVersionStatus' });
registerEnumType(ContentLanguageEnum, { name: 'LibraryContentLanguage' });
