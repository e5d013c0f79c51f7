/* eslint-disable @typescript-eslint/no-unsafe-member-access -- GraphQL answers printed as they come */
import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ensureDatabase, freePort, startEmbeddedPostgres, withDatabase } from '@paivand/devdb';
import { generateHotlineConsultations, iterateRegister } from '@paivand/synthetic';
import { AccountsService } from '../apps/hub-api/src/accounts/accounts.service';
import { createHubApp } from '../apps/hub-api/src/app.factory';
import { loadHubConfig } from '../apps/hub-api/src/config/hub-config';
import { migrateHub } from '../apps/hub-api/src/database/data-source';
import { MembersService } from '../apps/hub-api/src/members/members.service';
import { seedHub } from '../apps/hub-api/src/seed/seed-hub';
import { StandardsService } from '../apps/hub-api/src/standards/standards.service';
import { createNodeApp } from '../apps/member-node/src/app.factory';
import { loadNodeConfig } from '../apps/member-node/src/config/node-config';
import { KeyRing } from '../apps/member-node/src/crypto/key-ring';
import { migrateNode } from '../apps/member-node/src/database/data-source';
import { OutboxPusher } from '../apps/member-node/src/outbox/outbox.pusher';
import { ReleaseScheduler } from '../apps/member-node/src/releases/release.scheduler';
import { ReleasesService } from '../apps/member-node/src/releases/releases.service';
import { fillSyntheticConsultations, fillSyntheticRegister } from '../apps/member-node/src/releases/synthetic-register';
import { NodeRole } from '../apps/member-node/src/common/auth/principal';
import { StaffService } from '../apps/member-node/src/staff/staff.service';
import { hashSecret } from '@paivand/nest-common';

/**
 * `npm run demo [-- --once] [-- --months=N]`: one embedded Postgres, a hub seeded with the
 * eight founding members, three member nodes named after founding members, synthetic
 * registers, releases prepared, approved and pushed, then what the hub serves.
 */
const once = process.argv.includes('--once');
/** Each node's demo staff: username and role. */
const DEMO_STAFF: readonly (readonly [string, NodeRole])[] = [
  ['admin', 'centre_admin'],
  ['manager', 'manager'],
  ['caseworker', 'caseworker'],
];
const months = Number(process.argv.find((a) => a.startsWith('--months='))?.split('=')[1] ?? 3);
const t0 = Date.now();
const say = (m: string): void => void process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);
const pad = (n: number): string => String(n).padStart(2, '0');

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({ persistent: false });
  const apps: NestExpressApplication[] = [];
  const stop = async (): Promise<void> => {
    for (const a of apps.reverse()) await a.close().catch(() => undefined);
    await pg.stop();
  };
  try {
    say(`Postgres on port ${pg.port}`);
    const hubUrl = withDatabase(pg.url, 'paivand_hub');
    await ensureDatabase(hubUrl);
    await migrateHub(hubUrl);
    const hubPort = await freePort();
    const hub = await createHubApp(loadHubConfig({ JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', DATABASE_URL: hubUrl }), hubUrl);
    apps.push(hub);
    await hub.listen(hubPort, '127.0.0.1');
    const seed = await seedHub({ db: hub.get(DataSource), members: hub.get(MembersService), accounts: hub.get(AccountsService), standards: hub.get(StandardsService) });
    const hubBase = `http://127.0.0.1:${hubPort}`;
    say(`hub at ${hubBase}/graphql, ${seed.members.length} founding members admitted`);

    const picks = [0, 1, 4].map((i) => seed.members[i]);
    const to = new Date(Date.UTC(2025, months, 0)).toISOString().slice(0, 10);
    const now = new Date(Date.UTC(2025, months, 20));
    const jwt = randomBytes(32).toString('hex');
    const nodes: { app: NestExpressApplication; m: (typeof picks)[number]; url: string }[] = [];
    const staffHash = await hashSecret(seed.password);
    for (const [i, m] of picks.entries()) {
      const url = withDatabase(pg.url, `paivand_node_${i + 1}`);
      await ensureDatabase(url);
      await migrateNode(url);
      const keys = `k1:${randomBytes(32).toString('base64')}`;
      const port = await freePort();
      const app = await createNodeApp(
        loadNodeConfig({
          // one process: the nodes share the JWT audience (CENTRE_ID); MEMBER_ID is what the hub knows each by
          CENTRE_ID: 'demo-centre', MEMBER_ID: m.memberId, JWT_SECRET: jwt, NODE_ENCRYPTION_KEYS: keys, DATABASE_URL: url, LOG_LEVEL: 'warn',
          HUB_URL: hubBase, HUB_CLIENT_ID: m.clientId, HUB_CLIENT_SECRET: m.clientSecret, NODE_SIGNING_KEY: m.privateKeyPem, FEDERATION_JOBS: 'false',
        }),
        url,
      );
      apps.push(app);
      await app.listen(port, '127.0.0.1');
      // the centre's staff, to sign in to the node's GraphQL (each node has its own accounts)
      await app.get(DataSource).transaction(async (tx) => {
        for (const [username, role] of DEMO_STAFF) await app.get(StaffService).insert(tx, null, { username, displayName: `Demo ${role}`, role, passwordHash: staffHash });
      });
      const perMonth = [60, 110, 160][i];
      const prefix = ['GUL', 'PAN', 'NAS'][i];
      const region = ['TJ-SU', 'TJ-DU', 'TJ-KT'][i];
      const fill = await fillSyntheticRegister(app.get(DataSource), new KeyRing(keys), 'demo-centre', iterateRegister({ seed: `demo-${i}`, centre: { id: prefix, centreType: 'crisis_centre', region }, from: '2025-01-01', to, incidents: perMonth * months }));
      // the shelter also runs a trust line: its consultations leave the centre only through differential privacy
      const calls =
        i === 1
          ? (await fillSyntheticConsultations(app.get(DataSource), new KeyRing(keys), 'demo-centre', generateHotlineConsultations({ seed: `demo-line-${i}`, centre: { id: prefix, centreType: 'hotline', region }, from: '2025-01-01', to, count: 250 * months }))).consultations
          : 0;
      say(`node ${i + 1} "${m.name}" at http://127.0.0.1:${port}/graphql: ${fill.clients} clients, ${fill.incidents} incidents, ${fill.services} services${calls ? `, ${calls} trust-line consultations` : ''} (sealed)`);
      nodes.push({ app, m, url: `http://127.0.0.1:${port}/graphql` });
    }

    /** What went wrong on the way (a refused release, a query the hub would not answer): the demo then exits 1 after printing. */
    const problems: string[] = [];
    await Promise.all(
      nodes.map(async ({ app, m }) => {
        const results = await app.get(ReleaseScheduler).runDue(now);
        const ids = results.flatMap((r) => r.releases).filter((r) => r.status === 'prepared').map((r) => r.id);
        for (const id of ids) await app.get(ReleasesService).approve(id, 'demo');
        const stats = await app.get(OutboxPusher).pushDue();
        say(`${m.name}: ${ids.length} releases prepared, approved; pushed ${stats.delivered}, refused ${stats.refused}`);
        if (ids.length === 0 || stats.delivered !== ids.length) problems.push(`${m.name}: ${ids.length} prepared, ${stats.delivered} delivered, ${stats.refused} refused`);
      }),
    );

    const login = async (email: string): Promise<string> => (await gql(hubBase, 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email, password: seed.password } })).data.login.accessToken as string;
    const last = `2025-${pad(months)}`;
    // a member's short name: the part in quotes ("Panoh"), else the whole name
    const names = new Map(nodes.map(({ m }) => [m.memberId, /"([^"]+)"/.exec(m.name)?.[1] ?? m.name]));
    const Q = `query($q: StatisticsQueryInput!) { statistics(query: $q) { audience cells { memberId key value obsStatus confStatus } } }`;
    const show = async (title: string, token: string | undefined, q: Record<string, unknown>): Promise<void> => {
      const r = await gql(hubBase, Q, { q: { datasetId: 'incidents_monthly', from: '2025-01', to: last, ...q } }, token);
      if (!r.data?.statistics) {
        const problem = `${title}: ${JSON.stringify(r.errors?.[0]?.extensions?.code ?? r.errors)}`;
        problems.push(problem);
        return void process.stdout.write(`\n${problem}\n`);
      }
      process.stdout.write(`\n${title} (audience ${r.data.statistics.audience})\n`);
      // per member (the Association's view): the member's name, and "all members" for the combined row
      const who = (id: string | null): string => (q.byMember ? `${(id ? (names.get(id) ?? id.slice(0, 8)) : 'all members').padEnd(15)} ` : '');
      const cells = r.data.statistics.cells as { memberId: string | null; key: string[]; value: number | null; obsStatus: string; confStatus: string }[];
      for (const c of cells.slice(0, 12)) process.stdout.write(`  ${who(c.memberId)}${c.key.join(' / ').padEnd(28)} ${String(c.value ?? '·').padStart(6)}  ${c.obsStatus}/${c.confStatus}\n`);
    };
    process.stdout.write('\nWhat the hub serves ("·" = suppressed; OBS_STATUS/CONF_STATUS: A/F published, E/F published as an estimate (a differential-privacy dataset: noised), Q/C withheld by the member node (a small count or a cell hidden to protect one: which, is not told), Q/D a part some member withheld, Q/S hidden by the hub: too few contributing members, M/F nobody reported the period)\n');
    const [admin, researcher, ombudsman] = await Promise.all([login('coordinator@association.example.tj'), login('researcher@university.example.tj'), login('analyst@ombudsman.example.tj')]);
    await show('Services delivered by type, researcher, first month', researcher, { datasetId: 'services_monthly', from: '2025-01', to: '2025-01', groupBy: ['service_type'] });
    await show('Services delivered by outcome, Ombudsman, the quarter', ombudsman, { datasetId: 'services_monthly', groupBy: ['service_outcome'] });
    await show('Incidents by sex, Association per member, first month', admin, { from: '2025-01', to: '2025-01', groupBy: ['sex'], byMember: true });
    await show('National incidents by violence type, researcher', researcher, { groupBy: ['violence_type'] });
    await show('Incidents by region, Ombudsman', ombudsman, { groupBy: ['region'] });
    await show('Per member, Association', admin, { groupBy: [], byMember: true });
    await show('Trust-line consultations by topic, Association per member, first month (differential privacy: noised, never suppressed)', admin, { datasetId: 'hotline_monthly', from: '2025-01', to: '2025-01', groupBy: ['topic'], byMember: true });
    await show('Public (anonymous)', undefined, { groupBy: ['region'] });
    // each node's manager signs in to the node and sees the releases that left the centre
    for (const { m, url } of nodes) {
      const base = url.replace(/\/graphql$/, '');
      const token = (await gql(base, 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username: 'manager', password: seed.password } })).data?.login?.accessToken as string | undefined;
      const pushed = token ? ((await gql(base, '{ releases { status } }', {}, token)).data?.releases as { status: string }[] | undefined) : undefined;
      if (!pushed?.some((r) => r.status === 'pushed')) problems.push(`${names.get(m.memberId)}: the node's manager could not sign in and see the pushed releases`);
    }
    // the queries the demo suggests below answer as printed
    const firstNode = nodes[0].url.replace(/\/graphql$/, '');
    const caseworker = (await gql(firstNode, 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { username: 'caseworker', password: seed.password } })).data?.login?.accessToken as string | undefined;
    for (const [where, query] of DEMO_QUERIES) {
      const r = where === 'node' ? await gql(firstNode, query, {}, caseworker) : await gql(hubBase, query, {}, researcher);
      if (r.errors || !r.data) problems.push(`the suggested ${where} query ${query.slice(0, 40)}... answered ${JSON.stringify(r.errors?.[0]?.extensions?.code ?? r.errors)}`);
    }
    const comp = await gql(hubBase, `{ completeness(query: {datasetId: "incidents_monthly", from: "2025-01", to: "${last}"}) { memberId period status } }`, {}, admin);
    const rows = (comp.data?.completeness ?? []) as { memberId: string; status: string }[];
    const byStatus = rows.reduce<Record<string, number>>((a, r) => ({ ...a, [r.status]: (a[r.status] ?? 0) + 1 }), {});
    process.stdout.write(
      `\nCompleteness of incidents_monthly 2025-01..${last} (member x period): ${JSON.stringify(byStatus)}${
        byStatus.late || byStatus.before_admission
          ? ` (the demo's members were admitted today and its months are in 2025: what they pushed came after the due day, late by the hub's clock; the months they did not push were due before they joined, before_admission, not missing)`
          : ''
      }\n`,
    );
    process.stdout.write(
      `\nExplore (password "${seed.password}" everywhere):\n` +
        `  hub GraphQL ${hubBase}/graphql: coordinator@association.example.tj (Association), researcher@university.example.tj, analyst@ombudsman.example.tj, manager@gulrukhsor.example.tj (a member's account)\n` +
        nodes.map(({ m, url }) => `  node "${names.get(m.memberId)}" GraphQL ${url}: ${DEMO_STAFF.map(([u, r]) => `${u} (${r})`).join(', ')}\n`).join('') +
        `\nTry (POST {"query": ...} as JSON; send the accessToken of login as "authorization: Bearer <token>"):\n` +
        `  curl -s ${nodes[0].url} -H 'content-type: application/json' -d '{"query":"mutation { login(input: {username: \\"caseworker\\", password: \\"${seed.password}\\"}) { accessToken } }"}'\n` +
        DEMO_QUERIES.map(([where, q]) => `  ${where.padEnd(5)} ${q}\n`).join(''),
    );
    if (problems.length > 0) throw new Error(`the demo did not go through: ${problems.join('; ')}`);
    say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s${once ? '' : '; Ctrl-C to stop'}`);
    if (once) return await stop();
    process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What a new user can ask next, once signed in (each is run by the demo's own check below). */
export const DEMO_QUERIES: readonly (readonly ['node' | 'hub', string])[] = [
  ['node', '{ incidents(search: {from: "2025-01-01", to: "2025-01-31", first: 5}) { total items { incidentCode clientCode reportedDate violenceType } } }'],
  ['node', '{ standard(codelists: ["violence_type"]) { registerVersion codelists { codes { code labels { tg ru en } } } } }'],
  ['hub', '{ statistics(query: {datasetId: "incidents_monthly", from: "2025-01", to: "2025-03", groupBy: ["violence_type"]}) { cells { key value obsStatus confStatus } } }'],
];

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
