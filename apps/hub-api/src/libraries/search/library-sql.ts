import type { Principal } from '../../common/auth/principal';
import { LibraryFilterInput, SearchLibraryInput } from '../dto/search.input';
import { readableAccessLevels } from '../library-access';
import { kindsOfShelf } from '../library-codes';

/** A WHERE clause under construction with positional parameters. */
export class SqlWhere {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): this {
    this.clauses.push(clause);
    return this;
  }

  toString(): string {
    return this.clauses.length > 0 ? this.clauses.join(' AND ') : 'TRUE';
  }
}

/** What a reader may see: published versions at an access level the caller's role admits. */
export function readableVersions(w: SqlWhere, p: Principal | undefined, alias = 'v'): SqlWhere {
  return w.add(`${alias}.status = 'published'`).add(`${alias}.access_level = ANY(${w.param(readableAccessLevels(p))}::text[])`);
}

export function applyFilter(w: SqlWhere, f: LibraryFilterInput | undefined, alias = 'v'): SqlWhere {
  if (!f) return w;
  if (f.shelf) w.add(`${alias}.kind = ANY(${w.param(kindsOfShelf(f.shelf))}::text[])`);
  if (f.kind) w.add(`${alias}.kind = ${w.param(f.kind)}`);
  if (f.theme) w.add(`${alias}.themes @> ARRAY[${w.param(f.theme)}::text]`);
  if (f.year !== undefined) w.add(`${alias}.year = ${w.param(f.year)}`);
  if (f.organisationMemberId) w.add(`${alias}.organisation_member_id = ${w.param(f.organisationMemberId)}`);
  if (f.organisationName) w.add(`lower(${alias}.organisation_name) = lower(${w.param(f.organisationName.trim())})`);
  if (f.language) w.add(`${alias}.language = ${w.param(f.language)}`);
  return w;
}

const OPEN = '\u27e6';
const CLOSE = '\u27e7';
/** ts_headline options: sentinels that cannot survive HTML escaping become <mark> afterwards. */
export const HEADLINE_OPTIONS = `StartSel=${OPEN}, StopSel=${CLOSE}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

export function snippetHtml(raw: string): string {
  const escaped = raw.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return escaped.split(OPEN).join('<mark>').split(CLOSE).join('</mark>');
}

/**
 * The search statement: rank every readable match (count included), keep one page, and
 * only then build snippets for that page (ts_headline is the costly part).
 */
export function buildSearchSql(p: Principal | undefined, input: Pick<SearchLibraryInput, 'query' | 'filter' | 'limit' | 'offset'>): { text: string; params: unknown[] } {
  const w = new SqlWhere();
  const q = w.param(input.query);
  readableVersions(w, p);
  applyFilter(w, input.filter);
  w.add('v.search_vector @@ q.query');
  const where = w.toString();
  const text = `WITH q AS (SELECT library_search_query(${q}) AS query),
     hits AS (
       SELECT v.id, v.document_id, v.version, v.language, ts_rank_cd(v.search_vector, q.query) AS rank, count(*) OVER () AS total
       FROM library_document_versions v, q
       WHERE ${where}
       ORDER BY rank DESC, v.published_at DESC, v.id
       LIMIT ${w.param(input.limit)} OFFSET ${w.param(input.offset)})
     SELECT h.id AS version_id, h.document_id, h.version AS published_version, h.total, h.rank,
            ts_headline(cfg.name::regconfig,
              left(concat_ws(' … ', v.summary_tg, v.summary_ru, v.summary_en, nullif(v.body_text, '')), 20000),
              websearch_to_tsquery(cfg.name::regconfig, ${q}), '${HEADLINE_OPTIONS}') AS snippet
     FROM hits h
     JOIN library_document_versions v ON v.id = h.id
     CROSS JOIN LATERAL (SELECT CASE h.language WHEN 'ru' THEN 'russian' WHEN 'en' THEN 'english' ELSE 'simple' END AS name) cfg
     ORDER BY h.rank DESC, v.published_at DESC, v.id`;
  return { text, params: w.params };
}
