import { describe, expect, it } from 'vitest';
import { parseBookPage } from './code-blocks.ts';
import { cleanForEpub } from './epub-clean.ts';
import { elements, parseDocument, textOf, toXhtml, type Node, type ParentNode } from './xhtml.ts';

/** A page around `body`, as the book's parts are built. */
const page = (body: string) => `<!doctype html><html lang="en"><head><title>t</title></head><body>${body}</body></html>`;

/** A code block as the site highlights one, with two tokens on a line and a line of plain text. */
const HIGHLIGHTED = '<pre class="astro-code" tabindex="0" data-language="ts"><code>'
  + '<span class="line"><span class="l-cf222e d-ff7b72">const</span><span class="l-0550ae d-79c0ff"> a</span> = &lt;T&gt;(x: &quot;a&quot; &amp; \'b\'&#39;) =&gt; x;</span>\n'
  + '<span class="line"><span>09:00  plain output</span></span></code></pre>';

const html = (nodes: Node[]) => toXhtml(nodes);
const pres = (nodes: Node[]) => elements(nodes).filter((e) => e.tagName === 'pre');
const written = (nodes: Node[]) => pres(nodes).filter((pre) => pre.childNodes[0]?.nodeName === '#xhtml').length;

describe('parseBookPage', () => {
  it('writes a code block as parse5 and toXhtml would, without parsing it', () => {
    for (const body of [
      HIGHLIGHTED,
      `<p>before</p>${HIGHLIGHTED}<p>after</p>${HIGHLIGHTED}`,
      '<pre>\nthe newline after the start tag goes, as HTML drops it\n</pre>',
      '<pre class="output"><code>done: 5 &gt; 4</code></pre>',
      '<pre></pre>',
    ]) {
      const fast = parseBookPage(page(body));
      expect(written(fast)).toBe(pres(fast).length);
      expect(html(fast)).toBe(html(parseDocument(page(body))));
    }
  });

  it('gives a written block the text a parsed one has', () => {
    const [pre] = pres(parseBookPage(page(HIGHLIGHTED)));
    const [parsed] = pres(parseDocument(page(HIGHLIGHTED)));
    expect(textOf(pre!)).toBe(textOf(parsed!));
    expect(textOf(pre!)).toContain('<T>(x: "a" & \'b\'\')');
  });

  it('parses what is not in the code blocks\' language as before', () => {
    for (const inner of [
      '<code>a&nbsp;b</code>', // an entity XML lacks
      '<code><b>bold</b></code>', // another element
      '<code><span class="x" id="y">z</span></code>', // another attribute
      '<code><span>open</code></span>', // bad nesting, which parse5 mends its own way
      '<span>never closed',
      'a\r\nb', // CR, which HTML turns into LF
      '<!-- a comment --><code>x</code>',
    ]) {
      const body = `<pre>${inner}</pre>${HIGHLIGHTED}`;
      const fast = parseBookPage(page(body));
      expect(written(fast)).toBe(1); // only the well-formed block
      expect(html(fast)).toBe(html(parseDocument(page(body))));
    }
  });

  it('parses the whole page as before when a cut-out would not come back in its <pre>', () => {
    for (const body of [
      `<script>const s = '<pre>x</pre>';</script>${HIGHLIGHTED}`, // a <pre> in a script's text
      `<p title="<pre>x</pre>">t</p>${HIGHLIGHTED}`, // and in an attribute
      `<p>\uE0000\uE000</p>${HIGHLIGHTED}`, // the page holds the mark itself
      `<pre><code>never closed</pre>${HIGHLIGHTED}`, // parse5 opens that <code> again around the next block's text
    ]) {
      const fast = parseBookPage(page(body));
      expect(written(fast)).toBe(0);
      expect(html(fast)).toBe(html(parseDocument(page(body))));
    }
  });

  const clean = (nodes: Node[]) => {
    const body = elements(nodes).find((e) => e.tagName === 'body')! as ParentNode;
    const { tokenColours } = cleanForEpub(body, new Map());
    return { xhtml: toXhtml(body.childNodes), tokenColours: [...tokenColours].sort() };
  };

  it('is cleaned for the book as a parsed block is: dark token colours go, light ones are listed', () => {
    const fast = clean(parseBookPage(page(HIGHLIGHTED)));
    expect(fast).toEqual(clean(parseDocument(page(HIGHLIGHTED))));
    expect(fast.tokenColours).toEqual(['0550ae', 'cf222e']);
    expect(fast.xhtml).toContain('<span class="l-cf222e">const</span>');
    expect(fast.xhtml).not.toContain('d-ff7b72');
  });

  it('cleans class attributes of its spans only, not text that looks like one', () => {
    const body = '<pre><code>&lt;div class=&quot;&quot;&gt; &lt;b class=&quot;d-ff7b72 l-123456&quot;&gt;</code></pre>'
      + '<pre><code><span class="js-only">copy</span>x</code></pre>'; // a span epub-clean.ts removes: parsed as before
    const fast = clean(parseBookPage(page(body)));
    expect(fast).toEqual(clean(parseDocument(page(body))));
    expect(fast.tokenColours).toEqual([]);
    expect(fast.xhtml).toContain('&lt;b class="d-ff7b72 l-123456"&gt;');
  });

  it('leaves characters XML lacks to parse5 and toXhtml, as before', () => {
    // NUL: parse5 drops it from text.
    const nul = '<pre><code>a\0b</code></pre>';
    expect(html(parseBookPage(page(nul)))).toBe(html(parseDocument(page(nul))));
    // A vertical tab: toXhtml refuses it, naming the text around it.
    const vt = '<pre><code>a &amp; b\x0bc</code></pre>';
    expect(() => html(parseDocument(page(vt)))).toThrow(/U\+000B cannot appear in XML/);
    expect(() => html(parseBookPage(page(vt)))).toThrow(/U\+000B cannot appear in XML.*"a & b\x0bc"/s);
  });
});
