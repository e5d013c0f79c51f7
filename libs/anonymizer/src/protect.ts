import {
  DatasetDecl,
  DatasetUnit,
  PeriodError,
  ReportableRecord,
  SubmissionCell,
  formatPeriod,
  monthsOf,
  parsePeriod,
  protectionRangeOf,
} from '@paivand/schema';
import { DpCounter, checkBudget, dpSpent, releaseDp } from './dp';
import { AnonymizerError } from './errors';
import { ExactSampler } from './sampler';
import { suppressGroup } from './suppress';
import { AtomCounter, buildLinkGroup } from './system';
import { extKey } from './table';
import { DatasetReport, ProtectReleaseInput, ProtectedRelease, ProtectedTable, WithheldCounts } from './types';

/**
 * Turns one extract of reportable records into the protected tables of one release.
 *
 * All suppression datasets of one unit (incidents, services, ...) and the node's earlier
 * releases that overlap them are protected as ONE linked system; each differential-privacy
 * dataset is noised on its own. Records are read once (sync or async iterable); memory
 * grows with the number of cells, not of records (DP also keeps one counter per client).
 * Throws `AnonymizerError` rather than emit anything that fails the audit.
 */
export async function protectRelease(input: ProtectReleaseInput): Promise<ProtectedRelease> {
  const { standard, datasets, period } = input;
  const ledger = input.ledger ?? [];
  const maxCells = input.maxCells ?? 2_000_000;
  let periodType;
  try {
    periodType = parsePeriod(period).type;
  } catch (err) {
    if (err instanceof PeriodError) throw new AnonymizerError('INVALID_PERIOD', err.message);
    throw err;
  }
  if (datasets.length === 0) throw new AnonymizerError('INVALID_DATASET', 'no dataset to release');
  const ids = new Set<string>();
  for (const d of datasets) {
    if (ids.has(d.id)) throw new AnonymizerError('INVALID_DATASET', `dataset ${d.id} is listed twice`);
    ids.add(d.id);
    if (d.periodType !== periodType) {
      throw new AnonymizerError('PERIOD_TYPE_MISMATCH', `dataset ${d.id} is released by ${d.periodType}, not by ${periodType} (${period})`);
    }
    if (!Number.isInteger(d.protection.k) || d.protection.k < 1) {
      throw new AnonymizerError('INVALID_DATASET', `dataset ${d.id} has an invalid threshold k`);
    }
    // A dataset may ask more than k of a hidden cell's interval, never less (a range of 0 asked nothing of the audit).
    if (!(protectionRangeOf(d.protection) >= d.protection.k)) {
      throw new AnonymizerError('INVALID_DATASET', `dataset ${d.id} asks a protection range below its threshold k`);
    }
  }
  const resolve = (id: string): DatasetDecl | undefined => datasets.find((d) => d.id === id) ?? standard.dataset(id);

  // differential privacy: refuse an overspend before reading anything
  const year = parsePeriod(period).year;
  const dpSets = datasets.filter((d) => d.protection.method === 'differential_privacy');
  // one budget per member and year across its DP datasets: the tables of this call spend one after another
  let spent = dpSpent(year, ledger, input.dpBudget);
  const budgets = dpSets.map((d) => {
    const b = checkBudget(d, period, spent);
    spent += b.epsilon;
    return b;
  });
  const months = new Set(monthsOf(period).map(formatPeriod));
  // the cryptographic source: the DP counters' choice of which records of a client to keep, then the noise
  const sampler = new ExactSampler(input.random);
  const dpCounters = dpSets.map((d) => new DpCounter(standard, d, months, sampler));

  const units = [...new Set(datasets.filter((d) => d.protection.method === 'suppression').map((d) => d.unit))];
  const groupOf = (unit: DatasetUnit, twins: boolean) =>
    buildLinkGroup(
      standard,
      unit,
      datasets.filter((d) => d.unit === unit && d.protection.method === 'suppression'),
      period,
      ledger,
      resolve,
      maxCells,
      twins,
    );
  const groups = units.map((unit) => groupOf(unit, true));
  const counters = groups.map((g) => new AtomCounter(standard, g));
  // A group that may fall back to the release without the revision links (below) is counted for that one too, in
  // the same pass (the records are read once): its atoms are laid out by its own dimensions and slices, and the
  // linked group's atoms, read as its, were other cells' counts.
  const plainGroups = groups.map((g) => (g.linked.some((lt) => lt.replaced || lt.epochsCounted) ? groupOf(g.unit, false) : null));
  const plainCounters = plainGroups.map((g) => (g ? new AtomCounter(standard, g) : null));

  const add = (r: ReportableRecord): void => {
    for (const c of counters) c.add(r);
    for (const c of plainCounters) c?.add(r);
    for (const c of dpCounters) c.add(r);
  };
  if (Symbol.asyncIterator in input.records) {
    for await (const r of input.records) add(r);
  } else {
    for (const r of input.records) add(r);
  }

  for (const c of counters) c.checkAttributes();

  const out = new Map<string, { table: ProtectedTable; report: DatasetReport }>();
  const withheld: WithheldCounts[] = [];
  for (let gi = 0; gi < groups.length; gi++) {
    const group = groups[gi];
    const counter = counters[gi];
    let outcome;
    try {
      outcome = await suppressGroup(group, counter.atoms, input.onProgress, input.regaussMaxCells);
    } catch (err) {
      // A revision whose counts fell somewhere since the release it replaces (a withdrawn
      // consent, a corrected code), or earlier revisions that fell from one to the next, refute
      // "late entries only add": the adversary cannot assume it either, and the release is
      // protected without that link (against the latest revision of each earlier table).
      const plain = plainGroups[gi];
      const plainCounter = plainCounters[gi];
      if (!(err instanceof AnonymizerError && err.code === 'LEDGER_INCONSISTENT' && plain && plainCounter)) throw err;
      outcome = await suppressGroup(plain, plainCounter.atoms, input.onProgress, input.regaussMaxCells);
    }
    group.current.forEach((lt, t) => {
      const { layout } = lt;
      const ds = layout.dataset;
      const { ext, state, widths } = outcome.tables[t];
      const cells: SubmissionCell[] = [];
      const hidden: { key: readonly string[]; value: number }[] = [];
      let primary = 0;
      let secondary = 0;
      let lossValue = 0;
      let minWidth = Infinity;
      for (let e = 0; e < layout.extSize; e++) {
        const key = extKey(layout, e);
        switch (state[e]) {
          case 'published':
            cells.push({ key, value: ext[e], obsStatus: 'A', confStatus: 'F' });
            break;
          // one status for every withheld cell: primary (A) or secondary (D) would tell below k from at least k (schema's CONF_STATUS)
          case 'primary':
            primary++;
            cells.push({ key, value: null, obsStatus: 'Q', confStatus: 'C' });
            hidden.push({ key, value: ext[e] });
            break;
          case 'secondary':
            secondary++;
            lossValue += ext[e];
            cells.push({ key, value: null, obsStatus: 'Q', confStatus: 'C' });
            hidden.push({ key, value: ext[e] });
            break;
        }
        const w = widths.get(e);
        if (w !== undefined && w < minWidth) minWidth = w;
      }
      const k = ds.protection.k;
      const range = protectionRangeOf(ds.protection);
      withheld.push({ datasetId: ds.id, cells: hidden });
      out.set(ds.id, {
        table: { datasetId: ds.id, period, dimensions: ds.dimensions.map((d) => d.id), method: 'suppression', cells },
        report: {
          datasetId: ds.id,
          method: 'suppression',
          rule:
            `suppression: counts 1..${k - 1}${ds.protection.structuralZeros ? '' : ' and zeros (unless the period has no record at all)'} hidden (primary); ` +
            `in a group of fewer than ${2 * k} that falls entirely in one category of another dimension, that category's cell is hidden; ` +
            `in a revision, so is a cell whose value moved by 1..${k - 1} since the release it revises, ` +
            `and where both hide a cell, 1..${k - 1} entries added to it are kept as wide as a hidden cell; ` +
            `secondary cells by Gaussian elimination (Langsrud) over all linked tables and earlier releases, ` +
            `then more until the audit proves every hidden cell's interval at least ${range} wide`,
          k,
          protectionRange: range,
          recordsCounted: counter.counted,
          leftOut: {
            noConsent: counter.noConsent,
            outsidePeriod: counter.outsidePeriod,
            reportedByOtherMember: counter.reportedByOtherMember,
            missingOrUnknownCode: counter.missingOrUnknownCode,
            overContributionCap: 0,
          },
          cells: { total: cells.length, published: cells.length - primary - secondary, primary, secondary },
          informationLoss: { cells: secondary, value: lossValue },
          audit: {
            cellsAudited: primary + secondary,
            minIntervalWidth: minWidth,
            linearPrograms: outcome.audit.linearPrograms,
            passed: outcome.audit.failing.length === 0,
          },
        },
      });
    });
  }

  if (dpSets.length > 0) {
    dpCounters.forEach((c, i) => out.set(c.dataset.id, releaseDp(c, period, budgets[i], sampler)));
  }
  const tables: ProtectedTable[] = [];
  const reports: DatasetReport[] = [];
  for (const d of datasets) {
    const r = out.get(d.id) as { table: ProtectedTable; report: DatasetReport };
    tables.push(r.table);
    reports.push(r.report);
  }
  return { tables, report: { period, datasets: reports }, withheld };
}
