/**
 * Where things are in an answer's indexed content. Pagefind indexes the
 * question page's article: the title (h1), then the "Short answer" heading
 * and the summary, then the body; the row of number, difficulty and topics
 * above the title is left out (data-pagefind-ignore). Word indexes count
 * words split on whitespace, as Pagefind counts the locations it returns.
 */
import type { PagefindData } from './search-pagefind.ts';
import { indexWord, isScaffolding, queryWords } from './search-query.ts';

/** The content's words, split as Pagefind splits them for excerpts. */
export const contentWords = (content: string): string[] => content.split(/[^\S\uFEFF]+/);

/** How many words the title takes at the start of the content, or 0 if it does not open it. */
export function titleLength(data: Pick<PagefindData, 'content' | 'meta'>): number {
  const title = data.meta.title?.split(/\s+/).filter(Boolean) ?? [];
  const opening = contentWords(data.content).slice(0, title.length);
  return title.length > 0 && title.every((word, i) => word === opening[i]) ? title.length : 0;
}

/** Content indexes of the title's meaningful words ("idempotency" in "What is idempotency?"). */
export function titleWords(data: Pick<PagefindData, 'content' | 'meta'>): number[] {
  const words = contentWords(data.content).slice(0, titleLength(data));
  return words.flatMap((word, i) => (queryWords(word).some((w) => !isScaffolding(w)) ? [i] : []));
}

/** The index of the first word after the title and the heading that follows it. */
export function bodyStart(data: Pick<PagefindData, 'content' | 'meta' | 'anchors'>): number {
  const title = titleLength(data);
  const heading = data.anchors.find((a) => a.location >= title);
  return heading && heading.location === title ? title + contentWords(heading.text).length : title;
}

/** Letters a matched word must share with the typed word: Pagefind's stems ("studies", "study") share three. */
const SHARED_START = 3;

/**
 * True when a word of the content (or a part of it, as "json" is of
 * "application/problem+json") starts as the typed word does.
 */
export function startsLike(contentWord: string, typed: string): boolean {
  const start = typed.slice(0, SHARED_START);
  const parts = queryWords(contentWord).map(indexWord);
  return [parts.join(''), ...parts].some((part) => part.startsWith(start));
}
