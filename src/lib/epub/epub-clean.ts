import { attr, classes, descendants, elements, isHtml, isSvg, setAttr, type Element, type Node, type ParentNode, type WrittenXhtml } from './xhtml.ts';

/**
 * Makes one answer of the book fit for an e-reader, in place: what only works
 * with script or a pointer goes (copy buttons, heading anchors, the print
 * button), a diagram's collapsible text description is shown open (readers
 * handle `<details>` unevenly), and the diagrams' colour variables become the
 * light theme's colours, since few reading systems resolve `var()` inside SVG.
 */

/** Elements that do nothing without script or a form to send them. */
const INTERACTIVE = new Set(['script', 'noscript', 'template', 'style', 'button', 'dialog', 'form', 'input', 'select', 'textarea']);

/** Attributes for the site's scripts, search index and keyboard scrolling, which a book has no use for. */
const SITE_ONLY_ATTR = /^(data-[\w-]+|tabindex)$/;

export interface CleanResult {
  /** Colours of the code tokens left in the answer (`l-6e7781` is #6e7781), for the stylesheet. */
  tokenColours: Set<string>;
}

/**
 * Cleans `root`'s descendants. `palette` maps a site colour variable (`--fg`)
 * to the colour a diagram gets; a variable missing from it fails, naming it.
 */
export function cleanForEpub(root: ParentNode, palette: ReadonlyMap<string, string>): CleanResult {
  removeWhere(root, (node) => isHtml(node) && (INTERACTIVE.has(node.tagName) || isSiteOnly(node)));
  const tokenColours = new Set<string>();
  for (const element of elements(root.childNodes)) {
    if (isSvg(element)) {
      resolveColours(element, palette);
      if (element.tagName === 'svg') setAttr(element, 'style', undefined); // min-width: the stylesheet fits it to the page
      continue;
    }
    element.attrs = element.attrs.filter((a) => !SITE_ONLY_ATTR.test(a.name));
    if (element.tagName === 'details') rename(element, 'div', 'text-description');
    else if (element.tagName === 'summary') rename(element, 'p', 'text-description-label');
    else if (element.tagName === 'h2' && classes(element).includes('book-title')) element.tagName = element.nodeName = 'h1';
    const kept = keptClasses(classes(element), tokenColours);
    if (kept.length || attr(element, 'class') !== undefined) setAttr(element, 'class', kept.length ? kept.join(' ') : undefined);
  }
  // Code blocks written as XHTML already (code-blocks.ts): the same, on their spans' classes,
  // tens of thousands of tags but only hundreds of distinct ones.
  const cleanTags = new Map<string, string>();
  const cleanTag = (_: string, value: string) => {
    let tag = cleanTags.get(value);
    if (tag === undefined) {
      const kept = keptClasses(value.split(/\s+/).filter(Boolean), tokenColours);
      cleanTags.set(value, (tag = kept.length ? `<span class="${kept.join(' ')}">` : '<span>'));
    }
    return tag;
  };
  for (const node of descendants(root.childNodes)) {
    if (node.nodeName === '#xhtml') (node as WrittenXhtml).xhtml = (node as WrittenXhtml).xhtml.replace(SPAN_WITH_CLASS, cleanTag);
  }
  return { tokenColours };
}

/** A class list less the dark theme's token colours (`d-ff7b72`); adds the light ones (`l-cf222e`) to `tokenColours`. */
function keptClasses(list: readonly string[], tokenColours: Set<string>): string[] {
  const kept = list.filter((c) => !/^d-[0-9a-f]{6}$/.test(c));
  for (const c of kept) if (/^l-[0-9a-f]{6}$/.test(c)) tokenColours.add(c.slice(2));
  return kept;
}

/**
 * A span's start tag in written XHTML, with its class. code-blocks.ts
 * writes no other attribute and no quotes or entities in a class, and
 * escapes every `<` of text, so this finds tags only.
 */
const SPAN_WITH_CLASS = /<span class="([^"]*)">/g;

/** `.js-only` shows only when script runs; `a.anchor` is a heading's own link, "#". */
function isSiteOnly(element: Element): boolean {
  const list = classes(element);
  return list.includes('js-only') || (element.tagName === 'a' && list.includes('anchor'));
}

function rename(element: Element, tagName: string, className: string): void {
  element.tagName = element.nodeName = tagName;
  setAttr(element, 'class', [...classes(element), className].join(' '));
}

function resolveColours(element: Element, palette: ReadonlyMap<string, string>): void {
  for (const a of element.attrs) {
    a.value = a.value.replace(/var\((--[\w-]+)\)/g, (_, name: string) => {
      const colour = palette.get(name);
      if (!colour) throw new Error(`a diagram uses the colour ${name}, which src/styles/global.css does not define as light-dark(…) in :root`);
      return colour;
    });
  }
}

function removeWhere(parent: ParentNode, drop: (node: Node) => boolean): void {
  parent.childNodes = parent.childNodes.filter((node) => !drop(node));
  for (const node of parent.childNodes) if ('childNodes' in node) removeWhere(node, drop);
}

/**
 * The light colour of each `--name: light-dark(light, dark)` declaration in
 * the site's stylesheet, the one place the palette is written down.
 */
export function lightPalette(css: string): Map<string, string> {
  const palette = new Map<string, string>();
  for (const [, name, light] of css.matchAll(/(--[\w-]+)\s*:\s*light-dark\(\s*(#[0-9a-fA-F]{3,8})\s*,/g)) {
    if (!palette.has(name!)) palette.set(name!, light!);
  }
  return palette;
}
