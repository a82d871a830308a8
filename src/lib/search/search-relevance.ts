/**
 * How well a search engine ranks the answer a reader meant: the share of
 * queries whose target comes first, or in the first three, counted only
 * over queries whose target has a page (the rest cannot be found yet).
 * The built-site test and the benchmark both score rankings with this.
 */

/** A query from the query set and the question that answers it. */
export interface RelevanceQuery {
  query: string;
  target: number;
}

/** What one engine returned for one query: question ids, best first. */
export interface Ranking {
  query: string;
  target: number;
  ids: readonly number[];
}

export interface Relevance {
  /** Queries counted: their target has a page. */
  counted: number;
  /** Queries whose target has no page yet (kept, not counted). */
  waiting: number;
  top1: number;
  top3: number;
  /** Counted queries that returned nothing at all. */
  empty: number;
  /** Counted queries whose target was not first, for the failure message. */
  misses: { query: string; target: number; got: number[] }[];
}

/** Reads the query file's `queries` array, checking each entry's shape. */
export function parseQuerySet(json: unknown, file = 'queries.json'): RelevanceQuery[] {
  const list = (json as { queries?: unknown } | null)?.queries;
  if (!Array.isArray(list)) throw new Error(`${file}: expected an object with a "queries" array`);
  return list.map((entry: unknown, i) => {
    const { query, target } = (entry ?? {}) as Partial<RelevanceQuery>;
    if (typeof query !== 'string' || !query.trim() || !Number.isInteger(target) || target! < 1 || target! > 100) {
      throw new Error(
        `${file}: queries[${i}] needs a non-empty "query" and a "target" from 1 to 100, found ${JSON.stringify(entry)}`,
      );
    }
    return { query, target: target! };
  });
}

/** Scores rankings; `answered` holds the ids that have a page. */
export function relevance(rankings: readonly Ranking[], answered: ReadonlySet<number>): Relevance {
  const result: Relevance = { counted: 0, waiting: 0, top1: 0, top3: 0, empty: 0, misses: [] };
  for (const { query, target, ids } of rankings) {
    if (!answered.has(target)) {
      result.waiting++;
      continue;
    }
    result.counted++;
    if (ids.length === 0) result.empty++;
    if (ids[0] === target) result.top1++;
    else result.misses.push({ query, target, got: ids.slice(0, 3) });
    if (ids.slice(0, 3).includes(target)) result.top3++;
  }
  return result;
}

/** A share as a whole percentage, 0 when nothing was counted. */
export const percent = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
