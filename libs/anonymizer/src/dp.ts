import { DatasetDecl, ReportableRecord, StandardIndex, SubmissionCell, parsePeriod } from '@paivand/schema';
import { AnonymizerError } from './errors';
import { ExactSampler, toRational } from './sampler';
import { TableLayout, extKey, fillMargins, tableLayout } from './table';
import { DatasetReport, LedgerEntry, ProtectedTable } from './types';

/**
 * Differential privacy as a dataset's alternative policy.
 *
 * - Unit of privacy: the client (`record.subject`); each client contributes at most
 *   `maxContributionsPerClient` records to a period's table, chosen uniformly at random among
 *   hers (reservoir sampling from the cryptographic source): keeping the first ones in stream
 *   order kept those whose codes sort first, since the node's extract is sorted by code.
 *   A record whose subject is its own (`anonymous`: a caller without a caller code) cannot
 *   be linked to the caller's other records: for her the guarantee is per record, and the
 *   report counts such records (`anonymousRecords`) and says so.
 * - Only the inner cells are noised. One client changes the inner cells by at most the
 *   cap in L1, so discrete Laplace noise of scale cap / epsilon per inner cell gives
 *   epsilon-DP for the inner table; margins are sums of the noisy inner cells
 *   (post-processing, free), so they add up exactly. Noising every cell of the table
 *   with margins instead would need 2^d times the noise.
 * - Post-processing: inner cells clamped at 0, margins summed: a non-negative integer
 *   table whose margins add up.
 * - Budget: per member per calendar year, across every differential-privacy dataset (a
 *   client who called the hotline and came to the centre is in both tables: her privacy
 *   loss is the sum), from the ledger's recorded epsilons (every release and revision
 *   spends) plus `dpBudget`; a release that would take the member's spending of the year
 *   past the dataset's `annualEpsilon` is refused before any noise is drawn.
 */
export function dpSpent(year: number, ledger: readonly LedgerEntry[], extra?: Readonly<Record<string, Readonly<Record<string, number>>>>): number {
  let spent = 0;
  for (const byYear of Object.values(extra ?? {})) spent += byYear[String(year)] ?? 0;
  for (const e of ledger) {
    if (e.epsilon === undefined) continue;
    try {
      if (parsePeriod(e.period).year === year) spent += e.epsilon;
    } catch {
      // a malformed ledger period spends nothing we can attribute to a year
    }
  }
  return spent;
}

export function checkBudget(dataset: DatasetDecl, period: string, spent: number): { epsilon: number; remaining: number } {
  const policy = dataset.protection.differentialPrivacy;
  if (!policy) throw new AnonymizerError('INVALID_DATASET', `dataset ${dataset.id} asks for differential privacy without a policy`);
  const epsilon = policy.epsilonPerRelease;
  if (!(epsilon > 0) || !(policy.maxContributionsPerClient >= 1)) {
    throw new AnonymizerError('INVALID_DATASET', `dataset ${dataset.id} has an invalid differential privacy policy`);
  }
  if (spent + epsilon > policy.annualEpsilon + 1e-12) {
    throw new AnonymizerError(
      'BUDGET_EXHAUSTED',
      `dataset ${dataset.id}: releasing ${period} would spend epsilon ${epsilon} on top of ${spent} this member already spent in ${parsePeriod(period).year} (annual budget ${policy.annualEpsilon}, across its differential-privacy datasets)`,
    );
  }
  return { epsilon, remaining: policy.annualEpsilon - spent - epsilon };
}

/** Streaming capped counter for one DP dataset (memory: cells plus one counter per client). */
export class DpCounter {
  readonly layout: TableLayout;
  readonly inner: Float64Array;
  /** Per client: how many of her records were seen, and the inner cells of those kept (at most the cap). */
  private readonly perClient = new Map<string, { seen: number; kept: Int32Array }>();
  private readonly lookups: Map<string, number>[];
  readonly left = { noConsent: 0, outsidePeriod: 0, reportedByOtherMember: 0, missingOrUnknownCode: 0, overContributionCap: 0 };
  counted = 0;
  /** Counted records whose subject is their own (anonymous callers). */
  anonymous = 0;

  constructor(
    private readonly standard: StandardIndex,
    readonly dataset: DatasetDecl,
    private readonly months: ReadonlySet<string>,
    private readonly sampler: ExactSampler,
  ) {
    this.layout = tableLayout(standard, dataset);
    this.inner = new Float64Array(this.layout.innerSize);
    this.lookups = dataset.dimensions.map(() => new Map<string, number>());
  }

  add(r: ReportableRecord): void {
    if (r.unit !== this.dataset.unit) return;
    if (!r.consentReporting) return void this.left.noConsent++;
    if (r.reportedByOtherMember) return void this.left.reportedByOtherMember++;
    if (!this.months.has(r.month)) return void this.left.outsidePeriod++;
    let idx = 0;
    for (let d = 0; d < this.dataset.dimensions.length; d++) {
      const dim = this.dataset.dimensions[d];
      const value = r.attributes[dim.attribute];
      let c = value === undefined ? -1 : this.lookups[d].get(value);
      if (c === undefined) {
        const code = this.standard.generalize(dim, value);
        c = code === undefined ? -1 : this.layout.codes[d].indexOf(code);
        this.lookups[d].set(value as string, c);
      }
      if (c < 0) return void this.left.missingOrUnknownCode++;
      idx = idx * this.layout.sizes[d] + c;
    }
    const cap = this.dataset.protection.differentialPrivacy?.maxContributionsPerClient ?? 1;
    let client = this.perClient.get(r.subject);
    if (!client) this.perClient.set(r.subject, (client = { seen: 0, kept: new Int32Array(cap) }));
    const seen = ++client.seen;
    if (seen <= cap) {
      client.kept[seen - 1] = idx;
      this.inner[idx]++;
      this.counted++;
      if (r.anonymous) this.anonymous++;
      return;
    }
    // past the cap: this record replaces a kept one with probability cap/seen (Algorithm R), so the
    // kept ones are a uniform sample of hers whatever the order; one of her records is left out either way
    this.left.overContributionCap++;
    const slot = Number(this.sampler.uniformBelow(BigInt(seen)));
    if (slot < cap) {
      this.inner[client.kept[slot]]--;
      client.kept[slot] = idx;
      this.inner[idx]++;
    }
  }
}

export function releaseDp(
  counter: DpCounter,
  period: string,
  budget: { epsilon: number; remaining: number },
  sampler: ExactSampler,
): { table: ProtectedTable; report: DatasetReport } {
  const { layout, dataset } = counter;
  const policy = dataset.protection.differentialPrivacy as NonNullable<DatasetDecl['protection']['differentialPrivacy']>;
  // scale = cap / epsilon as an exact rational t/s
  const [en, ed] = toRational(budget.epsilon);
  const cap = BigInt(policy.maxContributionsPerClient);
  const t = cap * ed;
  const s = en;
  const ext = new Float64Array(layout.extSize);
  // inner cells sit at extended positions with no total; walk them in inner order
  const d = layout.sizes.length;
  const coords = new Array<number>(d).fill(0);
  for (let i = 0; i < layout.innerSize; i++) {
    let rest = i;
    for (let j = d - 1; j >= 0; j--) {
      coords[j] = rest % layout.sizes[j];
      rest = Math.floor(rest / layout.sizes[j]);
    }
    let e = 0;
    for (let j = 0; j < d; j++) e += coords[j] * layout.extStrides[j];
    const noisy = BigInt(counter.inner[i]) + sampler.discreteLaplace(t, s);
    ext[e] = noisy > 0n ? Number(noisy) : 0;
  }
  fillMargins(layout, ext);
  const cells: SubmissionCell[] = [];
  for (let e = 0; e < layout.extSize; e++) cells.push({ key: extKey(layout, e), value: ext[e], obsStatus: 'E', confStatus: 'F' });
  const k = dataset.protection.k;
  return {
    table: {
      datasetId: dataset.id,
      period,
      dimensions: dataset.dimensions.map((x) => x.id),
      method: 'differential_privacy',
      cells,
      epsilon: budget.epsilon,
    },
    report: {
      datasetId: dataset.id,
      method: 'differential_privacy',
      rule:
        `differential privacy: discrete Laplace noise of scale ${policy.maxContributionsPerClient}/${budget.epsilon} on each inner cell (client as unit, at most ${policy.maxContributionsPerClient} records per client, chosen at random), inner cells clamped at 0, margins summed` +
        (counter.anonymous > 0
          ? `; ${counter.anonymous} record(s) of clients without a code (anonymous callers) count each as a client of its own: for them the guarantee is per record, not per person`
          : ''),
      k,
      protectionRange: dataset.protection.protectionRange ?? k,
      recordsCounted: counter.counted,
      leftOut: { ...counter.left },
      cells: { total: cells.length, published: cells.length, primary: 0, secondary: 0 },
      informationLoss: { cells: 0, value: 0 },
      audit: { cellsAudited: 0, minIntervalWidth: Infinity, linearPrograms: 0, passed: true },
      epsilon: budget.epsilon,
      epsilonRemaining: budget.remaining,
      anonymousRecords: counter.anonymous,
    },
  };
}
