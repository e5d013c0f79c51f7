import { AAD } from '../crypto/encrypted-columns';
import type { KeyRing } from '../crypto/key-ring';
import type { StagedRow } from './row-mapper';

/** Columns of a staged row, in the order `StagingBuffer` writes them. */
export const STAGED_COLUMNS = [
  'job_id', 'row_number', 'client_code', 'sex', 'birth_year', 'client_district', 'marital_status', 'migration_status', 'has_disability',
  'registered_on', 'full_name_enc', 'phone_enc', 'address_enc', 'date_of_birth_enc', 'client_notes_enc', 'incident_code', 'incident_date',
  'reported_date', 'incident_district', 'violence_types', 'violence_type', 'perpetrator_relationship', 'consent_services', 'consent_reporting',
  'reported_by_other_member', 'narrative_enc', 'fingerprint', 'consent_given_on',
] as const;

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format (`\N` is NULL). */
function t(v: string | null): string {
  if (v === null) return '\\N';
  return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : v;
}
const b = (v: boolean): string => (v ? 't' : 'f');
/** A text[] literal; codes are codelist codes (no quotes, commas or braces), quoted anyway. */
const arr = (v: readonly string[]): string => t(`{${v.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);

/** The sealed fields of a staged row and the column each is sealed for (accepting copies the ciphertext as is). */
const SEALED_AADS = [AAD.clientFullName, AAD.clientPhone, AAD.clientAddress, AAD.clientDateOfBirth, AAD.clientNotes, AAD.incidentNarrative] as const;
const SEALED_PER_ROW = SEALED_AADS.length;

/**
 * Valid rows as COPY text format, gathered in one buffer until the next write to
 * Postgres: `add` seals the identifiable fields of a few rows in one `sealMany` call and
 * writes their lines at once (a batch of rows kept as objects and strings until the write
 * outlived the young generation of the heap; one big string handed to the COPY stream
 * cost more to encode than everything else here).
 */
export class StagingBuffer {
  private buf: Buffer;
  private at = 0;
  private readonly plain: (string | null)[] = [];
  private readonly aads: string[] = [];
  /** Ciphertexts are `enc1:<key id>:<base64>`: only a key id could need escaping. */
  private readonly escapeSealed: boolean;

  constructor(
    private readonly jobId: string,
    private readonly ring: KeyRing,
    capacity = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.escapeSealed = t(ring.currentPrefix) !== ring.currentPrefix;
  }

  private sealed(v: string | null): string {
    return v === null ? '\\N' : this.escapeSealed ? t(v) : v;
  }

  add(rows: readonly StagedRow[]): void {
    const plain = this.plain;
    const aads = this.aads;
    plain.length = 0;
    aads.length = 0;
    for (const r of rows) {
      plain.push(r.fullName, r.phone, r.address, r.dateOfBirth, r.clientNotes, r.narrative);
      aads.push(...SEALED_AADS);
    }
    const sealed = this.ring.sealMany(plain, aads);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const e = i * SEALED_PER_ROW;
      // Codes, dates and the fingerprint are validated (codelist codes, ISO dates, hex): nothing to escape.
      const line = `${this.jobId}\t${r.rowNumber}\t${t(r.clientCode)}\t${r.sex}\t${r.birthYear === null ? '\\N' : r.birthYear}\t${r.clientDistrict}\t${r.maritalStatus}\t${
        r.migrationStatus
      }\t${b(r.hasDisability)}\t${r.registeredOn}\t${this.sealed(sealed[e])}\t${this.sealed(sealed[e + 1])}\t${this.sealed(sealed[e + 2])}\t${this.sealed(
        sealed[e + 3],
      )}\t${this.sealed(sealed[e + 4])}\t${t(r.incidentCode)}\t${r.incidentDate}\t${r.reportedDate}\t${r.incidentDistrict}\t${arr(r.violenceTypes)}\t${
        r.violenceType
      }\t${r.perpetratorRelationship}\t${b(r.consentServices)}\t${b(r.consentReporting)}\t${b(r.reportedByOtherMember)}\t${this.sealed(sealed[e + 5])}\t${
        r.fingerprint
      }\t${r.consentGivenOn ?? '\\N'}\n`;
      // At most three UTF-8 bytes per UTF-16 unit.
      if (this.at + line.length * 3 > this.buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + line.length * 3));
        this.buf.copy(bigger, 0, 0, this.at);
        this.buf = bigger;
      }
      this.at += this.buf.write(line, this.at);
    }
  }

  /** Bytes of lines gathered so far. */
  get length(): number {
    return this.at;
  }

  /** The lines gathered so far; the buffer starts again empty (a new one: the COPY stream may still hold the old). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.at = 0;
    return out;
  }
}

