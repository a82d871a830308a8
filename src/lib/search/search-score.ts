/**
 * How the handbook's search scores a page for a query of several concepts
 * (search-engine.ts gathers the matches; this file is the arithmetic).
 *
 * - Each concept's match comes from Pagefind searching it alone, with
 *   Pagefind's IDF divided out: what is left says how strongly the page
 *   holds the concept (often, in its title, in its short answer).
 * - Concepts are weighed by a flat IDF, so rare words count for more but a
 *   word most answers use ("headers") still counts.
 * - A page missing part of the query keeps its score times the share it
 *   covers to the power COVERAGE_POWER: it can still be found, but below
 *   the pages that cover it all.
 * - Concepts typed side by side that also stand together on the page
 *   ("401 vs 403" where an answer contrasts them) earn a bonus.
 * - A page whose title the query covers is the page about the query.
 * - A concept the query implies ("status code" for "401 vs 403") adds
 *   strength where it stands and costs nothing where it does not.
 */

/** One concept on one page. */
export interface Match {
  /** Pagefind's score with its IDF divided out. */
  strength: number;
  /** Indexes in the page's content of the words that matched, ascending. */
  words: readonly number[];
}

/** BM25's inverse document frequency, as Pagefind computes it. */
export const bm25Idf = (total: number, containing: number): number =>
  Math.log((total - containing + 0.5) / (containing + 0.5) + 1);

/**
 * How much a concept counts. BM25's IDF all but zeroes a word nearly every
 * page uses, and then even a title naming it counts for nothing. This one
 * stays above log 2 (about 0.69) for a word on every page and reaches
 * log(1 + total / 1.5) for a word on one: 2.7 with 21 answers, 4.2 with 100.
 */
export const conceptWeight = (total: number, containing: number): number => Math.log(1 + total / (containing + 0.5));

/**
 * How hard a missing concept counts against a page: with 1.5, a page
 * holding two of three equal concepts keeps 54% of its score. Squaring
 * (30%) buried answers that never use a qualifier the reader added ("rest"
 * in "document a rest api"); 1 let pages strong on one word win too often.
 */
export const COVERAGE_POWER = 1.5;

/** Words apart that still read as one phrase: "401 or 403", "exactly-once". */
export const NEAR = 3;
/** Score multiplier when every pair of neighbouring concepts stands together. */
export const NEAR_BONUS = 0.5;
/** Score multiplier when the query covers the whole title and the title the whole query. */
export const TITLE_BONUS = 1;

/** True when some word of `a` is within NEAR words of some word of `b` (both ascending). */
export function near(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (Math.abs(a[i]! - b[j]!) <= NEAR) return true;
    if (a[i]! < b[j]!) i++;
    else j++;
  }
  return false;
}

/**
 * Where the words of a phrase stand in order on a page, each at most one
 * word after the last (a hyphenated compound puts its parts at one index:
 * "role-based access" is role, based, access at 7, 7, 8). Takes each word's
 * indexes, ascending; returns the indexes of every occurrence, or [] when
 * the phrase is not on the page.
 */
export function phraseAt(lists: readonly (readonly number[])[]): number[] {
  const found = new Set<number>();
  for (const start of lists[0] ?? []) {
    const used = [start];
    for (const list of lists.slice(1)) {
      const last = used.at(-1)!;
      const next = list.find((w) => w >= last && w <= last + 2);
      if (next === undefined) break;
      used.push(next);
    }
    if (used.length === lists.length) used.forEach((w) => found.add(w));
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * A page's score from its match per concept (undefined: not on the page)
 * and each concept's weight. Concepts flagged in `implied` add their
 * strength but neither count as missing nor stand in a phrase.
 */
export function pageScore(
  matches: readonly (Match | undefined)[],
  weights: readonly number[],
  implied: readonly boolean[] = [],
): number {
  let strength = 0;
  let covered = 0;
  let all = 0;
  matches.forEach((match, i) => {
    if (!implied[i]) all += weights[i]!;
    if (!match) return;
    strength += match.strength * weights[i]!;
    if (!implied[i]) covered += weights[i]!;
  });
  const typed = matches.filter((_, i) => !implied[i]);
  let together = 0;
  for (let i = 1; i < typed.length; i++) {
    const [a, b] = [typed[i - 1], typed[i]];
    if (a && b && near(a.words, b.words)) together++;
  }
  const coverage = all > 0 ? covered / all : 0;
  const nearShare = typed.length > 1 ? together / (typed.length - 1) : 0;
  return strength * coverage ** COVERAGE_POWER * (1 + NEAR_BONUS * nearShare);
}

/**
 * The multiplier for a page's title: 1 plus TITLE_BONUS times the share of
 * the title's meaningful words the query matched, times the (weighted)
 * share of the query's concepts found in the title. "idempotency" covers
 * all of "What is idempotency?" but a quarter of "How do you design an
 * idempotent POST endpoint?"; "json" covers the title "What is JSON?" but
 * is a small part of "application/problem+json".
 * `titleWords` are the content indexes of the title's meaningful words.
 */
export function titleFactor(
  titleWords: readonly number[],
  matches: readonly (Match | undefined)[],
  weights: readonly number[],
): number {
  if (titleWords.length === 0) return 1;
  const inTitle = new Set(titleWords);
  const matchedWords = new Set(matches.flatMap((m) => m?.words.filter((w) => inTitle.has(w)) ?? []));
  let found = 0;
  let all = 0;
  matches.forEach((match, i) => {
    all += weights[i]!;
    if (match?.words.some((w) => inTitle.has(w))) found += weights[i]!;
  });
  const titleShare = matchedWords.size / titleWords.length;
  const queryShare = all > 0 ? found / all : 0;
  return 1 + TITLE_BONUS * titleShare * queryShare;
}
