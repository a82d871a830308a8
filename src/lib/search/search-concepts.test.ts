// searchConcepts and matchedAsTyped against a small fake Pagefind: each
// page's content split on spaces; a term matches the words that start with
// it (Pagefind's prefix match), a query of several words needs them all.
import { describe, expect, it } from 'vitest';
import { type FormFound, matchedAsTyped, searchConcepts } from './search-concepts.ts';
import type { Pagefind, PagefindResult } from './search-pagefind.ts';
import { parseQuery } from './search-query.ts';

const PAGES: Record<string, string> = {
  a: 'role based access control grants permissions to roles',
  b: 'access is checked per role; control flow based on config',
  c: 'the content-type header names the media type',
  z: 'z is a letter here',
};

function fakePagefind(): Pagefind & { terms: string[] } {
  const terms: string[] = [];
  const wordsOf = (id: string) => PAGES[id]!.split(' ').map((w) => w.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const result = (id: string, words: number[]): PagefindResult => ({
    id,
    score: words.length,
    words,
    data: async () => ({ url: `/${id}`, content: PAGES[id]!, meta: {}, filters: {}, anchors: [] }),
  });
  return {
    terms,
    options: async () => {},
    search: async (term) => {
      terms.push(term ?? '');
      const asked = (term ?? '').split(' ').filter(Boolean);
      const results = Object.keys(PAGES).flatMap((id) => {
        const words = wordsOf(id);
        const hits = asked.map((t) => words.flatMap((w, i) => (w.startsWith(t) ? [i] : [])));
        return hits.every((h) => h.length > 0) ? [result(id, hits.flat())] : [];
      });
      return { results, unfilteredResultCount: results.length };
    },
  };
}

const ids = (form: FormFound) => form.results.map((r) => r.id);

describe('searchConcepts', () => {
  it('keeps only the pages where a name of several words stands as a phrase', async () => {
    const pagefind = fakePagefind();
    const [rbac] = await searchConcepts(pagefind, parseQuery('rbac').concepts, {});
    const [short, long] = rbac!.forms;
    expect(ids(short!)).toEqual([]);
    // Page b has role, based, access and control, but not in that order.
    expect(ids(long!)).toEqual(['a']);
    expect(long!.results[0]!.words).toEqual([0, 1, 2, 3]);
  });

  it('searches a compound no page holds whole as its words instead', async () => {
    const pagefind = fakePagefind();
    const found = await searchConcepts(pagefind, parseQuery('access-flow').concepts, {});
    expect(found.map((c) => c.concept.text)).toEqual(['access', 'flow']);
    expect(ids(found[1]!.forms[0]!)).toEqual(['b']);
  });

  it('keeps a compound whole when a page holds it', async () => {
    const found = await searchConcepts(fakePagefind(), parseQuery('role-based').concepts, {});
    expect(found.map((c) => c.concept.text)).toEqual(['role based']);
    expect(ids(found[0]!.forms[0]!)).toEqual(['a']);
  });

  it('marks a single word for the as-typed check, and a phrase not', async () => {
    const [word, phrase] = await searchConcepts(fakePagefind(), parseQuery('permissions role-based').concepts, {});
    expect(word!.forms[0]!.check).toMatchObject({ word: 'permissions' });
    expect(phrase!.forms[0]!.check).toBeUndefined();
  });
});

describe('matchedAsTyped', () => {
  const check = async (word: string, id: string, at: number) =>
    matchedAsTyped({
      word,
      result: (await fakePagefind().search(PAGES[id]!.split(' ')[at]!))!.results.find((r) => r.id === id)!,
    });

  it('accepts a match that starts as the typed word does', async () => {
    expect(await check('permission', 'a', 5)).toBe(true);
  });

  it('rejects a fallback to a short word the typed one merely starts with', async () => {
    // Pagefind answers "zxqv" with pages holding "z".
    expect(await check('zxqv', 'z', 0)).toBe(false);
  });
});
