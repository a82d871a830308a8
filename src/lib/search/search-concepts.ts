/**
 * Searching one concept of a query in Pagefind (search-engine.ts runs the
 * query): every form of the concept, a form of several words as a phrase,
 * a compound no page holds whole as its words, and the check that a single
 * word matched as the reader typed it.
 */
import { contentWords, startsLike } from './search-content.ts';
import type { Pagefind, PagefindResult, PagefindSearchOptions } from './search-pagefind.ts';
import type { Concept } from './search-query.ts';
import { phraseAt } from './search-score.ts';

type Filters = Record<string, string>;

/** What one form of a concept found. */
export interface FormFound {
  results: PagefindResult[];
  /** Pages holding the form in the whole index, unfiltered. */
  containing: number;
  /**
   * For a single word, Pagefind's first result, to check it matched the word
   * as typed: for a word no page has, Pagefind matches the longest indexed
   * word it starts with ("zxqv" matches "z"), which is no match for a reader.
   */
  check?: { result: PagefindResult; word: string };
}

/** A concept and what each of its forms found. */
export interface ConceptFound {
  concept: Concept;
  forms: FormFound[];
}

/**
 * Pages holding one form, scored by Pagefind. A form of several words must
 * stand as a phrase (search-score.ts's phraseAt), spaced or hyphenated:
 * Pagefind's own quoted search misses "role-based access" for "role based
 * access", as a compound's parts share one index.
 */
async function searchForm(
  pagefind: Pagefind,
  words: readonly string[],
  options: PagefindSearchOptions,
): Promise<FormFound> {
  const [all, ...each] = await Promise.all(
    [words.join(' '), ...(words.length > 1 ? words : [])].map((term) => pagefind.search(term, options)),
  );
  const containing = all?.unfilteredResultCount ?? 0;
  if (!all || all.results.length === 0) return { results: [], containing };
  if (words.length === 1)
    return { results: all.results, containing, check: { result: all.results[0]!, word: words[0]! } };
  const indexes = (id: string) => each.map((found) => found?.results.find((r) => r.id === id)?.words ?? []);
  const results = all.results.flatMap((result) => {
    const at = phraseAt(indexes(result.id).map((list) => [...list].sort((a, b) => a - b)));
    return at.length > 0 ? [{ ...result, words: at }] : [];
  });
  return { results, containing };
}

const searchConcept = async (pagefind: Pagefind, concept: Concept, filters: Filters): Promise<ConceptFound> => ({
  concept,
  forms: await Promise.all(concept.forms.map((form) => searchForm(pagefind, form, { filters }))),
});

/** True when some form of the concept found a page. */
export const found = (c: ConceptFound): boolean => c.forms.some((f) => f.results.length > 0);

/** Searches each concept; a compound no page holds whole is searched as its words instead. */
export async function searchConcepts(
  pagefind: Pagefind,
  concepts: readonly Concept[],
  filters: Filters,
): Promise<ConceptFound[]> {
  const searched = await Promise.all(
    concepts.map(async (concept) => {
      const whole = await searchConcept(pagefind, concept, filters);
      if (found(whole) || !concept.parts?.length) return [whole];
      return Promise.all(concept.parts.map((part) => searchConcept(pagefind, part, filters)));
    }),
  );
  return searched.flat();
}

/** True when the check's first result matched its word as typed (see FormFound.check). */
export async function matchedAsTyped({ result, word }: NonNullable<FormFound['check']>): Promise<boolean> {
  const matched = contentWords((await result.data()).content).filter((_, i) => result.words.includes(i));
  return matched.length === 0 || matched.some((w) => startsLike(w, word));
}
