import { CASE_RECORD_KINDS } from './case-record/validate';
import { IDENTIFIABLE_FIELDS_BY_KIND } from './case-record/identifiable';
import { VIOLENCE_CLASSIFICATION_ORDER } from './codelists/violence-type';
import { JsonSchema, standardJsonSchemas } from './json-schema';
import { Standard, STANDARD } from './standard';

/** The standard as one self-describing JSON document (what `schema:export` prints). */
export interface StandardDocument extends Standard {
  readonly generatedBy: string;
  readonly violenceClassificationOrder: readonly string[];
  readonly caseRecordKinds: readonly string[];
  readonly identifiableFields: Readonly<Record<string, readonly string[]>>;
  readonly jsonSchemas: Readonly<Record<string, JsonSchema>>;
}

export function exportStandard(standard: Standard = STANDARD): StandardDocument {
  return {
    version: standard.version,
    generatedBy: '@paivand/schema',
    codelists: standard.codelists,
    datasets: standard.datasets,
    attributes: standard.attributes,
    violenceClassificationOrder: VIOLENCE_CLASSIFICATION_ORDER,
    caseRecordKinds: CASE_RECORD_KINDS,
    identifiableFields: IDENTIFIABLE_FIELDS_BY_KIND,
    jsonSchemas: standardJsonSchemas(standard),
  };
}
