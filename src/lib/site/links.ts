/**
 * Every internal URL goes through these helpers so the site works under a
 * sub-path (`BASE_PATH=/handbook/`). Paths are written without the base and
 * always end in a slash, matching the directory-style output Astro writes.
 */

/** Normalises a base path to start and end with exactly one slash. */
export function normalizeBase(base: string | undefined): string {
  const trimmed = (base ?? '/').trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/** Prefixes a site-relative path (`questions/x/`) with the base. */
export function withBase(path: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
    throw new Error(`withBase takes a site-relative path, got the absolute URL ${path}`);
  }
  return normalizeBase(base) + path.replace(/^\/+/, '');
}

/** The canonical page of an answered question. */
export function questionPath(slug: string): string {
  return `questions/${slug}/`;
}

/** The short, permanent link that redirects to the canonical page. */
export function stablePath(id: number): string {
  return `q/${id}/`;
}

/** The listing page of a difficulty band. */
export function difficultyPath(difficulty: string): string {
  return `${difficulty}/`;
}

/** The book's front page, or the part of the book holding one difficulty's answers. */
export function bookPath(difficulty?: string): string {
  return difficulty ? `book/${difficulty}/` : 'book/';
}

/** The index of topics, and the listing page of one topic. */
export function topicPath(topic?: string): string {
  return topic ? `topics/${topic}/` : 'topics/';
}
