import { MAX_ADDRESS, MAX_NAME, MAX_NARRATIVE, MAX_NOTES, PHONE_PATTERN, RECORD_ID_PATTERN } from './case-record/common';
import { IDENTIFIABLE_FIELDS } from './case-record/identifiable';
import { REFERRAL_DIRECTIONS } from './case-record/service.record';
import { CaseRecordKind } from './case-record/validate';
import { CodelistId } from './codelists/codelist';
import { Standard, STANDARD } from './standard';
import { IMPORT_ERROR_CODES, IMPORT_STATUS } from './wire/import-summary';
import { CONF_STATUS, OBS_STATUS } from './wire/status';

/** A JSON Schema (draft 2020-12) document or sub-schema. */
export type JsonSchema = { readonly [key: string]: unknown };

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const ISO_DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
const idString: JsonSchema = { type: 'string', pattern: RECORD_ID_PATTERN.source };
const date: JsonSchema = { type: 'string', format: 'date', pattern: ISO_DATE };
const bool: JsonSchema = { type: 'boolean' };
const text = (maxLength: number): JsonSchema => ({ type: 'string', maxLength });
const identifiable = (s: JsonSchema): JsonSchema => ({ ...s, 'x-identifiable': true });

function codes(standard: Standard, id: CodelistId): JsonSchema {
  const list = standard.codelists.find((l) => l.id === id);
  if (!list) throw new Error(`standard ${standard.version} has no codelist ${id}`);
  return { type: 'string', enum: list.codes.map((c) => c.code), 'x-codelist': id };
}

function record(standard: Standard, kind: CaseRecordKind, title: string, properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:paivand:standard:${standard.version}:case-record:${kind}`,
    title,
    type: 'object',
    properties,
    required,
    additionalProperties: false,
    'x-identifiable-fields': Object.keys(properties).filter((p) => (IDENTIFIABLE_FIELDS as readonly string[]).includes(p)),
    ...extra,
  };
}

/** JSON Schemas of the case record a node keeps, with enums from the standard's codelists. */
export function caseRecordJsonSchemas(standard: Standard = STANDARD): Readonly<Record<CaseRecordKind, JsonSchema>> {
  const c = (id: CodelistId) => codes(standard, id);
  return {
    client: record(
      standard,
      'client',
      'Client (survivor) registered by a member centre',
      {
        clientCode: idString,
        sex: c('sex'),
        birthYear: { type: 'integer', minimum: 1900, maximum: 2999 },
        district: c('district'),
        maritalStatus: c('marital_status'),
        migrationStatus: c('migration_status'),
        hasDisability: bool,
        registeredOn: date,
        fullName: identifiable(text(MAX_NAME)),
        phone: identifiable({ type: 'string', pattern: PHONE_PATTERN.source }),
        address: identifiable(text(MAX_ADDRESS)),
        dateOfBirth: identifiable(date),
        notes: identifiable(text(MAX_NOTES)),
      },
      ['clientCode', 'sex', 'district', 'maritalStatus', 'migrationStatus', 'hasDisability', 'registeredOn'],
    ),
    incident: record(
      standard,
      'incident',
      'Incident (one survivor, one classified violence type)',
      {
        incidentId: idString,
        clientCode: idString,
        incidentDate: date,
        reportedDate: { ...date, description: 'not before incidentDate' },
        district: c('district'),
        violenceTypes: { type: 'array', items: c('violence_type'), minItems: 1, maxItems: 6, uniqueItems: true },
        violenceType: { ...c('violence_type'), description: 'the GBVIMS classification of violenceTypes (first in the classification order)' },
        perpetratorRelationship: c('perpetrator_relationship'),
        consent: {
          type: 'object',
          properties: { services: bool, reporting: bool, givenOn: date },
          required: ['services', 'reporting'],
          additionalProperties: false,
        },
        reportedByOtherMember: bool,
        narrative: identifiable(text(MAX_NARRATIVE)),
      },
      ['incidentId', 'clientCode', 'incidentDate', 'reportedDate', 'district', 'violenceTypes', 'violenceType', 'perpetratorRelationship', 'consent', 'reportedByOtherMember'],
    ),
    service: record(
      standard,
      'service',
      'Service delivered for an incident',
      { serviceId: idString, incidentId: idString, date, serviceType: c('service_type'), outcome: c('service_outcome'), notes: identifiable(text(MAX_NOTES)) },
      ['serviceId', 'incidentId', 'date', 'serviceType', 'outcome'],
    ),
    referral: record(
      standard,
      'referral',
      'Referral into or out of the centre',
      {
        referralId: idString,
        incidentId: idString,
        date,
        direction: { type: 'string', enum: [...REFERRAL_DIRECTIONS] },
        source: c('referral_source'),
        destination: c('referral_destination'),
        accepted: bool,
        notes: identifiable(text(MAX_NOTES)),
      },
      ['referralId', 'incidentId', 'date', 'direction', 'accepted'],
      {
        allOf: [
          { if: { properties: { direction: { const: 'incoming' } } }, then: { required: ['source'] } },
          { if: { properties: { direction: { const: 'outgoing' } } }, then: { required: ['destination'] } },
        ],
      },
    ),
    consultation: record(
      standard,
      'consultation',
      'Hotline consultation',
      {
        consultationId: idString,
        date,
        topic: c('hotline_topic'),
        callerSex: c('sex'),
        callerAgeBand: c('age_band'),
        district: c('district'),
        callerCode: idString,
        callerIsSurvivor: bool,
        referredTo: c('referral_destination'),
        consentReporting: { ...bool, description: 'consent that the consultation counts in anonymized statistics (releases count only consultations with it)' },
        notes: identifiable(text(MAX_NOTES)),
      },
      ['consultationId', 'date', 'topic', 'callerSex', 'callerIsSurvivor'],
    ),
  };
}

const nonNegativeInt: JsonSchema = { type: 'integer', minimum: 0 };

/** JSON Schema of a signed submission (node -> hub). */
export function signedSubmissionJsonSchema(standard: Standard = STANDARD): JsonSchema {
  const cell: JsonSchema = {
    type: 'object',
    properties: {
      key: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      value: { oneOf: [nonNegativeInt, { type: 'null' }] },
      obsStatus: { type: 'string', enum: [...OBS_STATUS] },
      confStatus: { type: 'string', enum: [...CONF_STATUS] },
    },
    required: ['key', 'value', 'obsStatus', 'confStatus'],
    additionalProperties: false,
  };
  const payload: JsonSchema = {
    type: 'object',
    properties: {
      memberId: { type: 'string', minLength: 1 },
      datasetId: { type: 'string', enum: standard.datasets.map((d) => d.id), description: 'datasets of this version; the hub may know more' },
      schemaVersion: { type: 'string', pattern: '^\\d{4}\\.\\d+$' },
      period: { type: 'string', pattern: '^\\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$' },
      revision: { type: 'integer', minimum: 1 },
      dimensions: { type: 'array', items: { type: 'string' }, minItems: 1 },
      protection: {
        type: 'object',
        properties: {
          method: { type: 'string', enum: ['suppression', 'differential_privacy'] },
          k: { type: 'integer', minimum: 1 },
          protectionRange: { type: 'number', minimum: 0 },
          epsilon: { type: 'number', exclusiveMinimum: 0 },
        },
        required: ['method', 'k', 'protectionRange'],
        additionalProperties: false,
      },
      cells: { type: 'array', items: { $ref: '#/$defs/cell' } },
      contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      preparedAt: { type: 'string', format: 'date-time' },
    },
    required: ['memberId', 'datasetId', 'schemaVersion', 'period', 'revision', 'dimensions', 'protection', 'cells', 'contentHash', 'preparedAt'],
    additionalProperties: false,
  };
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:paivand:standard:${standard.version}:signed-submission`,
    title: 'Signed submission: protected cells of one dataset and period, signed by the member (Ed25519 over canonical JSON of the payload)',
    type: 'object',
    properties: {
      payload: { $ref: '#/$defs/payload' },
      signature: { type: 'string', pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'base64 Ed25519 signature over canonicalJson(payload)' },
      keyId: { type: 'string', minLength: 1 },
    },
    required: ['payload', 'signature', 'keyId'],
    additionalProperties: false,
    $defs: { payload, cell },
  };
}

/** JSON Schema of the hub's import summary. */
export function importSummaryJsonSchema(standard: Standard = STANDARD): JsonSchema {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:paivand:standard:${standard.version}:import-summary`,
    title: 'Import summary (the hub answer to a submission)',
    type: 'object',
    properties: {
      status: { type: 'string', enum: [...IMPORT_STATUS] },
      description: { type: 'string' },
      dryRun: bool,
      counts: {
        type: 'object',
        properties: { imported: nonNegativeInt, updated: nonNegativeInt, ignored: nonNegativeInt, rejected: nonNegativeInt },
        required: ['imported', 'updated', 'ignored', 'rejected'],
        additionalProperties: false,
      },
      conflicts: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            code: { type: 'string', enum: [...IMPORT_ERROR_CODES] },
            object: { type: 'string' },
            message: { type: 'string' },
            cellIndexes: { type: 'array', items: nonNegativeInt },
          },
          required: ['code', 'object', 'message', 'cellIndexes'],
          additionalProperties: false,
        },
      },
      reference: {
        type: 'object',
        // revision 0: the payload named no valid revision (the summary of a payload refused as malformed)
        properties: { memberId: { type: 'string' }, datasetId: { type: 'string' }, period: { type: 'string' }, revision: { type: 'integer', minimum: 0 } },
        required: ['memberId', 'datasetId', 'period', 'revision'],
        additionalProperties: false,
      },
      submissionId: { type: 'string' },
      hubRevision: { type: 'integer', minimum: 1, description: 'With REVISION_CONFLICT: the revision the hub holds of the period (send a higher one)' },
    },
    required: ['status', 'description', 'dryRun', 'counts', 'conflicts', 'reference'],
    additionalProperties: false,
  };
}

/** Every JSON Schema of the standard, by name. */
export function standardJsonSchemas(standard: Standard = STANDARD): Readonly<Record<string, JsonSchema>> {
  const cases = caseRecordJsonSchemas(standard);
  return {
    ...Object.fromEntries(Object.entries(cases).map(([k, v]) => [`case-record/${k}`, v])),
    'signed-submission': signedSubmissionJsonSchema(standard),
    'import-summary': importSummaryJsonSchema(standard),
  };
}
