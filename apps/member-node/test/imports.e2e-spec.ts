import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { IMPORT_VALIDATED_KEEP_DAYS, ImportsService, MAX_STORED_ISSUES } from '../src/imports/imports.service';
import { readAesZip } from './utils/aes-zip';
import { EXPORT_SNAPSHOT_NAME, ExportsService } from '../src/exports/exports.service';
import { NodeTestApp, startNodeTestApp, TEST_CENTRE } from './utils/node-test-app';

jest.setTimeout(60_000);

const JOB_FIELDS = 'id status failure contentHash bytesTotal bytesProcessed progress rowsProcessed rowsValid rowsInvalid rowsDuplicate rowsImported';

/** A register kept in a Russian-language spreadsheet, with Tajik words mixed in; `;`-separated as Excel writes it. */
const REGISTER_CSV = [
  'Код клиента;Пол;Год рождения;Район;ФИО;Телефон;Дата инцидента;Дата обращения;Вид насилия;Обидчик;Согласие на услуги;Согласие на статистику;Описание',
  'IMP-001;жен;1988;Рудакинский район;Нигора Импортова;+992 90 111 2233;12.03.2025;14.03.2025;физическое насилие;свекровь;да;да;Била свекровь во дворе',
  'IMP-002;зан;1995;город Худжанд;Мадина Файлова;+992 92 444 5566;2025-04-01;2025-04-02;"зӯроварии ҷисмонӣ, зӯроварии равонӣ";шавҳар;ҳа;не;Шавҳар зад',
  'IMP-003;абв;1990;Атлантида;Секрет Плохой;+992 93 000 0001;31.02.2025;01.03.2025;физическое насилие;муж;может быть;да;',
  'IMP-005;Ж;1991;Вахдат;Дата Наоборот;+992 93 000 0002;10.05.2025;01.05.2025;экономическое насилие;муж;да;да;',
  ';Ж;1992;Вахдат;Без Кода;+992 93 000 0003;10.05.2025;11.05.2025;угрозы;муж;да;да;',
  'IMP-001;жен;1988;Рудакинский район;Нигора Импортова;+992 90 111 2233;12.03.2025;14.03.2025;побои;свекровь;да;да;',
  'IMP-004;зан;2001;ноҳияи Рӯдакӣ;Шабнам Ҷадвалова;+992 91 777 8899;2025-06-01;2025-06-03;таҷовуз;бегона;бале;бале;',
].join('\r\n');

const IDENTIFIABLE = ['Нигора Импортова', '+992 90 111 2233', 'Мадина Файлова', '+992 92 444 5566', 'Секрет Плохой', 'Шабнам Ҷадвалова', 'Била свекровь во дворе', 'Шавҳар зад'];

describe('member node: import of existing registers and export', () => {
  let node: NodeTestApp;
  let caseworker: string;
  let manager: string;
  let admin: string;
  // the spool of an XLSX import whose process was killed before its clean-up ran (ciphertext in a real spool)
  const staleSpool = join(tmpdir(), `paivand-import-${spawnSync(process.execPath, ['-e', '']).pid}-0badf00d-e2eDd0`);

  beforeAll(async () => {
    mkdirSync(staleSpool);
    writeFileSync(join(staleSpool, 'upload'), 'ciphertext');
    node = await startNodeTestApp();
    [caseworker, manager, admin] = await Promise.all([node.signIn('caseworker'), node.signIn('manager'), node.signIn('centre_admin')]);
  });
  afterAll(async () => {
    rmSync(staleSpool, { recursive: true, force: true });
    await node.close();
  });

  it('removes, when it starts, the XLSX spools that a killed node process left behind', () => {
    expect(existsSync(staleSpool)).toBe(false);
  });

  /** Starts the upload of a file in two parts and sends only the first (a file still arriving); `finish` sends the rest. */
  async function halfSent(id: string, first: Buffer, rest: Buffer): Promise<{ finish: () => void; answered: Promise<{ status: number; body: string }> }> {
    const server: Server = node.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const req = httpRequest({ method: 'PUT', host: '127.0.0.1', port, path: `/imports/${id}/file`, headers: { authorization: `Bearer ${caseworker}`, 'content-type': 'text/csv', 'content-length': first.length + rest.length } });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
    });
    req.write(first);
    return { finish: () => req.end(rest), answered };
  }

  const count = async (sql: string): Promise<number> => (await node.dataSource.query(`SELECT count(*)::int AS n FROM ${sql}`))[0].n;

  async function importFile(file: Buffer, format: 'csv' | 'xlsx', token = caseworker, extra = ''): Promise<Record<string, unknown>> {
    const created = await node.gql(`mutation { createImport(input: {fileName: "register.${format}", format: ${format} ${extra}}) { id status } }`, {}, token);
    expect(created.errors).toBeUndefined();
    const id = created.data?.createImport.id as string;
    const res = await request(node.app.getHttpServer())
      .put(`/imports/${id}/file`)
      .set('authorization', `Bearer ${token}`)
      .set('content-type', format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(file)
      .expect(200);
    expect(res.body.id).toBe(id);
    const job = await node.gql(`query($id: ID!) { importJob(id: $id) { ${JOB_FIELDS} } }`, { id }, token);
    return job.data?.importJob as Record<string, unknown>;
  }

  const issues = async (jobId: string): Promise<string[]> => {
    const res = await node.gql('query($i: ImportIssuesInput!) { importIssues(input: $i) { total items { row field column reason } } }', { i: { jobId } }, caseworker);
    return (res.data?.importIssues.items as { row: number; field: string; column: string; reason: string }[]).map((i) => `${i.row}|${i.column}|${i.reason}`);
  };

  it('validates a CSV row by row, stores nothing until accepted, maps Russian and Tajik words, then imports the valid part', async () => {
    const job = await importFile(Buffer.from(REGISTER_CSV, 'utf8'), 'csv');
    expect(job).toMatchObject({ status: 'validated', rowsProcessed: 7, rowsValid: 3, rowsInvalid: 3, rowsDuplicate: 1, rowsImported: 0, progress: 1 });
    expect(job.bytesProcessed).toBe(Buffer.byteLength(REGISTER_CSV));
    expect(await issues(job.id as string)).toEqual([
      '4|Пол|UNKNOWN_VALUE',
      '4|Район|UNKNOWN_VALUE',
      '4|Дата инцидента|INVALID_DATE',
      '4|Согласие на услуги|UNKNOWN_VALUE',
      '5|Дата обращения|DATE_ORDER',
      '6|Код клиента|REQUIRED',
      '7|Код клиента|DUPLICATE_IN_FILE',
    ]);
    // Nothing in the register yet; the staged rows hold ciphertext only.
    expect(await count(`clients WHERE client_code LIKE 'IMP-%'`)).toBe(0);
    expect(await count('incidents')).toBe(0);
    const staged = JSON.stringify(await node.dataSource.query('SELECT * FROM import_staged_rows'));
    for (const v of IDENTIFIABLE) expect(staged).not.toContain(v);

    const accepted = await node.gql(`mutation($id: ID!) { acceptImport(id: $id) { ${JOB_FIELDS} } }`, { id: job.id }, caseworker);
    expect(accepted.data?.acceptImport).toMatchObject({ status: 'accepted', rowsImported: 3 });
    const rows: { client_code: string; violence_type: string; violence_types: string[]; perpetrator_relationship: string; consent_reporting: boolean; sex: string; district: string; incident_date: string }[] =
      await node.dataSource.query(
        `SELECT c.client_code, c.sex, c.district, i.violence_type, i.violence_types, i.perpetrator_relationship, i.consent_reporting, to_char(i.incident_date, 'YYYY-MM-DD') AS incident_date
           FROM incidents i JOIN clients c ON c.id = i.client_id ORDER BY c.client_code`,
      );
    expect(rows).toEqual([
      { client_code: 'IMP-001', sex: 'F', district: 'TJ-RA-RUD', violence_type: 'physical_assault', violence_types: ['physical_assault'], perpetrator_relationship: 'mother_in_law', consent_reporting: true, incident_date: '2025-03-12' },
      { client_code: 'IMP-002', sex: 'F', district: 'TJ-SU-KHJ', violence_type: 'physical_assault', violence_types: ['physical_assault', 'psychological_emotional_abuse'], perpetrator_relationship: 'intimate_partner', consent_reporting: false, incident_date: '2025-04-01' },
      { client_code: 'IMP-004', sex: 'F', district: 'TJ-RA-RUD', violence_type: 'rape', violence_types: ['rape'], perpetrator_relationship: 'no_relation', consent_reporting: true, incident_date: '2025-06-01' },
    ]);
    const read = await node.gql('{ clientByCode(clientCode: "IMP-002") { fullName phone incidents { narrative } } }', {}, caseworker);
    expect(read.data?.clientByCode).toEqual({ fullName: 'Мадина Файлова', phone: '+992 92 444 5566', incidents: [{ narrative: 'Шавҳар зад' }] });
    expect(await count(`access_log WHERE action = 'import.accept' AND object_id = '${String(job.id)}'`)).toBe(1);
    // Imported rows get ids of their own making (version 8, see staging.ts), which the API takes like any other.
    const [{ id: clientId }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM clients WHERE client_code = 'IMP-002'`);
    expect(clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const byId = await node.gql('query($id: ID!) { client(id: $id) { clientCode incidents { id } } }', { id: clientId }, caseworker);
    expect(byId.data?.client.clientCode).toBe('IMP-002');
    const incident = await node.gql('query($id: ID!) { incident(id: $id) { violenceType } }', { id: byId.data?.client.incidents[0].id }, caseworker);
    expect(incident.data?.incident).toEqual({ violenceType: 'physical_assault' });
  });

  it('does not duplicate on re-import: the same file is recognised, changed files skip rows already present', async () => {
    const before = await count('incidents');
    const same = await importFile(Buffer.from(REGISTER_CSV, 'utf8'), 'csv');
    expect(same.status).toBe('duplicate_file');
    const refused = await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: same.id }, caseworker);
    expect(refused.errors?.[0].extensions?.details.reason).toBe('IMPORT_NOT_VALIDATED');

    // The same cases saved again with another row order, one new case and a new incident of a client already registered: only the new ones enter.
    const lines = REGISTER_CSV.split('\r\n');
    const changed = [
      lines[0],
      lines[7],
      lines[2],
      lines[1],
      'IMP-006;Ж;1999;Вахдат;Новая Клиентка;+992 93 123 4567;2025-07-01;2025-07-02;Психологическое насилие;Деверь;да;да;',
      'IMP-004;зан;2001;ноҳияи Рӯдакӣ;Шабнам Ҷадвалова;+992 91 777 8899;2025-08-01;2025-08-03;побои;бегона;бале;бале;',
    ].join('\n');
    const job = await importFile(Buffer.from(changed, 'utf8'), 'csv');
    expect(job).toMatchObject({ status: 'validated', rowsValid: 2, rowsDuplicate: 3, rowsInvalid: 0 });
    expect((await issues(job.id as string)).filter((i) => i.endsWith('ALREADY_IN_REGISTER'))).toHaveLength(3);
    await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: job.id }, caseworker);
    expect(await count('incidents')).toBe(before + 2);
    expect(await count(`clients WHERE client_code = 'IMP-006'`)).toBe(1);
    expect(await count(`clients WHERE client_code = 'IMP-004'`)).toBe(1);
    expect(await count(`incidents i JOIN clients c ON c.id = i.client_id WHERE c.client_code = 'IMP-004'`)).toBe(2);
  });

  it('imports XLSX with a column mapping and the user’s own value words; discards leave nothing', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Журнал');
    ws.addRow(['N', 'Шифр', 'Пол', 'Место', 'Дата', 'Записано', 'Что случилось', 'Кто', 'Услуги?', 'Статистика?']);
    ws.addRow([1, 'XL-001', 'Ж', 'город Вахдат', new Date(Date.UTC(2025, 7, 5)), new Date(Date.UTC(2025, 7, 6)), 'бил муж', 'муж', 'да', 'да']);
    ws.addRow([2, 'XL-002', 'Ж', 'Вахдат', '2025-08-07', '2025-08-07', 'зӯроварии иқтисодӣ', 'свёкор', true, false]);
    ws.addRow([3, 'XL-003', 'Ж', 'Вахдат', '2025-08-07', '2025-08-07', 'непонятно что', 'муж', 'да', 'да']);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const mapping =
      ', columnMapping: [{field: "clientCode", column: "Шифр"}, {field: "district", column: "Место"}, {field: "incidentDate", column: "Дата"}, {field: "reportedDate", column: "Записано"}, ' +
      '{field: "violenceTypes", column: "Что случилось"}, {field: "perpetratorRelationship", column: "Кто"}, {field: "consentServices", column: "Услуги?"}, {field: "consentReporting", column: "Статистика?"}], ' +
      'valueMapping: [{field: "violenceTypes", value: "Бил муж", code: "physical_assault"}]';
    const job = await importFile(file, 'xlsx', manager, mapping);
    expect(job).toMatchObject({ status: 'validated', rowsProcessed: 3, rowsValid: 2, rowsInvalid: 1 });
    expect(await issues(job.id as string)).toEqual(['4|Что случилось|UNKNOWN_VALUE']);
    const staged: { client_code: string; violence_type: string; perpetrator_relationship: string; incident_date: string; consent_reporting: boolean }[] = await node.dataSource.query(
      `SELECT client_code, violence_type, perpetrator_relationship, to_char(incident_date, 'YYYY-MM-DD') AS incident_date, consent_reporting FROM import_staged_rows WHERE job_id = $1 ORDER BY row_number`,
      [job.id],
    );
    expect(staged).toEqual([
      { client_code: 'XL-001', violence_type: 'physical_assault', perpetrator_relationship: 'intimate_partner', incident_date: '2025-08-05', consent_reporting: true },
      { client_code: 'XL-002', violence_type: 'denial_of_resources_opportunities_or_services', perpetrator_relationship: 'father_in_law', incident_date: '2025-08-07', consent_reporting: false },
    ]);
    const discarded = await node.gql('mutation($id: ID!) { discardImport(id: $id) { status } }', { id: job.id }, manager);
    expect(discarded.data?.discardImport.status).toBe('discarded');
    expect(await count(`import_staged_rows WHERE job_id = '${String(job.id)}'`)).toBe(0);
    expect(await count(`clients WHERE client_code LIKE 'XL-%'`)).toBe(0);
  });

  it('accepting one import leaves the rows another import has staged, which are accepted later', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const fileOf = (codes: string[]): Buffer =>
      Buffer.from([header, ...codes.map((c, i) => `${c};жен;1990;Вахдат;;;0${i + 1}.09.2025;1${i}.09.2025;побои;муж;да;да;`)].join('\r\n'), 'utf8');
    const first = await importFile(fileOf(['TWO-101', 'TWO-102']), 'csv');
    const second = await importFile(fileOf(['TWO-201', 'TWO-202', 'TWO-203']), 'csv');
    expect([first.status, second.status]).toEqual(['validated', 'validated']);
    await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: first.id }, caseworker);
    expect(await count(`import_staged_rows WHERE job_id = '${String(first.id)}'`)).toBe(0);
    expect(await count(`import_staged_rows WHERE job_id = '${String(second.id)}'`)).toBe(3);
    const accepted = await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status rowsImported } }', { id: second.id }, caseworker);
    expect(accepted.data?.acceptImport).toEqual({ status: 'accepted', rowsImported: 3 });
    expect(await count('import_staged_rows')).toBe(0);
    expect(await count(`incidents i JOIN clients c ON c.id = i.client_id WHERE c.client_code LIKE 'TWO-%'`)).toBe(5);
  });

  it('the same file uploaded twice before either is accepted: the second accept adds nothing and fails nothing', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const file = Buffer.from([header, ...['TWICE-1', 'TWICE-2', 'TWICE-3'].map((c, i) => `${c};жен;1990;Вахдат;;;0${i + 1}.10.2025;1${i}.10.2025;побои;муж;да;да;`)].join('\r\n'), 'utf8');
    const first = await importFile(file, 'csv');
    const second = await importFile(file, 'csv');
    expect([first.status, second.status]).toEqual(['validated', 'validated']);
    const accept = async (id: unknown): Promise<unknown> =>
      (await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status rowsImported } }', { id }, caseworker)).data?.acceptImport;
    expect(await accept(first.id)).toEqual({ status: 'accepted', rowsImported: 3 });
    expect(await accept(second.id)).toEqual({ status: 'accepted', rowsImported: 0 });
    expect(await count(`incidents i JOIN clients c ON c.id = i.client_id WHERE c.client_code LIKE 'TWICE-%'`)).toBe(3);
  });

  it('the same file again with a value word mapped that was refused the first time: validated, and only the rows it now reads come in', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const file = Buffer.from([header, 'MAP-1;жен;1990;Вахдат;;;01.11.2025;02.11.2025;побои;муж;да;да;', 'MAP-2;ayol;1991;Вахдат;;;03.11.2025;04.11.2025;побои;муж;да;да;'].join('\r\n'), 'utf8');
    const first = await importFile(file, 'csv');
    expect(first).toMatchObject({ status: 'validated', rowsValid: 1, rowsInvalid: 1 });
    await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: first.id }, caseworker);
    // read the same way again: nothing new can come of it
    expect((await importFile(file, 'csv')).status).toBe('duplicate_file');
    // with the Uzbek word for "woman" mapped, the refused row can come in; the other is already there
    const again = await importFile(file, 'csv', caseworker, ', valueMapping: [{field: "sex", value: "ayol", code: "F"}]');
    expect(again).toMatchObject({ status: 'validated', rowsValid: 1, rowsDuplicate: 1, rowsInvalid: 0 });
    const accepted = await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status rowsImported } }', { id: again.id }, caseworker);
    expect(accepted.data?.acceptImport).toEqual({ status: 'accepted', rowsImported: 1 });
    expect(await count(`clients WHERE client_code IN ('MAP-1', 'MAP-2')`)).toBe(2);
  });

  it('a client entered by hand, between upload and accept, under a code of the file but describing someone else: her rows are not put on that record', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const file = Buffer.from([header, 'RACE-1;жен;1990;Вахдат;;;01.12.2025;02.12.2025;побои;муж;да;да;', 'RACE-2;жен;1985;Вахдат;;;03.12.2025;04.12.2025;побои;муж;да;да;'].join('\r\n'), 'utf8');
    const job = await importFile(file, 'csv');
    expect(job).toMatchObject({ status: 'validated', rowsValid: 2 });
    const created = await node.gql(
      'mutation($i: CreateClientInput!) { createClient(input: $i) { id } }',
      { i: { clientCode: 'RACE-1', sex: 'M', birthYear: 1960, district: 'TJ-DU-SIN', maritalStatus: 'nikoh', migrationStatus: 'family_left_behind', hasDisability: false, registeredOn: '2025-12-01' } },
      caseworker,
    );
    expect(created.errors).toBeUndefined();
    const accepted = await node.gql(`mutation($id: ID!) { acceptImport(id: $id) { ${JOB_FIELDS} } }`, { id: job.id }, caseworker);
    expect(accepted.data?.acceptImport).toMatchObject({ status: 'accepted', rowsImported: 1, rowsValid: 1, rowsInvalid: 1 });
    expect(await count(`incidents WHERE client_id = '${String(created.data?.createClient.id)}'`)).toBe(0);
    // the column named by the file's header, as the upload's issues name it
    expect(await issues(job.id as string)).toContain('2|Код клиента|CLIENT_MISMATCH');
    // (the export below writes a line per incident: the client without one goes again)
    const removed = await node.gql('mutation($id: ID!) { deleteClient(id: $id) }', { id: created.data?.createClient.id }, manager);
    expect(removed.errors).toBeUndefined();
  });

  it('stores her age band at the incident from the date of birth in the file: 17 before her 18th birthday, not 18 by the year difference', async () => {
    const header = 'Код клиента;Пол;Дата рождения;Район;Дата инцидента;Дата обращения;Вид насилия;Обидчик;Согласие на услуги;Согласие на статистику';
    const file = Buffer.from([header, 'AGEB-1;жен;10.09.2008;Вахдат;01.03.2026;02.03.2026;побои;муж;да;да'].join('\r\n'), 'utf8');
    const job = await importFile(file, 'csv');
    expect(job).toMatchObject({ status: 'validated', rowsValid: 1 });
    await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: job.id }, caseworker);
    expect(await node.dataSource.query(`SELECT i.age_band FROM incidents i JOIN clients c ON c.id = i.client_id WHERE c.client_code = 'AGEB-1'`)).toEqual([{ age_band: 'Y12T17' }]);
  });

  it('staged rows lost (an unlogged table after a database crash): the accept fails the job with IMPORT_STAGING_LOST, and the file can be uploaded again', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const file = Buffer.from([header, 'LOST-1;жен;1990;Вахдат;;;05.12.2025;06.12.2025;побои;муж;да;да;'].join('\r\n'), 'utf8');
    const job = await importFile(file, 'csv');
    await node.dataSource.query('DELETE FROM import_staged_rows WHERE job_id = $1', [job.id]);
    const accepted = await node.gql(`mutation($id: ID!) { acceptImport(id: $id) { status } }`, { id: job.id }, caseworker);
    expect(accepted.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'IMPORT_STAGING_LOST' } });
    expect((await node.gql(`query($id: ID!) { importJob(id: $id) { status failure } }`, { id: job.id }, caseworker)).data?.importJob).toEqual({ status: 'failed', failure: 'STAGING_LOST' });
    const again = await importFile(file, 'csv');
    expect(again).toMatchObject({ status: 'validated', rowsValid: 1 });
    expect((await node.gql(`mutation($id: ID!) { acceptImport(id: $id) { rowsImported } }`, { id: again.id }, caseworker)).data?.acceptImport.rowsImported).toBe(1);
  });

  it('two imports of the same rows accepted at once: one imports them, the other answers accepted with none or CONFLICT, never an internal error', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const rows = Array.from({ length: 300 }, (_, i) => `PAR-${String(i).padStart(3, '0')};жен;1990;Вахдат;;;01.06.2025;02.06.2025;побои;муж;да;да;`);
    const file = Buffer.from([header, ...rows].join('\r\n'), 'utf8');
    const [a, b] = [await importFile(file, 'csv'), await importFile(file, 'csv')];
    const answers = await Promise.all([a, b].map((j) => node.gql(`mutation($id: ID!) { acceptImport(id: $id) { status rowsImported } }`, { id: j.id }, caseworker)));
    for (const r of answers) {
      if (r.errors) expect(r.errors[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'IMPORT_RACED_REGISTER' } });
    }
    expect(answers.map((r) => r.data?.acceptImport?.rowsImported ?? 0).sort((x, y) => x - y)).toEqual([0, 300]);
    expect(await count(`clients WHERE client_code LIKE 'PAR-%'`)).toBe(300);
    // the one that imported none says why, row by row, and counts them as already in the register
    const loser = answers[0].data?.acceptImport?.rowsImported === 300 ? b : a;
    const retried = (await node.gql(`mutation($id: ID!) { acceptImport(id: $id) { ${JOB_FIELDS} } }`, { id: loser.id }, caseworker)).data?.acceptImport;
    const state = retried ?? (await node.gql(`query($id: ID!) { importJob(id: $id) { ${JOB_FIELDS} } }`, { id: loser.id }, caseworker)).data?.importJob;
    expect(state).toMatchObject({ status: 'accepted', rowsImported: 0, rowsValid: 0, rowsDuplicate: 300 });
    expect(await count(`import_issues WHERE job_id = '${String(loser.id)}' AND reason = 'ALREADY_IN_REGISTER'`)).toBe(300);
    expect((await issues(loser.id as string))[0]).toBe('2|Код клиента|ALREADY_IN_REGISTER');
  });

  it('stores at most MAX_STORED_ISSUES problems of one file (the counters stay exact), names a long header by its first 200 characters, and a discard leaves none', async () => {
    // a header padded so that it still names its field
    const header = REGISTER_CSV.split('\r\n')[0].replace('Пол', `Пол${'_'.repeat(300)}`);
    const rows = Array.from({ length: 21_000 }, (_, i) => `MANY-${i};абв;1990;Вахдат;;;01.06.2025;02.06.2025;побои;муж;да;да;`);
    const job = await importFile(Buffer.from([header, ...rows].join('\r\n'), 'utf8'), 'csv');
    expect(job).toMatchObject({ status: 'validated', rowsProcessed: 21_000, rowsInvalid: 21_000, rowsValid: 0 });
    const [{ n, longest }] = await node.dataSource.query(`SELECT count(*)::int AS n, max(length(column_name))::int AS longest FROM import_issues WHERE job_id = $1`, [job.id]);
    expect(n).toBe(MAX_STORED_ISSUES);
    expect(longest).toBe(200);
    await node.gql('mutation($id: ID!) { discardImport(id: $id) { status } }', { id: job.id }, caseworker);
    expect(await count(`import_issues WHERE job_id = '${String(job.id)}'`)).toBe(0);
  });

  it('shows progress while a large file is still arriving', async () => {
    const header = REGISTER_CSV.split('\r\n')[0];
    const rows = Array.from({ length: 3_000 }, (_, i) => `PROG-${String(i).padStart(5, '0')};жен;1990;Вахдат;;;01.09.2025;10.09.2025;побои;муж;да;да;`);
    const first = Buffer.from([header, ...rows.slice(0, 1_500)].join('\r\n') + '\r\n', 'utf8');
    const rest = Buffer.from(rows.slice(1_500).join('\r\n'), 'utf8');
    const created = await node.gql('mutation { createImport(input: {fileName: "big.csv", format: csv}) { id } }', {}, caseworker);
    const id = created.data?.createImport.id as string;
    const { finish, answered } = await halfSent(id, first, rest);
    // half the file sent: the job shows the rows done so far and the share of bytes read
    const job = async (): Promise<Record<string, number | string>> => (await node.gql(`query($id: ID!) { importJob(id: $id) { ${JOB_FIELDS} } }`, { id }, caseworker)).data?.importJob;
    let mid = await job();
    for (let tries = 0; tries < 100 && !(Number(mid.rowsProcessed) >= 1_000); tries++) {
      await new Promise((r) => setTimeout(r, 50));
      mid = await job();
    }
    expect(mid).toMatchObject({ status: 'validating', rowsProcessed: 1_000 });
    expect(mid.progress).toBeGreaterThan(0.3);
    expect(mid.progress).toBeLessThan(0.6);
    finish();
    expect((await answered).status).toBe(200);
    expect(await job()).toMatchObject({ status: 'validated', rowsProcessed: 3_000, rowsValid: 3_000, progress: 1 });
    await node.gql('mutation($id: ID!) { discardImport(id: $id) { status } }', { id }, caseworker);
  });

  it('refuses a file without the required columns or with a mapping to a missing header, naming the fields', async () => {
    const job = await importFile(Buffer.from('Код клиента,Пол\nA-1,Ж\n'), 'csv');
    expect(job.status).toBe('failed');
    expect(job.failure).toBe('MISSING_COLUMNS: district, incidentDate, reportedDate, violenceTypes, consentServices, consentReporting');
    const broken = await importFile(Buffer.from('a,"b\n"c,d'), 'csv');
    expect(broken.status).toBe('failed');
    // A CSV sent as XLSX: not an archive.
    const notXlsx = await importFile(Buffer.from('Код клиента;Пол\nA-1;Ж\n'), 'xlsx');
    expect(notXlsx).toMatchObject({ status: 'failed', failure: 'MALFORMED_FILE' });
    const bad = await node.gql('mutation { createImport(input: {fileName: "x.csv", format: csv, columnMapping: [{field: "nonsense", column: "x"}]}) { id } }', {}, caseworker);
    expect(bad.errors?.[0].extensions?.details.fields[0]).toMatchObject({ field: 'columnMapping.0.field', code: 'INVALID_VALUE' });
  });

  it('exports the register as an AES-256 ZIP that opens with its password, logged; the export re-imports without duplicates', async () => {
    const call = await node.gql('mutation($i: RecordConsultationInput!) { recordConsultation(input: $i) { id } }', {
      i: { consultationCode: 'EXP-CALL-1', callerCode: 'CALLER-EXP', date: '2026-01-12', topic: 'legal_questions', callerSex: 'F', callerIsSurvivor: true, consentReporting: true, notes: 'Caller Ozoda asked about divorce' },
    }, manager);
    expect(call.errors).toBeUndefined();
    const res = await request(node.app.getHttpServer())
      .post('/exports/register')
      .set('authorization', `Bearer ${manager}`)
      .send({ format: 'csv', password: 'centre export secret' })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const zip = res.body as Buffer;
    expect(res.headers['content-type']).toBe('application/zip');
    for (const v of IDENTIFIABLE.slice(0, 4)) expect(zip.includes(Buffer.from(v))).toBe(false);
    expect(() => readAesZip(zip, 'wrong password')).toThrow('wrong password');
    const files = readAesZip(zip, 'centre export secret');
    const csvName = [...files.keys()].find((n) => n.endsWith('/register.csv'))!;
    const csv = files.get(csvName)!.toString('utf8');
    expect(csv).toContain('Мадина Файлова');
    expect(csv).toContain('+992 92 444 5566');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + (await count('incidents')));
    // the consent's date travels with it, under a column the import reads
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toContain(',consentReporting,consentGivenOn,reportedByOtherMember,');
    expect(await count(`access_log WHERE action = 'register.export'`)).toBe(1);
    expect(zip.includes(Buffer.from('Ozoda'))).toBe(false);
    const calls = files.get([...files.keys()].find((n) => n.endsWith('/consultations.csv'))!)!.toString('utf8').split('\r\n').filter(Boolean);
    expect(calls).toHaveLength(2);
    expect(calls[0].replace(/^\uFEFF/, '').startsWith('consultationCode,callerCode,date,topic')).toBe(true);
    expect(calls[1]).toContain('EXP-CALL-1');
    expect(calls[1]).toContain('Caller Ozoda asked about divorce');

    const back = await importFile(files.get(csvName)!, 'csv');
    expect(back).toMatchObject({ status: 'validated', rowsValid: 0, rowsInvalid: 0, rowsDuplicate: await count('incidents') });

    const xlsx = await request(node.app.getHttpServer())
      .post('/exports/register')
      .set('authorization', `Bearer ${manager}`)
      .send({ format: 'xlsx', password: 'centre export secret' })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    const [xlsxFile] = [...readAesZip(xlsx.body as Buffer, 'centre export secret').values()];
    await book.xlsx.load(xlsxFile as unknown as ArrayBuffer);
    expect(book.getWorksheet('register')!.getRow(1).getCell(1).value).toBe('clientCode');
    expect(book.getWorksheet('register')!.rowCount).toBe(1 + (await count('incidents')));
    expect(book.getWorksheet('consultations')!.getRow(2).getCell(1).value).toBe('EXP-CALL-1');

    const weak = await request(node.app.getHttpServer()).post('/exports/register').set('authorization', `Bearer ${manager}`).send({ format: 'csv', password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'password' }] } });
    // long enough, but few different characters: a copy of the file is tried offline
    for (const password of ['a'.repeat(12), ' '.repeat(12), 'abab abab abab']) {
      const plain = await request(node.app.getHttpServer()).post('/exports/register').set('authorization', `Bearer ${manager}`).send({ format: 'csv', password });
      expect({ password, status: plain.status, field: plain.body.details?.fields?.[0]?.field }).toEqual({ password, status: 400, field: 'password' });
    }
    const log = await node.gql('{ accessLog(filter: {action: "register.export"}) { total items { actorRole objectType } } }', {}, admin);
    expect(log.data?.accessLog).toMatchObject({ total: 2, items: [{ actorRole: 'manager', objectType: 'register' }, { actorRole: 'manager', objectType: 'register' }] });
  });

  it('an export is one snapshot (a case recorded while it streams is not in it, the logged counts are its files\'), and one a client leaves ends at once', async () => {
    const exports = node.app.get(ExportsService);
    const [{ id }]: { id: string }[] = await node.dataSource.query(`SELECT id FROM staff_accounts WHERE role = 'manager' ORDER BY created_at LIMIT 1`);
    const p = { id, role: 'manager' as const, centreId: TEST_CENTRE };
    const collect = (stream: NodeJS.ReadableStream): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks)));
        stream.on('error', reject);
      });
    const { stream } = await exports.export(p, 'csv', 'centre export secret');
    // recorded after the export began, before a byte of it was read
    const client = await node.gql('mutation($i: CreateClientInput!) { createClient(input: $i) { id } }', {
      i: { clientCode: 'SNAP-LATE', sex: 'F', birthYear: 1991, district: 'TJ-DU-SIN', maritalStatus: 'nikoh', migrationStatus: 'family_left_behind', hasDisability: false, registeredOn: '2026-03-02' },
    }, caseworker);
    expect(client.errors).toBeUndefined();
    const late = await node.gql('mutation($i: RecordIncidentInput!) { recordIncident(input: $i) { id } }', {
      i: { clientCode: 'SNAP-LATE', incidentCode: 'SNAP-LATE-1', incidentDate: '2026-03-01', reportedDate: '2026-03-02', district: 'TJ-DU-SIN', violenceTypes: ['physical_assault'], perpetratorRelationship: 'mother_in_law', consent: { services: true, reporting: true } },
    }, caseworker);
    expect(late.errors).toBeUndefined();
    // (the files are read one after another as the archive is read: the consultations come last)
    const call = await node.gql('mutation($i: RecordConsultationInput!) { recordConsultation(input: $i) { id } }', {
      i: { consultationCode: 'SNAP-CALL-1', callerCode: 'CALLER-SNAP', date: '2026-01-13', topic: 'legal_questions', callerSex: 'F', callerIsSurvivor: true, consentReporting: true },
    }, caseworker);
    expect(call.errors).toBeUndefined();
    const files = readAesZip(await collect(stream), 'centre export secret');
    const calls = files.get([...files.keys()].find((n) => n.endsWith('/consultations.csv'))!)!.toString('utf8');
    expect(calls).toContain('EXP-CALL-1');
    expect(calls).not.toContain('SNAP-CALL-1');
    const csv = files.get([...files.keys()].find((n) => n.endsWith('/register.csv'))!)!.toString('utf8');
    expect(csv).not.toContain('SNAP-LATE');
    const [logged]: { details: { incidents: number } }[] = await node.dataSource.query(`SELECT details FROM access_log WHERE action = 'register.export' ORDER BY id DESC LIMIT 1`);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + logged.details.incidents);
    expect(logged.details.incidents).toBe((await count('incidents')) - 1);

    // a client that leaves: the snapshot's connection is given back, not left open in its transaction (the snapshot
    // names itself while it lasts: a count of the sessions idle in a transaction missed one that was running a query)
    const openSnapshots = async (): Promise<number> =>
      (await node.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [EXPORT_SNAPSHOT_NAME]))[0].n;
    /** The snapshots still open once they have had time to end (a ROLLBACK waits for a page query still running). */
    const openAfterwards = async (): Promise<number> => {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && (await openSnapshots()) > 0; ) await new Promise((r) => setTimeout(r, 20));
      return openSnapshots();
    };
    expect(await openAfterwards()).toBe(0);
    const during = await exports.export(p, 'csv', 'centre export secret');
    expect(await openSnapshots()).toBe(1);
    readAesZip(await collect(during.stream), 'centre export secret');
    expect(await openAfterwards()).toBe(0);
    for (const format of ['csv', 'xlsx'] as const) {
      const left = await exports.export(p, format, 'centre export secret');
      left.stream.destroy();
      expect({ format, open: await openAfterwards() }).toEqual({ format, open: 0 });
    }
    // two downloads at once at most (each holds a connection while its client reads)
    const held = [await exports.export(p, 'csv', 'centre export secret'), await exports.export(p, 'xlsx', 'centre export secret')];
    await expect(exports.export(p, 'csv', 'centre export secret')).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'EXPORTS_BUSY' } });
    for (const h of held) h.stream.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const again = await exports.export(p, 'csv', 'centre export secret');
    expect(readAesZip(await collect(again.stream), 'centre export secret').size).toBe(4);
  });

  describe('files as centres really have them', () => {
    /** Headers of a register kept in Russian Excel; every value below is synthetic. */
    const RU_HEADER = 'Код клиента;Пол;Год рождения;Район;ФИО;Адрес;Примечание;Дата инцидента;Дата обращения;Вид насилия;Обидчик;Согласие на услуги;Согласие на статистику;Описание';
    const row = (code: string, over: Partial<Record<'sex' | 'address' | 'note' | 'incident' | 'reported' | 'types' | 'narrative', string>> = {}): string =>
      [code, over.sex ?? 'жен', '1990', 'Вахдат', 'Синтетика Тестовна', over.address ?? '', over.note ?? '', over.incident ?? '01.11.2025', over.reported ?? '02.11.2025', over.types ?? 'побои', 'муж', 'да', 'да', over.narrative ?? ''].join(';');
    const jobOf = async (id: unknown): Promise<Record<string, unknown>> => (await node.gql(`query($id: ID!) { importJob(id: $id) { ${JOB_FIELDS} } }`, { id }, caseworker)).data?.importJob;
    const createJob = async (extra = ''): Promise<string> => {
      const created = await node.gql(`mutation { createImport(input: {fileName: "register.csv", format: csv ${extra}}) { id } }`, {}, caseworker);
      expect(created.errors).toBeUndefined();
      return created.data?.createImport.id as string;
    };

    /** A new import of 3,000 rows (codes `<prefix>-00000`...) half sent, once its first 1,000 rows are validated. */
    /** A file whose first half has arrived and is being validated; `badRest`: the rows of the second half have a problem each. */
    const halfValidated = async (prefix: string, badRest = false): Promise<{ id: string; finish: () => void; answered: Promise<{ status: number; body: string }> }> => {
      const rows = Array.from({ length: 3_000 }, (_, i) => row(`${prefix}-${String(i).padStart(5, '0')}`, badRest && i >= 1_500 ? { sex: 'абв' } : {}));
      const first = Buffer.from([RU_HEADER, ...rows.slice(0, 1_500)].join('\r\n') + '\r\n', 'utf8');
      const rest = Buffer.from(rows.slice(1_500).join('\r\n'), 'utf8');
      const id = await createJob();
      const sent = await halfSent(id, first, rest);
      let mid = await jobOf(id);
      for (let tries = 0; tries < 100 && !(Number(mid.rowsProcessed) >= 1_000); tries++) {
        await new Promise((r) => setTimeout(r, 50));
        mid = await jobOf(id);
      }
      expect(mid).toMatchObject({ status: 'validating' });
      return { id, ...sent };
    };

    it('reads a semicolon file as Russian Excel writes it (BOM, CRLF), commas inside unquoted values included', async () => {
      const file = '\ufeff' + [RU_HEADER, row('SEMI-001', { address: 'г. Душанбе, ул. Синтетическая, 12', note: 'Муж избил, угрожал', types: 'побои, угрозы', narrative: 'Синтетика, без запятых не бывает' })].join('\r\n') + '\r\n';
      const job = await importFile(Buffer.from(file, 'utf8'), 'csv');
      expect(job).toMatchObject({ status: 'validated', rowsValid: 1, rowsInvalid: 0 });
      await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: job.id }, caseworker);
      const read = await node.gql('{ clientByCode(clientCode: "SEMI-001") { address notes incidents { violenceTypes narrative } } }', {}, caseworker);
      expect(read.data?.clientByCode).toEqual({
        address: 'г. Душанбе, ул. Синтетическая, 12',
        notes: 'Муж избил, угрожал',
        incidents: [{ violenceTypes: ['physical_assault', 'psychological_emotional_abuse'], narrative: 'Синтетика, без запятых не бывает' }],
      });
    });

    it('matches client codes whatever their case: a lower-case code adds to the client the register holds, and its duplicate is recognised', async () => {
      const first = await importFile(Buffer.from([RU_HEADER, row('CASE-IMP-1')].join('\r\n'), 'utf8'), 'csv');
      await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: first.id }, caseworker);
      const clients = async (): Promise<number> => (await node.dataSource.query(`SELECT count(*)::int AS n FROM clients WHERE upper(client_code) = 'CASE-IMP-1'`))[0].n;
      expect(await clients()).toBe(1);
      // the same incident under the code in small letters, and a new incident of the same client
      const second = await importFile(Buffer.from([RU_HEADER, row('case-imp-1'), row('Case-Imp-1', { incident: '05.11.2025', reported: '06.11.2025' })].join('\r\n'), 'utf8'), 'csv');
      expect(second).toMatchObject({ status: 'validated', rowsValid: 1, rowsDuplicate: 1 });
      await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: second.id }, caseworker);
      expect(await clients()).toBe(1);
      const read = await node.gql('{ clientByCode(clientCode: "case-imp-1") { clientCode incidents { incidentDate } } }', {}, caseworker);
      expect(read.data?.clientByCode).toEqual({ clientCode: 'CASE-IMP-1', incidents: [{ incidentDate: '2025-11-01' }, { incidentDate: '2025-11-05' }] });
    });

    it('refuses a row whose client code names someone else: another sex than the register has, or than the file said first', async () => {
      const first = await importFile(Buffer.from([RU_HEADER, row('WHO-001')].join('\r\n'), 'utf8'), 'csv');
      await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: first.id }, caseworker);
      const file = [
        RU_HEADER,
        row('WHO-001', { sex: 'муж', incident: '07.11.2025', reported: '08.11.2025' }), // the register's WHO-001 is a woman
        row('WHO-002', { incident: '07.11.2025', reported: '08.11.2025' }),
        row('WHO-002', { sex: 'муж', incident: '09.11.2025', reported: '10.11.2025' }), // the file's first WHO-002 is a woman
        row('WHO-002', { sex: 'не указан', incident: '11.11.2025', reported: '12.11.2025' }), // unknown agrees with anything
      ].join('\r\n');
      const job = await importFile(Buffer.from(file, 'utf8'), 'csv');
      expect(job).toMatchObject({ status: 'validated', rowsValid: 2, rowsInvalid: 2 });
      expect(await issues(job.id as string)).toEqual(['2|Код клиента|CLIENT_MISMATCH', '4|Код клиента|CLIENT_MISMATCH']);
      await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: job.id }, caseworker);
      const read = await node.gql('{ clientByCode(clientCode: "WHO-001") { sex incidents { incidentDate } } }', {}, caseworker);
      expect(read.data?.clientByCode).toEqual({ sex: 'F', incidents: [{ incidentDate: '2025-11-01' }] });
    });

    it('keeps the date consent was given, as the export writes it and as Russian headers name it; a date in the future is refused', async () => {
      const file = [`${RU_HEADER};Дата согласия`, `${row('CONSENT-001')};03.11.2025`, `${row('CONSENT-002')};`, `${row('CONSENT-003')};01.01.2099`].join('\r\n');
      const job = await importFile(Buffer.from(file, 'utf8'), 'csv');
      expect(job).toMatchObject({ status: 'validated', rowsValid: 2, rowsInvalid: 1 });
      expect(await issues(job.id as string)).toEqual(['4|Дата согласия|DATE_IN_FUTURE']);
      await node.gql('mutation($id: ID!) { acceptImport(id: $id) { id } }', { id: job.id }, caseworker);
      const given = await node.dataSource.query(
        `SELECT c.client_code, to_char(i.consent_given_on, 'YYYY-MM-DD') AS given FROM incidents i JOIN clients c ON c.id = i.client_id WHERE c.client_code LIKE 'CONSENT-%' ORDER BY 1`,
      );
      expect(given).toEqual([{ client_code: 'CONSENT-001', given: '2025-11-03' }, { client_code: 'CONSENT-002', given: null }]);
    });

    it('reads a comma file whose unquoted values hold semicolons without shifting columns', async () => {
      const file = [
        'clientCode,sex,district,incidentDate,reportedDate,violenceTypes,perpetratorRelationship,consentServices,consentReporting,narrative',
        'COMMA-001,F,Вахдат,2025-11-03,2025-11-04,physical_assault;psychological_emotional_abuse,intimate_partner,yes,no,синтетика; с точкой с запятой',
      ].join('\n');
      const job = await importFile(Buffer.from(file, 'utf8'), 'csv');
      expect(job).toMatchObject({ status: 'validated', rowsValid: 1, rowsInvalid: 0 });
      expect(await issues(job.id as string)).toEqual([]);
      const staged: unknown[] = await node.dataSource.query(`SELECT violence_types, perpetrator_relationship, consent_reporting FROM import_staged_rows WHERE job_id = $1`, [job.id]);
      expect(staged).toEqual([{ violence_types: ['physical_assault', 'psychological_emotional_abuse'], perpetrator_relationship: 'intimate_partner', consent_reporting: false }]);
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id: job.id }, caseworker);
    });

    it('reports the row a spreadsheet shows a record in: blank lines count, line breaks inside a quoted value (a note over two lines) do not', async () => {
      const file = [
        RU_HEADER,
        row('LINE-002'),
        '',
        row('LINE-004', { sex: 'абв' }),
        row('LINE-005', { narrative: '"синтетика\nв две строки"' }),
        row('LINE-006', { reported: '31.02.2025' }),
      ].join('\r\n');
      const job = await importFile(Buffer.from(file, 'utf8'), 'csv');
      expect(job).toMatchObject({ status: 'validated', rowsProcessed: 4, rowsValid: 2, rowsInvalid: 2 });
      expect(await issues(job.id as string)).toEqual(['4|Пол|UNKNOWN_VALUE', '6|Дата обращения|INVALID_DATE']);
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id: job.id }, caseworker);
    });

    it('names the row where a malformed file breaks, never its content', async () => {
      const stray = await importFile(Buffer.from([RU_HEADER, row('QUOTE-002'), row('QUOTE-003', { narrative: 'Рост 5" синтетика' })].join('\r\n'), 'utf8'), 'csv');
      expect(stray).toMatchObject({ status: 'failed', failure: 'MALFORMED_FILE: row 3' });
      const unclosed = await importFile(Buffer.from([RU_HEADER, row('QUOTE-102'), '', row('QUOTE-104', { narrative: '"не закрыто синтетика' }), row('QUOTE-105')].join('\n'), 'utf8'), 'csv');
      expect(unclosed).toMatchObject({ status: 'failed', failure: 'MALFORMED_FILE: row 4' });
    });

    it('reads a Windows-1251 CSV (the encoding of Russian Excel’s "CSV")', async () => {
      const cp1251 = new Map<string, number>();
      const decoder = new TextDecoder('windows-1251');
      for (let b = 0; b < 256; b++) cp1251.set(decoder.decode(Uint8Array.of(b)), b);
      const encode = (text: string): Buffer => Buffer.from(Array.from(text, (c) => cp1251.get(c) ?? 0x3f));
      const job = await importFile(encode([RU_HEADER, row('CP1251-001', { address: 'г. Вахдат, ул. Синтетическая, 7' })].join('\r\n') + '\r\n'), 'csv');
      expect(job).toMatchObject({ status: 'validated', failure: null, rowsValid: 1, rowsInvalid: 0 });
      const staged: { client_code: string; sex: string; violence_type: string }[] = await node.dataSource.query(
        `SELECT client_code, sex, violence_type FROM import_staged_rows WHERE job_id = $1`,
        [job.id],
      );
      expect(staged).toEqual([{ client_code: 'CP1251-001', sex: 'F', violence_type: 'physical_assault' }]);
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id: job.id }, caseworker);
    });

    it('refuses a file with two columns of one name that a field reads, and ignores such columns no field reads', async () => {
      const notes = await importFile(Buffer.from([`${RU_HEADER};Примечание`, `${row('DUP-001')};синтетика`].join('\r\n'), 'utf8'), 'csv');
      expect(notes).toMatchObject({ status: 'failed', failure: 'DUPLICATE_COLUMNS: Примечание' });
      const reported = await importFile(Buffer.from([`${RU_HEADER};Дата обращения`, `${row('DUP-002', { reported: '' })};02.11.2025`].join('\r\n'), 'utf8'), 'csv');
      expect(reported).toMatchObject({ status: 'failed', failure: 'DUPLICATE_COLUMNS: Дата обращения' });
      const unused = await importFile(Buffer.from([`N;${RU_HEADER};N`, `1;${row('DUP-003')};1`].join('\r\n'), 'utf8'), 'csv');
      expect(unused).toMatchObject({ status: 'validated', rowsValid: 1 });
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id: unused.id }, caseworker);
    });

    it('refuses at createImport a value mapping to codes the field does not have, and two column mappings for one field', async () => {
      const jobs = await count('import_jobs');
      const refused = async (extra: string): Promise<{ field: string; code: string }[]> => {
        const res = await node.gql(`mutation { createImport(input: {fileName: "x.csv", format: csv ${extra}}) { id } }`, {}, caseworker);
        expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        return (res.errors?.[0].extensions?.details.fields as { field: string; code: string }[]).map(({ field, code }) => ({ field, code }));
      };
      expect(await refused(', valueMapping: [{field: "consentServices", value: "yes", code: "maybe"}]')).toEqual([{ field: 'valueMapping.0.code', code: 'UNKNOWN_CODE' }]);
      expect(await refused(', valueMapping: [{field: "sex", value: "F", code: "F"}, {field: "sex", value: "woman", code: "female"}]')).toEqual([{ field: 'valueMapping.1.code', code: 'UNKNOWN_CODE' }]);
      expect(await refused(', columnMapping: [{field: "clientCode", column: "Шифр"}, {field: "sex", column: "Пол"}, {field: "clientCode", column: "Код"}]')).toEqual([
        { field: 'columnMapping.2.field', code: 'DUPLICATE' },
      ]);
      expect(await count('import_jobs')).toBe(jobs);
      // codes and yes/no words of the right field are taken
      await createJob(', valueMapping: [{field: "sex", value: "woman", code: "F"}, {field: "consentServices", value: "согласна", code: "yes"}, {field: "hasDisability", value: "-", code: "нет"}]');
    });

    it('reports only the real cause of a row’s problem, not the fields derived from it', async () => {
      const file = [RU_HEADER, row('DERIVED-002', { reported: '' }), row('DERIVED-003', { incident: '' })].join('\r\n');
      const job = await importFile(Buffer.from(file, 'utf8'), 'csv');
      expect(job).toMatchObject({ status: 'validated', rowsInvalid: 2 });
      const res = await node.gql('query($i: ImportIssuesInput!) { importIssues(input: $i) { items { row field column reason } } }', { i: { jobId: job.id } }, caseworker);
      expect(res.data?.importIssues.items).toEqual([
        { row: 2, field: 'reportedDate', column: 'Дата обращения', reason: 'REQUIRED' },
        { row: 3, field: 'incidentDate', column: 'Дата инцидента', reason: 'REQUIRED' },
      ]);
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id: job.id }, caseworker);
    });

    it('refuses a file sent as JSON with a clear code, and leaves the import waiting for its file', async () => {
      const id = await createJob();
      const file = [RU_HEADER, row('JSON-001')].join('\r\n');
      // A JSON body the app's JSON parser reads before the route: the controller refuses it.
      const json = await request(node.app.getHttpServer()).put(`/imports/${id}/file`).set('authorization', `Bearer ${caseworker}`).send({ rows: [file] });
      expect(json.status).toBe(400);
      expect(json.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'UNSUPPORTED_MEDIA_TYPE' } });
      const form = await request(node.app.getHttpServer()).put(`/imports/${id}/file`).set('authorization', `Bearer ${caseworker}`).attach('file', Buffer.from(file), 'register.csv');
      expect(form.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'UNSUPPORTED_MEDIA_TYPE' } });
      // The CSV itself labelled as JSON: the JSON parser leaves this route alone, and the controller refuses it too.
      const labelled = await request(node.app.getHttpServer()).put(`/imports/${id}/file`).set('authorization', `Bearer ${caseworker}`).set('content-type', 'application/json').send(file);
      expect(labelled.status).toBe(400);
      expect(labelled.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'UNSUPPORTED_MEDIA_TYPE' } });
      // elsewhere JSON is parsed as before
      expect((await node.gql('{ me { username } }', {}, caseworker)).data?.me.username).toEqual(expect.any(String));
      expect(await jobOf(id)).toMatchObject({ status: 'created' });
      const ok = await request(node.app.getHttpServer()).put(`/imports/${id}/file`).set('authorization', `Bearer ${caseworker}`).set('content-type', 'text/csv').send(Buffer.from(file));
      expect(ok.body).toMatchObject({ status: 'validated', rowsValid: 1 });
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id }, caseworker);
    });

    it('an import discarded while its file is still arriving stays discarded, keeps no report of its rows, and can never be accepted', async () => {
      // the rows that arrive after the discard have problems: the batch in flight wrote them after the discard had deleted the report
      const { id, finish, answered } = await halfValidated('SLOW', true);
      const discarded = await node.gql('mutation($id: ID!) { discardImport(id: $id) { status } }', { id }, caseworker);
      expect(discarded.data?.discardImport.status).toBe('discarded');
      finish();
      const done = await answered;
      expect(done.status).toBe(200);
      expect(JSON.parse(done.body)).toMatchObject({ status: 'discarded' });
      // it stopped at the first batch after the discard rather than validating and staging the rest
      expect(node.logs.join('\n')).toContain('import discarded during its upload');
      expect(await jobOf(id)).toMatchObject({ status: 'discarded' });
      expect(await count(`import_staged_rows WHERE job_id = '${id}'`)).toBe(0);
      expect(await count(`import_issues WHERE job_id = '${id}'`)).toBe(0);
      const accepted = await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status } }', { id }, caseworker);
      expect(accepted.errors?.[0].extensions?.details.reason).toBe('IMPORT_NOT_VALIDATED');
      expect(await count(`clients WHERE client_code LIKE 'SLOW-%'`)).toBe(0);
    });

    it('a validated upload left neither accepted nor discarded for 14 days expires (EXPIRED): its staged rows are deleted, its row problems kept', async () => {
      const service = node.app.get(ImportsService);
      const old = await importFile(Buffer.from([RU_HEADER, row('OLD-00001'), row('OLD-00002'), row('OLD-00003', { sex: 'абв' })].join('\r\n'), 'utf8'), 'csv');
      const fresh = await importFile(Buffer.from([RU_HEADER, row('NEW-00001')].join('\r\n'), 'utf8'), 'csv');
      expect([old.status, fresh.status]).toEqual(['validated', 'validated']);
      await node.dataSource.query(`UPDATE import_jobs SET finished_at = now() - make_interval(days => $2) WHERE id = $1`, [old.id, IMPORT_VALIDATED_KEEP_DAYS + 1]);
      await node.dataSource.query(`UPDATE import_jobs SET finished_at = now() - make_interval(days => $2) WHERE id = $1`, [fresh.id, IMPORT_VALIDATED_KEEP_DAYS - 1]);
      expect(await count(`import_staged_rows WHERE job_id = '${String(old.id)}'`)).toBe(2);
      expect(await service.sweepExpired()).toBe(1);
      expect(await jobOf(old.id)).toMatchObject({ status: 'failed', failure: 'EXPIRED' });
      expect(await count(`import_staged_rows WHERE job_id = '${String(old.id)}'`)).toBe(0);
      expect(await count(`import_issues WHERE job_id = '${String(old.id)}'`)).toBeGreaterThan(0);
      expect((await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status } }', { id: old.id }, caseworker)).errors?.[0].extensions?.details.reason).toBe('IMPORT_NOT_VALIDATED');
      // the recent one is left alone, and accepted as usual
      expect(await count(`import_staged_rows WHERE job_id = '${String(fresh.id)}'`)).toBe(1);
      expect((await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status rowsImported } }', { id: fresh.id }, caseworker)).data?.acceptImport).toEqual({ status: 'accepted', rowsImported: 1 });
    });

    it('an upload whose node process died is failed as INTERRUPTED by the sweep, with what it staged; a live upload beats and is left alone', async () => {
      const service = node.app.get(ImportsService);
      service.heartbeatMs = 50;
      // a process that died after its COPY ended and before its last update: rows staged, job validating, no heartbeat for an hour
      const dead = await importFile(Buffer.from([RU_HEADER, row('DEAD-00001'), row('DEAD-00002')].join('\r\n'), 'utf8'), 'csv');
      expect(dead).toMatchObject({ status: 'validated', rowsValid: 2 });
      await node.dataSource.query(`UPDATE import_jobs SET status = 'validating', heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [dead.id]);
      expect(await count(`import_staged_rows WHERE job_id = '${String(dead.id)}'`)).toBe(2);
      // a live upload, half sent: its heartbeat moves while the rest of the file is awaited
      const { id, finish, answered } = await halfValidated('BEAT');
      // started an hour ago, last beat an hour ago: only its beats keep it from the sweep
      await node.dataSource.query(`UPDATE import_jobs SET created_at = now() - interval '1 hour', heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [id]);
      const beatAt = async (): Promise<number> => ((await node.dataSource.query('SELECT heartbeat_at FROM import_jobs WHERE id = $1', [id]))[0].heartbeat_at as Date).getTime();
      const before = await beatAt();
      await new Promise((r) => setTimeout(r, 300));
      expect(await beatAt()).toBeGreaterThan(before);

      expect(await service.sweepInterrupted()).toBe(1);
      expect(await jobOf(id)).toMatchObject({ status: 'validating' });
      expect(await jobOf(dead.id)).toMatchObject({ status: 'failed', failure: 'INTERRUPTED' });
      expect(await count(`import_staged_rows WHERE job_id = '${String(dead.id)}'`)).toBe(0);
      expect((await node.gql('mutation($id: ID!) { acceptImport(id: $id) { status } }', { id: dead.id }, caseworker)).errors?.[0].extensions?.details.reason).toBe(
        'IMPORT_NOT_VALIDATED',
      );
      finish();
      expect((await answered).status).toBe(200);
      expect(await jobOf(id)).toMatchObject({ status: 'validated', rowsValid: 3_000 });
      await node.gql('mutation($id: ID!) { discardImport(id: $id) { id } }', { id }, caseworker);
      service.heartbeatMs = 15_000;
    });

    it('never quotes the content of these files in a failure, an issue or a log line', async () => {
      const failures: { failure: string | null }[] = await node.dataSource.query('SELECT failure FROM import_jobs WHERE failure IS NOT NULL');
      const seen = [node.logs.join('\n'), JSON.stringify(failures)].join('\n');
      for (const v of ['Синтетика Тестовна', 'Душанбе, ул. Синтетическая', 'Муж избил', 'Рост 5', 'не закрыто синтетика', 'синтетика']) expect(seen).not.toContain(v);
    });
  });

  it('never writes a value of an imported file to a log line', () => {
    const logs = node.logs.join('\n');
    expect(logs).toContain('import refused');
    for (const v of IDENTIFIABLE) expect(logs).not.toContain(v);
  });
});
