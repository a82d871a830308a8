import { DIFFICULTIES } from '../content/difficulty.ts';
import { bookPath } from '../site/links.ts';
import { attr, elements, isHtml, setAttr, type Node } from './xhtml.ts';

/**
 * Links inside the EPUB. A part of the book jumps within its page (`#q42`,
 * `#q42-in-code`) or to another part (`/handbook/book/medium/#q42`); the
 * EPUB holds one document per answer, so each must name the document that
 * holds its target (`q042.xhtml#q42-in-code`).
 */
export interface Chapter {
  /** File name inside the EPUB's content folder, like `q042.xhtml`. */
  file: string;
  nodes: Node[];
}

/** Which chapter holds each id; an id held twice fails, since a link to it would be ambiguous. */
export function idIndex(chapters: readonly Chapter[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const { file, nodes } of chapters) {
    for (const element of elements(nodes)) {
      const id = attr(element, 'id');
      if (id === undefined) continue;
      const other = index.get(id);
      if (other) throw new Error(`id "${id}" appears in ${other}${other === file ? ' twice' : ` and in ${file}`}; ids in the book must be unique (src/lib/site/book.ts scopes them per answer)`);
      index.set(id, file);
    }
  }
  return index;
}

/**
 * Rewrites every `<a href>` in the chapters: a fragment, on its own or on a
 * part of the book, goes to the chapter holding its id, another path on the
 * site becomes an absolute URL under `site` (the reader opens it in a
 * browser), and web and mail links stay. A fragment no chapter holds fails,
 * naming the chapter and the link.
 */
export function linkChapters(chapters: readonly Chapter[], site: string): void {
  const index = idIndex(chapters);
  const parts = new Set(DIFFICULTIES.map((d) => new URL(bookPath(d), site).pathname));
  for (const { file, nodes } of chapters) {
    for (const a of elements(nodes)) {
      const raw = isHtml(a, 'a') ? attr(a, 'href') : undefined;
      if (raw === undefined || /^(https?:|mailto:)/.test(raw)) continue;
      const hash = raw.indexOf('#');
      const href = hash > 0 && parts.has(raw.slice(0, hash)) ? raw.slice(hash) : raw;
      if (href.startsWith('#')) {
        const target = index.get(decodeURIComponent(href.slice(1)));
        if (!target) throw new Error(`${file}: the link ${raw} points at no id in the book`);
        setAttr(a, 'href', target === file ? href : `${target}${href}`);
      } else if (href.startsWith('/') && !href.startsWith('//')) {
        setAttr(a, 'href', new URL(href, site).href);
      } else {
        throw new Error(`${file}: the link "${raw}" is neither a fragment, a site path nor a web address; the EPUB cannot resolve it`);
      }
    }
  }
}

/** Attributes holding one or more ids of the same document. */
const ID_REFS = ['aria-labelledby', 'aria-describedby', 'for'];

/**
 * The references in one document that name no id in it: id-reference
 * attributes, local `href="#…"` links and SVG `url(#…)` paints. Empty when
 * every one resolves.
 */
export function unresolvedRefs(nodes: readonly Node[]): string[] {
  const ids = new Set<string>();
  const refs: string[] = [];
  for (const element of elements(nodes)) {
    for (const a of element.attrs) {
      if (a.name === 'id') ids.add(a.value);
      else if (ID_REFS.includes(a.name)) refs.push(...a.value.split(/\s+/).filter(Boolean));
      else if (a.name === 'href' && a.value.startsWith('#')) refs.push(a.value.slice(1));
      for (const [, id] of a.value.matchAll(/url\(#([^)]+)\)/g)) refs.push(id!);
    }
  }
  return [...new Set(refs.filter((r) => !ids.has(r)))];
}
