// The byte budgets from issue #6, over every built question page, the
// book's (issue #20) and the home page's. Byte counts are deterministic, so
// they are safe to test; times are not, and stay in `npm run bench`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BOOK_PARTS } from '../../src/lib/site/book.ts';
import { type PageWeight, pageWeight, weigh } from '../../src/lib/tooling/page-weight.ts';
import { TEST_BASE } from '../site-under-test.ts';
import { builtPages, DIST } from './dist.ts';

/** Gzip bytes a question page may load before the reader interacts with it. */
const BUDGET = {
  js: 2 * 1024,
  css: 10 * 1024,
  /** HTML, CSS, JS and icons; the social image is not loaded by the page. */
  total: 40 * 1024,
};

/**
 * Gzip bytes of one part of the book's HTML (a difficulty band's answers on
 * one page), which is nearly all it loads. The whole book on one page was
 * 712 KB at 100 answers and took seconds to finish loading on a phone; the
 * largest part is about half of that, and this keeps it from growing back.
 */
const BOOK_PART_HTML = 512 * 1024;

/**
 * Gzip bytes of the home page's HTML. A phone's first round trip brings
 * about 14.6 KB (TCP's initial window of ten segments); the home page with
 * every short answer on it was 25 KB, took two more round trips under
 * Lighthouse's slow 4G, and painted later than Starlight's home. 12 KB
 * leaves room for the response headers and for the list to grow.
 */
const HOME_HTML = 12 * 1024;

const ORIGIN = 'http://site';
const load = (pathname: string) => {
  if (!pathname.startsWith(TEST_BASE)) throw new Error(`${pathname} is outside the base ${TEST_BASE}`);
  return readFileSync(join(DIST, pathname.slice(TEST_BASE.length)));
};
const pages = builtPages();
const questionPages = pages.filter((p) => p.file.startsWith('questions/'));
const builtPage = (file: string) => pages.find((p) => p.file === file) ?? { file, html: '' };
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/** One line per budget the page exceeds, with the figure. */
function overBudget(file: string, weight: PageWeight): string[] {
  return (['js', 'css', 'total'] as const)
    .filter((kind) => weight[kind].gzip > BUDGET[kind])
    .map((kind) => `${file}: ${kind} is ${kb(weight[kind].gzip)} gzip, over the ${kb(BUDGET[kind])} budget`);
}

describe('question page budgets (gzip)', () => {
  it('names the page and the figure when a page is over', () => {
    const heavy = weigh(crypto.getRandomValues(new Uint8Array(3000)));
    const light = weigh('x');
    const weight: PageWeight = { html: light, css: light, js: heavy, other: light, total: heavy, resources: [] };
    expect(overBudget('questions/x/index.html', weight)).toEqual([`questions/x/index.html: js is ${kb(heavy.gzip)} gzip, over the 2.00 KB budget`]);
  });

  it.each(questionPages.map((p) => [p.file, p.html]))('%s stays within 2 KB JS, 10 KB CSS, 40 KB in total', (file, html) => {
    const weight = pageWeight(html, `${ORIGIN}${TEST_BASE}${file}`, load);
    const over = overBudget(file, weight);
    expect(over, over.join('\n')).toEqual([]);
    // A weighing that found no CSS or JS would pass any budget: make sure it saw them.
    expect(weight.css.gzip, `${file}: no stylesheet found; the budget test is blind`).toBeGreaterThan(0);
    expect(weight.js.gzip, `${file}: no script found; the budget test is blind`).toBeGreaterThan(0);
  });
});

describe('book budgets (gzip)', () => {
  it('keeps the book\'s front page within a question page\'s budgets', () => {
    const { file, html } = builtPage('book/index.html');
    expect(html, `dist/${file} is missing`).not.toBe('');
    const over = overBudget(file, pageWeight(html, `${ORIGIN}${TEST_BASE}${file}`, load));
    expect(over, over.join('\n')).toEqual([]);
  });

  // Gzip alone: pageWeight's brotli pass takes seconds on a part this size.
  it.each(BOOK_PARTS.map(({ file }) => [file]))(`%s stays within ${kb(BOOK_PART_HTML)} of HTML`, (file) => {
    const { html } = builtPage(file);
    expect(html, `dist/${file} is missing`).not.toBe('');
    const gzip = gzipSync(html, { level: 9 }).length;
    expect(gzip, `${file}: ${kb(gzip)} of HTML gzip, over the ${kb(BOOK_PART_HTML)} budget; split the book further`).toBeLessThanOrEqual(BOOK_PART_HTML);
  });
});

describe('home page budget (gzip)', () => {
  it(`keeps index.html within ${kb(HOME_HTML)} of HTML and a question page's budgets`, () => {
    const { file, html } = builtPage('index.html');
    expect(html, `dist/${file} is missing`).not.toBe('');
    const gzip = gzipSync(html, { level: 9 }).length;
    expect(
      gzip,
      `${file} (src/pages/index.astro): ${kb(gzip)} of HTML gzip, over the ${kb(HOME_HTML)} budget that keeps it in a phone's first ` +
        'round trip; keep home an index of numbers and titles, and put per-question text on the difficulty pages',
    ).toBeLessThanOrEqual(HOME_HTML);
    const over = overBudget(file, pageWeight(html, `${ORIGIN}${TEST_BASE}`, load));
    expect(over, over.join('\n')).toEqual([]);
  });
});
