import { resolveColumns } from './import-fields';
import { parseDate, RowMapper } from './row-mapper';
import { ValueDictionary } from './value-dictionary';

/** A register with Russian headers and no column for the fields derived from others (registration date, incident code, incident district). */
const HEADERS = ['Код клиента', 'Пол', 'Район', 'Дата инцидента', 'Дата обращения', 'Вид насилия', 'Согласие на услуги', 'Согласие на статистику'];
const GOOD = ['MAP-1', 'жен', 'Вахдат', '01.11.2025', '02.11.2025', 'побои', 'да', 'да'];

describe('RowMapper', () => {
  const mapper = new RowMapper(resolveColumns(HEADERS, {}).columns, new ValueDictionary());
  const issuesOf = (change: Record<number, string>): unknown => {
    const cells = GOOD.map((v, i) => change[i] ?? v);
    return mapper.map(2, cells).issues;
  };

  it('maps a good row, deriving the registration date, the incident code and the incident district', () => {
    const r = mapper.map(2, GOOD);
    expect(r.issues).toEqual([]);
    expect(r.row).toMatchObject({ registeredOn: '2025-11-02', incidentDistrict: 'TJ-RA-VAH', incidentCode: expect.stringMatching(/\S/) as unknown });
  });

  it('reports an empty date once, not again on the fields derived from it', () => {
    expect(issuesOf({ 4: '' })).toEqual([{ field: 'reportedDate', reason: 'REQUIRED' }]);
    expect(issuesOf({ 3: '' })).toEqual([{ field: 'incidentDate', reason: 'REQUIRED' }]);
    expect(issuesOf({ 0: '' })).toEqual([{ field: 'clientCode', reason: 'REQUIRED' }]);
    expect(issuesOf({ 2: 'Атлантида' })).toEqual([{ field: 'district', reason: 'UNKNOWN_VALUE' }]);
  });

  it('refuses dates in the future as the standard does, once (the registration date derived from a future report is not reported again)', () => {
    const early = new RowMapper(resolveColumns(HEADERS, {}).columns, new ValueDictionary(), { date: '2025-11-01', year: 2025 });
    expect(early.map(2, GOOD).issues).toEqual([
      { field: 'reportedDate', reason: 'DATE_IN_FUTURE' },
    ]);
  });

  it('still reports a derived field whose own cell holds a bad value', () => {
    const withCode = new RowMapper(resolveColumns([...HEADERS, 'Номер случая'], {}).columns, new ValueDictionary());
    expect(withCode.map(2, [...GOOD.map((v, i) => (i === 3 ? '' : v)), 'bad code with spaces']).issues).toEqual([
      { field: 'incidentCode', reason: 'INVALID_FORMAT' },
      { field: 'incidentDate', reason: 'REQUIRED' },
    ]);
  });

  it('refuses an incident before the client was born (DATE_ORDER on its date), by birth year or by date of birth', () => {
    const withBirth = new RowMapper(resolveColumns([...HEADERS, 'Год рождения', 'Дата рождения'], {}).columns, new ValueDictionary());
    const row = (year: string, date: string): unknown => withBirth.map(2, [...GOOD, year, date]).issues;
    expect(row('2026', '')).toEqual([{ field: 'incidentDate', reason: 'DATE_ORDER' }]);
    expect(row('', '12.11.2025')).toEqual([{ field: 'incidentDate', reason: 'DATE_ORDER' }]);
    expect(row('2025', '')).toEqual([]);
    expect(row('', '01.11.2025')).toEqual([]);
  });

  it('reads a spreadsheet date, and refuses one before 1910 rather than store a wrong one: a year typed into a date column, an ISO date cell', () => {
    expect(parseDate(45_000)).toBe('2023-03-15');
    expect(parseDate(new Date(Date.UTC(2023, 4, 1)))).toBe('2023-05-01');
    const withBirth = new RowMapper(resolveColumns([...HEADERS, 'Дата рождения'], {}).columns, new ValueDictionary());
    // 1990 in a General cell is day 1990 of the 1900 system (1905-06-12); an ISO date cell (t="d") is read as 2023 the same way
    for (const mistaken of [1990, 2023, new Date(Date.UTC(1905, 6, 15))]) {
      const r = withBirth.map(2, [...GOOD, mistaken]);
      expect({ mistaken, issues: r.issues }).toEqual({ mistaken, issues: [{ field: 'dateOfBirth', reason: 'INVALID_DATE' }] });
    }
    expect(withBirth.map(2, [...GOOD, 32_874]).row).toMatchObject({ dateOfBirth: '1990-01-01', birthYear: 1990 });
  });
});
