import { describe, expect, it } from 'vitest';
import { parseHtml, toXhtml } from './xhtml.ts';

const xhtml = (html: string): string => toXhtml(parseHtml(html));

describe('toXhtml', () => {
  it('closes void elements and keeps empty HTML elements open-and-closed', () => {
    expect(xhtml('<p>a<br>b<img src="x.png" alt=""></p>')).toBe('<p>a<br/>b<img src="x.png" alt=""/></p>');
    expect(xhtml('<div></div>')).toBe('<div></div>');
  });

  it('decodes HTML entities and writes back only the ones XML knows', () => {
    expect(xhtml('<p title="a &quot;b&quot; &amp; c">x&nbsp;&lt;y&gt; &#39;z&#39; &copy;</p>'))
      .toBe('<p title="a &quot;b&quot; &amp; c">x\u00a0&lt;y&gt; \'z\' \u00a9</p>');
  });

  it('closes what HTML leaves implied, as a browser would', () => {
    expect(xhtml('<ul><li>one<li>two</ul><p>a<p>b')).toBe('<ul><li>one</li><li>two</li></ul><p>a</p><p>b</p>');
  });

  it('declares the SVG namespace, keeps SVG names camel-cased and self-closes empty SVG elements', () => {
    expect(xhtml('<p><svg viewbox="0 0 1 1"><marker id="m"></marker><polyline marker-end="url(#m)"/></svg></p>'))
      .toBe('<p><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><marker id="m"/><polyline marker-end="url(#m)"/></svg></p>');
  });

  it('declares xlink where an SVG attribute uses it', () => {
    expect(xhtml('<svg><use xlink:href="#a"/></svg>'))
      .toBe('<svg xmlns="http://www.w3.org/2000/svg"><use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="#a"/></svg>');
  });

  it('drops comments and keeps the text of script-like raw text escaped', () => {
    expect(xhtml('<!-- x --><pre>if (a &lt; b &amp;&amp; c) {}</pre>')).toBe('<pre>if (a &lt; b &amp;&amp; c) {}</pre>');
  });

  it('refuses a character XML cannot hold, saying where it is', () => {
    expect(() => xhtml('<pre>colour \u001b[31mred</pre>')).toThrow(/U\+001B cannot appear in XML, so not in an EPUB; found in "colour \u001b\[31mred"/);
  });
});
