import { randomBytes } from 'node:crypto';
import { AAD } from '../crypto/encrypted-columns';
import { KeyRing } from '../crypto/key-ring';
import type { StagedRow } from './row-mapper';
import { STAGED_COLUMNS } from './staging-buffer';
import { StagingLines } from './staging-lines';

const JOB = '00000000-0000-4000-8000-000000000001';

/** A synthetic staged row; every identifiable field is set (and one holds a tab and a newline, which COPY must escape). */
function row(i: number): StagedRow {
  return {
    rowNumber: i + 2,
    clientCode: `SYN-${i}`,
    sex: 'F',
    birthYear: 1990,
    clientDistrict: 'TJ-DU-01',
    maritalStatus: 'UNK',
    migrationStatus: 'UNK',
    hasDisability: false,
    registeredOn: '2025-01-02',
    fullName: `Synthetic Person ${i}`,
    phone: `+99290${String(i).padStart(7, '0')}`,
    address: i % 2 === 0 ? `Street ${i}\tflat 2\nsecond line` : null,
    dateOfBirth: '1990-03-04',
    clientNotes: i % 3 === 0 ? null : `note ${i}`,
    incidentCode: `INC-${i}`,
    incidentDate: '2025-01-01',
    reportedDate: '2025-01-02',
    incidentDistrict: 'TJ-DU-01',
    violenceTypes: ['physical_assault'],
    violenceType: 'physical_assault',
    perpetratorRelationship: 'UNK',
    consentServices: true,
    consentReporting: true,
    consentGivenOn: null,
    reportedByOtherMember: false,
    narrative: `narrative ${i}`,
    fingerprint: 'ab'.repeat(32),
  };
}

const unescape = (v: string): string | null => (v === '\\N' ? null : v.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c));

/** The COPY lines back as column -> value maps. */
function parse(lines: Buffer): Record<string, string | null>[] {
  return lines
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [STAGED_COLUMNS[i], unescape(v)])));
}

describe('StagingLines', () => {
  const ring = new KeyRing(`k1:${randomBytes(32).toString('base64')}`);

  it.each([
    ['on this thread', 10_000, false],
    ['on a worker thread', 0, true],
    ['on this thread, then on a worker thread', 150, true],
  ])('seals and writes every row, in order, %s', async (_how, workerAfter, threaded) => {
    const lines = new StagingLines(JOB, ring, workerAfter);
    const rows = Array.from({ length: 500 }, (_, i) => row(i));
    const out: Buffer[] = [];
    try {
      for (let i = 0; i < rows.length; i += 100) {
        lines.add(rows.slice(i, i + 100));
        out.push(await lines.take());
      }
      out.push(await lines.take(0));
      expect(lines.threaded).toBe(threaded);
    } finally {
      await lines.close();
    }
    const parsed = parse(Buffer.concat(out));
    expect(parsed.map((r) => Number(r.row_number))).toEqual(rows.map((r) => r.rowNumber));
    for (const [i, r] of parsed.entries()) {
      expect(r.job_id).toBe(JOB);
      expect(r.full_name_enc).toMatch(/^enc1:k1:/);
      expect(ring.open(r.full_name_enc, AAD.clientFullName)).toBe(rows[i].fullName);
      expect(ring.open(r.phone_enc, AAD.clientPhone)).toBe(rows[i].phone);
      expect(ring.open(r.address_enc, AAD.clientAddress)).toBe(rows[i].address);
      expect(ring.open(r.client_notes_enc, AAD.clientNotes)).toBe(rows[i].clientNotes);
      expect(ring.open(r.narrative_enc, AAD.incidentNarrative)).toBe(rows[i].narrative);
    }
    // no plaintext of an identifiable field anywhere in the lines
    const text = Buffer.concat(out).toString('utf8');
    expect(text).not.toContain('Synthetic Person');
    expect(text).not.toContain('+99290');
  });

  it('refuses rows after it was closed', async () => {
    const lines = new StagingLines(JOB, ring, 0);
    lines.add([row(1)]);
    await lines.close();
    expect(() => lines.add([row(2)])).toThrow('staging closed');
  });
});
