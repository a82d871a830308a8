/**
 * The handbook's search over Pagefind: the one place a query becomes a
 * ranked list, run by the search dialog in the browser and by the
 * relevance test and the benchmark in Node.
 *
 * Pagefind returns only pages holding every word of a query (of the words
 * some page has), so "put vs patch" found nothing: one answer says "vs",
 * and it is not about PUT. Here the query is parsed into concepts
 * (search-query.ts), each concept is searched alone, every form of it
 * (search-concepts.ts), and search-score.ts combines the matches: pages
 * holding every concept come first, and when none does, the best partial
 * matches still come back, flagged as such.
 */
import { type ConceptFound, found, matchedAsTyped, searchConcepts } from './search-concepts.ts';
import { titleWords } from './search-content.ts';
import type { Pagefind, PagefindData, PagefindResult } from './search-pagefind.ts';
import { QUESTION_FILTER } from './search-pagefind.ts';
import { parseQuery } from './search-query.ts';
import { bm25Idf, conceptWeight, type Match, pageScore, titleFactor } from './search-score.ts';

export interface Hit {
  /** Pagefind's page id. */
  id: string;
  score: number;
  /** Per concept of the query, the word indexes in the page's content where it matched, ascending. */
  words: number[][];
  /** Asked for by number ("q42"): shown first. */
  pinned: boolean;
  /** Loads the page's data (once, however often it is called). */
  data(): Promise<PagefindData>;
}

export interface Found {
  hits: Hit[];
  /** The concepts searched, as typed. */
  concepts: string[];
  /** Words dropped as question scaffolding ("vs", "what is"). */
  ignored: string[];
  /** Concepts no page holds (under the filters). */
  unmatched: string[];
  /** True when there are hits but none holds every concept. */
  partial: boolean;
  /** Hits that hold only some of the concepts (ranked after those holding all, as a rule). */
  partialHits: number;
  /** Question numbers asked for that have no page (under the filters). */
  missingQuestions: number[];
  /** Terms past the query's caps, not searched (search-query.ts's MAX_CONCEPTS). */
  dropped: string[];
}

/**
 * How many of the best hits are weighed again by their titles, which loads
 * their data; the dialog shows as many, so it loads nothing more.
 */
const TITLE_CHECKED = 10;

/** `load`, called at most once however often the result is asked for. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

const totals = new WeakMap<Pagefind, Promise<number>>();
/** Pages in the index, counted once per Pagefind instance. */
function pageCount(pagefind: Pagefind): Promise<number> {
  let total = totals.get(pagefind);
  if (!total) totals.set(pagefind, (total = pagefind.search(null).then((r) => r?.results.length ?? 0)));
  return total;
}

/** A concept's pages, each with its best match over the forms, and how many pages in the index hold it. */
function conceptPages({ forms }: ConceptFound, total: number) {
  const pages = new Map<string, { result: PagefindResult; match: Match }>();
  for (const form of forms) {
    // Pagefind's score is its IDF times how strongly the page holds the form.
    const idf = bm25Idf(total, form.containing) || 1;
    for (const result of form.results) {
      const best = pages.get(result.id);
      const words = [...new Set([...(best?.match.words ?? []), ...result.words])].sort((a, b) => a - b);
      pages.set(result.id, {
        result: best?.result ?? result,
        match: { strength: Math.max(best?.match.strength ?? 0, result.score / idf), words },
      });
    }
  }
  return { pages, containing: Math.max(0, ...forms.map((f) => f.containing)) };
}

/** Where a concept matched: each page's id and word indexes, in a form to compare. */
const footprint = (c: ConceptFound): string =>
  JSON.stringify(
    c.forms
      .flatMap((f) => f.results.map((r) => `${r.id}:${[...r.words].sort((a, b) => a - b).join(',')}`))
      .sort(),
  );

/**
 * The concepts less those matching exactly the words an earlier one did:
 * Pagefind stems, so "logging" and "log" find the same words, and counting
 * them twice would rank a query's one idea as two.
 */
export function distinctConcepts(concepts: readonly ConceptFound[]): ConceptFound[] {
  const seen = new Set<string>();
  return concepts.filter((c) => {
    if (!found(c)) return true;
    const key = footprint(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Hits holding some concept, best first, each with its match per concept. */
function rank(concepts: readonly ConceptFound[], total: number, pinned: readonly Hit[]) {
  const perConcept = concepts.map((c) => conceptPages(c, total));
  const weights = perConcept.map((c) => conceptWeight(total, c.containing));
  const implied = concepts.map((c) => c.concept.implied === true);
  const candidates = new Map<string, { result: PagefindResult; matches: (Match | undefined)[] }>();
  perConcept.forEach(({ pages }, i) => {
    for (const [id, { result, match }] of pages) {
      const candidate = candidates.get(id) ?? { result, matches: concepts.map(() => undefined) };
      candidate.matches[i] = match;
      candidates.set(id, candidate);
    }
  });
  const ranked = [...candidates]
    // A page holding only what the query implies holds nothing the reader typed.
    .filter(([id, { matches }]) => !pinned.some((p) => p.id === id) && matches.some((m, i) => m && !implied[i]))
    .map(([id, { result, matches }]) => ({
      hit: {
        id,
        score: pageScore(matches, weights, implied),
        words: matches.map((m) => [...(m?.words ?? [])]),
        pinned: false,
        data: once(() => result.data()),
      },
      matches,
    }))
    .sort((a, b) => b.hit.score - a.hit.score);
  return { ranked, weights, implied };
}

/** The best hits weighed again by their titles (their data loads), then the rest. */
async function byTitle({ ranked, weights }: ReturnType<typeof rank>): Promise<Hit[]> {
  const checked = await Promise.all(
    ranked.slice(0, TITLE_CHECKED).map(async ({ hit, matches }) => ({
      ...hit,
      score: hit.score * titleFactor(titleWords(await hit.data()), matches, weights),
    })),
  );
  return [...checked.sort((a, b) => b.score - a.score), ...ranked.slice(TITLE_CHECKED).map((r) => r.hit)];
}

/** Runs a reader's query; `filters` narrow it (difficulty, topic). */
export async function findAnswers(
  pagefind: Pagefind,
  query: string,
  filters: Record<string, string> = {},
): Promise<Found> {
  const parsed = parseQuery(query);
  const asked = (n: number) =>
    pagefind.search(null, { filters: { ...filters, [QUESTION_FILTER]: String(n) } }).then((r) => r?.results[0]);
  const [numbered, total, searched] = await Promise.all([
    Promise.all(parsed.questions.map(asked)),
    pageCount(pagefind),
    searchConcepts(pagefind, [...parsed.concepts, ...(parsed.implied ?? [])], filters),
  ]);
  const concepts = distinctConcepts(searched);
  const pinned: Hit[] = numbered
    .filter((r) => r !== undefined)
    .map((r) => ({ id: r.id, score: Infinity, words: [], pinned: true, data: once(() => r.data()) }));
  const missingQuestions = parsed.questions.filter((_, i) => !numbered[i]);
  // Checking single words and weighing titles both load page data: in
  // parallel, and again only in the rare case a word did not match as typed.
  const checks = concepts.flatMap((c) => c.forms).filter((f) => f.check);
  let ranking = rank(concepts, total, pinned);
  const [typed, titled] = await Promise.all([
    Promise.all(checks.map((f) => matchedAsTyped(f.check!))),
    byTitle(ranking),
  ]);
  let hits = titled;
  if (typed.includes(false)) {
    checks.forEach((form, i) => {
      if (!typed[i]) Object.assign(form, { results: [], containing: 0 });
    });
    ranking = rank(concepts, total, pinned);
    hits = await byTitle(ranking);
  }
  const complete = ({ matches }: { matches: readonly (Match | undefined)[] }) =>
    matches.every((m, i) => m || ranking.implied[i]);
  const typedConcepts = concepts.filter((c) => !c.concept.implied);

  return {
    hits: [...pinned, ...hits],
    concepts: typedConcepts.map((c) => c.concept.text),
    ignored: parsed.ignored,
    unmatched: typedConcepts.filter((c) => !found(c)).map((c) => c.concept.text),
    partial: ranking.ranked.length > 0 && !ranking.ranked.some(complete),
    partialHits: ranking.ranked.filter((r) => !complete(r)).length,
    missingQuestions,
    dropped: parsed.dropped,
  };
}
