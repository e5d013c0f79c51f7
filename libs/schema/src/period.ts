/**
 * Periods in SDMX notation: `2026` (year), `2026-Q3` (quarter), `2026-07` (month).
 */
export type PeriodType = 'year' | 'quarter' | 'month';

export interface Period {
  readonly type: PeriodType;
  readonly year: number;
  /** Quarter 1..4 or month 1..12; 1 for a year. */
  readonly index: number;
}

export class PeriodError extends Error {
  readonly code = 'INVALID_PERIOD';
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const PATTERN = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;

export function parsePeriod(text: string): Period {
  if (typeof text !== 'string') throw new PeriodError('period must be a string');
  const m = PATTERN.exec(text);
  if (!m) {
    throw new PeriodError(`"${text.slice(0, 20)}" is not an SDMX period (expected 2026, 2026-Q3 or 2026-07)`);
  }
  const year = Number(m[1]);
  if (year < 1900 || year > 2999) throw new PeriodError(`year ${year} is out of range`);
  if (m[2]) return { type: 'quarter', year, index: Number(m[2]) };
  if (m[3]) return { type: 'month', year, index: Number(m[3]) };
  return { type: 'year', year, index: 1 };
}

export function isPeriod(text: string): boolean {
  try {
    parsePeriod(text);
    return true;
  } catch {
    return false;
  }
}

export function formatPeriod(p: Period): string {
  switch (p.type) {
    case 'year':
      return String(p.year);
    case 'quarter':
      return `${p.year}-Q${p.index}`;
    case 'month':
      return `${p.year}-${String(p.index).padStart(2, '0')}`;
  }
}

function asPeriod(p: Period | string): Period {
  return typeof p === 'string' ? parsePeriod(p) : p;
}

/** First and last month (as absolute month numbers year*12+m-1) covered by a period. */
function monthSpan(p: Period): [number, number] {
  const base = p.year * 12;
  switch (p.type) {
    case 'year':
      return [base, base + 11];
    case 'quarter':
      return [base + (p.index - 1) * 3, base + (p.index - 1) * 3 + 2];
    case 'month':
      return [base + p.index - 1, base + p.index - 1];
  }
}

/** True when `outer` covers all of `inner` (a year contains its quarters and months). */
export function periodContains(outer: Period | string, inner: Period | string): boolean {
  const [a0, a1] = monthSpan(asPeriod(outer));
  const [b0, b1] = monthSpan(asPeriod(inner));
  return a0 <= b0 && b1 <= a1;
}

/** True when the two periods share at least one month. */
export function periodsOverlap(a: Period | string, b: Period | string): boolean {
  const [a0, a1] = monthSpan(asPeriod(a));
  const [b0, b1] = monthSpan(asPeriod(b));
  return a0 <= b1 && b0 <= a1;
}

export function nextPeriod(p: Period | string): Period {
  const q = asPeriod(p);
  const max = q.type === 'year' ? 1 : q.type === 'quarter' ? 4 : 12;
  return q.index < max ? { ...q, index: q.index + 1 } : { ...q, year: q.year + 1, index: 1 };
}

export function previousPeriod(p: Period | string): Period {
  const q = asPeriod(p);
  const max = q.type === 'year' ? 1 : q.type === 'quarter' ? 4 : 12;
  return q.index > 1 ? { ...q, index: q.index - 1 } : { ...q, year: q.year - 1, index: max };
}

export function comparePeriods(a: Period | string, b: Period | string): number {
  const [a0, a1] = monthSpan(asPeriod(a));
  const [b0, b1] = monthSpan(asPeriod(b));
  return a0 - b0 || a1 - b1;
}

/** Every period from `from` to `to` inclusive; both must be of the same type. */
export function periodRange(from: Period | string, to: Period | string, limit = 10_000): Period[] {
  const a = asPeriod(from);
  const b = asPeriod(to);
  if (a.type !== b.type) throw new PeriodError(`cannot enumerate from a ${a.type} to a ${b.type}`);
  if (comparePeriods(a, b) > 0) throw new PeriodError(`${formatPeriod(a)} is after ${formatPeriod(b)}`);
  const out: Period[] = [];
  for (let p = a; comparePeriods(p, b) <= 0; p = nextPeriod(p)) {
    if (out.length >= limit) throw new PeriodError(`range holds more than ${limit} periods`);
    out.push(p);
  }
  return out;
}

/** The period of `type` that contains the given UTC date. */
export function periodOfDate(date: Date, type: PeriodType): Period {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  switch (type) {
    case 'year':
      return { type, year, index: 1 };
    case 'quarter':
      return { type, year, index: Math.ceil(month / 3) };
    case 'month':
      return { type, year, index: month };
  }
}

/** The period of `type` that contains a month period (generalization of a month). */
export function generalizePeriod(p: Period | string, type: PeriodType): Period {
  const q = asPeriod(p);
  const [m0] = monthSpan(q);
  return periodOfDate(new Date(Date.UTC(Math.floor(m0 / 12), m0 % 12, 1)), type);
}

/** First instant after the period ends (UTC). */
export function periodEnd(p: Period | string): Date {
  const [, m1] = monthSpan(asPeriod(p));
  const next = m1 + 1;
  return new Date(Date.UTC(Math.floor(next / 12), next % 12, 1));
}

/** First instant of the period (UTC). */
export function periodStart(p: Period | string): Date {
  const [m0] = monthSpan(asPeriod(p));
  return new Date(Date.UTC(Math.floor(m0 / 12), m0 % 12, 1));
}

/** The months (as SDMX month periods) that a period covers. */
export function monthsOf(p: Period | string): Period[] {
  const [m0, m1] = monthSpan(asPeriod(p));
  const out: Period[] = [];
  for (let m = m0; m <= m1; m++) out.push({ type: 'month', year: Math.floor(m / 12), index: (m % 12) + 1 });
  return out;
}
