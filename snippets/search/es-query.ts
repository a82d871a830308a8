/**
 * Product search as typed functions over the official client: validated
 * input in, an `estypes.SearchRequest` out. The user's text only ever
 * reaches a `multi_match` (no query syntax to escape or abuse); filters run
 * in filter context (no scoring, cacheable); pages continue with
 * `search_after` and a unique tiebreaker, never deep `from`.
 * @see https://www.elastic.co/docs/reference/query-languages/query-dsl/query-dsl-multi-match-query
 * @see https://www.elastic.co/docs/reference/elasticsearch/rest-apis/paginate-search-results
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import { offlineClient, type ProductDoc } from './es-mapping.ts';

export const PRODUCTS_ALIAS = 'products';

const keyword = z.string().trim().min(1).max(64);

export const SearchInput = z.object({
  q: z.string().normalize('NFC').trim().max(200).default(''),
  brands: z.array(keyword).max(20).default([]),
  category: keyword.optional(),
  inStock: z.boolean().optional(),
  minPriceCents: z.number().int().min(0).optional(),
  maxPriceCents: z.number().int().min(0).optional(),
  size: z.number().int().min(1).max(50).default(20),
  after: z.string().max(200).optional(), // the opaque cursor we handed out
}).strict().refine((i) => i.minPriceCents === undefined
  || i.maxPriceCents === undefined || i.minPriceCents <= i.maxPriceCents,
{ message: 'minPriceCents must not exceed maxPriceCents' });
export type SearchInput = z.infer<typeof SearchInput>;

export class CursorError extends Error {
  override name = 'CursorError';
}

/** The last hit's sort values, as an opaque URL-safe string. */
export function encodeCursor(sort: estypes.SortResults): string {
  return Buffer.from(JSON.stringify(sort)).toString('base64url');
}

/** A cursor is client input: accept only [finite number, product id]. */
export function decodeCursor(cursor: string): [number, string] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is not one this API issued');
  }
  if (!Array.isArray(value) || value.length !== 2
    || typeof value[0] !== 'number' || !Number.isFinite(value[0])
    || typeof value[1] !== 'string' || !/^[\w-]{1,64}$/.test(value[1])) {
    throw new CursorError('cursor is not one this API issued');
  }
  return [value[0], value[1]];
}

// #region build-search
type Query = estypes.QueryDslQueryContainer;

export function buildSearch(input: SearchInput): estypes.SearchRequest {
  const filter: Query[] = []; // yes/no: no score, cacheable
  if (input.brands.length > 0) filter.push({ terms: { brand: input.brands } });
  if (input.category) filter.push({ term: { category: input.category } });
  if (input.inStock !== undefined) {
    filter.push({ term: { in_stock: input.inStock } });
  }
  if (input.minPriceCents !== undefined
    || input.maxPriceCents !== undefined) {
    filter.push({ range: { price_cents: {
      gte: input.minPriceCents, lte: input.maxPriceCents } } });
  }
  const must: Query[] = [];
  const should: Query[] = [];
  if (input.q !== '') {
    // The text is data: multi_match analyzes it, never parses it.
    must.push({ multi_match: { query: input.q, type: 'best_fields',
      fields: ['title^3', 'description'], fuzziness: 'AUTO' } });
    // The exact phrase in the title, unstemmed, ranks higher.
    should.push({ match_phrase: { 'title.exact': { query: input.q,
      boost: 2 } } });
  }
  // A unique tiebreaker (id), or pages can skip or repeat hits.
  const sort: estypes.SortCombinations[] = input.q !== ''
    ? [{ _score: { order: 'desc' } }, { id: 'asc' }]
    : [{ updated_at: 'desc' }, { id: 'asc' }];
  const after = input.after === undefined
    ? undefined : decodeCursor(input.after);
  return {
    index: PRODUCTS_ALIAS,
    size: input.size,
    query: { bool: { must, should, filter } },
    sort,
    ...(after ? { search_after: after, track_total_hits: false } : {}),
  };
}
// #endregion build-search

// #region suggest
/** Search-as-you-type: the typed words against the edge n-grams. */
export function buildSuggest(prefix: string): estypes.SearchRequest {
  const text = z.string().normalize('NFC').trim().min(1).max(50)
    .parse(prefix);
  return {
    index: PRODUCTS_ALIAS,
    size: 5,
    _source: ['id', 'title'],
    query: { match: { 'title.suggest': { query: text, operator: 'and' } } },
  };
}
// #endregion suggest

// #region search
export interface SearchPage {
  items: (ProductDoc & { score: number | null })[];
  total: number | null; // counted on the first page only
  next: string | null; // cursor for the next page, null at the end
}

export async function searchProducts(client: Client,
  raw: unknown): Promise<SearchPage> {
  const input = SearchInput.parse(raw); // a ZodError is a 400
  const response = await client.search<ProductDoc>(buildSearch(input),
    { requestTimeout: 2_000, maxRetries: 1 });
  const hits = response.hits.hits;
  const last = hits.at(-1);
  const total = response.hits.total;
  return {
    items: hits.flatMap((h) => h._source
      ? [{ ...h._source, score: h._score ?? null }] : []),
    total: typeof total === 'number' ? total : total?.value ?? null,
    next: hits.length === input.size && last?.sort
      ? encodeCursor(last.sort) : null,
  };
}
// #endregion search

if (import.meta.main) {
  const hit = (id: string, score: number) => ({ _index: 'products-v1',
    _id: id, _score: score, sort: [score, id], _source: { id,
      title: `Trail shoe ${id}`, description: '', brand: 'acme',
      category: 'shoes', price_cents: 8900, in_stock: true,
      updated_at: '2026-12-01T00:00:00Z' } });
  const client = offlineClient(({ method, path, body }) => {
    const { query, ...rest } = body as estypes.SearchRequest;
    console.log(method, path, JSON.stringify(rest));
    if (!rest.search_after) { // page 2 sends the same query
      for (const [clause, value] of Object.entries(query?.bool ?? {})) {
        console.log(`  ${clause}:`, JSON.stringify(value));
      }
    }
    return { status: 200, body: { took: 1, timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { total: { value: 3, relation: 'eq' },
        hits: [hit('p1', 7.5), hit('p2', 7.5)] } } };
  });
  const first = await searchProducts(client, { q: 'title:secret OR *',
    brands: ['acme'], inStock: true, size: 2 });
  console.log('page 1:', first.items.map((p) => p.id), 'total', first.total);
  await searchProducts(client, { q: 'title:secret OR *',
    brands: ['acme'], inStock: true, size: 2, after: first.next });
}
