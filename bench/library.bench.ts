/**
 * Library search latency over 10,000 published documents: the GraphQL API over HTTP
 * (auth, validation, SQL, DataLoader for files, JSON) against the very same SQL statement
 * run directly with pg, in one run on an embedded Postgres.
 *
 *   npm run bench:library            (BENCH_DOCS=10000 BENCH_ROUNDS=30 by default)
 */
import 'reflect-metadata';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccountsService } from '../apps/hub-api/src/accounts/accounts.service';
import { TokenService } from '../apps/hub-api/src/accounts/token.service';
import { createHubApp } from '../apps/hub-api/src/app.factory';
import type { Principal } from '../apps/hub-api/src/common/auth/principal';
import { loadHubConfig } from '../apps/hub-api/src/config/hub-config';
import { migrateHub } from '../apps/hub-api/src/database/data-source';
import { buildSearchSql } from '../apps/hub-api/src/libraries/search/library-sql';

const DOCS = Number(process.env.BENCH_DOCS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

// Synthetic vocabulary in the three languages (no real documents, no people).
const EN = 'shelter referral survivor violence family court police hotline district training counselling migration protection standard case management safety planning economic support children disability health prevention'.split(' ');
const RU = 'насилие семья приют помощь пострадавшая направление защита суд милиция консультация миграция дети здоровье профилактика стандарт работа кризисный центр безопасность'.split(' ');
const TG = 'зӯроварӣ оила паноҳгоҳ ёрӣ ҳуқуқ марказ кӯдакон муҳоҷират саломатӣ пешгирӣ мушовир бехатарӣ суд милиса занон ҷомеа омӯзиш дастгирӣ'.split(' ');

const QUERIES: { label: string; query: string; filter?: Record<string, unknown> }[] = [
  { label: 'en one word', query: 'shelter' },
  { label: 'en two words', query: 'safety planning' },
  { label: 'ru stemmed', query: 'насилия' },
  { label: 'ru phrase', query: '"кризисный центр"' },
  { label: 'tg word', query: 'ҳуқуқ' },
  { label: 'tg folded', query: 'хукук' },
  { label: 'rare word', query: 'zephyrine' },
  { label: 'filtered', query: 'приют', filter: { theme: 'shelters', year: 2024 } },
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function seed(c: Client): Promise<void> {
  // Text per document: a few hundred words drawn from the vocabularies, as extracted PDF text would be.
  await c.query(`CREATE TEMP TABLE words AS SELECT unnest($1::text[]) AS w, 'en' AS l UNION ALL SELECT unnest($2::text[]), 'ru' UNION ALL SELECT unnest($3::text[]), 'tg'`, [EN, RU, TG]);
  await c.query(`INSERT INTO library_documents (id, owner_account_id, created_at) SELECT gen_random_uuid(), gen_random_uuid(), now() FROM generate_series(1, $1)`, [DOCS]);
  await c.query(
    `WITH d AS (SELECT id, row_number() OVER () AS n FROM library_documents),
          lang AS (SELECT d.id, d.n, (ARRAY['en','ru','tg'])[1 + d.n % 3] AS l FROM d)
     INSERT INTO library_document_versions (id, document_id, version, status, kind, access_level, title_en, title_ru, title_tg, summary_en, summary_ru, summary_tg,
       organisation_name, year, language, tags, themes, body_text, created_by, published_at)
     SELECT gen_random_uuid(), lang.id, 1, 'published',
       (ARRAY['research_finding','thematic_paper','dataset_method_note','methodology','training_material','standard_of_work','referral_protocol','case_management_guide'])[1 + lang.n % 8],
       (ARRAY['public','members_and_researchers','members_only'])[1 + (lang.n / 3) % 3],
       CASE WHEN lang.l = 'en' THEN (SELECT string_agg(w, ' ') FROM (SELECT w FROM words WHERE l = 'en' ORDER BY random() + lang.n * 0 LIMIT 5) x) END,
       CASE WHEN lang.l = 'ru' THEN (SELECT string_agg(w, ' ') FROM (SELECT w FROM words WHERE l = 'ru' ORDER BY random() + lang.n * 0 LIMIT 5) x) END,
       CASE WHEN lang.l = 'tg' THEN (SELECT string_agg(w, ' ') FROM (SELECT w FROM words WHERE l = 'tg' ORDER BY random() + lang.n * 0 LIMIT 5) x) END,
       CASE WHEN lang.l = 'en' THEN (SELECT string_agg(w, ' ') FROM (SELECT w FROM words WHERE l = 'en' ORDER BY random() + lang.n * 0 LIMIT 25) x) END,
       CASE WHEN lang.l = 'ru' THEN (SELECT string_agg(w, ' ') FROM (SELECT w FROM words WHERE l = 'ru' ORDER BY random() + lang.n * 0 LIMIT 25) x) END,
       CASE WHEN lang.l = 'tg' THEN (SELECT string_agg(w, ' ') FROM (SELECT w FROM words WHERE l = 'tg' ORDER BY random() + lang.n * 0 LIMIT 25) x) END,
       'Synthetic Organisation ' || (lang.n % 40), 2015 + lang.n % 11, lang.l, ARRAY['tag' || (lang.n % 50)],
       ARRAY[(ARRAY['shelters','legal_aid','case_management','labour_migration','children'])[1 + lang.n % 5]],
       (SELECT string_agg(w, ' ') FROM (SELECT w FROM words, generate_series(1, 12) g WHERE l = lang.l ORDER BY random() + lang.n * 0 LIMIT 300) x)
         || CASE WHEN lang.n % 500 = 0 THEN ' zephyrine' ELSE '' END,
       gen_random_uuid(), now() - (lang.n || ' minutes')::interval
     FROM lang`,
  );
  await c.query(`UPDATE library_documents d SET latest_version_id = v.id, published_version_id = v.id FROM library_document_versions v WHERE v.document_id = d.id`);
  await c.query(
    `UPDATE library_document_versions v SET search_vector = library_search_vector(v.title_tg, v.title_ru, v.title_en, v.summary_tg, v.summary_ru, v.summary_en,
       v.body_text, v.language, concat_ws(' ', array_to_string(v.tags, ' '), array_to_string(v.authors, ' '), v.organisation_name))`,
  );
  await c.query('VACUUM ANALYZE library_document_versions');
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({ persistent: false });
  const url = withDatabase(pg.url, 'bench_library');
  await ensureDatabase(url);
  await migrateHub(url);
  const app = await createHubApp(loadHubConfig({ JWT_SECRET: 'bench-secret-'.padEnd(40, 'x'), LOG_LEVEL: 'silent', DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '1000000' }), url);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const t0 = performance.now();
    await seed(c);
    console.log(`seeded ${DOCS} published documents (en/ru/tg, ~300 words of body text each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The hub accepts tokens only of accounts it holds.
    const account = await app.get(DataSource).transaction((tx) =>
      app.get(AccountsService).insert(tx, null, { email: 'reader@bench.example.test', displayName: 'Bench reader', role: 'researcher', passwordHash: 'unused' }),
    );
    const principal: Principal = { kind: 'user', id: account.id, role: 'researcher', memberId: null };
    const token = app.get(TokenService).issue(principal).accessToken;
    const gqlQuery = `query($i: SearchLibraryInput!) { searchLibrary(input: $i) { total hits { rank snippet document { id title { tg ru en } year files { sha256 } } } } }`;

    const viaApi = async (query: string, filter?: Record<string, unknown>): Promise<number> => {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: gqlQuery, variables: { i: { query, filter, limit: 20 } } }),
      });
      const body = (await res.json()) as { data?: { searchLibrary: { total: number } }; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return body.data.searchLibrary.total;
    };
    const viaSql = async (query: string, filter?: Record<string, unknown>): Promise<number> => {
      const { text, params } = buildSearchSql(principal, { query, filter, limit: 20, offset: 0 });
      const res = await c.query<{ total: string }>(text, params);
      return res.rows.length > 0 ? Number(res.rows[0].total) : 0;
    };

    console.log(`\nsearch as a researcher (public + members_and_researchers), page of 20, ${ROUNDS} rounds per query, ms:`);
    console.log('query'.padEnd(16), 'matches'.padStart(8), '| API p50'.padStart(10), 'API p95'.padStart(9), '| SQL p50'.padStart(10), 'SQL p95'.padStart(9));
    const allApi: number[] = [];
    const allSql: number[] = [];
    for (const q of QUERIES) {
      const totalApi = await viaApi(q.query, q.filter); // warm-up, and a check that both paths agree
      const totalSql = await viaSql(q.query, q.filter);
      if (totalApi !== totalSql) throw new Error(`API and SQL disagree for ${q.label}: ${totalApi} vs ${totalSql}`);
      const api: number[] = [];
      const sql: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        let t = performance.now();
        await viaApi(q.query, q.filter);
        api.push(performance.now() - t);
        t = performance.now();
        await viaSql(q.query, q.filter);
        sql.push(performance.now() - t);
      }
      allApi.push(...api);
      allSql.push(...sql);
      const f = (x: number): string => x.toFixed(1).padStart(9);
      console.log(q.label.padEnd(16), String(totalApi).padStart(8), '|', f(pct(api, 50)), f(pct(api, 95)), '|', f(pct(sql, 50)), f(pct(sql, 95)));
    }
    console.log(
      `\nall queries: API p50 ${pct(allApi, 50).toFixed(1)} ms, p95 ${pct(allApi, 95).toFixed(1)} ms | raw SQL p50 ${pct(allSql, 50).toFixed(1)} ms, p95 ${pct(allSql, 95).toFixed(1)} ms`,
    );
  } finally {
    await c.end();
    await app.close();
    await pg.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
