// Share cards, structured data, the sitemap and the Anki deck, as built by
// npm run build:test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pngSize } from '../../src/lib/share/social-png.ts';
import { TEST_BASE } from '../site-under-test.ts';
import { builtPages, DIST, fileFor } from './dist.ts';

// Every shareable page: not the /q/<id>/ redirects, not the 404 page.
const pages = builtPages().filter((p) => !p.file.startsWith('q/') && p.file !== '404.html');
const questionPages = pages.filter((p) => p.file.startsWith('questions/'));
const otherPages = pages.filter((p) => !p.file.startsWith('questions/'));

const decode = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The page's meta tags by property or name (the HTML is ours, so a pattern is enough). */
function metaOf(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)">/g)].map((m) => [m[1]!, decode(m[2]!)]));
}
const canonicalOf = (html: string) => /<link rel="canonical" href="([^"]+)">/.exec(html)?.[1];

/** The dist/ file an absolute URL on the test site is served from. */
function distFileOf(url: string): string | undefined {
  const { pathname } = new URL(url);
  return pathname.startsWith(TEST_BASE) ? fileFor(pathname.slice(TEST_BASE.length - 1)) : undefined;
}

function expectCard(url: string, page: string): void {
  const file = distFileOf(url);
  expect(file, `${page}: og:image ${url} has no file in dist/`).toBeDefined();
  expect(pngSize(readFileSync(file!), url), page).toEqual({ width: 1200, height: 630 });
}

describe('share cards', () => {
  it.each(questionPages.map((p) => [p.file, p.html]))('%s has complete Open Graph and Twitter tags and its own 1200×630 card', (file, html) => {
    const meta = metaOf(html);
    const id = /data-pagefind-meta="number:(\d+)"/.exec(html)?.[1];
    expect(meta['og:type']).toBe('article');
    expect(meta['og:url']).toBe(canonicalOf(html));
    expect(meta['og:image']).toMatch(new RegExp(`^https?://[^/]+${TEST_BASE}og/${id}\\.png$`));
    expect(meta['og:title']).toMatch(new RegExp(`^Q${id}\\. `));
    expect(meta['og:description']).toBe(decode(/<meta name="description" content="([^"]*)">/.exec(html)![1]!));
    expect(meta['og:image:alt']).toMatch(new RegExp(`^Q${id}, (easy|medium|hard): `));
    expect(meta['article:modified_time'], file).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const key of ['og:site_name', 'og:locale', 'twitter:title', 'twitter:description', 'twitter:image:alt']) expect(meta[key], key).toBeTruthy();
    expect([meta['og:image:width'], meta['og:image:height'], meta['twitter:card'], meta['twitter:image']]).toEqual(['1200', '630', 'summary_large_image', meta['og:image']]);
    expectCard(meta['og:image']!, file);
  });

  it('gives every other page the website type and the default card', () => {
    for (const page of otherPages) {
      const meta = metaOf(page.html);
      expect([meta['og:type'], meta['og:url']], page.file).toEqual(['website', canonicalOf(page.html)]);
      expect(meta['og:image'], page.file).toMatch(/\/og\/default\.png$/);
      expect(meta, page.file).not.toHaveProperty('article:modified_time');
      expectCard(meta['og:image']!, page.file);
    }
  });

  it('gives each /q/<id>/ short link the share tags of its answer, pointing at the answer, and no JSON-LD', () => {
    const stubs = builtPages().filter((p) => p.file.startsWith('q/'));
    expect(stubs.length).toBe(questionPages.length);
    const shareTags = (html: string) => Object.fromEntries(Object.entries(metaOf(html)).filter(([key]) => /^(og|twitter|article):/.test(key)));
    for (const stub of stubs) {
      const answer = distFileOf(canonicalOf(stub.html)!);
      expect(answer, `${stub.file}: canonical has no page`).toBeDefined();
      const tags = shareTags(stub.html);
      expect(tags['og:url'], stub.file).toBe(canonicalOf(stub.html));
      expect(tags, stub.file).toEqual(shareTags(readFileSync(answer!, 'utf8')));
      expect(stub.html, stub.file).not.toContain('application/ld+json');
    }
  });

  it('builds a card for every answer and no stray ones', () => {
    const cards = readdirSync(join(DIST, 'og')).sort();
    const ids = questionPages.map((p) => /og\/(\d+)\.png/.exec(p.html)![1]);
    expect(cards).toEqual([...ids.map((id) => `${id}.png`), 'default.png'].sort());
  });
});

describe('structured data', () => {
  const blocks = (html: string) => [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);

  it.each(questionPages.map((p) => [p.file, p.html]))('%s has one JSON-LD block: a FAQPage of the page and its breadcrumb', (_, html) => {
    const [raw, ...more] = blocks(html);
    expect(more).toEqual([]);
    expect(raw).not.toContain('<');
    const [faq, crumbs] = JSON.parse(raw!) as [Record<string, any>, Record<string, any>];
    const h1 = decode(/<h1[^>]*>([^<]+)<\/h1>/.exec(html)![1]!);
    expect(faq['@type']).toBe('FAQPage');
    expect(faq.url).toBe(canonicalOf(html));
    expect(faq.mainEntity).toHaveLength(1);
    expect(faq.mainEntity[0].name).toBe(h1);
    expect(faq.mainEntity[0].acceptedAnswer.text).toBe(decode(/<p data-pagefind-meta="summary">([^<]+)<\/p>/.exec(html)![1]!));
    expect(crumbs['@type']).toBe('BreadcrumbList');
    expect(crumbs.itemListElement.map((c: { name: string }) => c.name)).toEqual(['Home', expect.stringMatching(/^(Easy|Medium|Hard)$/), expect.stringMatching(/^Q\d+$/)]);
    for (const item of crumbs.itemListElement.slice(0, -1)) expect(distFileOf(item.item), item.item).toBeDefined();
  });

  it('is only on answer pages', () => {
    for (const page of otherPages) expect(blocks(page.html), page.file).toEqual([]);
  });
});

describe('sitemap', () => {
  const locs = readdirSync(DIST)
    .filter((f) => /^sitemap-\d+\.xml$/.test(f))
    .flatMap((f) => [...readFileSync(join(DIST, f), 'utf8').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!));

  it('lists every page except the 404 page and the /q/<id>/ redirects, at its canonical URL', () => {
    const indexable = pages.filter((p) => p.file !== '404.html').map((p) => canonicalOf(p.html));
    expect(indexable).not.toContain(undefined);
    expect([...locs].sort()).toEqual([...indexable].sort());
  });
});

describe('the Anki deck', () => {
  const deck = fileFor('/anki/backend-interview-handbook.txt');

  it('has one note per answer, each with a unique GUID and a link to a built page', () => {
    expect(deck, 'dist/anki/backend-interview-handbook.txt is missing').toBeDefined();
    const notes = readFileSync(deck!, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(notes).toHaveLength(questionPages.length);
    const guids = notes.map((n) => n.split('\t')[0]);
    expect(new Set(guids).size).toBe(notes.length);
    for (const note of notes) {
      const link = /<a href=""([^"]+)"">/.exec(note)?.[1];
      expect(link && distFileOf(link), `${note.slice(0, 60)}… links to ${link}`).toMatch(/index\.html$/);
    }
  });
});
