/**
 * Search relevance of our site and its Starlight peer on the same query set
 * (tests/search/queries.json), each searched the way its own search box
 * searches: ours through src/lib/search/search-engine.ts with our options; the
 * peer's Pagefind index with the ranking stock Starlight passes to
 * Pagefind, the reader's words as typed. A result that is not a question
 * page (the peer indexes its home and list pages too) counts as a miss.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Starlight's own defaults, read from the installed package (not an export it offers).
import { PagefindConfigDefaults } from '../../node_modules/@astrojs/starlight/dist/schemas/pagefind.js';
import { parseQuestionFileName } from '../../src/lib/content/question-files.ts';
import { findAnswers } from '../../src/lib/search/search-engine.ts';
import { loadBuiltIndex } from '../../src/lib/search/search-pagefind-node.ts';
import { PAGEFIND_OPTIONS, type PagefindData } from '../../src/lib/search/search-pagefind.ts';
import { parseQuerySet, percent, type Ranking, relevance } from '../../src/lib/search/search-relevance.ts';

export interface RelevanceFigures {
  /** Queries counted: their answer has a page. */
  counted: number;
  top1Percent: number;
  top3Percent: number;
  /** Counted queries that found nothing. */
  empty: number;
  /** Counted queries whose answer was not first: query, answer, first three found. */
  misses: string[];
}

/** The question a result is: ours carries its number; the peer's URL ends in the answer's slug. */
export type ResultId = (data: PagefindData) => number;

/** Question ids by the slug of their URL, from content/questions/NNN-slug.mdx. */
export function idsBySlug(root: string): Map<string, number> {
  const files = readdirSync(join(root, 'content/questions'))
    .map(parseQuestionFileName)
    .filter((f) => f !== null);
  return new Map(files.map((f) => [f.slug, f.id]));
}

/** A peer result's question id, or 0 for a page that is not an answer. */
export function peerResultId(slugs: ReadonlyMap<string, number>): ResultId {
  return (data) => slugs.get(/\/questions\/([^/]+)\/?$/.exec(data.url.split('#')[0]!)?.[1] ?? '') ?? 0;
}

function figures(rankings: Ranking[], answered: ReadonlySet<number>): RelevanceFigures {
  const r = relevance(rankings, answered);
  return {
    counted: r.counted,
    top1Percent: percent(r.top1, r.counted),
    top3Percent: percent(r.top3, r.counted),
    empty: r.empty,
    misses: r.misses.map(
      (m) =>
        `${m.query} → Q${m.target}: ${m.got.map((id) => (id ? `Q${id}` : 'not an answer')).join(', ') || 'nothing'}`,
    ),
  };
}

/** Ours and the peer's relevance on the query set; `oursDist` and `peerDist` are built sites. */
export async function measureRelevance(root: string, oursDist: string, peerDist: string) {
  const queries = parseQuerySet(JSON.parse(readFileSync(join(root, 'tests/search/queries.json'), 'utf8')));
  const slugs = idsBySlug(root);
  const answered = new Set(slugs.values());
  const top3 = async (results: { data(): Promise<PagefindData> }[], id: ResultId) =>
    Promise.all(results.slice(0, 3).map(async (r) => id(await r.data())));

  const ours = await loadBuiltIndex(oursDist, PAGEFIND_OPTIONS);
  const oursRankings: Ranking[] = [];
  try {
    for (const q of queries)
      oursRankings.push({
        ...q,
        ids: await top3((await findAnswers(ours.pagefind, q.query)).hits, (d) => Number(d.meta.number)),
      });
  } finally {
    await ours.close();
  }

  const peer = await loadBuiltIndex(peerDist, { ranking: PagefindConfigDefaults().ranking });
  const peerRankings: Ranking[] = [];
  try {
    for (const q of queries)
      peerRankings.push({
        ...q,
        ids: await top3((await peer.pagefind.search(q.query))?.results ?? [], peerResultId(slugs)),
      });
  } finally {
    await peer.close();
  }
  return { queries: queries.length, ours: figures(oursRankings, answered), peer: figures(peerRankings, answered) };
}
