// Relevance of the handbook's search on the built index (issue #21): the
// query set in tests/search/queries.json, run through the same engine the
// search dialog runs (src/lib/search/search-engine.ts) over dist/pagefind/.
// Queries whose answer has no page yet are kept and start counting when
// the page lands. `npm run build:test` first.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuestionFileName } from '../../src/lib/content/question-files.ts';
import { findAnswers } from '../../src/lib/search/search-engine.ts';
import { type LoadedIndex, loadBuiltIndex } from '../../src/lib/search/search-pagefind-node.ts';
import { PAGEFIND_OPTIONS } from '../../src/lib/search/search-pagefind.ts';
import { parseQuerySet, percent, type Ranking, relevance } from '../../src/lib/search/search-relevance.ts';
import { TEST_BASE } from '../site-under-test.ts';
import { DIST } from './dist.ts';

const QUERY_FILE = new URL('../search/queries.json', import.meta.url);
const queries = parseQuerySet(JSON.parse(readFileSync(QUERY_FILE, 'utf8')), 'tests/search/queries.json');
/** Questions with a page: their queries count. */
const answered = new Set(
  readdirSync(fileURLToPath(new URL('../../content/questions', import.meta.url)))
    .map((name) => parseQuestionFileName(name)?.id)
    .filter((id) => id !== undefined),
);

let index: LoadedIndex;
/** The ids of the first three results of a query. */
async function top3(query: string): Promise<number[]> {
  const { hits } = await findAnswers(index.pagefind, query);
  return Promise.all(hits.slice(0, 3).map(async (hit) => Number((await hit.data()).meta.number)));
}

let rankings: Ranking[] = [];
beforeAll(async () => {
  index = await loadBuiltIndex(DIST, PAGEFIND_OPTIONS, TEST_BASE);
  rankings = [];
  for (const { query, target } of queries) rankings.push({ query, target, ids: await top3(query) });
}, 120_000);
afterAll(() => index?.close());

describe('search relevance on the built index', () => {
  it('puts the answer first for at least 90% of queries, and in the first three for 97%', () => {
    const r = relevance(rankings, answered);
    const misses = r.misses
      .map((m) => `  Q${m.target} for "${m.query}": got ${m.got.map((id) => `Q${id}`).join(', ') || 'nothing'}`)
      .join('\n');
    const summary = `top-1 ${percent(r.top1, r.counted)}%, top-3 ${percent(r.top3, r.counted)}% over ${r.counted} queries (${r.waiting} wait for their page); not first:\n${misses}`;
    expect(r.counted, 'no query has an answered target: is content/questions empty?').toBeGreaterThan(0);
    expect(percent(r.top1, r.counted), summary).toBeGreaterThanOrEqual(90);
    expect(percent(r.top3, r.counted), summary).toBeGreaterThanOrEqual(97);
  });

  it('returns something for every query whose answer has a page', () => {
    const empty = rankings
      .filter((r) => answered.has(r.target) && r.ids.length === 0)
      .map((r) => `"${r.query}" (Q${r.target})`);
    expect(empty, `no results for: ${empty.join(', ')}`).toEqual([]);
  });

  it.each([
    ['put vs patch', 31],
    ['401 vs 403', 15],
    ['endpoint vs route', 2],
    ['not found vs gone 410', 5],
  ])('finds the answer to "%s" first: Q%i', async (query, id) => {
    expect((await top3(query))[0]).toBe(id);
  });

  it('finds Q6 for "json number precision"', async () => {
    expect(await top3('json number precision')).toContain(6);
  });

  it.each(['q42', 'Q42', '42'])('finds Q42 first for "%s"', async (query) => {
    expect((await top3(query))[0]).toBe(42);
  });
});
