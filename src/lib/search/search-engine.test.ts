// The engine against a real Pagefind index of a few answer-shaped pages,
// built by Pagefind's Node API with the attributes the question page uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pagefindNode from 'pagefind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAnswers, type Found } from './search-engine.ts';
import { type LoadedIndex, loadBuiltIndex } from './search-pagefind-node.ts';
import { PAGEFIND_OPTIONS, QUESTION_FILTER } from './search-pagefind.ts';

interface FixturePage {
  id: number;
  difficulty: 'easy' | 'medium' | 'hard';
  title: string;
  summary: string;
  body: string;
}

const PAGES: FixturePage[] = [
  {
    id: 3,
    difficulty: 'easy',
    title: 'Name common HTTP methods.',
    summary: 'GET reads a resource, PUT replaces it, PATCH changes part of it, DELETE removes it.',
    body: 'Methods are safe or idempotent. Browsers send forms with POST.',
  },
  {
    id: 5,
    difficulty: 'easy',
    title: 'What does a 404 status mean?',
    summary: 'No resource at the URI.',
    body: 'Send 403 when the caller may know the resource exists. A 403 for a private id leaks it, so send 404 instead of that 403. Clients that are not signed in get 401 before any lookup.',
  },
  {
    id: 15,
    difficulty: 'easy',
    title: 'What is the purpose of response codes?',
    summary: 'Every client acts on the status code without reading the body.',
    body: 'Tell 401 from 403: the first means no valid credentials, the second a refusal.',
  },
  {
    id: 31,
    difficulty: 'easy',
    title: 'What is the difference between PUT and PATCH?',
    summary: 'PUT replaces the whole resource; PATCH sends only the changes.',
    body: 'A merge patch names the members to change.',
  },
  {
    id: 32,
    difficulty: 'easy',
    title: 'What is idempotency?',
    summary: 'Doing it twice has the effect of doing it once.',
    body: 'DELETE is idempotent; a patch may not be. Retries need it.',
  },
  {
    id: 43,
    difficulty: 'medium',
    title: 'How would you sign sessions?',
    summary: 'Issue a JSON Web Token with a short expiry and verify its signature.',
    body: 'Keep the signing key secret.',
  },
  {
    id: 44,
    difficulty: 'medium',
    title: 'How do you rotate refresh tokens?',
    summary: 'Rotate the refresh token on every use; the access JWT stays short-lived.',
    body: 'Detect reuse of an old refresh token.',
  },
  {
    id: 47,
    difficulty: 'medium',
    title: 'How do you control who may do what?',
    summary: 'Role-based access control grants permissions to roles, and roles to users.',
    body: 'Check the permission, not the role name, in handlers.',
  },
  {
    id: 69,
    difficulty: 'hard',
    title: 'How do services agree?',
    summary: 'Use a quorum of replicas for each write.',
    body: 'Replicas vote.',
  },
  {
    id: 70,
    difficulty: 'hard',
    title: 'How do replicas vote?',
    summary: 'Each replica votes once per term.',
    body: 'A quorum is a majority. Without a quorum, nothing commits. Lose the quorum and writes stop; regain a quorum and they resume.',
  },
  {
    id: 90,
    difficulty: 'hard',
    title: 'How do you size a connection pool?',
    summary: 'Size the pool to what the database can run at once: z connections, put in one place.',
    body: 'Pool size vs load: a role, once based on load tests, gives access to control over the pool.',
  },
];

/** One answer page, laid out as src/pages/questions/[slug].astro lays it out for Pagefind. */
const html = (p: FixturePage) => `<!doctype html><html lang="en"><head><title>Q${p.id}</title></head><body>
<article data-pagefind-body><header>
<div data-pagefind-ignore><span data-pagefind-meta="number:${p.id}" data-pagefind-filter="${QUESTION_FILTER}:${p.id}">Q${p.id}</span>
<span data-pagefind-filter="difficulty:${p.difficulty}">${p.difficulty}</span></div>
<h1 data-pagefind-meta="title">${p.title}</h1></header>
<section><h2 id="short-answer">Short answer</h2><p data-pagefind-meta="summary">${p.summary}</p></section>
<h2 id="more">More</h2><p>${p.body}</p></article></body></html>`;

let dir: string;
let index: LoadedIndex;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'search-engine-'));
  const { index: building, errors } = await pagefindNode.createIndex({});
  if (!building) throw new Error(errors.join('\n'));
  for (const p of PAGES) await building.addHTMLFile({ url: `/q${p.id}/`, content: html(p) });
  await building.writeFiles({ outputPath: join(dir, 'pagefind') });
  await pagefindNode.close();
  index = await loadBuiltIndex(dir, PAGEFIND_OPTIONS);
}, 30_000);

afterAll(async () => {
  await index?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = async (found: Found) => Promise.all(found.hits.map(async (h) => Number((await h.data()).meta.number)));
const search = async (query: string, filters?: Record<string, string>) => {
  const found = await findAnswers(index.pagefind, query, filters);
  return { ...found, ids: await ids(found) };
};

describe('findAnswers', () => {
  it('finds "put vs patch" although no page says "vs", where Pagefind alone finds nothing', async () => {
    // Pagefind skips a word no page has, but "vs" is on one page (Q90), so it wants all three.
    expect((await index.pagefind.search('put vs patch'))?.results).toEqual([]);
    const found = await search('put vs patch');
    expect(found.ids[0]).toBe(31);
    expect(found).toMatchObject({ concepts: ['put', 'patch'], ignored: ['vs'], partial: false, unmatched: [] });
  });

  it('ranks a title above a short answer above a passing mention', async () => {
    expect((await search('patch')).ids).toEqual([31, 3, 32]);
  });

  it('weighs one word in a short answer well above four passing mentions', async () => {
    const found = await search('quorum');
    expect(found.ids).toEqual([69, 70]);
    // Pagefind's default weights put these two about level.
    expect(found.hits[0]!.score).toBeGreaterThan(1.5 * found.hits[1]!.score);
  });

  it('puts the page that sets two codes side by side first', async () => {
    expect((await search('401 vs 403')).ids.slice(0, 2)).toEqual([15, 5]);
  });

  it('lifts the answer about status codes for a query of codes alone, but finds no page by the code it implies', async () => {
    const found = await search('401 vs 403');
    expect(found).toMatchObject({ concepts: ['401', '403'], partial: false, unmatched: [] });
    // Q15 says "status code"; without that implied concept, Q5's title and repeated 403 win.
    expect(found.hits[0]!.score).toBeGreaterThan(found.hits[1]!.score);
    expect(await search('418')).toMatchObject({ ids: [], concepts: ['418'], unmatched: ['418'] });
  });

  it('counts a word once however the query inflects it', async () => {
    // Pagefind stems "idempotent" and "idempotency" alike: one concept, not two.
    const once = await search('idempotent');
    const twice = await search('idempotent idempotency');
    expect(twice.ids).toEqual(once.ids);
    expect(twice.hits.map((h) => h.score)).toEqual(once.hits.map((h) => h.score));
  });

  it('returns the best partial matches, flagged, when no page has every word', async () => {
    const found = await search('put zebra');
    expect(found).toMatchObject({ partial: true, unmatched: ['zebra'] });
    expect(found.ids[0]).toBe(31);
  });

  it('does not take a word no page has for the short word it starts with', async () => {
    expect(await search('zxqv')).toMatchObject({ ids: [], unmatched: ['zxqv'] });
    expect(await search('put zxqv')).toMatchObject({ ids: [31, 3, 90], partial: true, unmatched: ['zxqv'] });
  });

  it('searches the words of a typed compound apart when no page has it whole', async () => {
    const found = await search('patch/zebra');
    expect(found).toMatchObject({ partial: true, concepts: ['patch', 'zebra'], unmatched: ['zebra'] });
    expect(found.ids[0]).toBe(31);
  });

  it('finds a question by its number, first, and says which numbers have no page', async () => {
    expect(await search('Q31')).toMatchObject({ ids: [31], missingQuestions: [] });
    expect((await search('q 43 signature')).ids).toEqual([43]);
    expect(await search('q7')).toMatchObject({ ids: [], missingQuestions: [7] });
  });

  it('lets an abbreviation and its long form find each other', async () => {
    expect((await search('jwt')).ids).toEqual(expect.arrayContaining([43, 44]));
    expect((await search('json web token')).ids).toEqual(expect.arrayContaining([43, 44]));
  });

  it('finds a hyphenated phrase by its words, and not words scattered over a page', async () => {
    expect((await search('role based access control')).ids).toEqual([47]);
    expect((await search('RBAC')).ids).toEqual([47]);
  });

  it('applies the filters to words and numbers alike', async () => {
    expect((await search('refresh', { difficulty: 'easy' })).ids).toEqual([]);
    expect((await search('patch', { difficulty: 'medium' })).ids).toEqual([]);
    expect(await search('q31', { difficulty: 'medium' })).toMatchObject({ ids: [], missingQuestions: [31] });
  });

  it('marks where each concept matched, for the excerpt', async () => {
    const [first] = (await findAnswers(index.pagefind, 'put patch')).hits;
    const words = (await first!.data()).content.split(/\s+/);
    expect(first!.words.map((list) => list.map((i) => words[i]))).toEqual([
      ['PUT', 'PUT'],
      ['PATCH?', 'PATCH', 'patch'],
    ]);
  });
});
