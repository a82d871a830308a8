import { descendants, escapeXml, isHtml, isXmlText, parseDocument, type Node, type WrittenXhtml } from './xhtml.ts';

/**
 * A book page parsed with its code blocks' contents read without parse5.
 *
 * Nearly two thirds of the book's HTML is inside `<pre>`: highlighted code,
 * a `<span>` per token, and demo output. parse5 built all of it into nodes
 * only for the EPUB to write it back out, over half the time the EPUB
 * took. The contents of a `<pre>` written in the small language of the
 * site's code blocks (`<code>`, `<span>` with or without a class, their
 * closing tags, text with `&lt; &gt; &amp; &quot; &#39;`) are cut out
 * before parsing and put back as one WrittenXhtml node each: the XHTML
 * that parsing and `toXhtml` would give them, text decoded and escaped
 * again, the newline HTML drops after `<pre>` dropped. A `<pre>` holding
 * anything else is parsed as before, and so is a whole page whose
 * cut-outs do not come back one each, alone in a `<pre>` (a `<pre` in a
 * script, say). One difference stays, in HTML no page of ours has: a
 * `<pre>` inside three or more open `<code>` elements, whose own `<code>`
 * elements parse5 would count when it reopens formatting elements after
 * it. The EPUB of the 100-answer book came out byte for byte the
 * same, made in 0.92–1.00 s instead of 1.36–1.51 s (epubFromBook, three
 * interleaved runs each, 2026-12-03).
 */
export function parseBookPage(html: string): Node[] {
  const blocks: Written[] = [];
  const lifted = html.replace(PRE, (whole, open: string, inner: string) => {
    const written = codeXhtml(inner);
    if (written === undefined) return whole;
    blocks.push(written);
    return `${open}${MARK}${blocks.length - 1}${MARK}</pre>`;
  });
  if (blocks.length === 0) return parseDocument(html);
  const nodes = parseDocument(lifted);
  return restore(nodes, blocks) ? nodes : parseDocument(html);
}

/** Marks a cut-out in the page, around its number: a private-use character. */
const MARK = '\uE000';
const MARKED = new RegExp(`^${MARK}(\\d+)${MARK}$`);
const PRE = /(<pre\b[^>]*>)([\s\S]*?)<\/pre>/g;
const TOKEN = /<code>|<\/code>|<span(?: class="([^"&<>]*)")?>|<\/span>|([^<&]+)|&(lt|gt|amp|quot|#39);/y;
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'" };

type Written = Pick<WrittenXhtml, 'xhtml' | 'text'>;

/** A `<pre>`'s contents as XHTML and text, or undefined if they are not in the code blocks' language. */
function codeXhtml(inner: string): Written | undefined {
  // Left to parse5: CR (HTML turns it into LF), and characters XML lacks (parse5 drops some, toXhtml names the rest).
  if (inner.includes('\r') || !isXmlText(inner)) return undefined;
  let xhtml = '';
  let text = '';
  const open: string[] = [];
  for (let at = inner.startsWith('\n') ? 1 : 0; at < inner.length; at = TOKEN.lastIndex) {
    TOKEN.lastIndex = at;
    const token = TOKEN.exec(inner);
    if (!token) return undefined;
    const [whole, className, chars, entity] = token;
    if (chars !== undefined || entity !== undefined) {
      const value = chars ?? ENTITIES[entity!]!;
      xhtml += escapeXml(value);
      text += value;
    } else if (whole[1] !== '/') {
      if (className !== undefined && /(^|\s)js-only(\s|$)/.test(className)) return undefined; // epub-clean.ts removes those
      const tag = whole.startsWith('<code') ? 'code' : 'span';
      open.push(tag);
      xhtml += className === undefined ? `<${tag}>` : `<span class="${className}">`;
    } else {
      const tag = whole === '</code>' ? 'code' : 'span';
      if (open.pop() !== tag) return undefined; // parse5 mends bad nesting its own way
      xhtml += `</${tag}>`;
    }
  }
  return open.length === 0 ? { xhtml, text } : undefined;
}

/** Puts each cut-out back as a WrittenXhtml node; false unless each is found once, alone in a `<pre>`. */
function restore(nodes: Node[], blocks: readonly Written[]): boolean {
  const placed = new Set<number>();
  for (const node of descendants(nodes)) {
    if (node.nodeName !== '#text' || !('value' in node) || !node.value.includes(MARK)) continue;
    const n = Number(MARKED.exec(node.value)?.[1]);
    const pre = node.parentNode;
    if (!blocks[n] || placed.has(n) || !pre || !isHtml(pre, 'pre') || pre.childNodes.length !== 1) return false;
    const written: WrittenXhtml = { nodeName: '#xhtml', ...blocks[n], parentNode: pre };
    // parse5's types know no such child; xhtml.ts's functions do.
    pre.childNodes = [written as unknown as (typeof pre.childNodes)[number]];
    placed.add(n);
  }
  return placed.size === blocks.length;
}
