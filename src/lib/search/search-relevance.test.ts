import { describe, expect, it } from 'vitest';
import querySetJson from '../../../tests/search/queries.json' with { type: 'json' };
import { readQuestionSources } from '../content/question-files.ts';
import { queryWords } from './search-query.ts';
import { parseQuerySet, percent, relevance } from './search-relevance.ts';
import { seedQuestions } from '../content/seed.ts';

describe('parseQuerySet', () => {
  it('reads the queries array', () => {
    expect(parseQuerySet({ queries: [{ query: 'put vs patch', target: 31 }] })).toEqual([
      { query: 'put vs patch', target: 31 },
    ]);
  });

  it('names the entry that is wrong', () => {
    expect(() =>
      parseQuerySet(
        {
          queries: [
            { query: 'ok', target: 1 },
            { query: '', target: 101 },
          ],
        },
        'q.json',
      ),
    ).toThrow(
      'q.json: queries[1] needs a non-empty "query" and a "target" from 1 to 100, found {"query":"","target":101}',
    );
    expect(() => parseQuerySet([], 'q.json')).toThrow('q.json: expected an object with a "queries" array');
  });
});

describe('relevance', () => {
  const answered = new Set([2, 31]);

  it('counts top-1, top-3 and empty results over queries whose target has a page', () => {
    const result = relevance(
      [
        { query: 'a', target: 31, ids: [31, 3] },
        { query: 'b', target: 31, ids: [3, 32, 31] },
        { query: 'c', target: 2, ids: [3, 4, 5, 2] },
        { query: 'd', target: 2, ids: [] },
        { query: 'e', target: 7, ids: [] },
      ],
      answered,
    );
    expect(result).toMatchObject({ counted: 4, waiting: 1, top1: 1, top3: 2, empty: 1 });
    expect(result.misses).toEqual([
      { query: 'b', target: 31, got: [3, 32, 31] },
      { query: 'c', target: 2, got: [3, 4, 5] },
      { query: 'd', target: 2, got: [] },
    ]);
  });

  it('gives percentages with one decimal, and 0 of nothing', () => {
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(0, 0)).toBe(0);
  });
});

describe("the handbook's query set (tests/search/queries.json)", () => {
  const queries = parseQuerySet(querySetJson, 'tests/search/queries.json');

  it('has at least 60 queries, covering all 100 questions', () => {
    expect(queries.length).toBeGreaterThanOrEqual(60);
    const missing = seedQuestions.map((q) => q.id).filter((id) => !queries.some((q) => q.target === id));
    expect(missing, `no query for ${missing.map((id) => `Q${id}`).join(', ')}`).toEqual([]);
  });

  it('lists each query once', () => {
    const seen = queries.map((q) => q.query.toLowerCase());
    expect(seen.filter((q, i) => seen.indexOf(q) !== i)).toEqual([]);
  });

  it('copies no question or page title', () => {
    const words = (text: string) => queryWords(text).join(' ');
    const pageTitles = readQuestionSources(process.cwd()).map(
      (f) => /^title:\s*"?(.*?)"?\s*$/m.exec(f.text)?.[1] ?? '',
    );
    const titles = new Set([...seedQuestions.map((q) => q.question), ...pageTitles].map(words));
    expect(queries.filter((q) => titles.has(words(q.query))).map((q) => q.query)).toEqual([]);
  });
});
