/**
 * The part of Pagefind's JavaScript API the handbook's search uses, and the
 * options it runs with. The browser (src/scripts/search.ts) and the tests
 * and benchmark in Node (search-pagefind-node.ts) both pass these options,
 * so a relevance figure measures the ranking readers get.
 * @see https://pagefind.app/docs/api-reference/
 */

/** A page's data as Pagefind stores it (the fields we read). */
export interface PagefindData {
  url: string;
  /** The indexed text of the page, words separated by whitespace. */
  content: string;
  meta: Record<string, string | undefined>;
  filters: Record<string, string[] | undefined>;
  /** Headings with ids, at the index of their first word in `content`. */
  anchors: { element: string; id: string; text: string; location: number }[];
}

export interface PagefindResult {
  /** Pagefind's page id: the same page has the same id in every search. */
  id: string;
  score: number;
  /** Indexes in `content` of the words that matched. */
  words: number[];
  data(): Promise<PagefindData>;
}

export interface PagefindSearchOptions {
  filters?: Record<string, string>;
  sort?: Record<string, 'asc' | 'desc'>;
}

export interface PagefindResponse {
  results: PagefindResult[];
  /** Pages matching the term with no filters applied. */
  unfilteredResultCount: number;
}

export interface Pagefind {
  options(options: Record<string, unknown>): Promise<void>;
  search(term: string | null, options?: PagefindSearchOptions): Promise<PagefindResponse | null>;
}

/**
 * Ranking for pages of one kind and similar length (an answer each).
 * Title matches get Pagefind's default 5x meta boost; the short answer
 * (`summary`) gets 3x, so a word in the answer's own summary counts for
 * more than the same word in a passing mention further down.
 * @see https://pagefind.app/docs/ranking/
 */
export const PAGEFIND_OPTIONS = {
  ranking: {
    metaWeights: { title: 5, summary: 3 },
  },
} as const;

/** Filter naming a question by its number (set on each answer page). */
export const QUESTION_FILTER = 'question';
