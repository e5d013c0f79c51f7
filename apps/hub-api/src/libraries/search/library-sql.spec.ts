import { applyFilter, readableVersions, snippetHtml, SqlWhere } from './library-sql';

describe('library SQL helpers', () => {
  it('always limits readers to published versions at their access levels', () => {
    const w = readableVersions(new SqlWhere(), { kind: 'user', id: 'a', role: 'researcher', memberId: null });
    expect(w.toString()).toBe(`v.status = 'published' AND v.access_level = ANY($1::text[])`);
    expect(w.params).toEqual([['public', 'members_and_researchers']]);
  });

  it('binds every filter value as a parameter', () => {
    const w = applyFilter(new SqlWhere(), { kind: 'methodology', theme: "x'; DROP TABLE y; --", year: 2024, language: 'tg' });
    expect(w.toString()).not.toContain('DROP');
    expect(w.params).toEqual(['methodology', "x'; DROP TABLE y; --", 2024, 'tg']);
  });

  it('escapes snippet text and marks only the matched words', () => {
    expect(snippetHtml('a <b> \u27e6word\u27e7 & c')).toBe('a &#60;b&#62; <mark>word</mark> &#38; c');
  });
});
