import fc from 'fast-check';
import crypto, { createHash, randomBytes } from 'node:crypto';
import { DatasetDecl, TOTAL_CODE } from '@paivand/schema';
import { DpCounter } from './dp';
import { ExactSampler, discreteLaplaceVariance, toRational } from './sampler';
import { protectRelease } from './protect';
import { LedgerEntry } from './types';
import { recordsFor, syntheticDataset, syntheticStandard } from '../test/fixtures';

/** A buffered cryptographic source (fewer syscalls in tests that draw many samples). */
function bufferedRandom(): (n: number) => Uint8Array {
  let buf = randomBytes(0);
  let pos = 0;
  return (n) => {
    if (pos + n > buf.length) {
      buf = randomBytes(Math.max(65536, n));
      pos = 0;
    }
    pos += n;
    return buf.subarray(pos - n, pos);
  };
}

/** A seeded byte stream (SHA-256 in counter mode): the statistical tests see the same draws on every run. */
function seededBytes(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  let block = Buffer.alloc(0);
  let pos = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (pos === block.length) {
        block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        pos = 0;
      }
      out[i] = block[pos++];
    }
    return out;
  };
}

function dpDataset(sizes: number[], policy = { epsilonPerRelease: 0.5, annualEpsilon: 2, maxContributionsPerClient: 2 }): DatasetDecl {
  const base = syntheticDataset('dp', sizes);
  return { ...base, protection: { ...base.protection, method: 'differential_privacy', differentialPrivacy: policy } };
}

describe('exact discrete Laplace sampler', () => {
  it('draws integers with mean 0 and the expected variance (within 9%)', () => {
    // seeded: with a fresh random source the 9% bound fails about once in a thousand runs (the tails are heavy)
    const sampler = new ExactSampler(seededBytes('variance'));
    for (const [t, s] of [
      [2n, 1n],
      [4n, 1n],
      [1n, 2n],
    ] as const) {
      const n = 12_000;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const x = sampler.discreteLaplace(t, s);
        expect(typeof x).toBe('bigint');
        const v = Number(x);
        sum += v;
        sq += v * v;
      }
      const mean = sum / n;
      const variance = sq / n - mean * mean;
      const expected = discreteLaplaceVariance(Number(t) / Number(s));
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(expected / n));
      expect(Math.abs(variance / expected - 1)).toBeLessThan(0.09);
    }
  });

  it('uses only the injected byte source (deterministic given the bytes)', () => {
    const fixed = (seed: number) => {
      let x = seed;
      return (n: number) => Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) & 0xff);
    };
    const a = Array.from({ length: 50 }, ((s) => () => s.discreteLaplace(3n, 1n))(new ExactSampler(fixed(1))));
    const b = Array.from({ length: 50 }, ((s) => () => s.discreteLaplace(3n, 1n))(new ExactSampler(fixed(1))));
    expect(a).toEqual(b);
  });

  it('converts epsilons to exact rationals', () => {
    expect(toRational(0.5)).toEqual([1n, 2n]);
    expect(toRational(3)).toEqual([3n, 1n]);
    const [n, d] = toRational(0.1);
    expect(Number(n) / Number(d)).toBe(0.1);
  });
});

describe('differential privacy release', () => {
  it('yields non-negative integer tables whose margins add up, flagged E/F (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 3 }).chain((sizes) =>
          fc.record({ sizes: fc.constant(sizes), counts: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: sizes.reduce((a, b) => a * b, 1), maxLength: sizes.reduce((a, b) => a * b, 1) }) }),
        ),
        async ({ sizes, counts }) => {
          const ds = dpDataset(sizes);
          const standard = syntheticStandard(sizes, [ds]);
          const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-02', records: recordsFor(sizes, counts, '2026-02'), random: bufferedRandom() });
          const cells = new Map(tables[0].cells.map((c) => [c.key.join('|'), c]));
          // every combination of codes and totals, in the order a suppression table of the same dimensions has
          const suppressed = syntheticDataset('dp', sizes);
          const plain = await protectRelease({ standard: syntheticStandard(sizes, [suppressed]), datasets: [suppressed], period: '2026-02', records: [] });
          expect(tables[0].cells.map((c) => c.key)).toEqual(plain.tables[0].cells.map((c) => c.key));
          expect(tables[0].dimensions).toEqual(plain.tables[0].dimensions);
          for (const c of tables[0].cells) {
            expect(Number.isInteger(c.value)).toBe(true);
            expect(c.value as number).toBeGreaterThanOrEqual(0);
            expect([c.obsStatus, c.confStatus]).toEqual(['E', 'F']);
            c.key.forEach((code, d) => {
              if (code !== TOTAL_CODE) return;
              let sum = 0;
              for (let j = 0; j < sizes[d]; j++) sum += cells.get(c.key.map((x, i) => (i === d ? `c${j}` : x)).join('|'))?.value as number;
              expect(sum).toBe(c.value);
            });
          }
          expect(report.datasets[0].epsilon).toBe(0.5);
        },
      ),
      { numRuns: 40, seed: 3 },
    );
  });

  it('is a function of the records and the injected bytes alone: the same bytes give the same table, other bytes other noise', async () => {
    const sizes = [3, 2];
    const ds = dpDataset(sizes, { epsilonPerRelease: 0.5, annualEpsilon: 20, maxContributionsPerClient: 2 });
    const standard = syntheticStandard(sizes, [ds]);
    const counts = [12, 0, 7, 30, 3, 18];
    const seeded = (seed: number) => {
      let x = seed;
      return (n: number) => Uint8Array.from({ length: n }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) >>> 16 & 0xff);
    };
    const release = async (seed: number) =>
      (await protectRelease({ standard, datasets: [ds], period: '2026-02', records: recordsFor(sizes, counts, '2026-02'), random: seeded(seed) })).tables[0].cells.map((c) => c.value);
    expect(await release(7)).toEqual(await release(7));
    const others = await Promise.all([8, 9, 10].map(release));
    expect(new Set([await release(7), ...others].map((v) => JSON.stringify(v))).size).toBeGreaterThan(1);
  });

  it('caps contributions per client', async () => {
    const ds = dpDataset([2]);
    const standard = syntheticStandard([2], [ds]);
    const records = recordsFor([2], [10, 0], '2026-02').map((r) => ({ ...r, subject: 'same-client' }));
    const { report } = await protectRelease({ standard, datasets: [ds], period: '2026-02', records, random: bufferedRandom() });
    expect(report.datasets[0].recordsCounted).toBe(2);
    expect(report.datasets[0].leftOut.overContributionCap).toBe(8);
  });

  it('keeps a uniformly random choice of a client\'s records past the cap, whatever their order (the node sorts its extract by code)', () => {
    const ds = dpDataset([10], { epsilonPerRelease: 0.5, annualEpsilon: 2, maxContributionsPerClient: 3 });
    const standard = syntheticStandard([10], [ds]);
    // one client, one record in each of the ten cells, always in the same order
    const records = recordsFor([10], Array<number>(10).fill(1), '2026-02').map((r) => ({ ...r, subject: 'same-client' }));
    const sampler = new ExactSampler(bufferedRandom());
    const runs = 3_000;
    const kept = new Array<number>(10).fill(0);
    for (let i = 0; i < runs; i++) {
      const counter = new DpCounter(standard, ds, new Set(['2026-02']), sampler);
      for (const r of records) counter.add(r);
      expect(counter.counted).toBe(3);
      expect(counter.left.overContributionCap).toBe(7);
      counter.inner.forEach((v, c) => (kept[c] += v));
    }
    // each cell kept in 3 runs of 10 (binomial sd about 25): the first three cells were kept every time
    for (const k of kept) expect(Math.abs(k - runs * 0.3)).toBeLessThan(125);
  });

  it('says how many records are of anonymous subjects (their own subject each): for them the guarantee is per record', async () => {
    const ds = dpDataset([2]);
    const standard = syntheticStandard([2], [ds]);
    const records = recordsFor([2], [4, 3], '2026-02').map((r, i) => (i < 5 ? { ...r, subject: `anonymous-${i}`, anonymous: true } : r));
    const { report } = await protectRelease({ standard, datasets: [ds], period: '2026-02', records, random: bufferedRandom() });
    expect(report.datasets[0]).toMatchObject({ recordsCounted: 7, anonymousRecords: 5 });
    expect(report.datasets[0].rule).toContain('5 record(s) of clients without a code (anonymous callers) count each as a client of its own');
    const named = await protectRelease({ standard, datasets: [ds], period: '2026-02', records: recordsFor([2], [4, 3], '2026-02'), random: bufferedRandom() });
    expect(named.report.datasets[0].anonymousRecords).toBe(0);
    expect(named.report.datasets[0].rule).not.toContain('anonymous');
  });

  it('leaves out, by reason, what suppression leaves out: no consent, reported by another member, outside the period, unknown codes', async () => {
    const ds = dpDataset([2]);
    const standard = syntheticStandard([2], [ds]);
    const base = recordsFor([2], [6, 7], '2026-03');
    const extra = [
      { ...base[0], subject: 'x1', consentReporting: false },
      { ...base[0], subject: 'x2', reportedByOtherMember: true },
      { ...base[0], subject: 'x3', month: '2026-04' },
      { ...base[0], subject: 'x4', attributes: { sex: 'nonsense' } },
      { ...base[0], subject: 'x5', attributes: {} },
    ];
    const { report } = await protectRelease({ standard, datasets: [ds], period: '2026-03', records: [...base, ...extra], random: bufferedRandom() });
    expect(report.datasets[0].recordsCounted).toBe(13);
    expect(report.datasets[0].leftOut).toEqual({ noConsent: 1, reportedByOtherMember: 1, outsidePeriod: 1, missingOrUnknownCode: 2, overContributionCap: 0 });
  });

  it('draws its noise from node:crypto by default, never from Math.random', async () => {
    const ds = dpDataset([3]);
    const spy = jest.spyOn(Math, 'random');
    const bytes = jest.spyOn(crypto, 'randomBytes');
    try {
      const { tables } = await protectRelease({ standard: syntheticStandard([3], [ds]), datasets: [ds], period: '2026-02', records: recordsFor([3], [40, 30, 20], '2026-02') });
      expect(tables[0].cells.every((c) => Number.isInteger(c.value))).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      expect(bytes).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      bytes.mockRestore();
    }
  });

  it('refuses a release once the yearly budget is spent, counting every earlier release in the ledger', async () => {
    const ds = dpDataset([2]);
    const standard = syntheticStandard([2], [ds]);
    const records = recordsFor([2], [10, 3], '2026-05');
    const ledger: LedgerEntry[] = [];
    for (const m of ['2026-01', '2026-02', '2026-03', '2026-04']) {
      const { tables, report } = await protectRelease({ standard, datasets: [ds], period: m, records, ledger, random: bufferedRandom() });
      ledger.push({ datasetId: 'dp', period: m, revision: 1, cells: tables[0].cells, epsilon: tables[0].epsilon });
      expect(report.datasets[0].epsilonRemaining).toBeCloseTo(2 - 0.5 * ledger.length);
    }
    await expect(protectRelease({ standard, datasets: [ds], period: '2026-05', records, ledger })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    // another year has its own budget; an extra spend recorded outside the ledger counts too
    await expect(protectRelease({ standard, datasets: [ds], period: '2027-01', records, ledger, random: bufferedRandom() })).resolves.toBeDefined();
    await expect(protectRelease({ standard, datasets: [ds], period: '2027-01', records, ledger, dpBudget: { dp: { '2027': 1.75 } } })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
  });

  it("the budget is the member's across its differential-privacy datasets: a client in both tables loses the sum", async () => {
    const first = dpDataset([2]);
    const second: DatasetDecl = { ...dpDataset([2]), id: 'dp2' };
    const standard = syntheticStandard([2], [first, second]);
    const records = recordsFor([2], [10, 3], '2026-03');
    // 1.5 of 2 spent on the first dataset this year
    const ledger: LedgerEntry[] = ['2026-01', '2026-02', '2026-03'].map((m) => ({ datasetId: 'dp', period: m, revision: 1, cells: [], epsilon: 0.5 }));
    const one = await protectRelease({ standard, datasets: [second], period: '2026-03', records, ledger, random: bufferedRandom() });
    expect(one.report.datasets[0].epsilonRemaining).toBeCloseTo(0);
    ledger.push({ datasetId: 'dp2', period: '2026-03', revision: 1, cells: one.tables[0].cells, epsilon: 0.5 });
    await expect(protectRelease({ standard, datasets: [second], period: '2026-04', records, ledger })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    // two tables of one call spend one after the other: 1.5 spent leaves room for one of them, not both
    await expect(protectRelease({ standard, datasets: [first, second], period: '2026-03', records, ledger: ledger.slice(0, 3) })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
    // pending tables of another dataset (dpBudget) count too
    await expect(protectRelease({ standard, datasets: [second], period: '2026-03', records, ledger: ledger.slice(0, 2), dpBudget: { dp: { '2026': 1 } } })).rejects.toMatchObject({ code: 'BUDGET_EXHAUSTED' });
  });
});
