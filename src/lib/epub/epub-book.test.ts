import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookPage } from './book-answers.ts';
import { epubFromBook, type EpubOptions } from './epub-book.ts';
import { lightPalette } from './epub-clean.ts';

/** An answer as a built part of the book holds it, ids already scoped per answer (src/lib/site/book.ts). */
function answer(id: number, difficulty: string, body: string): string {
  return `<article class="book-answer" id="q${id}" aria-labelledby="q${id}-title"><header class="question-head">`
    + `<p class="question-meta"><span class="qnum">Q${id}</span><span class="badge badge-${difficulty}">${difficulty}</span></p>`
    + `<h2 id="q${id}-title" class="book-title">Question ${id} &amp; more?</h2></header>`
    + `<div class="short-answer"><h3 id="q${id}-short-answer">Short answer</h3><p>The short answer to Q${id}.</p></div>`
    + `<div class="prose">${body}</div></article>`;
}

const Q6 = answer(6, 'easy', '<div class="heading"><h2 id="q6-in-code">In code</h2><a class="anchor" href="#q6-in-code" data-pagefind-ignore>#</a></div>'
  + '<p>See <a href="/handbook/book/medium/#q42">Q42</a>, its <a href="/handbook/book/medium/#q42-in-code">code</a>, <a href="https://www.rfc-editor.org/rfc/rfc9110#section-9">RFC 9110</a> and <a href="/handbook/topics/http/">HTTP</a>.</p>'
  + '<figure class="snippet"><figcaption data-pagefind-ignore><a href="https://github.com/x/y/blob/main/a.ts#L1-L2">a.ts</a><button type="button" class="copy js-only" data-copy>Copy</button></figcaption>'
  + '<pre class="astro-code" tabindex="0" data-language="ts"><code><span class="line"><span class="l-cf222e d-ff7b72">const</span><span class="l-1f2328 d-e6edf3"> a = b &lt; c;</span></span></code></pre></figure>'
  + '<figure class="snippet-output"><figcaption>Output of <code>node a.ts</code></figcaption><pre><code>$ node a.ts\ntrue</code></pre></figure>'
  + '<script>alert(1)</script><p class="js-only"><button type="button" data-print>Print</button></p>');

const Q42 = answer(42, 'medium', '<div class="heading"><h2 id="q42-in-code">In code</h2></div><p>Back to <a href="/handbook/book/easy/#q6">Q6</a>, on to <a href="/handbook/book/hard/#q70">Q70</a>.</p>'
  + '<figure class="diagram"><div class="diagram-frame" tabindex="0"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10" style="min-width:7.5px" role="img" aria-labelledby="q42-d-title" aria-describedby="q42-d-text">'
  + '<title id="q42-d-title">Flow</title><defs><marker id="q42-d-arrow"><polygon points="0 0, 8 2.5" fill="var(--fg)"/></marker></defs>'
  + '<polyline points="1,1 5,5" stroke="var(--muted)" marker-end="url(#q42-d-arrow)"/></svg></div>'
  + '<figcaption>Flow<details><summary>Text description</summary><div id="q42-d-text"><p>A to B.</p></div></details></figcaption></figure>');

const Q70 = answer(70, 'hard', '<p>Back to <a href="#q70">the top</a>.</p>');

/** A built part of the book: its contents, its answers, and what follows them. */
const part = (difficulty: string, ...answers: string[]): BookPage => ({
  file: `book/${difficulty}/index.html`,
  html: `<!DOCTYPE html><html lang="en"><head><title>Book</title><script>x()</script></head><body>`
    + `<main id="main"><nav><a href="#q6">Q6</a></nav>${answers.join('')}<!--book-end-->`
    + `<nav><a href="/handbook/book/hard/">Next part</a></nav></main></body></html>`,
});
const book = (q6 = Q6, q42 = Q42): BookPage[] => [part('easy', q6), part('medium', q42), part('hard', Q70)];

const options: EpubOptions = {
  info: { title: 'Backend Interview Handbook', description: 'Questions & answers.', url: 'https://example.org/handbook/', modified: new Date('2026-12-02T10:20:31.500Z') },
  css: 'body { margin: 0; }\n',
  palette: lightPalette(':root { --fg: light-dark(#1c2127, #e3e8ee); --muted: light-dark(#56606b, #a1abb6); --accent: light-dark(#0a58a8, #7cb8ff); }'),
};

const dir = mkdtempSync(join(tmpdir(), 'epub-book-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The EPUB of `html`, unpacked by unzip: its files by path. */
function unpacked(pages: readonly BookPage[]): Map<string, string> {
  const out = mkdtempSync(join(dir, 'x-'));
  writeFileSync(join(out, 'book.epub'), epubFromBook(pages, options).bytes);
  execFileSync('unzip', ['-q', 'book.epub', '-d', 'files'], { cwd: out });
  const files = readdirSync(join(out, 'files'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(files.map((e) => {
    const path = join(e.parentPath, e.name);
    return [path.slice(join(out, 'files').length + 1), readFileSync(path, 'utf8')];
  }));
}

const files = unpacked(book().reverse()); // out of order on purpose: the EPUB sorts by id
const chapter6 = files.get('EPUB/q006.xhtml')!;
const chapter42 = files.get('EPUB/q042.xhtml')!;

describe('epubFromBook', () => {
  it('reads in id order, each difficulty opened by its part page, the quick review last', () => {
    const opf = files.get('EPUB/package.opf')!;
    const spine = [...opf.matchAll(/<itemref idref="item-([^"]+)"/g)].map((m) => m[1]);
    expect(spine).toEqual([
      'title.xhtml', 'nav.xhtml', 'part-easy.xhtml', 'q006.xhtml', 'part-medium.xhtml', 'q042.xhtml', 'part-hard.xhtml', 'q070.xhtml', 'quick-review.xhtml',
    ]);
  });

  it('writes metadata: identifier, title, language en and the build time as dcterms:modified', () => {
    const opf = files.get('EPUB/package.opf')!;
    expect(opf).toMatch(/<dc:identifier id="book-id">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/dc:identifier>/);
    expect(opf).toContain('<dc:title>Backend Interview Handbook</dc:title>');
    expect(opf).toContain('<dc:language>en</dc:language>');
    expect(opf).toContain('<meta property="dcterms:modified">2026-12-02T10:20:31Z</meta>');
    expect(files.get('mimetype')).toBe('application/epub+zip');
  });

  it('marks the chapter holding a diagram as having SVG, and only that one', () => {
    const opf = files.get('EPUB/package.opf')!;
    expect(opf).toContain('href="q042.xhtml" media-type="application/xhtml+xml" properties="svg"');
    expect(opf).toContain('href="q006.xhtml" media-type="application/xhtml+xml"/>');
  });

  it('leaves out scripts, buttons, script-only elements, heading anchors and site-only attributes', () => {
    for (const text of [chapter6, chapter42]) {
      expect(text).not.toMatch(/<script|<button|js-only|class="anchor"|data-[\w-]+=|tabindex/);
    }
    expect(chapter6).toContain('<pre class="astro-code"><code><span class="line"><span class="l-cf222e">const</span>');
  });

  it('turns links between answers, within a part or across parts, into links between chapters, and site paths into web addresses', () => {
    expect(chapter6).toContain('<a href="q042.xhtml#q42">Q42</a>');
    expect(chapter6).toContain('<a href="q042.xhtml#q42-in-code">code</a>');
    expect(chapter6).toContain('<a href="https://www.rfc-editor.org/rfc/rfc9110#section-9">RFC 9110</a>');
    expect(chapter6).toContain('<a href="https://example.org/handbook/topics/http/">HTTP</a>');
    expect(chapter42).toContain('<a href="q006.xhtml#q6">Q6</a>, on to <a href="q070.xhtml#q70">Q70</a>');
    expect(files.get('EPUB/q070.xhtml')).toContain('<a href="#q70">the top</a>');
  });

  it('has every internal link land on a file in the book and an id in that file', () => {
    for (const [path, text] of files) {
      if (!path.endsWith('.xhtml')) continue;
      for (const [, target] of text.matchAll(/\shref="([^"]+)"/g)) {
        if (/^https?:/.test(target!) || target!.endsWith('.css')) continue;
        const [file, fragment] = target!.split('#');
        const holder = file ? files.get(`EPUB/${file}`) : text;
        expect(holder, `${path} links to ${target}`).toBeDefined();
        if (fragment) expect(holder, `${path} links to ${target}`).toContain(` id="${fragment}"`);
      }
    }
  });

  it('gives each id once per document', () => {
    for (const [path, text] of files) {
      const ids = [...text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(ids, path).toEqual([...new Set(ids)]);
    }
  });

  it('paints diagrams in the light colours, shows their text description, and fits them to the page', () => {
    expect(chapter42).toContain('<polygon points="0 0, 8 2.5" fill="#1c2127"/>');
    expect(chapter42).toContain('stroke="#56606b" marker-end="url(#q42-d-arrow)"');
    expect(chapter42).not.toContain('min-width');
    expect(chapter42).toContain('<div class="text-description"><p class="text-description-label">Text description</p><div id="q42-d-text">');
  });

  it('collects every short answer in the quick review, linked to its chapter', () => {
    const review = files.get('EPUB/quick-review.xhtml')!;
    expect(review).toContain('<h3><a href="q006.xhtml">Q6. Question 6 &amp; more?</a></h3><p>The short answer to Q6.</p>');
    expect(review.indexOf('Q6.')).toBeLessThan(review.indexOf('Q42.'));
  });

  it('writes only well-formed XML, as a strict XML parser reads it', () => {
    const xml = [...files].filter(([path]) => /\.(xhtml|opf|xml|svg)$/.test(path));
    const script = 'import json,sys\nfrom xml.dom.minidom import parseString\nfor name, text in json.load(sys.stdin): parseString(text.encode())';
    expect(() => execFileSync('python3', ['-c', script], { input: JSON.stringify(xml) })).not.toThrow();
    expect(xml.length).toBe(12); // 9 documents, package, container, cover
  });

  it('makes the same bytes from the same page and date, so a rebuild does not change the file', () => {
    expect(epubFromBook(book(), options).bytes.equals(epubFromBook(book(), options).bytes)).toBe(true);
  });

  it('fails on a link to an id no chapter holds, naming the chapter and the link', () => {
    expect(() => epubFromBook(book(Q6.replace('#q42-in-code"', '#q42-nowhere"')), options))
      .toThrow('q006.xhtml: the link /handbook/book/medium/#q42-nowhere points at no id in the book');
  });

  it('fails on a diagram colour the site palette does not define', () => {
    expect(() => epubFromBook(book(Q6, Q42.replace('var(--fg)', 'var(--rainbow)')), options))
      .toThrow('a diagram uses the colour --rainbow, which src/styles/global.css does not define');
  });
});
