import { CODELISTS } from './codelists';
import { Code, Codelist, CodelistId, TOTAL_CODE } from './codelists/codelist';
import { DATASETS } from './datasets/catalog';
import { DatasetDecl, DimensionDecl, RECORD_ATTRIBUTES, RecordAttribute } from './datasets/dataset';
import { SCHEMA_VERSION } from './version';

/** The whole standard as one document: what the hub serves and nodes pull. */
export interface Standard {
  readonly version: string;
  readonly codelists: readonly Codelist[];
  readonly datasets: readonly DatasetDecl[];
  /** Which codelist each record attribute draws its codes from. */
  readonly attributes: Readonly<Record<RecordAttribute, CodelistId>>;
}

export const ATTRIBUTE_CODELIST: Readonly<Record<RecordAttribute, CodelistId>> = {
  sex: 'sex',
  age_band: 'age_band',
  district: 'district',
  violence_type: 'violence_type',
  perpetrator_relationship: 'perpetrator_relationship',
  service_type: 'service_type',
  service_outcome: 'service_outcome',
  referral_source: 'referral_source',
  referral_destination: 'referral_destination',
  migration_status: 'migration_status',
  marital_status: 'marital_status',
  hotline_topic: 'hotline_topic',
  caller_sex: 'sex',
};

export const STANDARD: Standard = {
  version: SCHEMA_VERSION,
  codelists: CODELISTS,
  datasets: DATASETS,
  attributes: ATTRIBUTE_CODELIST,
};

/** Fast lookups over a standard (this version's, or one pulled from the hub). */
export class StandardIndex {
  private readonly lists = new Map<string, Codelist>();
  private readonly codeSets = new Map<string, Map<string, Code>>();
  private readonly datasetsById = new Map<string, DatasetDecl>();

  constructor(readonly standard: Standard = STANDARD) {
    for (const l of standard.codelists) {
      this.lists.set(l.id, l);
      this.codeSets.set(l.id, new Map(l.codes.map((c) => [c.code, c])));
    }
    for (const d of standard.datasets) this.datasetsById.set(d.id, d);
  }

  get version(): string {
    return this.standard.version;
  }

  codelist(id: string): Codelist | undefined {
    return this.lists.get(id);
  }

  /** Codes of a codelist, in the list's order. */
  codes(id: string): readonly string[] {
    const l = this.lists.get(id);
    if (!l) throw new Error(`unknown codelist ${id}`);
    return l.codes.map((c) => c.code);
  }

  hasCode(codelistId: string, code: string): boolean {
    return this.codeSets.get(codelistId)?.has(code) ?? false;
  }

  /** Code or total `_T` is valid for the dimension. */
  isDimensionCode(dim: DimensionDecl, code: string): boolean {
    return code === TOTAL_CODE || this.hasCode(dim.codelist, code);
  }

  label(codelistId: string, code: string, lang: 'tg' | 'ru' | 'en'): string | undefined {
    return this.codeSets.get(codelistId)?.get(code)?.labels[lang];
  }

  dataset(id: string): DatasetDecl | undefined {
    return this.datasetsById.get(id);
  }

  get datasets(): readonly DatasetDecl[] {
    return this.standard.datasets;
  }

  /**
   * The published code of a record value for a dimension: the value itself, or its
   * ancestor when the dimension's codelist is above the attribute's (district -> region).
   * Undefined when the value is not a code of the attribute's codelist.
   */
  generalize(dim: DimensionDecl, value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    let listId: string = this.standard.attributes[dim.attribute];
    let code: string | undefined = value;
    for (let depth = 0; depth < 8 && code !== undefined; depth++) {
      if (listId === dim.codelist) return this.hasCode(listId, code) ? code : undefined;
      const list = this.lists.get(listId);
      if (!list?.parentCodelist) return undefined;
      code = this.codeSets.get(listId)?.get(code)?.parent;
      listId = list.parentCodelist;
    }
    return undefined;
  }
}

export { RECORD_ATTRIBUTES };
