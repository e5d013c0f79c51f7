import { STANDARD } from '@paivand/schema';
import { buildDocx, buildZip } from './fixtures/libraries/zip';
import { buildPdf, buildPdfBomb, TINY_PNG } from './fixtures/libraries/pdf';
import { createDocument, DOC_FIELDS, documentInput, download, LIST, moderate, ok, publishedDocument, SEARCH, upload } from './fixtures/libraries/library-api';
import { ClientRequest, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { INDEXED_BODY_CHARS } from '../src/libraries/library-store';
import { admitTestMember } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

const LIMIT = 64 * 1024;

// (PDFs read in worker threads, on two cores shared with the other test files)
jest.setTimeout(60_000);

describe('hub libraries: moderation, versions and files', () => {
  let hub: HubTestApp;
  let admin: string;
  let member: string;
  let researcher: string;
  // member accounts speak for admitted members only (an account of an unknown member is refused at every call)
  let memberId: string;
  const otherMemberAccount = async (): Promise<string> => hub.signIn('member', (await admitTestMember(hub)).memberId);

  const count = async (table: string): Promise<number> => (await hub.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const auditActions = async (id: string): Promise<string[]> =>
    (await hub.dataSource.query(`SELECT action FROM audit_log WHERE object_type = 'library_document' AND object_id = $1 ORDER BY id`, [id])).map(
      (r: { action: string }) => r.action,
    );

  beforeAll(async () => {
    Object.assign(process.env, { LIBRARY_MAX_FILE_BYTES: String(LIMIT), LIBRARY_UPLOADS_MAX: '2', LIBRARY_PDF_MAX_MEMORY_MB: '48' });
    hub = await startHubTestApp();
    memberId = (await admitTestMember(hub)).memberId;
    [admin, member, researcher] = await Promise.all([hub.signIn('association_admin'), hub.signIn('member', memberId), hub.signIn('researcher')]);
  }, 60_000);
  afterAll(async () => {
    for (const v of ['LIBRARY_MAX_FILE_BYTES', 'LIBRARY_UPLOADS_MAX', 'LIBRARY_PDF_MAX_MEMORY_MB']) delete process.env[v];
    await hub.close();
  });

  it('runs draft -> submitted -> changes requested -> submitted -> published -> withdrawn, every step audited', async () => {
    const doc = await createDocument(hub, member, {
      kind: 'referral_protocol',
      accessLevel: 'members_only',
      title: { tg: 'Тартиби равонкунӣ', ru: 'Протокол перенаправления' },
      summary: { ru: 'Как направлять пострадавших в приюты.' },
      organisationName: undefined,
      language: 'ru',
      themes: ['referral_mechanisms', 'shelters'],
      datasetIds: ['incidents_monthly'],
    });
    expect(doc).toMatchObject({ status: 'draft', version: 1, publishedVersion: null, organisationMemberId: memberId, shelves: ['best_practice'] });

    // Only the Association reviews; the author cannot publish her own document.
    const selfPublish = await hub.gql(`mutation { publishLibraryDocument(input: {id: "${doc.id}"}) { id } }`, {}, member);
    expect(selfPublish.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Publishing a draft that was never submitted is a conflict, not a silent success.
    const early = await hub.gql(`mutation { publishLibraryDocument(input: {id: "${doc.id}"}) { id } }`, {}, admin);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'LIBRARY_TRANSITION_NOT_ALLOWED' } });

    expect((await moderate(hub, 'submitLibraryDocument', member, doc.id)).status).toBe('submitted');
    const locked = await hub.gql(`mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { id } }`, { i: { id: doc.id, year: 2024 } }, member);
    expect(locked.errors?.[0].extensions?.details?.reason).toBe('LIBRARY_VERSION_UNDER_REVIEW');

    const noNote = await hub.gql(`mutation { requestLibraryDocumentChanges(input: {id: "${doc.id}"}) { id } }`, {}, admin);
    expect(noNote.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const sentBack = await moderate(hub, 'requestLibraryDocumentChanges', admin, doc.id, 'Add an English title');
    expect(sentBack).toMatchObject({ status: 'changes_requested', reviewNote: 'Add an English title' });

    // The review queue shows submitted documents to the Association only.
    const mine = await ok(hub, LIST, { i: { scope: 'MINE' } }, member);
    expect(mine.libraryDocuments.items).toEqual([expect.objectContaining({ id: doc.id, status: 'changes_requested', reviewNote: 'Add an English title' })]);
    const notAdmin = await hub.gql(LIST, { i: { scope: 'ALL' } }, member);
    expect(notAdmin.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const edited = await ok(hub, `mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { ${DOC_FIELDS} } }`, {
      i: { id: doc.id, title: { tg: 'Тартиби равонкунӣ', ru: 'Протокол перенаправления', en: 'Referral protocol' } },
    }, member);
    expect(edited.updateLibraryDocument).toMatchObject({ version: 1, status: 'changes_requested', title: { en: 'Referral protocol' }, themes: ['referral_mechanisms', 'shelters'] });

    await moderate(hub, 'submitLibraryDocument', member, doc.id);
    const queue = await ok(hub, LIST, { i: { scope: 'ALL', status: 'submitted' } }, admin);
    expect(queue.libraryDocuments.items.map((d: { id: string }) => d.id)).toContain(doc.id);
    const published = await moderate(hub, 'publishLibraryDocument', admin, doc.id);
    expect(published).toMatchObject({ status: 'published', version: 1, publishedVersion: 1 });

    const withdrawn = await moderate(hub, 'withdrawLibraryDocument', admin, doc.id, 'Superseded by the 2026 protocol');
    expect(withdrawn.status).toBe('withdrawn');
    const gone = await hub.gql(`{ libraryDocument(id: "${doc.id}") { id } }`, {}, await otherMemberAccount());
    expect(gone.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    expect(await auditActions(doc.id)).toEqual([
      'library.document.create',
      'library.document.submit',
      'library.document.request_changes',
      'library.document.update',
      'library.document.submit',
      'library.document.publish',
      'library.document.withdraw',
    ]);
  });

  it('keeps the published version visible while a new version is edited and reviewed, then replaces it', async () => {
    const doc = await createDocument(hub, researcher, { title: { en: 'Shelter capacity 2024' } });
    await moderate(hub, 'submitLibraryDocument', researcher, doc.id);
    await moderate(hub, 'publishLibraryDocument', admin, doc.id);

    const v2 = await ok(hub, `mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { version status publishedVersion title { en } } }`, {
      i: { id: doc.id, title: { en: 'Shelter capacity 2025' } },
    }, researcher);
    expect(v2.updateLibraryDocument).toEqual({ version: 2, status: 'draft', publishedVersion: 1, title: { en: 'Shelter capacity 2025' } });

    const reader = await otherMemberAccount();
    const seen = async (): Promise<string> => (await ok(hub, `{ libraryDocument(id: "${doc.id}") { title { en } } }`, {}, reader)).libraryDocument.title.en;
    expect(await seen()).toBe('Shelter capacity 2024');
    await moderate(hub, 'submitLibraryDocument', researcher, doc.id);
    expect(await seen()).toBe('Shelter capacity 2024');
    await moderate(hub, 'publishLibraryDocument', admin, doc.id);
    expect(await seen()).toBe('Shelter capacity 2025');

    const history = await ok(hub, `{ libraryDocumentVersions(id: "${doc.id}") { version status title { en } } }`, {}, researcher);
    expect(history.libraryDocumentVersions).toEqual([
      { version: 2, status: 'published', title: { en: 'Shelter capacity 2025' } },
      { version: 1, status: 'superseded', title: { en: 'Shelter capacity 2024' } },
    ]);
    const hidden = await hub.gql(`{ libraryDocumentVersions(id: "${doc.id}") { version } }`, {}, reader);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('validates themes against the library_theme codelist and datasets against the standard, writing nothing', async () => {
    const before = await count('library_documents');
    const res = await hub.gql(`mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }`, {
      i: { kind: 'methodology', accessLevel: 'public', title: {}, year: 2025, language: 'en', organisationName: 'X', themes: ['not_a_theme'], datasetIds: ['no_such_dataset'] },
    }, researcher);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fields = (res.errors?.[0].extensions?.details.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['datasetIds', 'themes', 'title']);
    const anon = await hub.gql(`mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }`, { i: documentInput() });
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const ombudsman = await hub.gql(`mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }`, { i: documentInput() }, await hub.signIn('ombudsman'));
    expect(ombudsman.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count('library_documents')).toBe(before);
  });

  it('marks the fields a new document needs as non-null, and reports every bad field of one request in one error', async () => {
    const create = `mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }`;
    const before = await count('library_documents');
    const type = await ok(hub, `{ __type(name: "CreateLibraryDocumentInput") { inputFields { name type { kind } } } }`, {}, researcher);
    const nonNull = type.__type.inputFields.filter((f: { type: { kind: string } }) => f.type.kind === 'NON_NULL').map((f: { name: string }) => f.name);
    expect(nonNull.sort()).toEqual(['accessLevel', 'kind', 'language', 'title', 'year']);

    // Every missing required field is named, in one answer.
    const missing = await hub.gql(create, { i: { title: { en: 'Untitled' }, organisationName: 'X' } }, researcher);
    expect(missing.errors?.every((e) => e.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    expect(missing.errors?.map((e) => /Field "(\w+)"/.exec(e.message)?.[1]).sort()).toEqual(['accessLevel', 'kind', 'language', 'year']);

    // A year out of range no longer hides the other problems: one error lists them all.
    const bad = await hub.gql(create, {
      i: documentInput({ year: 1800, title: {}, themes: ['shelters', 'not_a_theme'], datasetIds: ['no_such_dataset'], organisationMemberId: memberId, tags: ['x'.repeat(61)] }),
    }, researcher);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'VALIDATION_FAILED' } });
    const fields = bad.errors?.[0].extensions?.details.fields as { field: string; code: string; messages: string[] }[];
    expect(fields.map((f) => f.field).sort()).toEqual(['datasetIds', 'organisationMemberId', 'tags', 'themes', 'title', 'year']);
    expect(fields.find((f) => f.field === 'themes')).toMatchObject({ code: 'UNKNOWN_CODE', messages: [expect.stringContaining('not_a_theme')] });
    expect(fields.find((f) => f.field === 'themes')?.messages[0]).not.toContain('shelters');

    // What the server can do without may be left out: a member's document is its own organisation's, lists start empty.
    const minimal = await ok(hub, `mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { organisationMemberId authors tags themes datasetIds summary { en } } }`, {
      i: { kind: 'methodology', accessLevel: 'members_only', title: { ru: 'Методика' }, year: 2025, language: 'ru' },
    }, member);
    expect(minimal.createLibraryDocument).toEqual({ organisationMemberId: memberId, authors: [], tags: [], themes: [], datasetIds: [], summary: { en: null } });
    expect(await count('library_documents')).toBe(before + 1);

    // An edit names only what changes, under the same rules; it cannot clear a value the document needs.
    const { id } = await createDocument(hub, researcher);
    const edit = await hub.gql(`mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { id } }`, { i: { id, themes: ['not_a_theme'], year: 1800 } }, researcher);
    expect((edit.errors?.[0].extensions?.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['themes', 'year']);
    const cleared = await hub.gql(`mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { id } }`, { i: { id, year: null, language: null } }, researcher);
    expect(cleared.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [{ field: 'year' }, { field: 'language' }] } });
  });

  it('credits a document to a member only as that member, or as the Association to a member it has admitted', async () => {
    const create = 'mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id organisationMemberId } }';
    const credit = (token: string, organisationMemberId: string) => hub.gql(create, { i: documentInput({ organisationName: undefined, organisationMemberId }) }, token);
    const refusal = (code: string) => ({ code: 'BAD_USER_INPUT', details: { reason: 'VALIDATION_FAILED', fields: [{ field: 'organisationMemberId', code, messages: [expect.any(String)] }] } });
    const other = await admitTestMember(hub);
    const applied = (
      await ok(hub, 'mutation($i: ApplyMemberInput!) { applyForMembership(input: $i) { id } }', {
        i: { name: 'Applicant centre Vahdat', centreType: 'crisis_centre', region: 'TJ-DU', contactEmail: 'office@vahdat.example.tj' },
      }, admin)
    ).applyForMembership.id as string;
    const before = await count('library_documents');
    // a researcher has no member organisation (hers goes in organisationName); a member names only its own
    expect((await credit(researcher, other.memberId)).errors?.[0].extensions).toEqual(refusal('NOT_OWN_MEMBER'));
    expect((await credit(member, other.memberId)).errors?.[0].extensions).toEqual(refusal('NOT_OWN_MEMBER'));
    // the Association credits a member it has admitted, not an id nobody has, nor an application
    expect((await credit(admin, '00000000-0000-4000-8000-000000000000')).errors?.[0].extensions).toEqual(refusal('UNKNOWN_MEMBER'));
    expect((await credit(admin, applied)).errors?.[0].extensions).toEqual(refusal('UNKNOWN_MEMBER'));
    expect(await count('library_documents')).toBe(before);
    expect((await credit(admin, other.memberId)).data?.createLibraryDocument.organisationMemberId).toBe(other.memberId);
    // a suspended member's earlier work is still its own
    await ok(hub, `mutation { suspendMember(memberId: "${other.memberId}") { status } }`, {}, admin);
    expect((await credit(admin, other.memberId)).data?.createLibraryDocument.organisationMemberId).toBe(other.memberId);
    expect((await credit(member, memberId)).data?.createLibraryDocument.organisationMemberId).toBe(memberId);

    // an edit is held to the same rules, and a refused one changes nothing
    const own = await createDocument(hub, researcher);
    const UPDATE = 'mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { id } }';
    const edit = await hub.gql(UPDATE, { i: { id: own.id, organisationName: null, organisationMemberId: other.memberId } }, researcher);
    expect(edit.errors?.[0].extensions).toEqual(refusal('NOT_OWN_MEMBER'));
    const mine = await ok(hub, `mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }`, { i: documentInput() }, admin);
    const adminEdit = await hub.gql(UPDATE, { i: { id: mine.createLibraryDocument.id, organisationName: null, organisationMemberId: applied } }, admin);
    expect(adminEdit.errors?.[0].extensions).toEqual(refusal('UNKNOWN_MEMBER'));
    const versions = await hub.dataSource.query(`SELECT organisation_member_id, organisation_name FROM library_document_versions WHERE document_id = ANY($1)`, [[own.id, mine.createLibraryDocument.id]]);
    expect(versions).toEqual([
      { organisation_member_id: null, organisation_name: 'Independent Research Group' },
      { organisation_member_id: null, organisation_name: 'Independent Research Group' },
    ]);
  });

  it('stores the same file once, whoever uploads it, and serves it back byte for byte', async () => {
    const pdf = buildPdf(['Dedup test paper']);
    const a = await createDocument(hub, member, { organisationName: undefined });
    const b = await createDocument(hub, researcher);
    const blobsBefore = await count('library_blobs');
    const first = await upload(hub, member, a.id, pdf, 'paper.pdf', 'application/pdf').expect(201);
    const second = await upload(hub, researcher, b.id, pdf, 'copy-of-paper.pdf').expect(201);
    // Over GraphQL as base64, too.
    const third = await ok(hub, `mutation($i: AttachLibraryFileInput!) { attachLibraryFile(input: $i) { sha256 contentType } }`, {
      i: { documentId: b.id, fileName: 'again.pdf', contentBase64: pdf.toString('base64') },
    }, researcher);
    expect(first.body.sha256).toBe(second.body.sha256);
    expect(third.attachLibraryFile).toEqual({ sha256: first.body.sha256, contentType: 'application/pdf' });
    expect(await count('library_blobs')).toBe(blobsBefore + 1);

    const got = await download(hub, member, first.body.downloadPath).expect(200);
    expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toContain("filename*=UTF-8''paper.pdf");
    expect(got.headers['cache-control']).toBe('private, no-store');

    // DOCX and PNG are recognised by their bytes.
    const docx = await upload(hub, member, a.id, buildDocx('Guide'), 'guide.docx').expect(201);
    expect(docx.body.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const png = await upload(hub, member, a.id, TINY_PNG, 'chart.png', 'image/png').expect(201);
    expect(png.body.contentType).toBe('image/png');
  });

  it('refuses a forged content type, a disallowed file and an oversized file with a clear code, storing nothing', async () => {
    const doc = await createDocument(hub, researcher);
    const blobs = await count('library_blobs');
    const links = await count('library_version_files');

    const forged = await upload(hub, researcher, doc.id, TINY_PNG, 'report.pdf', 'application/pdf').expect(400);
    expect(forged.body).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'LIBRARY_FILE_TYPE_MISMATCH', detected: 'image/png' } });
    expect(forged.body.message).toMatch(/forged/);

    const declared = await upload(hub, researcher, doc.id, buildPdf(['x']), 'report.pdf', 'image/png').expect(400);
    expect(declared.body.details.reason).toBe('LIBRARY_FILE_TYPE_MISMATCH');

    const html = await upload(hub, researcher, doc.id, Buffer.from('<html><script>alert(1)</script></html>'), 'page.pdf', 'application/pdf').expect(400);
    expect(html.body.details.reason).toBe('LIBRARY_FILE_TYPE_NOT_ALLOWED');
    const zip = await upload(hub, researcher, doc.id, buildZip({ 'evil.exe': 'MZ' }), 'table.xlsx').expect(400);
    expect(zip.body.details.reason).toBe('LIBRARY_FILE_TYPE_NOT_ALLOWED');
    const fakePdf = await upload(hub, researcher, doc.id, Buffer.from('%PDF-1.7\nnot really'), 'fake.pdf').expect(400);
    expect(fakePdf.body.details.reason).toBe('LIBRARY_FILE_UNREADABLE_PDF');

    const big = buildPdf(['big', 'x'.repeat(LIMIT)]);
    const tooBig = await upload(hub, researcher, doc.id, big, 'big.pdf').expect(413);
    expect(tooBig.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { reason: 'LIBRARY_FILE_TOO_LARGE', limitBytes: LIMIT } });
    const tooBigGql = await hub.gql(`mutation($i: AttachLibraryFileInput!) { attachLibraryFile(input: $i) { sha256 } }`, {
      i: { documentId: doc.id, fileName: 'big.pdf', contentBase64: big.toString('base64') },
    }, researcher);
    expect(tooBigGql.errors?.[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { reason: 'LIBRARY_FILE_TOO_LARGE' } });

    const anon = await upload(hub, undefined, doc.id, TINY_PNG, 'chart.png').expect(401);
    expect(anon.body.code).toBe('UNAUTHENTICATED');
    const stranger = await upload(hub, member, doc.id, TINY_PNG, 'chart.png').expect(404);
    expect(stranger.body.code).toBe('NOT_FOUND');

    expect(await count('library_blobs')).toBe(blobs);
    expect(await count('library_version_files')).toBe(links);
  });

  it('reads no byte of an upload it would refuse, holds at most LIBRARY_UPLOADS_MAX in memory, and stops a PDF that inflates past its memory limit', async () => {
    const doc = await createDocument(hub, researcher);
    const blobs = await count('library_blobs');
    // who may not attach is told so before the body is read: not the size of a body it never read
    const big = Buffer.alloc(LIMIT * 4, 0x20);
    const stranger = await upload(hub, member, doc.id, big, 'big.pdf').expect(404);
    expect(stranger.body.details?.reason).toBe('LIBRARY_DOCUMENT_NOT_FOUND');
    const noId = await upload(hub, researcher, 'not-a-document', big, 'big.pdf').expect(400);
    expect(noId.body.details?.reason).toBe('VALIDATION_FAILED');

    // two uploads that never finish sending hold both places
    const server = hub.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    /** An upload that sends its headers and a first part, then nothing: it holds a place once the server counted it. */
    const stall = (): { request: ClientRequest; answered: boolean } => {
      const r = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent: false,
        path: `/library/documents/${doc.id}/files`,
        headers: { authorization: `Bearer ${researcher}`, 'content-type': 'multipart/form-data; boundary=B', 'content-length': String(LIMIT) },
      });
      const s = { request: r, answered: false };
      // refused (a probe held the other place when it came): it is sent again
      r.on('response', () => (s.answered = true));
      r.on('error', () => undefined);
      r.write('--B\r\nContent-Disposition: form-data; name="file"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n');
      return s;
    };
    const until = async (status: number, together: number, before: () => void = () => undefined): Promise<request.Response[]> => {
      for (let i = 0; ; i++) {
        before();
        await new Promise((r) => setTimeout(r, 100));
        const res = await Promise.all(Array.from({ length: together }, (_, j) => upload(hub, researcher, doc.id, buildPdf([`try ${status} ${i} ${j}`]), `try-${i}-${j}.pdf`)));
        if (res.every((r) => r.status === status) || i === 100) return res;
      }
    };
    const stalled = [stall(), stall()];
    try {
      // once both are counted (no probe in flight when they came), a probe finds no place
      const [busy] = await until(429, 1, () => stalled.forEach((s, i) => s.answered && (stalled[i] = stall())));
      expect({ status: busy.status, code: busy.body.code, reason: busy.body.details?.reason }).toEqual({ status: 429, code: 'RATE_LIMITED', reason: 'LIBRARY_UPLOADS_BUSY' });
    } finally {
      // gone, they free both places (two uploads at once pass)
      for (const s of stalled) s.request.destroy();
    }
    expect((await until(201, 2)).map((r) => r.status)).toEqual([201, 201]);
    // clients that leave while the server still checks who they are: their places come back too
    for (const ms of [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20]) {
      const left = stall();
      setTimeout(() => left.request.destroy(), ms);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await until(201, 2)).map((r) => r.status)).toEqual([201, 201]);

    // a 63 KB PDF whose content stream inflates to 62 MB (about 120 MB of the process while pdf.js reads it)
    const bomb = await buildPdfBomb(62);
    expect(bomb.length).toBeLessThan(LIMIT);
    // (retryable: the watch reads the whole process, and an ordinary PDF stopped beside other uploads passes later)
    const stopped = await upload(hub, researcher, doc.id, bomb, 'bomb.pdf').expect(429);
    expect(stopped.body).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'LIBRARY_PDF_TOO_COSTLY' } });
    expect(stopped.body.message).toMatch(/memory/);
    // the hub goes on reading ordinary PDFs
    expect((await upload(hub, researcher, doc.id, buildPdf(['after the stop']), 'after.pdf')).status).toBe(201);
    const stored: { n: number }[] = await hub.dataSource.query(`SELECT count(*)::int AS n FROM library_blobs WHERE extracted_text LIKE '%(bomb)%' OR extracted_text LIKE 'bomb%'`);
    expect(stored[0].n).toBe(0);
    expect(await count('library_blobs')).toBeGreaterThan(blobs);
    // (a PDF read in a worker, uploads retried until the places are counted: seconds on two busy cores)
  }, 60_000);

  it('the Association purges a file uploaded by mistake from every document and version: bytes, text, search and links; audited with the reason', async () => {
    // a synthetic survivor's name in a published paper, and the same bytes in another author's draft
    const pdf = buildPdf(['Case study', 'Synthetic Survivor Zuhrobonu Purgeova']);
    const published = await publishedDocument(hub, researcher, admin, { accessLevel: 'public' }, [{ name: 'case.pdf', bytes: pdf }]);
    const draft = await createDocument(hub, member, { organisationName: undefined });
    const sha256 = (await upload(hub, member, draft.id, pdf, 'copy.pdf').expect(201)).body.sha256 as string;
    const hits = async (): Promise<string[]> => (await ok(hub, SEARCH, { i: { query: 'Purgeova' } }, researcher)).searchLibrary.hits.map((h: { document: { id: string } }) => h.document.id);
    expect(await hits()).toEqual([published.id]);
    const path = `/library/documents/${published.id}/files/${sha256}`;
    await download(hub, undefined, path).expect(200);

    const PURGE = 'mutation($i: PurgeLibraryFileInput!) { purgeLibraryFile(input: $i) { sha256 sizeBytes documentIds versions } }';
    const reason = 'holds a survivor name';
    // only the Association; authors detach from their own drafts
    for (const token of [member, researcher]) expect((await hub.gql(PURGE, { i: { sha256, reason } }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await hub.gql(PURGE, { i: { sha256, reason: '' } }, admin)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const purged = (await ok(hub, PURGE, { i: { sha256, reason } }, admin)).purgeLibraryFile;
    expect(purged).toEqual({ sha256, sizeBytes: pdf.length, documentIds: [published.id, draft.id].sort(), versions: 2 });
    expect((await hub.dataSource.query('SELECT count(*)::int AS n FROM library_blobs WHERE sha256 = $1', [sha256]))[0].n).toBe(0);
    expect((await hub.dataSource.query('SELECT count(*)::int AS n FROM library_version_files WHERE sha256 = $1', [sha256]))[0].n).toBe(0);
    await download(hub, undefined, path).expect(404);
    expect(await hits()).toEqual([]);
    // the documents stay, the published one still published, without the file
    const still = await ok(hub, `query { libraryDocument(id: "${published.id}") { status files { sha256 } } }`, {}, researcher);
    expect(still.libraryDocument).toEqual({ status: 'published', files: [] });
    const audit: { object_id: string; details: { reason: string; sha256: string } }[] = await hub.dataSource.query(
      `SELECT object_id, details FROM audit_log WHERE action = 'library.file.purge' AND details->>'sha256' = $1 ORDER BY object_id`,
      [sha256],
    );
    expect(audit.map((a) => [a.object_id, a.details.reason])).toEqual([published.id, draft.id].sort().map((id) => [id, reason]));
    // gone: a second purge finds nothing
    expect((await hub.gql(PURGE, { i: { sha256, reason } }, admin)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', details: { reason: 'LIBRARY_FILE_NOT_FOUND' } });
  });

  it('REST uploads keep a Tajik or Russian file name as sent (UTF-8) and refuse names the GraphQL input refuses', async () => {
    const doc = await createDocument(hub, member);
    /** A multipart body written by hand, so the file name's bytes are exactly these. */
    const send = (name: Buffer, bytes: Buffer) => {
      const B = 'paivand-boundary';
      const body = Buffer.concat([
        Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="file"; filename="`),
        name,
        Buffer.from(`"\r\nContent-Type: application/pdf\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${B}--\r\n`),
      ]);
      return request(hub.app.getHttpServer())
        .post(`/library/documents/${doc.id}/files`)
        .set('authorization', `Bearer ${member}`)
        .set('content-type', `multipart/form-data; boundary=${B}`)
        .send(body);
    };
    const named = await send(Buffer.from('Ҳисобот Отчёт 2025.pdf', 'utf8'), buildPdf(['utf-8 names']));
    expect(named.status).toBe(201);
    expect(named.body.fileName).toBe('Ҳисобот Отчёт 2025.pdf');
    const links = await count('library_version_files');
    for (const name of ['evil%0D%0ASet-Cookie: x=1.pdf', `${'a'.repeat(300)}.pdf`]) {
      const refused = await send(Buffer.from(name, 'utf8'), buildPdf([`refused ${name.length}`]));
      expect({ name: name.slice(0, 12), status: refused.status, reason: refused.body.details?.reason }).toEqual({ name: name.slice(0, 12), status: 400, reason: 'VALIDATION_FAILED' });
    }
    expect(await count('library_version_files')).toBe(links);
  });

  it('a member node reads the public library but writes nothing in it: NODE_PRINCIPAL, not an internal error', async () => {
    const node = await admitTestMember(hub);
    const created = await hub.gql('mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }', { i: documentInput() }, node.token);
    expect(created.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NODE_PRINCIPAL' } });
    const mine = await hub.gql(LIST, { i: { scope: 'MINE' } }, node.token);
    expect(mine.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NODE_PRINCIPAL' } });
    // a document of its own member: an account of the member edits it, the node does not
    const ownDoc = await createDocument(hub, await hub.signIn('member', node.memberId), { organisationName: undefined, organisationMemberId: node.memberId });
    const edited = await hub.gql('mutation($i: UpdateLibraryDocumentInput!) { updateLibraryDocument(input: $i) { id } }', { i: { id: ownDoc.id, year: 2024 } }, node.token);
    expect(edited.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'NODE_PRINCIPAL' } });
    const upload = await request(hub.app.getHttpServer())
      .post(`/library/documents/${ownDoc.id}/files`)
      .set('authorization', `Bearer ${node.token}`)
      .attach('file', buildPdf(['by a node']), { filename: 'node.pdf', contentType: 'application/pdf' });
    expect({ status: upload.status, reason: upload.body.details?.reason }).toEqual({ status: 403, reason: 'NODE_PRINCIPAL' });
    const published = await hub.gql(LIST, { i: { scope: 'PUBLISHED' } }, node.token);
    expect(published.errors).toBeUndefined();
  });

  it('indexes at most INDEXED_BODY_CHARS of a document\'s text, which fits a search vector whatever the words (400,000 did not)', async () => {
    // varied Russian words: every one a new lexeme, in both the folded and the Russian configuration
    const abc = 'абвгдежзиклмнопрстуфхцчшщыэюя';
    let x = 2463534242;
    const words: string[] = [];
    for (let len = 0; len < 400_000; ) {
      let w = '';
      for (let i = 0; i < 11; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        w += abc[(x >>> 0) % abc.length];
      }
      words.push(`${w}ами`);
      len += w.length + 4;
    }
    const body = words.join(' ');
    const vector = (text: string) => hub.dataSource.query(`SELECT length(library_search_vector('т', 'т', 't', null, null, null, $1, 'ru', '')) AS n`, [text]);
    await expect(vector(body.slice(0, 400_000))).rejects.toThrow(/too long for tsvector/);
    const [{ n }] = await vector(body.slice(0, INDEXED_BODY_CHARS));
    expect(n).toBeGreaterThan(10_000);
  });

  it('checks themes against the standard the Association has published, not the one compiled into the hub', async () => {
    const create = 'mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id themes } }';
    const before = await hub.gql(create, { i: documentInput({ themes: ['online_violence'] }) }, researcher);
    expect(before.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { fields: [expect.objectContaining({ field: 'themes' })] } });
    const next = JSON.parse(JSON.stringify(STANDARD)) as { version: string; codelists: { id: string; codes: unknown[] }[] };
    next.version = '2026.7';
    next.codelists.find((l) => l.id === 'library_theme')?.codes.push({ code: 'online_violence', labels: { tg: 'Зӯроварии онлайн', ru: 'Насилие в сети', en: 'Online violence' } });
    expect((await hub.gql('mutation($d: JSON!) { publishStandard(document: $d) { version } }', { d: next }, admin)).errors).toBeUndefined();
    const after = await hub.gql(create, { i: documentInput({ themes: ['online_violence'] }) }, researcher);
    expect(after.errors).toBeUndefined();
    expect(after.data?.createLibraryDocument.themes).toEqual(['online_violence']);
  });
});
