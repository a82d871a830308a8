import { bandForId, BANDS, type Difficulty } from '../content/difficulty.ts';
import { bookPath, questionPath, withBase } from './links.ts';

/**
 * The book (/book/easy/, /book/medium/, /book/hard/) renders each answer's
 * body again, so ids like `in-code` repeat once per answer on a part page.
 * After the build, each answer's ids and the fragment links that point at
 * them get the answer's own prefix (`q42-in-code`), and links to answered
 * questions jump to the answer in the book: within the page when the part
 * holds it (`#q42`), to the other part otherwise (`/book/medium/#q42`).
 */

/** The element that opens one answer in the book; its id is `q` and the number. */
export const ANSWER_OPEN = /<article class="book-answer" id="q(\d+)"[^>]*>/g;

/** Marks where a part page's answers end; what follows is left alone. */
export const BOOK_END = '<!--book-end-->';

const ID_ATTRS = /\s(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]*)"/g;

/** The book's part pages in band order: each band's difficulty and its file in dist/. */
export const BOOK_PARTS: readonly { difficulty: Difficulty; file: string }[] =
  BANDS.map(({ difficulty }) => ({ difficulty, file: `${bookPath(difficulty)}index.html` }));

/** Where the book holds one answer: its part page (base included) and its id. */
export interface BookPlace {
  page: string;
  id: number;
}

/**
 * Each answered question's page (`<base>questions/<slug>/`) to its place in
 * the book: the part of its difficulty band, which its id fixes.
 */
export function bookPlaces(slugs: ReadonlyMap<number, string>, base: string): Map<string, BookPlace> {
  return new Map([...slugs].map(([id, slug]) => [
    withBase(questionPath(slug), base),
    { page: withBase(bookPath(bandForId(id).difficulty), base), id },
  ]));
}

/**
 * Prefixes ids, id references, local fragment links and SVG paint references
 * (a diagram's `marker-end="url(#…-arrowhead)"`) in one answer's HTML.
 */
export function scopeIds(html: string, prefix: string): string {
  return html
    .replace(ID_ATTRS, (_, name: string, value: string) =>
      ` ${name}="${value.split(/\s+/).map((v) => (v ? `${prefix}-${v}` : v)).join(' ')}"`)
    .replace(/\shref="#([^"]+)"/g, (_, id: string) => ` href="#${prefix}-${id}"`)
    .replace(/="url\(#([^)"]+)\)"/g, (_, id: string) => `="url(#${prefix}-${id})"`);
}

/**
 * Rewrites one part page of the book (`page`, its path with the base): ids
 * scoped per answer, and each link to a question page the book holds
 * (optionally with a fragment) turned into a link to that answer in the
 * book (`#q42`, `#q42-in-code`, or `/book/medium/#q42` from another part).
 */
export function scopeBook(html: string, page: string, places: ReadonlyMap<string, BookPlace>): string {
  const starts = [...html.matchAll(ANSWER_OPEN)];
  if (starts.length === 0) throw new Error(`book page ${page} has no <article class="book-answer" id="qN">; is src/pages/book/[difficulty].astro building it?`);
  const end = html.indexOf(BOOK_END) >= 0 ? html.indexOf(BOOK_END) : html.lastIndexOf('</main>');
  let out = html.slice(0, starts[0]!.index);
  starts.forEach((match, i) => {
    const open = match[0];
    const bodyStart = match.index + open.length;
    const bodyEnd = i + 1 < starts.length ? starts[i + 1]!.index : end;
    out += open + scopeIds(html.slice(bodyStart, bodyEnd), `q${match[1]}`);
  });
  out += html.slice(end);
  return out.replace(/\shref="([^"#]+)(?:#([^"]*))?"/g, (whole, path: string, fragment: string | undefined) => {
    const place = places.get(path);
    if (place === undefined) return whole;
    return ` href="${place.page === page ? '' : place.page}#q${place.id}${fragment ? `-${fragment}` : ''}"`;
  });
}
