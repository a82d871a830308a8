/**
 * Weighs a built site, ours or the peer's, with the one weighing in
 * src/lib/tooling/page-weight.ts: every question page's HTML, CSS and JS before
 * interaction, and the Pagefind index. Both sites are built at base `/`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesUnder } from '../../src/lib/tooling/files.ts';
import { pageWeight, type PageWeight } from '../../src/lib/tooling/page-weight.ts';
import { type Spread, spread } from './stats.ts';

export interface SiteWeight {
  pages: number;
  questionPages: number;
  /** Per question page, median and max over the pages. */
  questionPage: {
    htmlRaw: Spread; htmlGzip: Spread; htmlBrotli: Spread;
    cssRaw: Spread; cssGzip: Spread; cssBrotli: Spread;
    jsRaw: Spread; jsGzip: Spread; jsBrotli: Spread;
    totalGzip: Spread; totalBrotli: Spread;
  };
  pagefindIndexBytes: number;
}

function weighPage(dist: string, file: string): PageWeight {
  const pageUrl = new URL(`/${relative(dist, file)}`, 'http://bench.local').href;
  return pageWeight(readFileSync(file, 'utf8'), pageUrl, (pathname) => readFileSync(join(dist, decodeURIComponent(pathname))));
}

export function weighSite(dist: string): SiteWeight {
  const html = filesUnder(dist).filter((f) => f.endsWith('.html'));
  const questions = filesUnder(join(dist, 'questions')).filter((f) => f.endsWith('index.html'));
  if (questions.length === 0) throw new Error(`${dist}/questions/ has no pages; did the build run?`);
  const weights = questions.map((f) => weighPage(dist, f));
  const of = (pick: (w: PageWeight) => number) => spread(weights.map(pick));
  return {
    pages: html.length,
    questionPages: questions.length,
    questionPage: {
      htmlRaw: of((w) => w.html.raw), htmlGzip: of((w) => w.html.gzip), htmlBrotli: of((w) => w.html.brotli),
      cssRaw: of((w) => w.css.raw), cssGzip: of((w) => w.css.gzip), cssBrotli: of((w) => w.css.brotli),
      jsRaw: of((w) => w.js.raw), jsGzip: of((w) => w.js.gzip), jsBrotli: of((w) => w.js.brotli),
      totalGzip: of((w) => w.total.gzip), totalBrotli: of((w) => w.total.brotli),
    },
    pagefindIndexBytes: filesUnder(join(dist, 'pagefind')).reduce((n, f) => n + statSync(f).size, 0),
  };
}
