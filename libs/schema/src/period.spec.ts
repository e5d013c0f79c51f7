import {
  comparePeriods,
  formatPeriod,
  generalizePeriod,
  isPeriod,
  monthsOf,
  nextPeriod,
  parsePeriod,
  periodContains,
  periodEnd,
  PeriodError,
  periodOfDate,
  periodRange,
  periodsOverlap,
  periodStart,
  previousPeriod,
} from './period';

const fmt = (p: Parameters<typeof formatPeriod>[0]) => formatPeriod(p);

describe('SDMX periods', () => {
  it('parses and formats the three notations', () => {
    expect(parsePeriod('2026')).toEqual({ type: 'year', year: 2026, index: 1 });
    expect(parsePeriod('2026-Q3')).toEqual({ type: 'quarter', year: 2026, index: 3 });
    expect(parsePeriod('2026-07')).toEqual({ type: 'month', year: 2026, index: 7 });
    for (const s of ['2026', '2026-Q1', '2026-Q4', '2026-01', '2026-12']) expect(fmt(parsePeriod(s))).toBe(s);
  });

  it.each(['', '26', '2026-13', '2026-00', '2026-Q5', '2026-Q0', '2026-7', '2026Q3', '2026-W01', ' 2026', '2026-07-01', '1800', 'abcd'])(
    'refuses %p with PeriodError INVALID_PERIOD',
    (bad) => {
      expect(isPeriod(bad)).toBe(false);
      let err: unknown;
      try {
        parsePeriod(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PeriodError);
      expect((err as PeriodError).code).toBe('INVALID_PERIOD');
    },
  );

  it('refuses a non-string', () => {
    expect(() => parsePeriod(2026 as unknown as string)).toThrow(PeriodError);
  });

  it('steps forward and back across year ends', () => {
    expect(fmt(nextPeriod('2026-12'))).toBe('2027-01');
    expect(fmt(previousPeriod('2027-01'))).toBe('2026-12');
    expect(fmt(nextPeriod('2026-Q4'))).toBe('2027-Q1');
    expect(fmt(previousPeriod('2027-Q1'))).toBe('2026-Q4');
    expect(fmt(nextPeriod('2026'))).toBe('2027');
    expect(fmt(previousPeriod('2026'))).toBe('2025');
    expect(fmt(nextPeriod('2026-06'))).toBe('2026-07');
    expect(fmt(previousPeriod(nextPeriod('2026-Q2')))).toBe('2026-Q2');
  });

  it('enumerates ranges across year ends, inclusive', () => {
    expect(periodRange('2025-11', '2026-02').map(fmt)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodRange('2025-Q4', '2026-Q2').map(fmt)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    expect(periodRange('2024', '2026').map(fmt)).toEqual(['2024', '2025', '2026']);
    expect(periodRange('2026-03', '2026-03').map(fmt)).toEqual(['2026-03']);
    expect(periodRange('2020-01', '2029-12')).toHaveLength(120);
    expect(() => periodRange('2026-03', '2026-01')).toThrow(PeriodError);
    expect(() => periodRange('2026-Q1', '2026-03')).toThrow(PeriodError);
    expect(() => periodRange('2000-01', '2999-12', 100)).toThrow(PeriodError);
  });

  it('knows containment and overlap', () => {
    expect(periodContains('2026', '2026-Q4')).toBe(true);
    expect(periodContains('2026', '2026-12')).toBe(true);
    expect(periodContains('2026-Q4', '2026-12')).toBe(true);
    expect(periodContains('2026-Q4', '2026-09')).toBe(false);
    expect(periodContains('2026', '2027-01')).toBe(false);
    expect(periodContains('2026-07', '2026-Q3')).toBe(false);
    expect(periodContains('2026-07', '2026-07')).toBe(true);
    expect(periodsOverlap('2026-07', '2026-Q3')).toBe(true);
    expect(periodsOverlap('2025-Q4', '2026')).toBe(false);
  });

  it('generalizes month -> quarter -> year', () => {
    expect(fmt(generalizePeriod('2026-01', 'quarter'))).toBe('2026-Q1');
    expect(fmt(generalizePeriod('2026-03', 'quarter'))).toBe('2026-Q1');
    expect(fmt(generalizePeriod('2026-04', 'quarter'))).toBe('2026-Q2');
    expect(fmt(generalizePeriod('2026-12', 'quarter'))).toBe('2026-Q4');
    expect(fmt(generalizePeriod('2026-12', 'year'))).toBe('2026');
    expect(fmt(generalizePeriod('2026-Q4', 'year'))).toBe('2026');
    expect(fmt(generalizePeriod('2026-12', 'month'))).toBe('2026-12');
  });

  it('maps dates to periods and periods to instants (UTC)', () => {
    expect(fmt(periodOfDate(new Date('2026-12-31T23:59:59Z'), 'month'))).toBe('2026-12');
    expect(fmt(periodOfDate(new Date('2026-12-31T23:59:59Z'), 'quarter'))).toBe('2026-Q4');
    expect(fmt(periodOfDate(new Date('2027-01-01T00:00:00Z'), 'year'))).toBe('2027');
    expect(periodStart('2026-Q4').toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(periodEnd('2026-Q4').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(periodEnd('2026-12').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthsOf('2026-Q4').map(fmt)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOf('2026')).toHaveLength(12);
  });

  it('orders periods', () => {
    const sorted = ['2027-01', '2026', '2026-Q4', '2026-12', '2026-01'].sort(comparePeriods);
    expect(sorted).toEqual(['2026-01', '2026', '2026-Q4', '2026-12', '2027-01']);
  });
});
