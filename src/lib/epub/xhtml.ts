import { html, parse, parseFragment } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';

/**
 * HTML in, XHTML out. parse5 reads the site's HTML as a browser would (the
 * WHATWG tree-construction rules, entities decoded, SVG in its namespace);
 * `toXhtml` writes that tree back as XML, which EPUB content documents must
 * be: every element closed, `&` and `<` escaped, namespaces declared.
 */
export type Element = DefaultTreeAdapterMap['element'];
export type ParentNode = DefaultTreeAdapterMap['parentNode'];

/**
 * Content already written as XHTML, standing in a tree for the nodes it
 * would parse to: a code block's contents (code-blocks.ts). `toXhtml`
 * writes it as it is; `text` is its text content.
 */
export interface WrittenXhtml {
  nodeName: '#xhtml';
  xhtml: string;
  text: string;
  parentNode: ParentNode | null;
}

export type Node = DefaultTreeAdapterMap['node'] | WrittenXhtml;

export const XHTML_NS = html.NS.HTML;
const SVG_NS = html.NS.SVG;
const PREFIXES: Record<string, string> = { [html.NS.XLINK]: 'xlink', [html.NS.XML]: 'xml' };

/** The HTML elements that never have content; XML writes them as `<br/>`. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Parses an HTML fragment (as if inside `<body>`) into nodes. */
export function parseHtml(fragment: string): Node[] {
  return parseFragment(fragment).childNodes;
}

/** Parses a whole HTML page; its top-level nodes (the `<html>` element). */
export function parseDocument(page: string): Node[] {
  return parse(page).childNodes;
}

/** `&`, `<` and `>` as entities, and in attributes `"` too. */
export function escapeXml(text: string, attribute = false): string {
  const out = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return attribute ? out.replaceAll('"', '&quot;') : out;
}

// XML 1.0 section 2.2: no C0 controls but tab, LF and CR; no lone surrogates; no U+FFFE, U+FFFF.
const NOT_XML_CHAR = /[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether every character of `text` may appear in XML. */
export const isXmlText = (text: string): boolean => !NOT_XML_CHAR.test(text);

function checked(text: string): string {
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`U+${code} cannot appear in XML, so not in an EPUB; found in "${text.slice(Math.max(0, bad.index - 30), bad.index + 30)}". Remove it from the answer or its demo output`);
  }
  return text;
}

/**
 * Nodes as XML. An element whose namespace differs from its parent's
 * declares it (`<svg xmlns="http://www.w3.org/2000/svg">`); comments are
 * dropped; empty HTML void elements and empty foreign elements self-close.
 */
export function toXhtml(nodes: readonly Node[], parentNs: string = XHTML_NS): string {
  let out = '';
  for (const node of nodes) {
    if (node.nodeName === '#text') out += escapeXml(checked((node as DefaultTreeAdapterMap['textNode']).value));
    else if (node.nodeName === '#xhtml') out += (node as WrittenXhtml).xhtml;
    else if ('tagName' in node) out += elementXml(node, parentNs);
  }
  return out;
}

function elementXml(element: Element, parentNs: string): string {
  const ns = element.namespaceURI;
  let attributes = ns === parentNs ? '' : ` xmlns="${ns}"`;
  const declared = new Set<string>();
  for (const attr of element.attrs) {
    if (attr.name === 'xmlns' || attr.prefix === 'xmlns') continue; // declared from the tree's namespaces instead
    let name = attr.name;
    if (attr.namespace) {
      const prefix = PREFIXES[attr.namespace];
      if (!prefix) throw new Error(`attribute ${attr.name} on <${element.tagName}> is in the namespace ${attr.namespace}, which toXhtml cannot declare`);
      name = `${prefix}:${attr.name}`;
      if (prefix === 'xlink' && !declared.has(prefix)) {
        declared.add(prefix);
        attributes += ` xmlns:xlink="${html.NS.XLINK}"`;
      }
    }
    attributes += ` ${name}="${escapeXml(checked(attr.value), true)}"`;
  }
  const children = element.tagName === 'template' ? [] : element.childNodes;
  if (children.length === 0 && (ns !== XHTML_NS || VOID.has(element.tagName))) return `<${element.tagName}${attributes}/>`;
  return `<${element.tagName}${attributes}>${toXhtml(children, ns)}</${element.tagName}>`;
}

/** True for an element in the HTML namespace; SVG's `<a>` and `<title>` are not the HTML ones. */
export function isHtml(node: Node, tagName?: string): node is Element {
  return 'tagName' in node && node.namespaceURI === XHTML_NS && (tagName === undefined || node.tagName === tagName);
}

/** True for an element in the SVG namespace (not a type guard: an HTML element is an Element too). */
export function isSvg(node: Node): boolean {
  return 'tagName' in node && node.namespaceURI === SVG_NS;
}

/** An attribute's value, or undefined. */
export function attr(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name && !a.namespace)?.value;
}

/** Sets (or, with undefined, removes) an attribute. */
export function setAttr(element: Element, name: string, value: string | undefined): void {
  element.attrs = element.attrs.filter((a) => a.name !== name || a.namespace);
  if (value !== undefined) element.attrs.push({ name, value });
}

/** The class list of an element. */
export function classes(element: Element): string[] {
  return (attr(element, 'class') ?? '').split(/\s+/).filter(Boolean);
}

/**
 * `nodes` and every node under them, depth first, parents before children
 * (through elements, whose children these are). A loop over an explicit
 * stack: nested generators cost a step per level for every node, and a
 * highlighted code line is a dozen levels deep.
 */
export function descendants(nodes: readonly Node[]): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [...nodes].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    if ('tagName' in node) for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
  }
  return out;
}

/** Every element of `nodes` and under them, in the order of `descendants`. */
export function elements(nodes: readonly Node[]): Element[] {
  return descendants(nodes).filter((node): node is Element => 'tagName' in node);
}

/** The text of a node and its descendants, as a browser's textContent. */
export function textOf(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterMap['textNode']).value;
  if (node.nodeName === '#xhtml') return (node as WrittenXhtml).text;
  return 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';
}
