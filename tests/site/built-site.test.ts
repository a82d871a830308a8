// Checks the site as built under a sub-path (npm run build:test): every
// internal link and asset resolves, short links redirect, pages are sound.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEST_BASE } from '../site-under-test.ts';
import { builtPages, fileFor, idsIn, urlsIn } from './dist.ts';

const pages = builtPages();
const htmlOf = (file: string) => readFileSync(file, 'utf8');
const questionPages = pages.filter((p) => p.file.startsWith('questions/'));

describe('the built site', () => {
  it('has the home, difficulty, 404 and question pages', () => {
    const files = pages.map((p) => p.file);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'easy/index.html', 'medium/index.html', 'hard/index.html', '404.html']));
    expect(questionPages.length).toBeGreaterThan(0);
  });

  it('resolves every internal link, asset and #fragment under the base path', () => {
    const broken: string[] = [];
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => ids.get(file) ?? ids.set(file, idsIn(htmlOf(file))).get(file)!;
    for (const page of pages) {
      const pageUrl = new URL(page.file.replace(/index\.html$/, ''), `http://site${TEST_BASE}`);
      for (const raw of urlsIn(page.html)) {
        const url = new URL(raw, pageUrl);
        if (url.host !== 'site') continue;
        if (!url.pathname.startsWith(TEST_BASE)) {
          broken.push(`${page.file}: ${raw} is outside the base ${TEST_BASE}`);
          continue;
        }
        const target = fileFor(url.pathname.slice(TEST_BASE.length - 1));
        if (!target) broken.push(`${page.file}: ${raw} has no file in dist/`);
        else if (url.hash && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(url.hash.slice(1)))) {
          broken.push(`${page.file}: ${raw} points at a missing id`);
        }
      }
    }
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('gives every answer a /q/<id>/ link that redirects to its canonical page', () => {
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
    const others = pages.filter((p) => !p.file.startsWith('questions/'));
    for (const page of others) expect(page.html, page.file).not.toContain('data-pagefind-body');
  });
});
