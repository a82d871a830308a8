/**
 * The whole handbook on one page (/book/) renders every answer's body again,
 * so ids like `in-code` repeat once per answer. After the build, each answer's
 * ids and the fragment links that point at them get the answer's own prefix
 * (`q42-in-code`), and links to answered questions jump within the book.
 */

/** The element that opens one answer in the book; its id is `q` and the number. */
export const ANSWER_OPEN = /<article class="book-answer" id="q(\d+)"[^>]*>/g;

const ID_ATTRS = /\s(id|for|aria-labelledby|aria-describedby|aria-controls)="([^"]*)"/g;

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
 * Rewrites the book page: ids scoped per answer, and each link to a question
 * page that the book holds (`<base>questions/<slug>/`, optionally with a
 * fragment) turned into a jump to that answer (`#q42`, `#q42-in-code`).
 */
export function scopeBook(html: string, pathToId: ReadonlyMap<string, number>): string {
  const starts = [...html.matchAll(ANSWER_OPEN)];
  if (starts.length === 0) throw new Error('book page has no <article class="book-answer" id="qN">; is src/pages/book.astro building it?');
  const end = html.indexOf('<!--book-end-->') >= 0 ? html.indexOf('<!--book-end-->') : html.lastIndexOf('</main>');
  let out = html.slice(0, starts[0]!.index);
  starts.forEach((match, i) => {
    const open = match[0];
    const bodyStart = match.index + open.length;
    const bodyEnd = i + 1 < starts.length ? starts[i + 1]!.index : end;
    out += open + scopeIds(html.slice(bodyStart, bodyEnd), `q${match[1]}`);
  });
  out += html.slice(end);
  return out.replace(/\shref="([^"#]+)(?:#([^"]*))?"/g, (whole, path: string, fragment: string | undefined) => {
    const id = pathToId.get(path);
    if (id === undefined) return whole;
    return ` href="#q${id}${fragment ? `-${fragment}` : ''}"`;
  });
}
