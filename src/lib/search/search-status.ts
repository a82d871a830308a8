/**
 * The line the search dialog announces (role="status") under the search
 * box: how many answers, and, when the results are not what was asked
 * for word for word, why: no answer holds every word, a word matches
 * nothing, a question number has no answer yet.
 */
import type { Found } from './search-engine.ts';
import { MAX_CONCEPTS } from './search-query.ts';

export interface StatusInput {
  /** What the reader typed, trimmed; empty when only filters are chosen. */
  term: string;
  /** Answers found. */
  count: number;
  /** Answers listed (the best, or the first in order); fewer than `count` when the list is cut. */
  shown?: number;
  /** A difficulty or topic filter is on. */
  filtered: boolean;
  /** The engine's report (absent for filters alone). */
  found?: Pick<Found, 'partial' | 'partialHits' | 'unmatched' | 'missingQuestions'> & Partial<Pick<Found, 'dropped'>>;
}

const answers = (n: number): string => `${n} ${n === 1 ? 'answer' : 'answers'}`;
/** "1 answer matches", "2 answers match" (and "has", "have"). */
const agree = (n: number, one: string, many: string): string => `${answers(n)} ${n === 1 ? one : many}`;
/** Characters of a typed word the line repeats; a pasted blob is cut short. */
const QUOTED_CHARS = 40;
const quote = (w: string): string => `“${w.length > QUOTED_CHARS ? `${w.slice(0, QUOTED_CHARS)}…` : w}”`;
const quoted = (words: readonly string[]): string => words.map(quote).join(', ');
const list = (ids: readonly number[]): string => ids.map((id) => `Q${id}`).join(', ');

export function resultsStatus(input: StatusInput): string {
  const { count, shown = count } = input;
  const line = countLine(input);
  const cut = input.found?.dropped?.length ? ` Only the first ${MAX_CONCEPTS} terms were searched.` : '';
  return (shown < count ? `${line} Showing the ${input.term ? 'best' : 'first'} ${shown}.` : line) + cut;
}

function countLine({ term, count, filtered, found }: StatusInput): string {
  const scope = filtered ? ' with these filters' : '';
  const missing = found?.missingQuestions ?? [];
  const notYet =
    missing.length === 0
      ? ''
      : filtered
        ? `No ${list(missing)}${scope}. `
        : `${list(missing)} ${missing.length === 1 ? 'has' : 'have'} no answer yet. `;
  if (count === 0) return notYet ? notYet.trim() : `No answers match${term ? ` ${quote(term)}` : ''}${scope}.`;
  if (found?.partial) {
    return found.unmatched.length > 0
      ? `${notYet}Nothing matches ${quoted(found.unmatched)}${scope}; ${agree(count, 'matches', 'match')} the other words.`
      : `${notYet}No answer has all these words${scope}; ${agree(count, 'has', 'have')} some.`;
  }
  const some = found?.partialHits ?? 0;
  return some > 0
    ? `${notYet}${agree(count - some, 'matches', 'match')} every word, ${some} more ${some === 1 ? 'matches' : 'match'} some.`
    : `${notYet}${answers(count)}.`;
}
