import { ageBandOn, CaseRecordError, classifyViolence } from '@paivand/schema';
import { FORMULA_CHARS } from '../exports/csv-writer';
import { clientCodeOf, derivedIncidentCode, incidentBeforeBirth, incidentFingerprint } from '../register/fingerprint';
import { ImportField } from './import-fields';
import { clientErrors, FieldError, incidentErrors, isIsoDateText, LatestDate, latestDate } from './row-validator';
import { CodedField, ValueDictionary } from './value-dictionary';

export type Cell = string | number | boolean | Date | null | undefined;

/** Reason codes of the row-by-row report (the case-record codes plus the import's own). */
export type ImportReason =
  | CaseRecordError['code']
  | 'UNKNOWN_VALUE'
  | 'DUPLICATE_IN_FILE'
  | 'ALREADY_IN_REGISTER'
  | 'INCIDENT_CODE_TAKEN';

export interface RowIssue {
  readonly field: ImportField;
  readonly reason: ImportReason;
}

/** A valid row, ready to stage: codes and dates; the identifiable fields are still plaintext (staging.ts seals them a batch at a time). */
export interface StagedRow {
  rowNumber: number;
  clientCode: string;
  sex: string;
  birthYear: number | null;
  clientDistrict: string;
  maritalStatus: string;
  migrationStatus: string;
  hasDisability: boolean;
  registeredOn: string;
  fullName: string | null;
  phone: string | null;
  address: string | null;
  dateOfBirth: string | null;
  clientNotes: string | null;
  incidentCode: string;
  incidentDate: string;
  reportedDate: string;
  incidentDistrict: string;
  violenceTypes: string[];
  violenceType: string;
  perpetratorRelationship: string;
  consentServices: boolean;
  consentReporting: boolean;
  consentGivenOn: string | null;
  reportedByOtherMember: boolean;
  narrative: string | null;
  fingerprint: string;
  /** Her age band at the incident, from the row's date of birth or birth year (ageBandOn). */
  ageBand: string;
}

/** Fields that take a default when their column is absent or the cell is empty. */
const DEFAULT_UNKNOWN: readonly ImportField[] = ['maritalStatus', 'migrationStatus', 'perpetratorRelationship'];

/** Fields that default to (or are derived from) other fields when their own cell is empty. */
const DERIVED_FROM: Readonly<Partial<Record<ImportField, readonly ImportField[]>>> = {
  incidentDistrict: ['district'],
  incidentCode: ['clientCode', 'incidentDate', 'violenceTypes'],
  registeredOn: ['reportedDate'],
};

/** Which import field a case-record error path points at. */
const CLIENT_FIELD: Readonly<Record<string, ImportField>> = { notes: 'clientNotes' };
const INCIDENT_FIELD: Readonly<Record<string, ImportField>> = {
  incidentId: 'incidentCode',
  district: 'incidentDistrict',
  violenceType: 'violenceTypes',
  'consent.services': 'consentServices',
  'consent.reporting': 'consentReporting',
  'consent.givenOn': 'consentGivenOn',
};

/** A case-record error as an import field and reason. */
function importError(e: FieldError, rename: Readonly<Record<string, ImportField>>): { field: ImportField; reason: ImportReason } {
  const field = rename[e.field] ?? rename[e.field.split('.')[0]] ?? (e.field.split('.')[0] as ImportField);
  return { field, reason: e.code };
}

/** The `'` the export puts before a text a spreadsheet would read as a formula (csv-writer.ts), which a re-import takes off. */
const EXPORT_ESCAPE = new RegExp(`^'(?=${FORMULA_CHARS})`);

function text(cell: Cell): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  const s = String(cell).replace(EXPORT_ESCAPE, '').trim();
  return s === '' ? undefined : s;
}

const DMY = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/;

/**
 * A spreadsheet's dates (numbers, or cells it styles as dates) before this are not taken: they are
 * a mistake of the file, not a date of this register. A year typed into a date column (1990) is
 * day 1990 of the 1900 date system, 12 June 1905, and an ISO date typed as a date cell (`t="d"`,
 * which the reader reads as the number before its first dash) is one of 1905 too: stored, either
 * would have been a wrong date (and a birth year of 1905) without a word.
 */
const SPREADSHEET_DATE_FLOOR = Date.UTC(1910, 0, 1);
/** What parseDate gives for a spreadsheet date it does not take: validation refuses it (INVALID_DATE). */
const NOT_A_REGISTER_DATE = 'not a register date';

/** `YYYY-MM-DD`, `DD.MM.YYYY`, `DD/MM/YYYY` or a spreadsheet date, as `YYYY-MM-DD`; anything else is returned as is (and refused by validation). */
export function parseDate(cell: Cell): string | undefined {
  // A spreadsheet date without its style arrives as the serial day number (1900 date system).
  if (typeof cell === 'number' && cell > 0 && cell < 2_958_466) {
    const ms = Date.UTC(1899, 11, 30) + Math.floor(cell) * 86_400_000;
    return ms < SPREADSHEET_DATE_FLOOR ? NOT_A_REGISTER_DATE : new Date(ms).toISOString().slice(0, 10);
  }
  if (cell instanceof Date && cell.getTime() < SPREADSHEET_DATE_FLOOR) return NOT_A_REGISTER_DATE;
  const s = text(cell);
  if (s === undefined) return undefined;
  const m = DMY.exec(s);
  if (m) return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return s.length > 10 && isIsoDateText(s.slice(0, 10)) && /^\d{4}-\d{2}-\d{2}[T ]/.test(s) ? s.slice(0, 10) : s;
}

/**
 * Turns one row of cells into a staged row, or the list of its problems (field and
 * reason code; never the value). Pure: testable without a database or a key.
 */
export class RowMapper {
  constructor(
    private readonly columns: Partial<Record<ImportField, number>>,
    private readonly dictionary: ValueDictionary,
    /** "Today" for the rule against dates in the future: when the import started. */
    private readonly latest: LatestDate = latestDate(),
  ) {}

  private cell(cells: readonly Cell[], field: ImportField): Cell {
    const i = this.columns[field];
    return i === undefined ? undefined : cells[i];
  }

  map(rowNumber: number, cells: readonly Cell[]): { row: StagedRow; issues: [] } | { row: null; issues: RowIssue[] } {
    const issues: RowIssue[] = [];
    const failed = new Set<ImportField>();
    const fail = (field: ImportField, reason: ImportReason): void => {
      if (!failed.has(field)) issues.push({ field, reason });
      failed.add(field);
    };
    const str = (f: ImportField): string | undefined => text(this.cell(cells, f));
    const coded = (f: CodedField & ImportField): string | undefined => {
      const v = str(f);
      if (v === undefined) return DEFAULT_UNKNOWN.includes(f) ? 'UNK' : undefined;
      const code = this.dictionary.code(f, v);
      if (code === undefined) fail(f, 'UNKNOWN_VALUE');
      return code;
    };
    const bool = (f: ImportField, fallback?: boolean): boolean | undefined => {
      const c = this.cell(cells, f);
      if (typeof c === 'boolean') return c;
      const v = text(c);
      if (v === undefined) return fallback;
      const b = this.dictionary.boolean(f, v);
      if (b === undefined) fail(f, 'UNKNOWN_VALUE');
      return b;
    };
    const int = (f: ImportField): number | undefined => {
      const v = str(f);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n)) fail(f, 'INVALID_TYPE');
      return Number.isInteger(n) ? n : undefined;
    };

    // case-insensitive, kept in capitals as the register keeps it
    const rawClientCode = str('clientCode');
    const clientCode = rawClientCode === undefined ? undefined : clientCodeOf(rawClientCode);
    const district = coded('district');
    const reportedDate = parseDate(this.cell(cells, 'reportedDate'));
    const incidentDate = parseDate(this.cell(cells, 'incidentDate'));
    // Reported first: other fields default to these dates.
    if (reportedDate !== undefined && !isIsoDateText(reportedDate)) fail('reportedDate', 'INVALID_DATE');
    if (incidentDate !== undefined && !isIsoDateText(incidentDate)) fail('incidentDate', 'INVALID_DATE');
    const client = {
      clientCode,
      sex: coded('sex'),
      birthYear: int('birthYear'),
      district,
      maritalStatus: coded('maritalStatus'),
      migrationStatus: coded('migrationStatus'),
      hasDisability: bool('hasDisability', false),
      registeredOn: parseDate(this.cell(cells, 'registeredOn')) ?? reportedDate,
      fullName: str('fullName'),
      phone: str('phone'),
      address: str('address'),
      dateOfBirth: parseDate(this.cell(cells, 'dateOfBirth')),
      notes: str('clientNotes'),
    };
    let violenceTypes: string[] | undefined;
    const vtText = str('violenceTypes');
    if (vtText !== undefined) {
      const r = this.dictionary.codes('violenceTypes', vtText);
      if (r.unknown) fail('violenceTypes', 'UNKNOWN_VALUE');
      else violenceTypes = r.codes;
    }
    let violenceType: string | undefined;
    try {
      violenceType = violenceTypes ? classifyViolence(violenceTypes) : undefined;
    } catch {
      fail('violenceTypes', 'UNKNOWN_CODE');
    }
    const incidentDistrict = this.columns.incidentDistrict === undefined || str('incidentDistrict') === undefined ? district : coded('incidentDistrict');
    const fingerprint = clientCode && incidentDate && violenceType ? incidentFingerprint(clientCode, incidentDate, violenceType) : '';
    const incident = {
      incidentId: str('incidentCode') ?? (fingerprint ? derivedIncidentCode(fingerprint) : undefined),
      clientCode,
      incidentDate,
      reportedDate,
      district: incidentDistrict,
      violenceTypes,
      violenceType,
      perpetratorRelationship: coded('perpetratorRelationship'),
      consent: { services: bool('consentServices'), reporting: bool('consentReporting'), givenOn: parseDate(this.cell(cells, 'consentGivenOn')) },
      reportedByOtherMember: bool('reportedByOtherMember', false),
      narrative: str('narrative'),
    };

    // The standard's rules, validated once per record (the same as `validateCaseRecord`, see row-validator.ts).
    const clientFound = clientErrors(client, this.latest);
    const incidentFound = incidentErrors(incident, this.latest);
    if (clientFound.length + incidentFound.length > 0) {
      const errors = [...clientFound.map((e) => importError(e, CLIENT_FIELD)), ...incidentFound.map((e) => importError(e, INCIDENT_FIELD))];
      // A value derived from other fields (its own cell empty) fails because they did: once every field's own
      // problems are known, the derived ones are reported only when none of their sources has one.
      const derivedFrom = (f: ImportField): readonly ImportField[] | undefined => (str(f) === undefined ? DERIVED_FROM[f] : undefined);
      for (const e of errors) if (derivedFrom(e.field) === undefined) fail(e.field, e.reason);
      for (const e of errors) if (derivedFrom(e.field)?.some((f) => failed.has(f)) === false) fail(e.field, e.reason);
    }
    // an incident before the client was born (the register's own rule, as recordIncident's): a release
    // would count her in no age band
    if (issues.length === 0 && incidentBeforeBirth(incident.incidentDate, client.birthYear, client.dateOfBirth)) fail('incidentDate', 'DATE_ORDER');
    if (issues.length > 0) return { row: null, issues };

    return {
      row: {
        rowNumber,
        clientCode: clientCode!,
        sex: client.sex!,
        birthYear: client.birthYear ?? (client.dateOfBirth ? Number(client.dateOfBirth.slice(0, 4)) : null),
        clientDistrict: district!,
        maritalStatus: client.maritalStatus!,
        migrationStatus: client.migrationStatus!,
        hasDisability: client.hasDisability!,
        registeredOn: client.registeredOn!,
        fullName: client.fullName ?? null,
        phone: client.phone ?? null,
        address: client.address ?? null,
        dateOfBirth: client.dateOfBirth ?? null,
        clientNotes: client.notes ?? null,
        incidentCode: incident.incidentId!,
        incidentDate: incidentDate!,
        reportedDate: reportedDate!,
        incidentDistrict: incidentDistrict!,
        violenceTypes: violenceTypes!,
        violenceType: violenceType!,
        perpetratorRelationship: incident.perpetratorRelationship!,
        consentServices: incident.consent.services!,
        consentReporting: incident.consent.reporting!,
        consentGivenOn: incident.consent.givenOn ?? null,
        reportedByOtherMember: incident.reportedByOtherMember!,
        narrative: incident.narrative ?? null,
        fingerprint,
        ageBand: ageBandOn({ birthYear: client.birthYear, dateOfBirth: client.dateOfBirth }, incidentDate!),
      },
      issues: [],
    };
  }
}
