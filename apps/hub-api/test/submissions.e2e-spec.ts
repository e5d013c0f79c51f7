import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { importSummaryJsonSchema, STANDARD, StandardIndex, SubmissionCell, TOTAL_CODE } from '@paivand/schema';
import { admitTestMember, conflictCodes, servicesCells, sign_, submitAs, TestNode } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- summaries are checked field by field */
describe('hub: submissions (signed, validated, all or nothing)', () => {
  let hub: HubTestApp;
  let a: TestNode;
  let b: TestNode;
  // no zero: a member's anonymizer hides its zeros (the hub refuses a published one, below)
  const good = (t: string, o: string): number => 5 + ((t.length * 7 + o.length) % 20);
  const count = async (sql: string, params: unknown[] = []): Promise<number> => (await hub.dataSource.query<{ n: number }[]>(sql, params))[0].n;
  const rows = (memberId: string): Promise<number> =>
    count('SELECT count(*)::int AS n FROM submission_cells c JOIN submissions s ON s.id = c.submission_id WHERE s.member_id = $1', [memberId]);
  const submit = (node: TestNode, s: unknown, dryRun = false): Promise<any> => submitAs(hub, node, s, dryRun);
  const codes = conflictCodes;

  beforeAll(async () => {
    hub = await startHubTestApp();
    a = await admitTestMember(hub);
    b = await admitTestMember(hub);
  }, 120_000);
  afterAll(() => hub.close());

  it('dry run validates without storing; a valid release is imported, audited, and the same again ignored', async () => {
    const s = sign_(a, { cells: servicesCells(good) });
    const dry = await submit(a, s, true);
    expect(dry).toMatchObject({ status: 'SUCCESS', dryRun: true, counts: { imported: 98, updated: 0, ignored: 0, rejected: 0 }, submissionId: null });
    expect(await rows(a.memberId)).toBe(0);

    const first = await submit(a, s);
    expect(first).toMatchObject({ status: 'SUCCESS', counts: { imported: 98, updated: 0, ignored: 0, rejected: 0 }, conflicts: [] });
    expect(await rows(a.memberId)).toBe(98);
    expect(await count(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'submission.store' AND object_id = $1`, [first.submissionId])).toBe(1);

    const again = await submit(a, sign_(a, { cells: servicesCells(good), preparedAt: '2025-04-03T08:00:00Z' }));
    expect(again).toMatchObject({ status: 'WARNING', counts: { imported: 0, updated: 0, ignored: 98, rejected: 0 }, submissionId: first.submissionId });
    expect(await rows(a.memberId)).toBe(98);
  });

  it('a higher revision replaces the older one, which stays in history; a stale revision with other content conflicts', async () => {
    const revised = (t: string, o: string): number => good(t, o) + (t === 'legal_aid' ? 0 : 1);
    const r2 = await submit(a, sign_(a, { revision: 2, cells: servicesCells(revised) }));
    expect(r2).toMatchObject({ status: 'SUCCESS', counts: { imported: 0, updated: 98, ignored: 0, rejected: 0 } });
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1`, [a.memberId])).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND is_current`, [a.memberId])).toBe(1);

    const stale = await submit(a, sign_(a, { revision: 2, cells: servicesCells((t, o) => good(t, o) + 2) }));
    expect(stale.status).toBe('ERROR');
    expect(codes(stale)).toEqual(['REVISION_CONFLICT']);
    // the revision the hub holds, for a node whose records are behind (restored from a backup) to number above it
    expect(stale.hubRevision).toBe(2);
    expect(stale.counts).toEqual({ imported: 0, updated: 0, ignored: 0, rejected: 98 });
    expect(await rows(a.memberId)).toBe(196);
  });

  const refusals: [string, () => Promise<unknown>, string][] = [];
  it.each([
    ['bad signature', 'SIGNATURE_INVALID', (): unknown => ({ ...sign_(b, { cells: servicesCells(good) }), signature: Buffer.alloc(64, 1).toString('base64') })],
    ['payload of another member', 'MEMBER_MISMATCH', (): unknown => sign_({ ...b, memberId: a.memberId }, { cells: servicesCells(good) })],
    ['unknown code', 'CODE_UNKNOWN', (): unknown => {
      const cells = servicesCells(good);
      cells[3] = { ...cells[3], key: ['no_such_service', cells[3].key[1]] };
      return sign_(b, { cells });
    }],
    ['negative count', 'COUNT_INVALID', (): unknown => {
      const cells = servicesCells(good);
      cells[0] = { ...cells[0], value: -5 };
      return sign_(b, { cells });
    }],
    ['unflagged small cell', 'SMALL_CELL_UNFLAGGED', (): unknown => sign_(b, { cells: servicesCells((t, o) => (t === 'shelter' && o === 'provided' ? 2 : good(t, o))) })],
    ['a published zero in a table that is not all zero', 'SMALL_CELL_UNFLAGGED', (): unknown => sign_(b, { cells: servicesCells((t, o) => (t === 'shelter' && o === 'provided' ? 0 : good(t, o))) })],
    ['margins that do not add up', 'MARGIN_MISMATCH', (): unknown => {
      const cells = servicesCells(good);
      const grand = cells.length - 1;
      cells[grand] = { ...cells[grand], value: (cells[grand].value ?? 0) + 10 };
      return sign_(b, { cells });
    }],
    ['k lower than the dataset', 'K_TOO_LOW', (): unknown => sign_(b, { cells: servicesCells(good), protection: { method: 'suppression', k: 3, protectionRange: 3 } })],
    ['a protection range narrower than the dataset\'s', 'PROTECTION_RANGE_TOO_LOW', (): unknown => sign_(b, { cells: servicesCells(good), protection: { method: 'suppression', k: 5, protectionRange: 4 } })],
    ['a period in the future', 'PERIOD_IN_FUTURE', (): unknown => sign_(b, { cells: servicesCells(good), period: '2999-01' })],
    ['a wrong content hash', 'CONTENT_HASH_MISMATCH', (): unknown => sign_(b, { cells: servicesCells(good) }, 'f'.repeat(64))],
    ['a missing inner cell', 'CELL_MISSING', (): unknown => sign_(b, { cells: servicesCells(good).slice(1) })],
    ['a missing total', 'CELL_MISSING', (): unknown => {
      // one service type's total over outcomes left out, every inner cell there
      const cells = servicesCells(good);
      const row = cells.findIndex((c) => c.key[0] !== '_T' && c.key[1] === '_T');
      return sign_(b, { cells: [...cells.slice(0, row), ...cells.slice(row + 1)] });
    }],
    ['an unknown schema version', 'SCHEMA_VERSION_UNKNOWN', (): unknown => sign_(b, { cells: servicesCells(good), schemaVersion: '1999.1' })],
    ['a payload without cells', 'PAYLOAD_INVALID', (): unknown => ({ payload: { memberId: b.memberId }, signature: 'x', keyId: b.keyId })],
    ['a count published with OBS_STATUS Q (missing)', 'STATUS_INVALID', (): unknown => {
      const cells = servicesCells(good);
      cells[0] = { ...cells[0], obsStatus: 'Q' };
      return sign_(b, { cells });
    }],
    ['a withheld cell with OBS_STATUS A', 'STATUS_INVALID', (): unknown => sign_(b, { cells: servicesCells((t, o) => (t === 'shelter' && o === 'provided' ? null : good(t, o))).map((c) => (c.value === null ? { ...c, obsStatus: 'A' } : c)) })],
    ['CONF_STATUS S (the hub\'s own) from a sender', 'STATUS_INVALID', (): unknown => sign_(b, { cells: servicesCells((t, o) => (t === 'shelter' && o === 'provided' ? null : good(t, o))).map((c) => (c.value === null ? { ...c, confStatus: 'S' } : c)) })],
    ['a k that is no integer', 'PAYLOAD_INVALID', (): unknown => sign_(b, { cells: servicesCells(good), protection: { method: 'suppression', k: 5.5, protectionRange: 5 } })],
  ])('refuses %s with %s, storing nothing', async (_name, code, make) => {
    const summary = await submit(b, make());
    expect(summary.status).toBe('ERROR');
    expect(codes(summary)).toContain(code);
    expect(summary.counts.imported + summary.counts.updated + summary.counts.ignored).toBe(0);
    expect(await rows(b.memberId)).toBe(0);
  });
  void refusals;

  it('publishes zeros only in a table that is all zero, or where the standard calls them structural', async () => {
    const c = await admitTestMember(hub);
    // a month the centre counted nobody: the anonymizer publishes the zeros, and they tell nothing about anyone
    const empty = await submit(c, sign_(c, { cells: servicesCells(() => 0), period: '2025-01' }));
    expect(empty).toMatchObject({ status: 'SUCCESS', counts: { imported: 98 } });
    // one zero among counts: refused, and named
    const cells = servicesCells(good);
    const at = cells.findIndex((c) => c.key[0] === 'shelter' && c.key[1] === 'provided');
    const one = servicesCells((t, o) => (t === 'shelter' && o === 'provided' ? 0 : good(t, o)));
    const refused = await submit(c, sign_(c, { cells: one, period: '2025-02' }));
    expect(refused.conflicts).toEqual([expect.objectContaining({ code: 'SMALL_CELL_UNFLAGGED', cellIndexes: [at] })]);
    // a dataset whose zeros are structural from its first version (a service no centre offers, say) takes it,
    // but not while the current version protects them: both must say so (zeros once protected stay protected:
    // a version that made them structural is refused, see coordinator-standards)
    const admin = await hub.signIn('association_admin');
    const offered = (version: string, structural: boolean): Record<string, unknown> => {
      const d = JSON.parse(JSON.stringify(STANDARD));
      d.version = version;
      const services = d.datasets.find((x: { id: string }) => x.id === 'services_monthly');
      d.datasets.push({ ...services, id: 'services_offered', protection: { ...services.protection, structuralZeros: structural } });
      return d;
    };
    const PUBLISH = 'mutation($d: JSON!) { publishStandard(document: $d) { version } }';
    expect((await hub.gql(PUBLISH, { d: offered('2026.5', true) }, admin)).errors).toBeUndefined();
    expect((await submit(c, sign_(c, { datasetId: 'services_offered', cells: one, period: '2025-02', schemaVersion: '2026.5' }))).status).toBe('SUCCESS');
    expect((await hub.gql(PUBLISH, { d: offered('2026.6', false) }, admin)).errors).toBeUndefined();
    const later = await submit(c, sign_(c, { datasetId: 'services_offered', cells: one, period: '2025-06', schemaVersion: '2026.5' }));
    expect(codes(later)).toEqual(['SMALL_CELL_UNFLAGGED']);
  });

  it('names the refused cells by index', async () => {
    const cells = servicesCells(good);
    cells[5] = { ...cells[5], value: -1 };
    cells[9] = { ...cells[9], value: 1.5 };
    const summary = await submit(b, sign_(b, { cells }));
    expect(summary.conflicts.find((c: any) => c.code === 'COUNT_INVALID').cellIndexes).toEqual([5, 9]);
  });

  it('refuses a suspended member and accepts it again once reinstated', async () => {
    const admin = await hub.signIn('association_admin');
    const sus = await hub.gql(`mutation { suspendMember(memberId: "${b.memberId}") { status } }`, {}, admin);
    expect(sus.data?.suspendMember.status).toBe('suspended');
    const refused = await submit(b, sign_(b, { cells: servicesCells(good) }));
    expect(codes(refused)).toEqual(['MEMBER_SUSPENDED']);
    expect(await rows(b.memberId)).toBe(0);
    await hub.gql(`mutation { reinstateMember(memberId: "${b.memberId}") { status } }`, {}, admin);
    expect((await submit(b, sign_(b, { cells: servicesCells(good) }))).status).toBe('SUCCESS');
  });

  it('holds hidden cells to the protection range the release declares when it is wider than the dataset\'s (a release on an older standard declares the current one)', async () => {
    // a 2 x 2 block of hidden 3s inside published margins: each is known to lie in [0, 6], 6 wide
    const block = (t: string, o: string): boolean => ['legal_counselling', 'shelter'].includes(t) && ['provided', 'referred'].includes(o);
    const std = new StandardIndex(STANDARD);
    expect(std.codes('service_type')).toEqual(expect.arrayContaining(['legal_counselling', 'shelter']));
    expect(std.codes('service_outcome')).toEqual(expect.arrayContaining(['provided', 'referred']));
    const cells = servicesCells((t, o) => (block(t, o) ? 3 : good(t, o))).map((c) => (block(c.key[0], c.key[1]) ? { ...c, value: null, obsStatus: 'Q' as const, confStatus: 'C' as const } : c));
    const at = (protectionRange: number): unknown => sign_(b, { cells, period: '2025-09', protection: { method: 'suppression', k: 5, protectionRange } });
    expect((await submit(b, at(5), true)).status).toBe('SUCCESS');
    const wider = await submit(b, at(10), true);
    expect({ status: wider.status, codes: [...new Set(codes(wider))] }).toEqual({ status: 'ERROR', codes: ['SUPPRESSION_DISCLOSED'] });
  });

  it('answers summaries that its published JSON Schema takes: a success, a conflict with the revision it holds, a malformed payload', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv);
    const valid = ajv.compile(importSummaryJsonSchema());
    const c = await admitTestMember(hub);
    // over REST: the summary as the API writes it
    const post = async (body: object): Promise<any> =>
      (await request(hub.app.getHttpServer()).post('/api/v1/submissions').set('authorization', `Bearer ${c.token}`).send(body).expect(200)).body;
    const first = await post(sign_(c, { cells: servicesCells(good), period: '2025-11' }));
    const conflict = await post(sign_(c, { cells: servicesCells((t, o) => good(t, o) + 1), period: '2025-11' }));
    const malformed = await post({ payload: { memberId: c.memberId, revision: -3 }, signature: 'x', keyId: c.keyId });
    expect([first.status, conflict.hubRevision, malformed.reference.revision]).toEqual(['SUCCESS', 1, 0]);
    for (const summary of [first, conflict, malformed]) {
      expect({ summary, valid: valid(summary), errors: valid.errors ?? null }).toMatchObject({ valid: true, errors: null });
    }
  });

  it('the database holds what the checks guarantee: no negative count, a value exactly on free cells, no revision 0 (23514)', async () => {
    const [{ id }] = await hub.dataSource.query(`SELECT id FROM submissions LIMIT 1`);
    for (const [value, conf] of [[-1, 'F'], [5, 'C'], [null, 'F']] as const) {
      await expect(
        hub.dataSource.query(`INSERT INTO submission_cells (submission_id, idx, key, value, obs_status, conf_status) VALUES ($1, 1000000, '{x}', $2, 'A', $3)`, [id, value, conf]),
      ).rejects.toMatchObject({ driverError: { code: '23514' } });
    }
    await expect(hub.dataSource.query(`UPDATE submissions SET revision = 0 WHERE id = $1`, [id])).rejects.toMatchObject({ driverError: { code: '23514' } });
  });

  it('over REST (GraphQL refuses them before), a number JSON reads as Infinity (1e999) is PAYLOAD_INVALID and a NUL in a key id a coded 400, not an internal error', async () => {
    const s = sign_(a, { cells: servicesCells(good), period: '2025-10' });
    const body = JSON.stringify(s).replace('"k":5', '"k":1e999');
    expect(body).toContain('1e999');
    const res = await request(hub.app.getHttpServer()).post('/api/v1/submissions?dryRun=true').set('authorization', `Bearer ${a.token}`).set('content-type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect({ status: res.body.status, codes: codes(res.body) }).toEqual({ status: 'ERROR', codes: ['PAYLOAD_INVALID'] });
    const cellBody = JSON.stringify(s).replace(/"value":(\d+)/, '"value":1e999');
    const cell = await request(hub.app.getHttpServer()).post('/api/v1/submissions?dryRun=true').set('authorization', `Bearer ${a.token}`).set('content-type', 'application/json').send(cellBody);
    expect({ status: cell.status, codes: codes(cell.body) }).toEqual({ status: 200, codes: ['PAYLOAD_INVALID'] });
    for (const keyId of [`${a.keyId}\u0000`, `ed25519:\u0000`]) {
      const nul = await request(hub.app.getHttpServer()).post('/api/v1/submissions').set('authorization', `Bearer ${a.token}`).send({ ...s, keyId });
      expect({ status: nul.status, code: nul.body.code, field: nul.body.details?.fields?.[0]?.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT', field: 'INVALID_CHARACTERS' });
    }
  });

  it('over REST: the same summary; an oversized body is 413 and malformed JSON a coded 400', async () => {
    const server = hub.app.getHttpServer();
    const s = sign_(a, { cells: servicesCells(good), period: '2025-04' });
    const dry = await request(server).post('/api/v1/submissions?dryRun=true').set('authorization', `Bearer ${a.token}`).send(s).expect(200);
    expect(dry.body).toMatchObject({ status: 'SUCCESS', dryRun: true, counts: { imported: 98 } });
    const before = await rows(a.memberId);
    const big = await request(server)
      .post('/api/v1/submissions')
      .set('authorization', `Bearer ${a.token}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ ...s, padding: 'x'.repeat(5 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    const malformed = await request(server).post('/api/v1/submissions').set('authorization', `Bearer ${a.token}`).set('content-type', 'application/json').send('{"payload": Malika');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'MALFORMED_JSON' } });
    // V8's message for this body quotes it; the answer quotes nothing of it
    expect(JSON.stringify(malformed.body)).not.toContain('Malika');
    // refused before any route, it still carries the request's id, in the body and the header
    expect(malformed.body.requestId).toEqual(expect.any(String));
    expect(malformed.headers['x-request-id']).toBe(malformed.body.requestId);
    const traced = await request(server).post('/api/v1/submissions').set('x-request-id', 'trace-42').set('content-type', 'application/json').send('{');
    expect(traced.body).toMatchObject({ code: 'BAD_USER_INPUT', requestId: 'trace-42' });
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js|stack/);
    expect(await rows(a.memberId)).toBe(before);
    const unauth = await request(server).post('/api/v1/submissions').send(s);
    expect(unauth.status).toBe(401);
    expect(STANDARD.version).toBe('2026.1');
  });

  it('the same release sent again while the first send is being stored (a node retrying after its timeout) is ignored, never refused', async () => {
    const c = await admitTestMember(hub);
    const rest = (body: unknown) => request(hub.app.getHttpServer()).post('/api/v1/submissions').set('authorization', `Bearer ${c.token}`).send(body as object);
    // a first release, three sends at once: one stored, the others the same content
    const first = sign_(c, { cells: servicesCells(good), period: '2025-01' });
    const firsts = await Promise.all([rest(first), rest(first), rest(first)]);
    expect(firsts.map((r) => r.body.status).sort()).toEqual(['SUCCESS', 'WARNING', 'WARNING']);
    // a revision, three sends at once
    const revised = sign_(c, { cells: servicesCells((t, o) => good(t, o) + 1), period: '2025-01', revision: 2 });
    const revisions = await Promise.all([rest(revised), rest(revised), rest(revised)]);
    expect(revisions.map((r) => r.body.status).sort()).toEqual(['SUCCESS', 'WARNING', 'WARNING']);
    // revision 1 sent again late: the same content as the history's revision 1, ignored; other content a conflict
    expect((await rest(first)).body.status).toBe('WARNING');
    const other = sign_(c, { cells: servicesCells((t, o) => good(t, o) + 2), period: '2025-01' });
    expect(codes((await rest(other)).body)).toEqual(['REVISION_CONFLICT']);
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1`, [c.memberId])).toBe(2);
  });

  it('refuses a key the wire format does not have, signed or not (it would be accepted and lost: the stored row could not give back the signed bytes)', async () => {
    const base = sign_(a, { cells: servicesCells(good), period: '2025-07' });
    for (const extra of [{ note: 'free text' }, { payload: { ...base.payload, comment: 'free text' } }, { payload: { ...base.payload, protection: { ...base.payload.protection, note: 'x' } } }]) {
      const r = await submit(a, { ...base, ...extra }, true);
      expect({ extra: Object.keys(extra), codes: codes(r) }).toEqual({ extra: Object.keys(extra), codes: ['PAYLOAD_INVALID'] });
    }
    expect((await submit(a, base, true)).status).toBe('SUCCESS');
  });

  it('a preparedAt that names no real instant (30 February, hour 24) is PAYLOAD_INVALID, in a dry run too, not an internal error', async () => {
    for (const preparedAt of ['2025-02-30T08:00:00Z', '2025-04-31T08:00:00Z', '2025-03-01T24:00:00Z', '2025-03-01T08:00:00+25:00']) {
      const s = sign_(a, { cells: servicesCells(good), period: '2025-05', preparedAt });
      for (const dryRun of [true, false]) {
        const r = await submit(a, s, dryRun);
        expect({ preparedAt, dryRun, status: r.status, codes: codes(r) }).toEqual({ preparedAt, dryRun, status: 'ERROR', codes: ['PAYLOAD_INVALID'] });
      }
    }
    // a leap day is a real one
    expect((await submit(a, sign_(a, { cells: servicesCells(good), period: '2025-05', preparedAt: '2024-02-29T23:59:59+05:00' }), true)).status).toBe('SUCCESS');
  });
  it('takes a signature only in the exact form of a 64-byte Ed25519 signature in base64, not one that merely decodes to it', async () => {
    const s = sign_(a, { cells: servicesCells(good), period: '2025-08' });
    const sig = s.signature;
    // Buffer.from(.., 'base64') reads each of these as the same 64 bytes
    // the 86th character with a padding bit set: the same 64 bytes, a different string
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const lastBits = `${sig.slice(0, 85)}${B64[B64.indexOf(sig[85]) | 1]}==`;
    const variants = [`${sig}!`, `${sig.slice(0, 40)}\n${sig.slice(40)}`, ` ${sig}`, sig.slice(0, 86), `${sig.slice(0, 86)}=`, `${sig}==`, sig.replace(/\+/g, '-').replace(/\//g, '_') + (/[+/]/.test(sig) ? '' : '.'), lastBits];
    expect(Buffer.from(lastBits, 'base64').equals(Buffer.from(sig, 'base64'))).toBe(true);
    for (const signature of variants) {
      const r = await submit(a, { ...s, signature });
      expect({ signature, status: r.status, codes: codes(r) }).toEqual({ signature, status: 'ERROR', codes: ['SIGNATURE_INVALID'] });
    }
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND period = '2025-08'`, [a.memberId])).toBe(0);
    const ok = await submit(a, s);
    expect(ok.status).toBe('SUCCESS');
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND period = '2025-08' AND signature = $2`, [a.memberId, sig])).toBe(1);
  });

  /** A full hotline_monthly table (differential privacy: noised counts, all published). */
  const hotlineCells = (): SubmissionCell[] => {
    const std = new StandardIndex(STANDARD);
    const hotline = std.dataset('hotline_monthly')!;
    const [topics, sexes] = hotline.dimensions.map((d) => [...std.codes(d.codelist), TOTAL_CODE]);
    const inner = (t: string, x: string): number => 3 + ((t.length * 7 + x.length) % 5);
    return topics.flatMap((t) =>
      sexes.map((x) => {
        let value = 0;
        for (const tt of topics.slice(0, -1)) for (const xx of sexes.slice(0, -1)) if ((t === TOTAL_CODE || t === tt) && (x === TOTAL_CODE || x === xx)) value += inner(tt, xx);
        return { key: [t, x], value, obsStatus: 'E' as const, confStatus: 'F' as const };
      }),
    );
  };
  const hotline = (node: TestNode, protection: Record<string, unknown>, over: Record<string, unknown> = {}): unknown =>
    sign_(node, { datasetId: 'hotline_monthly', dimensions: ['topic', 'caller_sex'], cells: hotlineCells(), protection: { method: 'differential_privacy', k: 5, protectionRange: 5, ...protection }, ...over });

  it('a differential privacy release declares the epsilon it spent, a number no larger than the dataset\'s per release', async () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['more than the dataset allows', { epsilon: 0.6 }, ['EPSILON_TOO_HIGH']],
      ['no epsilon', {}, ['PAYLOAD_INVALID']],
      ['a string', { epsilon: '0.5' }, ['PAYLOAD_INVALID']],
      ['zero', { epsilon: 0 }, ['PAYLOAD_INVALID']],
      ['a protection range below k', { epsilon: 0.5, protectionRange: 2 }, ['PROTECTION_RANGE_TOO_LOW']],
    ];
    for (const [what, protection, expected] of cases) {
      const r = await submit(a, hotline(a, protection));
      expect({ what, status: r.status, codes: codes(r) }).toEqual({ what, status: 'ERROR', codes: expected });
    }
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND dataset_id = 'hotline_monthly'`, [a.memberId])).toBe(0);
    expect((await submit(a, hotline(a, { epsilon: 0.5 }), true)).status).toBe('SUCCESS');
  });

  it('over REST, ?dryRun= is true/1 or false/0; anything else is refused by name and nothing is stored', async () => {
    const c = await admitTestMember(hub);
    const server = hub.app.getHttpServer();
    const s = sign_(c, { cells: servicesCells(good), period: '2025-03' });
    const post = (query: string) => request(server).post(`/api/v1/submissions${query}`).set('authorization', `Bearer ${c.token}`).send(s);
    for (const query of ['?dryRun=yes', '?dryRun=TRUE', '?dryRun=', '?dryRun=true&dryRun=true']) {
      const r = await post(query);
      expect({ query, status: r.status, code: r.body.code, fields: r.body.details?.fields?.map((f: any) => f.field) }).toEqual({ query, status: 400, code: 'BAD_USER_INPUT', fields: ['dryRun'] });
    }
    expect(await rows(c.memberId)).toBe(0);
    expect((await post('?dryRun=1').expect(200)).body).toMatchObject({ status: 'SUCCESS', dryRun: true });
    expect((await post('?dryRun=true').expect(200)).body).toMatchObject({ status: 'SUCCESS', dryRun: true });
    expect(await rows(c.memberId)).toBe(0);
    expect((await post('?dryRun=0').expect(200)).body).toMatchObject({ status: 'SUCCESS', dryRun: false, counts: { imported: 98 } });
    expect((await post('?dryRun=false').expect(200)).body).toMatchObject({ status: 'WARNING', dryRun: false });
    expect((await post('').expect(200)).body).toMatchObject({ status: 'WARNING', dryRun: false });
    expect(await rows(c.memberId)).toBe(98);
  });

  it('a release prepared on an older version keeps the protection range and epsilon the current version has since set', async () => {
    const c = await admitTestMember(hub);
    const admin = await hub.signIn('association_admin');
    const d = JSON.parse(JSON.stringify(STANDARD));
    d.version = '2026.7';
    const services = d.datasets.find((x: { id: string }) => x.id === 'services_monthly');
    // services_offered came with 2026.5 (above): every later version keeps it
    d.datasets.push({ ...services, id: 'services_offered', protection: { ...services.protection } });
    services.protection.protectionRange = 8;
    d.datasets.find((x: { id: string }) => x.id === 'hotline_monthly').protection.differentialPrivacy.epsilonPerRelease = 0.25;
    expect((await hub.gql('mutation($d: JSON!) { publishStandard(document: $d) { version } }', { d }, admin)).errors).toBeUndefined();
    // under 2026.1 these were right
    const narrow = await submit(c, sign_(c, { cells: servicesCells(good), schemaVersion: STANDARD.version }), true);
    expect(narrow.conflicts).toEqual([expect.objectContaining({ code: 'PROTECTION_RANGE_TOO_LOW', message: expect.stringContaining('at least 8 since standard 2026.7') })]);
    const spent = await submit(c, hotline(c, { epsilon: 0.5 }, { schemaVersion: STANDARD.version }), true);
    expect(spent.conflicts).toEqual([expect.objectContaining({ code: 'EPSILON_TOO_HIGH', message: expect.stringContaining('at most 0.25 since standard 2026.7') })]);
    // the same releases keeping the new settings get in
    expect((await submit(c, sign_(c, { cells: servicesCells(good), schemaVersion: STANDARD.version, protection: { method: 'suppression', k: 5, protectionRange: 8 } }), true)).status).toBe('SUCCESS');
    expect((await submit(c, hotline(c, { epsilon: 0.25 }, { schemaVersion: STANDARD.version }), true)).status).toBe('SUCCESS');
  });

  it('refuses a differential-privacy release that would take the member past its annual budget (BUDGET_EXHAUSTED), counting what the hub holds of the year', async () => {
    const c = await admitTestMember(hub);
    const admin = await hub.signIn('association_admin');
    const d = JSON.parse(JSON.stringify(STANDARD));
    d.version = '2026.8';
    const services = d.datasets.find((x: { id: string }) => x.id === 'services_monthly');
    d.datasets.push({ ...services, id: 'services_offered', protection: { ...services.protection } });
    services.protection.protectionRange = 8;
    const dp = d.datasets.find((x: { id: string }) => x.id === 'hotline_monthly').protection.differentialPrivacy;
    Object.assign(dp, { epsilonPerRelease: 0.25, annualEpsilon: 0.5 });
    expect((await hub.gql('mutation($d: JSON!) { publishStandard(document: $d) { version } }', { d }, admin)).errors).toBeUndefined();
    const month = (period: string): unknown => hotline(c, { epsilon: 0.25 }, { schemaVersion: '2026.8', period });
    for (const period of ['2025-01', '2025-02']) expect((await submit(c, month(period))).status).toBe('SUCCESS');
    // the budget of 2025 is spent, in a dry run too; a repeat of what is stored is still answered as such
    for (const dryRun of [true, false]) {
      const over = await submit(c, month('2025-03'), dryRun);
      expect({ status: over.status, codes: codes(over) }).toEqual({ status: 'ERROR', codes: ['BUDGET_EXHAUSTED'] });
    }
    expect((await submit(c, month('2025-02'))).status).toBe('WARNING');
    // another year has its own budget
    expect((await submit(c, month('2026-01'))).status).toBe('SUCCESS');
    expect(await count(`SELECT count(*)::int AS n FROM submissions WHERE member_id = $1 AND dataset_id = 'hotline_monthly'`, [c.memberId])).toBe(3);
  });
});
