import { buildPdf } from './fixtures/libraries/pdf';
import { download, LIST, ok, publishedDocument, SEARCH } from './fixtures/libraries/library-api';
import { admitTestMember } from './utils/hub-fixtures';
import { HubTestApp, startHubTestApp } from './utils/hub-test-app';

type Role = 'anonymous' | 'ombudsman' | 'researcher' | 'member' | 'association_admin';

describe('hub libraries: access levels and full-text search in three languages', () => {
  let hub: HubTestApp;
  const tokens: Partial<Record<Role, string>> = {};
  let author: string;
  let admin: string;
  const docs = {} as Record<'pub' | 'mr' | 'mo' | 'draft', Awaited<ReturnType<typeof ok>>>;
  // member accounts speak for admitted members only
  let authorMember: string;

  beforeAll(async () => {
    hub = await startHubTestApp();
    authorMember = (await admitTestMember(hub)).memberId;
    const readerMember = (await admitTestMember(hub)).memberId;
    [author, admin, tokens.ombudsman, tokens.researcher, tokens.member] = await Promise.all([
      hub.signIn('member', authorMember),
      hub.signIn('association_admin'),
      hub.signIn('ombudsman'),
      hub.signIn('researcher'),
      hub.signIn('member', readerMember),
    ]);
    tokens.association_admin = admin;

    // Each PDF carries one rare word per language that appears nowhere else (titles, summaries).
    docs.pub = await publishedDocument(hub, author, admin, {
      accessLevel: 'public',
      title: { en: 'Public guide to shelters' },
      summary: { en: 'A public overview.' },
      kind: 'training_material',
      language: 'en',
      year: 2024,
      themes: ['shelters'],
    }, [{ name: 'guide.pdf', bytes: buildPdf(['Caseworkers practise the zephyrine intake interview before every admission.']) }]);
    docs.mr = await publishedDocument(hub, author, admin, {
      accessLevel: 'members_and_researchers',
      title: { ru: 'Исследование трудовой миграции' },
      summary: { ru: 'Отчёт для членов и исследователей.' },
      language: 'ru',
      year: 2025,
      themes: ['labour_migration'],
    }, [{ name: 'migration.pdf', bytes: buildPdf(['Жёны мигрантов описывают бессонницу и долги семьи.']) }]);
    docs.mo = await publishedDocument(hub, author, admin, {
      accessLevel: 'members_only',
      title: { tg: 'Дастури махфии марказҳо', en: 'Confidential centre handbook' },
      summary: { tg: 'Танҳо барои аъзоён.' },
      kind: 'case_management_guide',
      language: 'tg',
      year: 2025,
      themes: ['case_management'],
    }, [{ name: 'handbook.pdf', bytes: buildPdf(['Мушовир бояд бо зан дар хонаи бехатар суҳбати ҷудогона гузаронад. zephyrine'])}]);
    const draft = await ok(hub, `mutation($i: CreateLibraryDocumentInput!) { createLibraryDocument(input: $i) { id } }`, {
      i: { kind: 'methodology', accessLevel: 'public', title: { en: 'Unreviewed zephyrine draft' }, year: 2025, language: 'en', organisationName: 'X' },
    }, author);
    docs.draft = draft.createLibraryDocument;
  }, 60_000);
  afterAll(() => hub.close());

  const token = (r: Role): string | undefined => (r === 'anonymous' ? undefined : tokens[r]);
  const searchIds = async (r: Role, query: string, filter?: Record<string, unknown>): Promise<string[]> =>
    (await ok(hub, SEARCH, { i: { query, filter } }, token(r))).searchLibrary.hits.map((h: { document: { id: string } }) => h.document.id);
  const expected: Record<Role, ('pub' | 'mr' | 'mo')[]> = {
    anonymous: ['pub'],
    ombudsman: ['pub'],
    researcher: ['pub', 'mr'],
    member: ['pub', 'mr', 'mo'],
    association_admin: ['pub', 'mr', 'mo'],
  };

  it.each(Object.keys(expected) as Role[])('lists, searches and downloads by access level: %s', async (role) => {
    const visible = expected[role].map((k) => docs[k].id).sort();
    const listed = await ok(hub, LIST, { i: {} }, token(role));
    expect(listed.libraryDocuments.items.map((d: { id: string }) => d.id).sort()).toEqual(visible);
    expect(listed.libraryDocuments.total).toBe(visible.length);

    // "zephyrine" is in the public and the members-only PDFs, and in a draft: only what the role may read comes back.
    const hits = await ok(hub, SEARCH, { i: { query: 'zephyrine' } }, token(role));
    const ids: string[] = hits.searchLibrary.hits.map((h: { document: { id: string } }) => h.document.id);
    expect(ids.sort()).toEqual(visible.filter((id) => id === docs.pub.id || id === docs.mo.id).sort());
    if (!expected[role].includes('mo')) {
      // Not even the title of a members-only document leaks into the result.
      expect(JSON.stringify(hits)).not.toMatch(/Confidential|махфии/);
    }
    expect(ids).not.toContain(docs.draft.id);

    for (const k of ['pub', 'mr', 'mo'] as const) {
      const file = docs[k].files[0];
      const res = await download(hub, token(role), file.downloadPath);
      if (expected[role].includes(k)) expect(res.status).toBe(200);
      if (!expected[role].includes(k)) expect(res.status).toBe(role === 'anonymous' ? 401 : 404);
      // public files may be cached but are asked for again (a withdrawn one stops at once); the others never stored
      if (res.status === 200) expect(res.headers['cache-control']).toBe(k === 'pub' ? 'public, no-cache' : 'private, no-store');

      const one = await hub.gql(`{ libraryDocument(id: "${docs[k].id}") { title { en ru tg } } }`, {}, token(role));
      if (expected[role].includes(k)) expect(one.data?.libraryDocument.title).toBeTruthy();
      else expect(one.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('finds documents by a word of their extracted PDF text in English, Russian and Tajik', async () => {
    expect(await searchIds('member', 'admissions')).toEqual([docs.pub.id]); // English stemming: admission(s)
    expect(await searchIds('member', 'бессонница')).toEqual([docs.mr.id]); // Russian stemming: бессонницу
    expect(await searchIds('member', 'долгов')).toEqual([docs.mr.id]);
    expect(await searchIds('member', 'бехатар')).toEqual([docs.mo.id]); // Tajik, exact word
    expect(await searchIds('member', 'суҳбати')).toEqual([docs.mo.id]);
    expect(await searchIds('member', 'сухбати')).toEqual([docs.mo.id]); // typed without Tajik letters
    expect(await searchIds('member', 'нетакогослова')).toEqual([]);
  });

  it('ranks, filters, paginates and highlights', async () => {
    const res = await ok(hub, SEARCH, { i: { query: 'бессонница', limit: 5 } }, tokens.researcher);
    expect(res.searchLibrary.hits[0].snippet).toContain('<mark>бессонницу</mark>');
    expect(res.searchLibrary.hits[0].rank).toBeGreaterThan(0);

    const both = await ok(hub, SEARCH, { i: { query: 'zephyrine', limit: 1 } }, tokens.member);
    expect(both.searchLibrary).toMatchObject({ total: 2, limit: 1 });
    const second = await ok(hub, SEARCH, { i: { query: 'zephyrine', limit: 1, offset: 1 } }, tokens.member);
    expect(second.searchLibrary.hits[0].document.id).not.toBe(both.searchLibrary.hits[0].document.id);

    expect(await searchIds('member', 'zephyrine', { language: 'tg' })).toEqual([docs.mo.id]);
    expect(await searchIds('member', 'zephyrine', { theme: 'shelters' })).toEqual([docs.pub.id]);
    expect(await searchIds('member', 'zephyrine', { kind: 'case_management_guide' })).toEqual([docs.mo.id]);
    expect(await searchIds('member', 'zephyrine', { shelf: 'best_practice', year: 2024 })).toEqual([docs.pub.id]);
    expect(await searchIds('member', 'zephyrine', { organisationMemberId: authorMember })).toEqual([]);
    expect(await searchIds('member', 'zephyrine', { organisationName: 'independent research group' })).toHaveLength(2);

    const tooMany = await hub.gql(SEARCH, { i: { query: 'x', limit: 500 } });
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a filter on a theme outside the library_theme codelist, naming the field and the code, in listings and search', async () => {
    for (const [query, input] of [[LIST, {}], [SEARCH, { query: 'zephyrine' }]] as const) {
      const res = await hub.gql(query, { i: { ...input, filter: { theme: 'not_a_theme' } } }, tokens.member);
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { reason: 'VALIDATION_FAILED', fields: [{ field: 'filter.theme', code: 'UNKNOWN_CODE', messages: [expect.stringContaining('not_a_theme')] }] },
      });
    }
    // A known theme that no document has is an empty answer, not an error.
    expect((await ok(hub, LIST, { i: { filter: { theme: 'disability' } } }, tokens.member)).libraryDocuments).toEqual({ total: 0, items: [] });
    expect(await searchIds('member', 'zephyrine', { theme: 'disability' })).toEqual([]);
    // The other coded filters are GraphQL enums: an unknown kind, language, shelf or status is refused before any query runs.
    for (const i of [{ filter: { kind: 'not_a_kind' } }, { filter: { language: 'xx' } }, { filter: { shelf: 'archive' } }, { scope: 'MINE', status: 'lost' }]) {
      const res = await hub.gql(LIST, { i }, tokens.member);
      expect({ i, code: res.errors?.[0].extensions?.code }).toEqual({ i, code: 'BAD_USER_INPUT' });
    }
  });
});
