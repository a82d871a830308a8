/**
 * Turns what a reader typed into what to search for: question numbers
 * ("q42", "Q42", "42" alone), and concepts, each a word or a known name
 * with its other forms (search-synonyms.ts). Words that only shape a
 * question ("what is", "vs", "difference between", "how to") are dropped,
 * since an answer need not contain them.
 */
import { FIRST_ID, LAST_ID } from '../content/difficulty.ts';
import { SYNONYM_GROUPS } from './search-synonyms.ts';

/** One thing the reader asked about, and the ways a page may say it. */
export interface Concept {
  /** As the reader typed it, for messages. */
  text: string;
  /** Each form as the words to search; a form of several words is a phrase. */
  forms: string[][];
  /** For a compound the reader typed ("content-type"): its words, searched apart if no page has the whole. */
  parts?: Concept[];
  /**
   * Not typed but implied by what was ("status code" for "401 vs 403"): it
   * lifts the pages holding it, and a page without it loses nothing.
   */
  implied?: boolean;
}

export interface ParsedQuery {
  /** Question numbers asked for, in order. */
  questions: number[];
  concepts: Concept[];
  /** Words dropped as question scaffolding. */
  ignored: string[];
  /** Concepts and question numbers past the caps (MAX_CONCEPTS, MAX_QUESTIONS), not searched. */
  dropped: string[];
  /** Concepts the typed ones imply, searched with them (see Concept.implied); absent when none. */
  implied?: Concept[];
}

/**
 * Each concept is one or more Pagefind searches, run at once: a pasted
 * paragraph of 500 words must not start 500. Readers type a handful.
 */
export const MAX_CONCEPTS = 8;
/** Question numbers looked up in one query ("q3 q31 q32"). */
export const MAX_QUESTIONS = 5;

/** Words that shape a question without saying what it is about. */
const SCAFFOLDING = new Set([
  'a',
  'about',
  'all',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'best',
  'basics',
  'between',
  'by',
  'can',
  'compare',
  'comparison',
  'could',
  'define',
  'definition',
  'did',
  'difference',
  'differences',
  'do',
  'does',
  'doing',
  'example',
  'examples',
  'explain',
  'explained',
  'for',
  'from',
  'how',
  'i',
  'if',
  'in',
  'into',
  'intro',
  'introduction',
  'is',
  'it',
  'its',
  'like',
  'me',
  'mean',
  'meaning',
  'means',
  'my',
  'of',
  'on',
  'or',
  'our',
  'overview',
  'should',
  'so',
  'than',
  'that',
  'the',
  'their',
  'them',
  'there',
  'these',
  'they',
  'this',
  'those',
  'to',
  'tutorial',
  'use',
  'used',
  'using',
  'versus',
  'vs',
  'was',
  'way',
  'ways',
  'we',
  'what',
  'whats',
  'when',
  'where',
  'which',
  'who',
  'why',
  'with',
  'work',
  'works',
  'would',
  'you',
  'your',
]);

/** True for a word that only shapes a question ("what", "vs"). */
export const isScaffolding = (word: string): boolean => SCAFFOLDING.has(word);

/**
 * The words of a text, lowercased: letters and digits, keeping `n+1` and
 * `c++` whole; apostrophes vanish ("what's" is "whats"); any other mark
 * separates words, as Pagefind splits "role-based" into "role" and "based".
 */
export function queryWords(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/['’]/g, '')
      .match(/[\p{L}\p{N}]+(?:\+\+|\+\d+)?/gu) ?? []
  );
}

/** A word as Pagefind indexes it: letters and digits only ("n+1" is "n1"). */
export const indexWord = (word: string): string => word.replace(/[^\p{L}\p{N}]/gu, '');

/** For matching names only: "vars" meets "var", "apis" meets "api". */
const singular = (word: string): string =>
  word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
const key = (words: readonly string[]): string => words.map(singular).join(' ');

/** Each form's key to its group, built once. */
const GROUP_OF = new Map<string, number>();
SYNONYM_GROUPS.forEach((group, index) => {
  for (const form of group) GROUP_OF.set(key(queryWords(form)), index);
});
const LONGEST_FORM = Math.max(...SYNONYM_GROUPS.flat().map((form) => queryWords(form).length));

const forms = (group: number): string[][] => SYNONYM_GROUPS[group]!.map((form) => queryWords(form).map(indexWord));
/**
 * Scaffolding goes, and single letters (they match every word that starts
 * with them), unless that is all the reader typed.
 */
const keep = (w: string): boolean => !SCAFFOLDING.has(w) && (w.length > 1 || /\d/.test(w));
const isQuestionNumber = (n: number): boolean => Number.isInteger(n) && n >= FIRST_ID && n <= LAST_ID;

export function parseQuery(raw: string): ParsedQuery {
  // Each word, and the typed token it came from ("content-type" gives two).
  const tokens = raw.split(/\s+/).filter(Boolean);
  const fromToken = tokens.flatMap((token, t) => queryWords(token).map(() => t));
  const words = tokens.flatMap((token) => queryWords(token));
  const questions: number[] = [];
  // A number alone is a question number; so is one after "q" or "#" ("q42", "q 42", "#42").
  const alone = /^\s*(?:#|q(?:uestion)?\s*)?(\d{1,3})\s*$/i.exec(raw)?.[1];
  if (alone && isQuestionNumber(Number(alone))) {
    questions.push(Number(alone));
    // "42" may also be a word in an answer; "q42" only names the question.
    const concepts = /^\s*\d/.test(raw) ? [{ text: alone, forms: [[alone]] }] : [];
    return { questions, concepts, ignored: [], dropped: [] };
  }

  // In typed order: known names (with their forms), compounds and plain words.
  const found: (Concept | string)[] = [];
  const groups = new Set<number>();
  for (let i = 0; i < words.length;) {
    const word = words[i]!;
    const ref =
      /^q(\d{1,3})$/.exec(word)?.[1] ??
      (word === 'q' && /^\d{1,3}$/.test(words[i + 1] ?? '') ? words[i + 1] : undefined);
    if (ref && isQuestionNumber(Number(ref))) {
      questions.push(Number(ref));
      i += word === 'q' ? 2 : 1;
      continue;
    }
    const name = longestName(words, i);
    if (name) {
      if (!groups.has(name.group))
        found.push({ text: words.slice(i, i + name.length).join(' '), forms: forms(name.group) });
      groups.add(name.group);
      i += name.length;
      continue;
    }
    // The words of one typed token that no name takes make a compound, a phrase.
    let end = i + 1;
    while (end < words.length && fromToken[end] === fromToken[i] && !longestName(words, end)) end++;
    found.push(end - i > 1 ? compound(words.slice(i, end)) : word);
    i = end;
  }

  const onlyScaffolding = questions.length === 0 && found.every((f) => typeof f === 'string' && !keep(f));
  const ignored = new Set<string>();
  const concepts: Concept[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    if (typeof f !== 'string') concepts.push(f);
    else if (onlyScaffolding ? f.length < 2 : !keep(f)) ignored.add(f);
    else if (!seen.has(f)) concepts.push({ text: f, forms: [[indexWord(f)]] });
    if (typeof f === 'string') seen.add(f);
  }
  const dropped = [
    ...questions.splice(MAX_QUESTIONS).map((n) => `q${n}`),
    ...concepts.splice(MAX_CONCEPTS).map((c) => c.text),
  ];
  const parsed: ParsedQuery = { questions, concepts, ignored: [...ignored], dropped };
  if (concepts.length > 0 && concepts.every(isStatusCode)) parsed.implied = [STATUS_CODE];
  return parsed;
}

/** An HTTP status code as a reader types it: "403", "4xx", or a reason phrase ("not found"). */
const isStatusCode = ({ forms }: Concept): boolean =>
  forms.some((form) => form.length === 1 && /^[1-5](?:\d\d|xx)$/.test(form[0]!));

/**
 * The concept a query of nothing but status codes implies: "401 vs 403" or
 * "404 meaning" asks what the codes mean, which the answers about status
 * codes explain, while answers that merely return the codes (access
 * control, validation) mention them as often.
 */
const STATUS_CODE: Concept = {
  text: 'status code',
  forms: [['status', 'code'], ['response', 'code']],
  implied: true,
};

/** A compound the reader typed ("content-type"): a phrase, and its words to fall back on. */
function compound(words: readonly string[]): Concept {
  const parts = words.filter(keep).map((w) => ({ text: w, forms: [[indexWord(w)]] }));
  return { text: words.join(' '), forms: [words.map(indexWord)], parts };
}

/** The longest known name at `words[start]`: its group and length in words. */
function longestName(words: readonly string[], start: number): { group: number; length: number } | undefined {
  for (let n = Math.min(LONGEST_FORM, words.length - start); n > 0; n--) {
    const group = GROUP_OF.get(key(words.slice(start, start + n)));
    if (group !== undefined) return { group, length: n };
  }
  return undefined;
}
