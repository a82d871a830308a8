// Checks the site as built under a sub-path (npm run build:test): every
// internal link and asset resolves, short links redirect, pages are sound.
import { readFileSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEXED_PAGES } from '../../src/lib/search/search-index-integration.ts';
import { TEST_BASE, TEST_ORIGIN } from '../site-under-test.ts';
import { brokenLinks, builtPages, fileFor } from './dist.ts';

const pages = builtPages();
/** The build's SITE_URL (scripts/build-for-tests.ts), for absolute self-links (canonical, og:url). */
const siteOrigin = TEST_ORIGIN;
const htmlOf = (file: string) => readFileSync(file, 'utf8');
const questionPages = pages.filter((p) => p.file.startsWith('questions/'));

describe('the built site', () => {
  it('has the home, difficulty, book, 404 and question pages', () => {
    const files = pages.map((p) => p.file);
    expect(files).toEqual(expect.arrayContaining([
      'index.html', 'easy/index.html', 'medium/index.html', 'hard/index.html', '404.html',
      'book/index.html', 'book/easy/index.html', 'book/medium/index.html', 'book/hard/index.html',
    ]));
    expect(questionPages.length).toBeGreaterThan(0);
  });

  it('resolves every internal link, asset and #fragment under the base path', () => {
    const broken = pages.flatMap((page) => brokenLinks(page, siteOrigin));
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('catches a link to a missing page, a missing #fragment and a path outside the base', () => {
    const html = ['<a href="#nowhere">', '<a href="../no-such-page/">', '<a href="/elsewhere/">', `<link rel="canonical" href="${siteOrigin}${TEST_BASE}gone/">`].join('');
    expect(brokenLinks({ file: 'easy/index.html', html }, siteOrigin)).toEqual([
      'easy/index.html: #nowhere points at a missing id',
      'easy/index.html: ../no-such-page/ has no file in dist/',
      `easy/index.html: /elsewhere/ is outside the base ${TEST_BASE}`,
      `easy/index.html: ${siteOrigin}${TEST_BASE}gone/ has no file in dist/`,
    ]);
  });

  it('lists in the sitemap every indexable page and nothing else', () => {
    const sitemap = htmlOf(fileFor('/sitemap-0.xml')!);
    const listed = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname).sort();
    const indexable = pages
      .filter((p) => !p.html.includes('<meta name="robots" content="noindex">'))
      .map((p) => `${TEST_BASE}${p.file.replace(/index\.html$/, '')}`)
      .sort();
    expect(listed).toEqual(indexable);
  });

  it('gives every page but the /q/ stubs its own title and description', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const page of pages.filter((p) => !p.file.startsWith('q/'))) {
      const title = /<title>([^<]*)<\/title>/.exec(page.html)?.[1];
      const description = /<meta name="description" content="([^"]*)"/.exec(page.html)?.[1];
      for (const [kind, value] of [['title', title], ['description', description]] as const) {
        const earlier = seen.get(`${kind}:${value}`);
        if (earlier) clashes.push(`${page.file}: same ${kind} as ${earlier}: "${value}"`);
        else seen.set(`${kind}:${value}`, page.file);
      }
    }
    expect(clashes, clashes.join('\n')).toEqual([]);
  });

  it('has a /q/<id>/ stub only for answers, each redirecting to its canonical page', () => {
    const stubs = pages.filter((p) => p.file.startsWith('q/')).map((p) => p.file);
    const ids = questionPages.map((p) => /data-pagefind-meta="number:(\d+)"/.exec(p.html)?.[1]);
    expect(stubs.sort()).toEqual(ids.map((id) => `q/${id}/index.html`).sort());
    for (const page of questionPages) {
      const id = /data-pagefind-meta="number:(\d+)"/.exec(page.html)?.[1];
      const canonicalPath = `${TEST_BASE}${page.file.replace(/index\.html$/, '')}`;
      const stub = fileFor(`/q/${id}/`);
      expect(stub, `no /q/${id}/ for ${page.file}`).toBeDefined();
      const html = htmlOf(stub!);
      expect(html).toContain(`http-equiv="refresh" content="0; url=${canonicalPath}"`);
      expect(html).toMatch(new RegExp(`rel="canonical" href="https?://[^"]+${canonicalPath}"`));
    }
  });

  it.each(pages.filter((p) => !p.file.startsWith('q/')).map((p) => [p.file, p.html]))('%s has lang, one h1, a title and a description', (_, html) => {
    expect(html).toMatch(/<html lang="en"/);
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toMatch(/<meta name="description" content="[^"]{20,}"/);
  });

  it('lists every answer on the home page once, numbered by its id, without its short answer', () => {
    const home = pages.find((p) => p.file === 'index.html')!.html;
    // Each list numbers its items from 1, or from an item's value, as a browser does.
    const listed = [...home.matchAll(/<ol class="question-index">(.*?)<\/ol>/g)].flatMap(([, items]) => {
      let next = 1;
      return [...items!.matchAll(/<li(?: value="(\d+)")?><a href="([^"]+)">/g)].map(([, value, href]) => {
        const number = value ? Number(value) : next;
        next = number + 1;
        return `Q${number} ${href}`;
      });
    });
    const expected = questionPages
      .map((p) => ({ id: Number(/data-pagefind-meta="number:(\d+)"/.exec(p.html)?.[1]), href: `${TEST_BASE}${p.file.replace(/index\.html$/, '')}` }))
      .sort((a, b) => a.id - b.id)
      .map(({ id, href }) => `Q${id} ${href}`);
    expect(listed).toEqual(expected);
    expect(home).not.toContain('card-summary');
  });

  it('ships question pages with only the theme snippet inline and one small module script', () => {
    for (const page of questionPages) {
      // JSON-LD is data, never run (tests/site/social.test.ts checks it).
      const scripts = (page.html.match(/<script\b[^>]*>/g) ?? []).filter((s) => s !== '<script type="application/ld+json">');
      expect(scripts, page.file).toEqual(['<script>', expect.stringMatching(/^<script type="module" src="\/handbook\/_astro\/[^"]+\.js">$/)]);
    }
  });

  it('indexes question bodies for search, with a difficulty filter', () => {
    expect(fileFor('/pagefind/pagefind.js')).toBeDefined();
    for (const page of questionPages) {
      expect(page.html).toContain('data-pagefind-body');
      expect(page.html).toMatch(/data-pagefind-filter="difficulty:(easy|medium|hard)"/);
    }
    // Pagefind reads only INDEXED_PAGES: a body anywhere else would go unindexed.
    for (const page of questionPages) expect(matchesGlob(page.file, INDEXED_PAGES), page.file).toBe(true);
    const others = pages.filter((p) => !p.file.startsWith('questions/'));
    for (const page of others) expect(page.html, page.file).not.toContain('data-pagefind-body');
    const entry = JSON.parse(readFileSync(fileFor('/pagefind/pagefind-entry.json')!, 'utf8')) as { languages: Record<string, { page_count: number }> };
    expect(Object.values(entry.languages).reduce((sum, l) => sum + l.page_count, 0)).toBe(questionPages.length);
  });
});
