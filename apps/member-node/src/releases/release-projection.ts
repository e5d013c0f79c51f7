import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AGE_BAND, DatasetDecl, DatasetUnit, periodEnd, periodStart, RecordAttribute, ReportableRecord } from '@paivand/schema';

/** Units the node's register can count. */
export const PROJECTED_UNITS: readonly DatasetUnit[] = ['incident', 'service', 'client', 'consultation'];

/** One group of identical reportable records: codes only, and how many there are. */
export interface AggregatedRow {
  readonly month: string;
  readonly consent: boolean;
  readonly other: boolean;
  readonly attributes: Readonly<Partial<Record<RecordAttribute, string>>>;
  /**
   * Per-extract number of the subject (client, or caller for consultations), only when a
   * differential-privacy dataset needs it for its contribution caps: a rank in the
   * extract, never the code itself, and meaningless outside this extract.
   */
  readonly subject?: string;
  /** The subject stands for this record alone (a caller who gave no code): see ReportableRecord.anonymous. */
  readonly anonymous?: boolean;
  readonly n: number;
}

export interface UnitExtract {
  readonly unit: DatasetUnit;
  readonly rows: readonly AggregatedRow[];
  /** sha256 over the rows: equal fingerprints, equal counts (late entries change it). */
  readonly fingerprint: string;
  readonly records: number;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * The codelist's bounded age bands in order, when they follow one another without a gap and end by
 * 120 (`ageBandOf` calls an age over 120 unknown): then an age's band is its `width_bucket` over the
 * bands' first years, an integer the aggregate groups by far faster than a CASE of text (evaluated
 * up to 16 times a record) and decoded here. A projection of 100,000 incidents took 380 to 450 ms
 * with the CASE and the month as text, 160 to 190 ms with both as integers, on the benchmark's register.
 */
const AGE_BUCKETS = ((): { thresholds: readonly number[]; codes: readonly string[] } | null => {
  const banded = AGE_BAND.codes.filter((c) => c.min !== undefined && c.max !== undefined).sort((a, b) => Number(a.min) - Number(b.min));
  if (banded.length === 0 || Number(banded[banded.length - 1].max) > 120) return null;
  for (let i = 1; i < banded.length; i++) if (Number(banded[i].min) !== Number(banded[i - 1].max) + 1) return null;
  return { thresholds: [...banded.map((c) => Number(c.min)), Number(banded[banded.length - 1].max) + 1], codes: banded.map((c) => c.code) };
})();

/**
 * SQL of an incident's age band: the band stored with it (`stored`, computed from her date of birth
 * where it was open: ageBandOn), else the year difference (`ageBandSql`), for rows written before it
 * was stored. As a bucket number (AGE_BUCKETS) or the code, as ageBandSql gives it.
 */
function storedAgeBandSql(stored: string, yearOfEvent: string, birthYear: string): string {
  if (!AGE_BUCKETS) return `coalesce(${stored}, ${ageBandSql(yearOfEvent, birthYear)})`;
  // a stored UNK (or a code not among the bounded bands) is no bucket: null, read as UNK
  return `CASE WHEN ${stored} IS NULL THEN ${ageBandSql(yearOfEvent, birthYear)} ELSE array_position(ARRAY[${AGE_BUCKETS.codes.map(quote).join(', ')}]::text[], ${stored}) END`;
}

/** SQL of the age band at a date, from the codelist (the same rule as `ageBandOf`): a bucket number (AGE_BUCKETS) or the code. */
function ageBandSql(yearOfEvent: string, birthYear: string): string {
  const age = `(${yearOfEvent} - ${birthYear})`;
  if (AGE_BUCKETS) return `width_bucket(${age}, ARRAY[${AGE_BUCKETS.thresholds.join(', ')}]::int[])`;
  const arms = AGE_BAND.codes
    .filter((c) => c.min !== undefined && c.max !== undefined)
    .map((c) => `WHEN ${age} BETWEEN ${Number(c.min)} AND ${Number(c.max)} THEN ${quote(c.code)}`)
    .join(' ');
  return `CASE WHEN ${birthYear} IS NULL OR ${age} < 0 OR ${age} > 120 THEN 'UNK' ${arms} ELSE 'UNK' END`;
}

/** An age band as the query gives it: a code, or a bucket number (0 below the first band, past the last one, or null: unknown). */
function ageBandOfValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v === null) return 'UNK';
  if (typeof v === 'number' && AGE_BUCKETS) return v >= 1 && v <= AGE_BUCKETS.codes.length ? AGE_BUCKETS.codes[v - 1] : 'UNK';
  return undefined;
}

/** SQL of a date's month as one integer (year * 12 + month - 1): grouped by faster than its text. */
const monthSql = (date: string): string => `(extract(year from ${date})::int * 12 + extract(month from ${date})::int - 1)`;

/** `YYYY-MM` of a monthSql number. */
function monthOfValue(v: unknown): string {
  const m = Number(v);
  return `${String(Math.floor(m / 12)).padStart(4, '0')}-${String((m % 12) + 1).padStart(2, '0')}`;
}

interface UnitSql {
  /** FROM ... WHERE with $1 centre, $2 from date, $3 to date (exclusive). */
  readonly from: string;
  readonly month: string;
  readonly consent: string;
  readonly other: string;
  /** Who a record is about (the unit of privacy for differential privacy): read inside the query only. */
  readonly subject: string;
  /** True for a record whose subject is its own (default: never). */
  readonly anonymous?: string;
  readonly attributes: Partial<Record<RecordAttribute, string>>;
}

/**
 * Per unit: which column each record attribute comes from. Identifiable columns (`*_enc`,
 * exact dates beyond the month, birth year beyond the band) are never selected: only the
 * month, the band and codes leave this query.
 */
const UNIT_SQL: Partial<Record<DatasetUnit, UnitSql>> = {
  incident: {
    from: `incidents i JOIN clients c ON c.id = i.client_id
            WHERE i.centre_id = $1 AND i.reported_date >= $2 AND i.reported_date < $3`,
    month: monthSql('i.reported_date'),
    consent: 'i.consent_reporting',
    other: 'i.reported_by_other_member',
    subject: 'c.id::text',
    attributes: {
      sex: 'c.sex',
      age_band: storedAgeBandSql('i.age_band', 'extract(year from i.incident_date)::int', 'c.birth_year'),
      district: 'i.district',
      violence_type: 'i.violence_type',
      perpetrator_relationship: 'i.perpetrator_relationship',
      marital_status: 'c.marital_status',
      migration_status: 'c.migration_status',
    },
  },
  service: {
    from: `service_deliveries s JOIN incidents i ON i.id = s.incident_id JOIN clients c ON c.id = i.client_id
            WHERE s.centre_id = $1 AND s.date >= $2 AND s.date < $3`,
    month: monthSql('s.date'),
    consent: 'i.consent_reporting',
    // each centre counts the services it delivered itself
    other: 'false',
    subject: 'c.id::text',
    attributes: {
      service_type: 's.service_type',
      service_outcome: 's.outcome',
      sex: 'c.sex',
      age_band: ageBandSql('extract(year from s.date)::int', 'c.birth_year'),
      district: 'c.district',
      violence_type: 'i.violence_type',
    },
  },
  client: {
    // one row per client served in the period, dated to her first service in it: a service she received
    // (clients_quarterly: "received at least one service"), not one she declined or that was not available
    from: `(SELECT DISTINCT ON (c.id) c.id, c.sex, c.birth_year, c.district, c.migration_status, c.marital_status,
                   s.date AS first_date, i.consent_reporting
              FROM service_deliveries s JOIN incidents i ON i.id = s.incident_id JOIN clients c ON c.id = i.client_id
             WHERE s.centre_id = $1 AND s.date >= $2 AND s.date < $3 AND s.outcome NOT IN ('declined', 'not_available')
             ORDER BY c.id, s.date, s.id) f WHERE true`,
    month: monthSql('f.first_date'),
    consent: 'f.consent_reporting',
    other: 'false',
    subject: 'f.id::text',
    attributes: {
      sex: 'f.sex',
      age_band: ageBandSql('extract(year from f.first_date)::int', 'f.birth_year'),
      district: 'f.district',
      migration_status: 'f.migration_status',
      marital_status: 'f.marital_status',
    },
  },
  consultation: {
    from: `consultations k WHERE k.centre_id = $1 AND k.date >= $2 AND k.date < $3`,
    month: monthSql('k.date'),
    consent: 'k.consent_reporting',
    // hotlines count the consultations they gave themselves
    other: 'false',
    // the caller; an anonymous caller (no code) counts as a caller of her own in each consultation
    subject: `CASE WHEN k.caller_code IS NULL THEN 'c:' || k.id::text ELSE 'k:' || k.caller_code END`,
    anonymous: 'k.caller_code IS NULL',
    attributes: {
      hotline_topic: 'k.topic',
      caller_sex: 'k.caller_sex',
      age_band: `coalesce(k.caller_age_band, 'UNK')`,
      district: 'k.district',
    },
  },
};

/** Attributes of the dataset's dimensions the register does not keep for its unit (none: the node can project it). */
export function missingAttributes(d: DatasetDecl): RecordAttribute[] {
  const spec = UNIT_SQL[d.unit];
  return [...new Set(d.dimensions.map((dim) => dim.attribute))].filter((a) => spec?.attributes[a] === undefined).sort();
}

/**
 * The register as the anonymizer reads it, aggregated in Postgres: one row per distinct
 * combination of month, consent, other-member flag and the attributes the datasets need,
 * with its count. Memory follows the number of combinations, not of cases.
 */
@Injectable()
export class ReleaseProjection {
  /**
   * `linked`: other datasets of the unit whose earlier releases the anonymizer may link to
   * this one (every table of a linked system counts the same records, so each record must
   * carry every attribute of them all). Their attributes are read but left out of the
   * fingerprint, which changes only when the counts of `datasets` do.
   */
  async extract(tx: EntityManager, centreId: string, unit: DatasetUnit, datasets: readonly DatasetDecl[], period: string, linked: readonly DatasetDecl[] = []): Promise<UnitExtract> {
    const spec = UNIT_SQL[unit];
    if (!spec) throw new Error(`the register does not keep ${unit} records`);
    const attributesOf = (list: readonly DatasetDecl[]): RecordAttribute[] => [...new Set(list.flatMap((d) => d.dimensions.map((dim) => dim.attribute)))].sort();
    const own = attributesOf(datasets);
    // a linked dataset over an attribute the register does not keep was never released here
    const needed = [...new Set([...own, ...attributesOf(linked).filter((a) => spec.attributes[a] !== undefined)])].sort();
    const unknown = own.filter((a) => spec.attributes[a] === undefined);
    if (unknown.length > 0) throw new Error(`the register has no ${unknown.join(', ')} for ${unit} records`);
    // differential privacy caps each subject's records: group by subject too, and number the
    // subjects in the query so that no client id or caller code reaches this process
    const bySubject = datasets.some((d) => d.protection.method === 'differential_privacy');
    const cols = [`${spec.month} AS month`, `${spec.consent} AS consent`, `${spec.other} AS other`, ...needed.map((a, i) => `${spec.attributes[a]} AS a${i}`)];
    const groupBy = cols.map((_, i) => String(i + 1)).join(', ');
    const sql = bySubject
      ? `SELECT ${['month', 'consent', 'other', ...needed.map((_, i) => `a${i}`), 'n', 'anon'].map((c) => `g.${c}`).join(', ')}, dense_rank() OVER (ORDER BY g.s)::int AS subject
           FROM (SELECT ${cols.join(', ')}, ${spec.subject} AS s, count(*)::int AS n, bool_or(${spec.anonymous ?? 'false'}) AS anon
                   FROM ${spec.from} GROUP BY ${groupBy}, ${cols.length + 1}) g
          ORDER BY ${groupBy}, subject`
      : // no ORDER BY: the counts do not depend on the rows' order (the fingerprint sorts its keys), and sorted output
        // made Postgres sort every record to group them instead of hashing (373 ms against about 170 ms for 100,000)
        `SELECT ${cols.join(', ')}, count(*)::int AS n FROM ${spec.from} GROUP BY ${groupBy}`;
    const from = periodStart(period).toISOString().slice(0, 10);
    const to = periodEnd(period).toISOString().slice(0, 10);
    const raw: Record<string, unknown>[] = await tx.query(sql, [centreId, from, to]);
    // the fingerprint: counts by the datasets' own attributes, in a fixed order
    const counts = new Map<string, number>();
    let records = 0;
    const rows = raw.map((r): AggregatedRow => {
      const attributes: Partial<Record<RecordAttribute, string>> = {};
      needed.forEach((a, i) => {
        const v = a === 'age_band' ? ageBandOfValue(r[`a${i}`]) : r[`a${i}`];
        if (typeof v === 'string') attributes[a] = v;
      });
      const subject = bySubject ? String(r.subject) : undefined;
      const row: AggregatedRow = {
        month: monthOfValue(r.month),
        consent: r.consent === true,
        other: r.other === true,
        attributes,
        ...(subject !== undefined ? { subject } : {}),
        ...(r.anon === true ? { anonymous: true } : {}),
        n: Number(r.n),
      };
      records += row.n;
      const key = `${row.month}|${row.consent ? 1 : 0}|${row.other ? 1 : 0}|${own.map((a) => attributes[a] ?? '').join('|')}${subject !== undefined ? `|${subject}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + row.n);
      return row;
    });
    const hash = createHash('sha256').update(`${unit}|${period}|${own.join(',')}\n`);
    for (const key of [...counts.keys()].sort()) hash.update(`${key}|${counts.get(key) as number}\n`);
    return { unit, rows, fingerprint: hash.digest('hex'), records };
  }
}

/** The rows as reportable records (one shared object per row, yielded `n` times). */
export function* recordsOf(extracts: readonly UnitExtract[]): Generator<ReportableRecord, void, undefined> {
  for (const e of extracts) {
    for (const row of e.rows) {
      // subject is only read by differential privacy (contribution caps); extracts without a DP dataset carry none
      const record: ReportableRecord = {
        unit: e.unit,
        month: row.month,
        subject: row.subject ?? '-',
        ...(row.anonymous ? { anonymous: true } : {}),
        consentReporting: row.consent,
        reportedByOtherMember: row.other,
        attributes: row.attributes,
      };
      for (let i = 0; i < row.n; i++) yield record;
    }
  }
}
