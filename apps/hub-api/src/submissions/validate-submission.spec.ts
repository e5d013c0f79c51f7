import { protectRelease } from '@paivand/anonymizer';
import { DatasetDecl, SignedSubmission, STANDARD, StandardIndex, SubmissionCell, SubmissionPayload, TOTAL_CODE } from '@paivand/schema';
import { generateReportableRecords } from '@paivand/synthetic';
import { ConflictList } from './import-summary';
import { checkProtection, validateCells } from './validate-submission';

const services = STANDARD.datasets.find((d) => d.id === 'services_monthly') as DatasetDecl;
const raised = (protection: Partial<DatasetDecl['protection']>): DatasetDecl => ({ ...services, protection: { ...services.protection, ...protection } });
const payload = (protection: SubmissionPayload['protection']): SubmissionPayload => ({ protection }) as SubmissionPayload;
const messages = (list: ConflictList): string[] => list.toArray().map((c) => `${c.code}: ${c.message}`);

describe('checkProtection: the stricter of the release\'s version and the current one, named', () => {
  it('below both floors, the refusal names the current one, the one that binds', () => {
    const out = new ConflictList();
    checkProtection(payload({ method: 'suppression', k: 4, protectionRange: 4 }), services, out, { dataset: raised({ k: 8, protectionRange: 9 }), version: '2026.7' });
    expect(messages(out)).toEqual(['K_TOO_LOW: k must be at least 8 since standard 2026.7', 'PROTECTION_RANGE_TOO_LOW: protectionRange must be at least 9 since standard 2026.7']);
  });

  it("below the release's own floor only (the current version lowered nothing it could): its own, without a version", () => {
    const out = new ConflictList();
    checkProtection(payload({ method: 'suppression', k: 4, protectionRange: 5 }), services, out, { dataset: services, version: '2026.7' });
    expect(messages(out)).toEqual([`K_TOO_LOW: k must be at least ${services.protection.k}`]);
  });
});

describe('validateCells: what the published cells of a suppression table give away', () => {
  const std = new StandardIndex(STANDARD);
  const T = std.codes('service_type');
  const O = std.codes('service_outcome');
  /** services_monthly with every inner count from `truth` and its margins, `hidden` cells (`t,o`, the total at index length) suppressed, `override` values set. */
  const table = (truth: (t: number, o: number) => number, hidden: readonly string[], override: Record<string, number> = {}): SubmissionCell[] => {
    const cells: SubmissionCell[] = [];
    for (let ti = 0; ti <= T.length; ti++) {
      for (let oi = 0; oi <= O.length; oi++) {
        let value = 0;
        for (let a = 0; a < T.length; a++) for (let b = 0; b < O.length; b++) if ((ti === T.length || ti === a) && (oi === O.length || oi === b)) value += truth(a, b);
        const at = `${ti},${oi}`;
        const key = [ti === T.length ? TOTAL_CODE : T[ti], oi === O.length ? TOTAL_CODE : O[oi]];
        if (hidden.includes(at)) cells.push({ key, value: null, obsStatus: 'Q', confStatus: 'C' });
        else cells.push({ key, value: override[at] ?? value, obsStatus: 'A', confStatus: 'F' });
      }
    }
    return cells;
  };
  const codes = (cells: SubmissionCell[]): string[] => {
    const out = new ConflictList();
    const s = { keyId: 'k', signature: '', payload: { memberId: 'm', datasetId: services.id, schemaVersion: std.version, period: '2025-03', revision: 1, dimensions: services.dimensions.map((d) => d.id), protection: { method: 'suppression', k: 5, protectionRange: 5 }, cells, contentHash: '', preparedAt: '2025-04-01T00:00:00Z' } } as SignedSubmission;
    validateCells(s, std, services, new Date('2026-01-01T00:00:00Z'), out);
    return [...new Set(out.toArray().map((c) => c.code))];
  };
  const ten = (): number => 10;
  const block = ['0,0', '0,1', '1,0', '1,1'];

  it('accepts a 2x2 block of tens hidden (each cell free to move by 10), and a table with nothing hidden', () => {
    expect(codes(table(ten, block))).toEqual([]);
    expect(codes(table(ten, []))).toEqual([]);
  });

  it('refuses a total below its published parts: hidden parts are never negative (a false grand total of 0 let protected zeros through)', () => {
    expect(codes(table(ten, block, { [`0,${O.length}`]: 5 }))).toEqual(['MARGIN_MISMATCH']);
    const zeros = (a: number, b: number): number => (a === 5 && b === 2 ? 0 : 10);
    expect(codes(table(zeros, block))).toEqual(['SMALL_CELL_UNFLAGGED']);
    expect(codes(table(zeros, block, { [`${T.length},${O.length}`]: 0 }))).toEqual(['MARGIN_MISMATCH']);
  });

  it('refuses a suppressed cell the published cells give away: two blocks and a bridge (no total with one hidden part), hidden totals of published rows', () => {
    const bridged = (a: number, b: number): number => (a === 0 && b === 2 ? 3 : 10);
    expect(codes(table(bridged, [...block, '2,2', '2,3', '3,2', '3,3', '0,2']))).toEqual(['SUPPRESSION_DISCLOSED']);
    expect(codes(table(ten, [`0,${O.length}`, `1,${O.length}`]))).toEqual(['SUPPRESSION_DISCLOSED']);
  });

  it('refuses a suppressed cell confined to less than the protection range: a hidden 1 beside hidden zeros is 0 or 1', () => {
    const one = (a: number, b: number): number => (a === 0 && b === 0 ? 1 : a < 2 && b < 2 ? 0 : 10);
    expect(codes(table(one, block))).toEqual(['SUPPRESSION_DISCLOSED']);
  });

  it('accepts what the anonymizer emits for a synthetic centre-month', async () => {
    const records = generateReportableRecords({ seed: 'hub-validate', centre: { id: 'V', centreType: 'crisis_centre', region: 'TJ-SU' }, from: '2025-03-01', to: '2025-03-31', incidents: 150, salt: 'v', units: ['service'] });
    const { tables } = await protectRelease({ standard: std, datasets: [services], period: '2025-03', records });
    expect(tables[0].cells.some((c) => c.value === null)).toBe(true);
    expect(codes([...tables[0].cells])).toEqual([]);
  });
});
