import { protectRelease } from './protect';
import { LedgerEntry, ProtectedTable } from './types';
import { recordsFor, syntheticDataset, syntheticStandard, integerInterval, innerCellsOf, Equation } from '../test/fixtures';

const cell = (t: ProtectedTable, ...key: string[]) => {
  const c = t.cells.find((x) => x.key.join('|') === key.join('|'));
  if (!c) throw new Error(`no cell ${key.join('|')}`);
  return `${c.value ?? '-'} ${c.obsStatus}/${c.confStatus}`;
};

describe('worked example: a 3 x 3 table, k = 5', () => {
  /*
   *          c0   c1   c2 |  _T
   *   c0     20    3   15 |  38
   *   c1     12   25    8 |  45
   *   c2      9   11   30 |  50
   *   _T     41   39   53 | 133
   *
   * Primary: (c0,c1) = 3. Gauss suppression, candidates by descending count: every margin
   * is published first (they determine 5 dimensions of 9; none exposes the 3). Then the
   * inner cells: 30, 25, 20 are published. 15 would give 3 = 38 - 20 - 15: suppressed;
   * 12 would give row c1's 8, hence column c2's 15, hence the 3: suppressed; 11 gives
   * column c1's 3 directly: suppressed; 9 gives row c2's 11: suppressed; 8 gives column
   * c2's 15: suppressed. One degree of freedom t = (c0,c1) remains: (c0,c2) = 18 - t,
   * (c1,c2) = 5 + t, (c1,c0) = 15 - t, (c2,c0) = 6 + t, (c2,c1) = 14 - t, so t lies in
   * [0, 14]: width 14 >= 5, the audit passes with no extra suppression.
   */
  const sizes = [3, 3];
  const ds = syntheticDataset('two_d', sizes);
  const standard = syntheticStandard(sizes, [ds]);
  const counts = [20, 3, 15, 12, 25, 8, 9, 11, 30];

  it('hides exactly the cells a reader can derive by hand', async () => {
    const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-01', records: recordsFor(sizes, counts, '2026-01') });
    const t = tables[0];
    expect([cell(t, 'c0', 'c0'), cell(t, 'c0', 'c1'), cell(t, 'c0', 'c2'), cell(t, 'c0', '_T')]).toEqual(['20 A/F', '- Q/C', '- Q/C', '38 A/F']);
    expect([cell(t, 'c1', 'c0'), cell(t, 'c1', 'c1'), cell(t, 'c1', 'c2'), cell(t, 'c1', '_T')]).toEqual(['- Q/C', '25 A/F', '- Q/C', '45 A/F']);
    expect([cell(t, 'c2', 'c0'), cell(t, 'c2', 'c1'), cell(t, 'c2', 'c2'), cell(t, 'c2', '_T')]).toEqual(['- Q/C', '- Q/C', '30 A/F', '50 A/F']);
    expect([cell(t, '_T', 'c0'), cell(t, '_T', 'c1'), cell(t, '_T', 'c2'), cell(t, '_T', '_T')]).toEqual(['41 A/F', '39 A/F', '53 A/F', '133 A/F']);
    const r = report.datasets[0];
    // the report a centre manager reads: the rule in words, k, the range every hidden cell keeps
    expect(r).toMatchObject({ method: 'suppression', k: 5, protectionRange: 5 });
    expect(r.rule).toContain('counts 1..4 and zeros (unless the period has no record at all) hidden (primary)');
    expect(r.rule).toContain('at least 5 wide');
    expect(r.cells).toEqual({ total: 16, published: 10, primary: 1, secondary: 5 });
    expect(r.informationLoss).toEqual({ cells: 5, value: 15 + 12 + 8 + 9 + 11 });
    expect(r.audit.passed).toBe(true);
    expect(r.audit.minIntervalWidth).toBeGreaterThanOrEqual(5);
    expect(r.recordsCounted).toBe(133);
  });

  it('tells no hidden cell\'s reason in what leaves the centre: primary and secondary both read C (the report keeps the numbers)', async () => {
    // counts 19, 5, 12, 0 and k = 5: the 0 is primary, the 5 its complement. Marked A and D, the D (at least k) and the
    // published total 36 - 19 - 12 = 5 over both would give the D cell 5 and the A cell 0: no range left at all.
    const one = syntheticDataset('one_d', [4]);
    const { tables, report } = await protectRelease({ standard: syntheticStandard([4], [one]), datasets: [one], period: '2026-01', records: recordsFor([4], [19, 5, 12, 0], '2026-01') });
    expect(tables[0].cells.map((c) => `${c.value ?? '-'} ${c.obsStatus}/${c.confStatus}`)).toEqual(['19 A/F', '- Q/C', '12 A/F', '- Q/C', '36 A/F']);
    expect(report.datasets[0].cells).toMatchObject({ primary: 1, secondary: 1 });
  });
});

describe('worked example: monthly releases, then the quarter', () => {
  /*
   * One dimension (c0, c1, c2), k = 5. The node released January, February and March
   * monthly; March hid c0 = 3 (and c1 = 20 as its complement). The quarter's cells are
   * all large (25, 55, 77), so on its own the quarter would publish everything, and
   * 25 - 10 - 12 gives March's hidden 3 back. With the ledger in the system, the quarter
   * must hide c0 (and a complement) too.
   */
  const sizes = [3];
  const monthly = syntheticDataset('by_month', sizes);
  const quarterly = syntheticDataset('by_quarter', sizes, { periodType: 'quarter' });
  const standard = syntheticStandard(sizes, [monthly, quarterly]);
  const months: [string, number[]][] = [
    ['2026-01', [10, 20, 30]],
    ['2026-02', [12, 15, 25]],
    ['2026-03', [3, 20, 22]],
  ];
  const allRecords = months.flatMap(([m, c]) => recordsFor(sizes, c, m, m));

  async function monthlyLedger(): Promise<LedgerEntry[]> {
    const ledger: LedgerEntry[] = [];
    for (const [m] of months) {
      const { tables } = await protectRelease({ standard, datasets: [monthly], period: m, records: allRecords, ledger });
      ledger.push({ datasetId: monthly.id, period: m, revision: 1, cells: tables[0].cells.map((c) => ({ key: c.key, value: c.value })) });
    }
    return ledger;
  }

  /** Adversary over 9 atoms (month m, code c) -> 3m + c, from every published cell. */
  function marchC0Interval(ledger: LedgerEntry[], quarter: ProtectedTable): [number, number] | null {
    const eqs: Equation[] = [];
    ledger.forEach((e, m) => {
      for (const c of e.cells) if (c.value !== null) eqs.push({ vars: innerCellsOf(sizes, c.key).map((i) => 3 * m + i), value: c.value });
    });
    for (const c of quarter.cells) {
      if (c.value === null) continue;
      const inner = innerCellsOf(sizes, c.key);
      eqs.push({ vars: [0, 1, 2].flatMap((m) => inner.map((i) => 3 * m + i)), value: c.value });
    }
    return integerInterval(9, eqs, [6]);
  }

  it('March hides c0 = 3 with a complement', async () => {
    const ledger = await monthlyLedger();
    expect(ledger[2].cells.map((c) => c.value)).toEqual([null, null, 22, 45]);
  });

  it('without the ledger the quarter is published whole, and differencing reveals March c0 = 3', async () => {
    const ledger = await monthlyLedger();
    const { tables } = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q1', records: allRecords });
    expect(tables[0].cells.map((c) => c.value)).toEqual([25, 55, 77, 157]);
    expect(marchC0Interval(ledger, tables[0])).toEqual([3, 3]);
  });

  it('with the ledger the quarter hides enough that March c0 stays within a range of at least k', async () => {
    const ledger = await monthlyLedger();
    const { tables, report } = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q1', records: allRecords, ledger });
    const q = tables[0];
    expect(q.cells[0]).toMatchObject({ value: null, obsStatus: 'Q', confStatus: 'C' });
    const iv = marchC0Interval(ledger, q) as [number, number];
    expect(iv[1] - iv[0]).toBeGreaterThanOrEqual(5);
    expect(report.datasets[0].audit.passed).toBe(true);
  });

  it('the months stay in the system after the standard switches the monthly dataset to differential privacy (their figures were released exact)', async () => {
    const ledger = await monthlyLedger();
    const monthlyDp = {
      ...monthly,
      protection: { ...monthly.protection, method: 'differential_privacy' as const, differentialPrivacy: { epsilonPerRelease: 0.5, annualEpsilon: 6, maxContributionsPerClient: 1 } },
    };
    const switched = syntheticStandard(sizes, [monthlyDp, quarterly]);
    const { tables } = await protectRelease({ standard: switched, datasets: [quarterly], period: '2026-Q1', records: allRecords, ledger });
    const iv = marchC0Interval(ledger, tables[0]) as [number, number];
    expect(iv[1] - iv[0]).toBeGreaterThanOrEqual(5);
  });
});

describe('worked example: the quarter by sex alone beside monthly tables by sex and age band', () => {
  /*
   * Monthly tables by sex (c0..c2) x age band (c0, c1), then the quarter by sex alone (a
   * counterexample a property test found). Every record carries both attributes, so the
   * quarter's sex c0 is April's plus May's plus June's. Were "age band not recorded" a slot
   * of its own in the model, only the quarter would count it, and to the audit it would be
   * slack that absorbs any difference between the quarter and the months; an adversary who
   * knows the age band is always recorded has no such slack, and pinned a hidden cell
   * exactly. The linked system has no such slot.
   */
  const sizes = [3, 2];
  const monthly = syntheticDataset('by_month', sizes);
  const quarterly = syntheticDataset('by_quarter', [3], { periodType: 'quarter' });
  const standard = syntheticStandard(sizes, [monthly, quarterly]);
  // inner counts (sex, age band), row-major
  const months: [string, number[]][] = [
    ['2026-04', [2, 5, 3, 5, 5, 5]],
    ['2026-05', [0, 0, 5, 5, 5, 0]],
    ['2026-06', [0, 23, 5, 0, 5, 0]],
  ];
  const records = months.flatMap(([m, c]) => recordsFor(sizes, c, m, m));

  it('leaves every hidden cell of the four releases at least k wide to an adversary who knows every record has an age band', async () => {
    const ledger: LedgerEntry[] = [];
    for (const [m] of months) {
      const { tables } = await protectRelease({ standard, datasets: [monthly], period: m, records, ledger });
      ledger.push({ datasetId: monthly.id, period: m, revision: 1, cells: tables[0].cells.map((c) => ({ key: c.key, value: c.value })) });
    }
    const { tables, report } = await protectRelease({ standard, datasets: [quarterly], period: '2026-Q2', records, ledger });
    expect(report.datasets[0].audit.passed).toBe(true);
    // adversary over 18 atoms (month m, sex s, age a) -> 6m + 2s + a
    const quarterAtoms = (key: readonly string[]) => [0, 1, 2].flatMap((m) => innerCellsOf([3], key).flatMap((s) => [6 * m + 2 * s, 6 * m + 2 * s + 1]));
    const eqs: Equation[] = [];
    const hidden: number[][] = [];
    ledger.forEach((e, m) => {
      for (const c of e.cells) {
        const atoms = innerCellsOf(sizes, c.key).map((i) => 6 * m + i);
        if (c.value === null) hidden.push(atoms);
        else eqs.push({ vars: atoms, value: c.value });
      }
    });
    for (const c of tables[0].cells) {
      if (c.value === null) hidden.push(quarterAtoms(c.key));
      else eqs.push({ vars: quarterAtoms(c.key), value: c.value });
    }
    expect(hidden.length).toBeGreaterThan(10);
    for (const target of hidden) {
      const iv = integerInterval(18, eqs, target) as [number, number];
      expect(iv[1] - iv[0]).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('worked example: a revision after a late entry', () => {
  /*
   * January was released with every cell published: 10, 20, 30, total 60. One incident of
   * c1 was entered late; the revision counts 10, 21, 30, total 61. Published whole, the two
   * releases side by side would show "one late incident, in c1": a group of one. Every
   * cell whose value moved by 1 to k-1 since the release it replaces is hidden in the
   * revision (primary), and so much more as keeps it at least k wide.
   */
  const sizes = [3];
  const ds = syntheticDataset('by_month', sizes);
  const standard = syntheticStandard(sizes, [ds]);

  it('hides c1 and the total, whose differences would show the late entry', async () => {
    const first = await protectRelease({ standard, datasets: [ds], period: '2026-01', records: recordsFor(sizes, [10, 20, 30], '2026-01') });
    expect(first.tables[0].cells.map((c) => c.value)).toEqual([10, 20, 30, 60]);
    const ledger: LedgerEntry[] = [{ datasetId: ds.id, period: '2026-01', revision: 1, cells: first.tables[0].cells }];
    const { tables, report } = await protectRelease({ standard, datasets: [ds], period: '2026-01', records: recordsFor(sizes, [10, 21, 30], '2026-01'), ledger });
    const t = tables[0];
    expect([cell(t, 'c0'), cell(t, 'c1'), cell(t, 'c2'), cell(t, '_T')]).toEqual(['10 A/F', '- Q/C', '30 A/F', '- Q/C']);
    expect(report.datasets[0].cells).toMatchObject({ primary: 2, secondary: 0 });
    expect(report.datasets[0].rule).toContain('since the release it revises');
    const eqs: Equation[] = t.cells.filter((c) => c.value !== null).map((c) => ({ vars: innerCellsOf(sizes, c.key), value: c.value as number }));
    const iv = integerInterval(3, eqs, [1]) as [number, number];
    expect(iv[1] - iv[0]).toBeGreaterThanOrEqual(5);
    // one who assumes late entries only add: c1 now is January's 20 plus an added a >= 0, and the
    // total 60 plus the same a; hidden both, a stays free (c0 and c2 are unchanged, so a sits in c1)
    const revisedTotal = t.cells.find((c) => c.key[0] === '_T');
    expect(revisedTotal?.value).toBeNull();
  });

  it('a revision whose counts fell is protected without the "only added" link, which its published figures refute', async () => {
    const first = await protectRelease({ standard, datasets: [ds], period: '2026-01', records: recordsFor(sizes, [10, 20, 30], '2026-01') });
    const ledger: LedgerEntry[] = [{ datasetId: ds.id, period: '2026-01', revision: 1, cells: first.tables[0].cells }];
    // 15 consents withdrawn in c1: no small difference, no small group of changes (15 >= 2k), so all is published
    const fell = await protectRelease({ standard, datasets: [ds], period: '2026-01', records: recordsFor(sizes, [10, 5, 30], '2026-01'), ledger });
    expect(fell.tables[0].cells.map((c) => c.value)).toEqual([10, 5, 30, 45]);
    expect(fell.report.datasets[0].audit.passed).toBe(true);
    // 8 withdrawn, all in c1: a group of changes smaller than 2k wholly in one category, so c1 is hidden
    const few = await protectRelease({ standard, datasets: [ds], period: '2026-01', records: recordsFor(sizes, [10, 12, 30], '2026-01'), ledger });
    expect(few.tables[0].cells.map((c) => `${c.value ?? '-'} ${c.confStatus}`)).toEqual(['- C', '- C', '30 F', '52 F']);
  });
});
