import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { offlineClient, type WireRequest } from './es-mapping.ts';
import {
  buildSearch, buildSuggest, CursorError, decodeCursor, encodeCursor,
  SearchInput, searchProducts,
} from './es-query.ts';

const build = (raw: unknown) => buildSearch(SearchInput.parse(raw));

describe('buildSearch', () => {
  it('scores the text over title (x3) and description, and filters the rest', () => {
    const body = build({ q: 'trail shoe', brands: ['acme', 'zenith'],
      category: 'shoes', inStock: true, minPriceCents: 1000, maxPriceCents: 9000 });
    expect(body.index).toBe('products');
    const bool = body.query!.bool!;
    expect(bool.must).toEqual([{ multi_match: { query: 'trail shoe',
      type: 'best_fields', fields: ['title^3', 'description'], fuzziness: 'AUTO' } }]);
    expect(bool.should).toEqual([{ match_phrase: { 'title.exact': {
      query: 'trail shoe', boost: 2 } } }]);
    // Yes/no conditions sit in filter context: no scoring, cacheable.
    expect(bool.filter).toEqual([
      { terms: { brand: ['acme', 'zenith'] } },
      { term: { category: 'shoes' } },
      { term: { in_stock: true } },
      { range: { price_cents: { gte: 1000, lte: 9000 } } },
    ]);
  });

  it('keeps in_stock: false as a filter rather than dropping it', () => {
    expect(build({ inStock: false }).query!.bool!.filter)
      .toEqual([{ term: { in_stock: false } }]);
  });

  it('sorts by score, then by the unique id, so pages neither skip nor repeat', () => {
    expect(build({ q: 'shoe' }).sort).toEqual([{ _score: { order: 'desc' } },
      { id: 'asc' }]);
  });

  it('lists newest first, with no scoring clause, when there is no text', () => {
    const body = build({ brands: ['acme'] });
    expect(body.query!.bool!.must).toEqual([]);
    expect(body.query!.bool!.should).toEqual([]);
    expect(body.sort).toEqual([{ updated_at: 'desc' }, { id: 'asc' }]);
  });

  it('never pages with from: the second page continues after the cursor', () => {
    const first = build({ q: 'shoe', size: 10 });
    expect(first).not.toHaveProperty('from');
    expect(first).not.toHaveProperty('search_after');
    const next = build({ q: 'shoe', size: 10, after: encodeCursor([7.25, 'p9']) });
    expect(next).not.toHaveProperty('from');
    expect(next.search_after).toEqual([7.25, 'p9']);
    expect(next.track_total_hits).toBe(false); // counted on page one only
  });

  it.each([
    'title:secret OR _exists_:cost',
    'price_cents:[0 TO *] AND /.*n/',
    '\\"unbalanced ( quote',
    '*:* {"script": "boom"}',
  ])('passes query syntax through as plain text: %j', (q) => {
    const body = build({ q });
    const json = JSON.stringify(body);
    expect(json).not.toContain('query_string'); // no parser sees the text
    expect(body.query!.bool!.must).toEqual([{ multi_match: expect.objectContaining({
      query: q, fields: ['title^3', 'description'] }) }]);
    expect(Object.keys(body.query!.bool!)).toEqual(['must', 'should', 'filter']);
  });

  it('trims and NFC-normalizes the text', () => {
    const body = build({ q: '  cafe\u0301  ' });
    expect(body.query!.bool!.must).toEqual([{ multi_match: expect.objectContaining({
      query: 'caf\u00e9' }) }]);
  });
});

describe('SearchInput refuses what a client must not choose', () => {
  it.each([
    [{ size: 0 }, 'size'],
    [{ size: 51 }, 'size'],
    [{ size: 2.5 }, 'size'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ brands: Array.from({ length: 21 }, (_, i) => `b${i}`) }, 'brands'],
    [{ brands: [''] }, 'brands.0'],
    [{ minPriceCents: -1 }, 'minPriceCents'],
    [{ from: 10_000 }, ''], // unknown keys are errors, not ignored
    [{ fields: ['secret_notes'] }, ''],
  ])('%j', (raw, path) => {
    const result = SearchInput.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(path);
  });

  it('refuses a price range that is upside down', () => {
    expect(() => SearchInput.parse({ minPriceCents: 500, maxPriceCents: 100 }))
      .toThrow(/minPriceCents must not exceed maxPriceCents/);
    expect(SearchInput.parse({ minPriceCents: 100, maxPriceCents: 100 })
      .minPriceCents).toBe(100);
  });
});

describe('cursors', () => {
  it('round-trip the sort values of the last hit', () => {
    expect(decodeCursor(encodeCursor([1733097600000, 'p-42']))).toEqual([1733097600000, 'p-42']);
  });

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['not base64 JSON', '%%%'],
    ['an object', b64({ a: 1 })],
    ['three values', b64([1, 'a', 'b'])],
    ['a string score', b64(['1', 'a'])],
    ['null score', b64([null, 'a'])],
    ['an id with a quote', b64([1, 'a"b'])],
    ['an empty id', b64([1, ''])],
  ])('refuse %s', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(CursorError);
    expect(() => build({ after: cursor })).toThrow(CursorError);
  });

  it('refuse one longer than any this API issues', () => {
    expect(SearchInput.safeParse({ after: 'a'.repeat(201) }).success).toBe(false);
  });
});

describe('buildSuggest', () => {
  it('matches the typed words against the edge n-gram sub-field', () => {
    expect(buildSuggest(' trail ru ')).toEqual({ index: 'products', size: 5,
      _source: ['id', 'title'],
      query: { match: { 'title.suggest': { query: 'trail ru', operator: 'and' } } } });
  });

  it('refuses empty and overlong prefixes', () => {
    expect(() => buildSuggest('   ')).toThrow(ZodError);
    expect(() => buildSuggest('x'.repeat(51))).toThrow(ZodError);
  });
});

describe('searchProducts through the official client', () => {
  const product = (id: string) => ({ id, title: `Shoe ${id}`, description: '',
    brand: 'acme', category: 'shoes', price_cents: 100, in_stock: true,
    updated_at: '2026-12-01T00:00:00Z' });
  const response = (hits: [string, number][], total = 3) => ({ took: 1,
    timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: { total: { value: total, relation: 'eq' }, hits: hits.map(([id, score]) => ({
      _index: 'products-v1', _id: id, _score: score, sort: [score, id],
      _source: product(id) })) } });

  it('sends the built body to POST /products/_search and maps the page', async () => {
    const sent: WireRequest[] = [];
    const client = offlineClient((request) => {
      sent.push(request);
      return { status: 200, body: response([['p1', 3.5], ['p2', 1.25]]) };
    });
    const page = await searchProducts(client, { q: 'shoe', size: 2 });
    const { index: _index, ...body } = build({ q: 'shoe', size: 2 });
    expect(sent).toEqual([{ method: 'POST', path: '/products/_search',
      querystring: '', body }]);
    expect(page.items.map((p) => [p.id, p.score])).toEqual([['p1', 3.5], ['p2', 1.25]]);
    expect(page.total).toBe(3);
    expect(decodeCursor(page.next!)).toEqual([1.25, 'p2']);
  });

  it('returns no cursor on a short (last) page', async () => {
    const client = offlineClient(() => ({ status: 200, body: response([['p3', 1]], 1) }));
    const page = await searchProducts(client, { q: 'shoe', size: 2 });
    expect(page.next).toBeNull();
  });

  it('sends the cursor back as search_after on the next request', async () => {
    const sent: WireRequest[] = [];
    const client = offlineClient((request) => {
      sent.push(request);
      return { status: 200, body: response([]) };
    });
    await searchProducts(client, { q: 'shoe', size: 2, after: encodeCursor([1.25, 'p2']) });
    expect(sent[0]!.body).toMatchObject({ search_after: [1.25, 'p2'],
      track_total_hits: false });
  });

  it('validates before it sends anything', async () => {
    let calls = 0;
    const client = offlineClient(() => { calls++; return { status: 200, body: response([]) }; });
    await expect(searchProducts(client, { size: 1000 })).rejects.toThrow(ZodError);
    await expect(searchProducts(client, { after: 'bogus!' })).rejects.toThrow(CursorError);
    expect(calls).toBe(0);
  });
});
