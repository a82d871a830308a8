/**
 * What a search result shows of a page: its title with the matched words
 * marked, the section where the query matched, and an excerpt around the
 * densest cluster of matches, marked too. Plain text segments, so the
 * dialog builds them as text nodes and `<mark>`s and never parses HTML.
 */
import { bodyStart, contentWords, titleLength } from './search-content.ts';
import type { PagefindData } from './search-pagefind.ts';

export interface Segment {
  text: string;
  mark: boolean;
}

export interface Excerpt {
  title: Segment[];
  /** The heading of the section the excerpt comes from. */
  section?: string;
  text: Segment[];
}

/** Words an excerpt shows. */
export const EXCERPT_WORDS = 28;
/** Words kept before the first match, for context. */
const LEAD = 3;

/** Marks the letters and digits of a word, not the punctuation around it ("(JSON)," marks "JSON"). */
function markWord(word: string): Segment[] {
  const [, before = '', core = '', after = ''] = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/su.exec(word) ?? [];
  return [
    { text: before, mark: false },
    { text: core, mark: core !== '' },
    { text: after, mark: false },
  ];
}

/** Joins words into segments, marking the words `isMarked` picks (by position) and merging plain runs. */
export function segments(words: readonly string[], isMarked: (i: number) => boolean): Segment[] {
  const out: Segment[] = [];
  const push = (segment: Segment) => {
    if (segment.text === '') return;
    const last = out.at(-1);
    if (last && !last.mark && !segment.mark) last.text += segment.text;
    else out.push({ ...segment });
  };
  words.forEach((word, i) => {
    if (i > 0) push({ text: ' ', mark: false });
    if (isMarked(i)) markWord(word).forEach(push);
    else push({ text: word, mark: false });
  });
  return out;
}

/** A matched word: its content index and which concept of the query it matched. */
export interface MatchedWord {
  at: number;
  concept: number;
}

/**
 * The start of the window of `length` words, from `from` on, that shows
 * the most of the query's concepts, the first such: "PUT" and "PATCH" side
 * by side in the short answer beat five "patch"es in a code sample, and
 * the short answer beats the references. A window that would start a few
 * words into the body starts at the body.
 */
export function densestStart(matches: readonly MatchedWord[], from: number, length: number): number {
  let best = { start: from, kinds: 0 };
  for (const { at } of matches) {
    if (at < from) continue;
    const start = at - from < length / 2 ? from : at - LEAD;
    const kinds = new Set(matches.filter((m) => m.at >= start && m.at < start + length).map((m) => m.concept)).size;
    if (kinds > best.kinds) best = { start, kinds };
  }
  return best.start;
}

/** The excerpt for a page where each concept of the query matched the words at its content indexes. */
export function excerpt(
  data: Pick<PagefindData, 'content' | 'meta' | 'anchors'>,
  matched: readonly (readonly number[])[],
  length = EXCERPT_WORDS,
): Excerpt {
  const words = contentWords(data.content.trim());
  const marked = new Set(matched.flat());
  const titleWords = titleLength(data);
  const title =
    titleWords > 0
      ? segments(words.slice(0, titleWords), (i) => marked.has(i))
      : [{ text: data.meta.title ?? '', mark: false }];

  const from = bodyStart(data);
  const found = matched.flatMap((list, concept) => list.map((at) => ({ at, concept }))).sort((a, b) => a.at - b.at);
  const start = Math.max(from, Math.min(densestStart(found, from, length), words.length - length));
  const end = Math.min(words.length, start + length);
  const lead = start > from ? ['…'] : [];
  const shown = [...lead, ...words.slice(start, end), ...(end < words.length ? ['…'] : [])];
  const text = segments(
    shown,
    (i) => i >= lead.length && i < lead.length + end - start && marked.has(start + i - lead.length),
  );
  const section = data.anchors.filter((a) => a.location <= start).at(-1)?.text;
  return { title, ...(section && { section }), text };
}
