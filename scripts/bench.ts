// Builds the site from clean and reports build time and page weight, as a
// table and as JSON in bench/results/. Not part of `npm test`: times vary.
// Usage: npm run bench
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pageWeight } from '../src/lib/page-weight.ts';

const DIST = 'dist';

function timed(command: string, args: string[]): number {
  const start = performance.now();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${run.status}`);
  return (performance.now() - start) / 1000;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** A question page as the browser loads it from dist/, served under `/`. */
function questionPageWeight(file: string) {
  const html = readFileSync(file, 'utf8');
  const pageUrl = new URL(`/${relative(DIST, file)}`, 'http://bench.local').href;
  // Built under any base: strip it by finding the file's suffix inside dist/.
  const load = (pathname: string) => readFileSync(join(DIST, pathname.replace(/^\/(?:[^/]+\/)*?(_astro\/|pagefind\/|favicon)/, '$1')));
  return pageWeight(html, pageUrl, load);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

rmSync(DIST, { recursive: true, force: true });
rmSync('.astro', { recursive: true, force: true });
const astroSeconds = timed('npx', ['astro', 'build']);
const pagefindSeconds = timed('npx', ['pagefind', '--site', DIST]);

const pages = files(join(DIST, 'questions')).filter((f) => f.endsWith('.html'));
const weights = pages.map(questionPageWeight);
const pagefindBytes = files(join(DIST, 'pagefind')).reduce((n, f) => n + statSync(f).size, 0);
const stat = (pick: (w: ReturnType<typeof questionPageWeight>) => number) => ({ median: median(weights.map(pick)), max: Math.max(...weights.map(pick)) });

const result = {
  date: new Date().toISOString(),
  node: process.version,
  pages: { total: files(DIST).filter((f) => f.endsWith('.html')).length, questions: pages.length },
  buildSeconds: { astro: +astroSeconds.toFixed(2), pagefind: +pagefindSeconds.toFixed(2), total: +(astroSeconds + pagefindSeconds).toFixed(2) },
  questionPage: {
    htmlRaw: stat((w) => w.html.raw), htmlGzip: stat((w) => w.html.gzip), htmlBrotli: stat((w) => w.html.brotli),
    cssGzip: stat((w) => w.css.gzip), jsRaw: stat((w) => w.js.raw), jsGzip: stat((w) => w.js.gzip),
    totalGzip: stat((w) => w.total.gzip),
  },
  pagefindIndexBytes: pagefindBytes,
};

mkdirSync('bench/results', { recursive: true });
const out = `bench/results/${result.date.slice(0, 10)}.json`;
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
const q = result.questionPage;
console.table({
  'build: astro (incl. snippet demos)': `${result.buildSeconds.astro} s`,
  'build: pagefind': `${result.buildSeconds.pagefind} s`,
  'pages (questions)': `${result.pages.total} (${result.pages.questions})`,
  'question HTML, median raw / gzip': `${kb(q.htmlRaw.median)} / ${kb(q.htmlGzip.median)}`,
  'question CSS gzip, median': kb(q.cssGzip.median),
  'question JS before interaction, raw / gzip': `${kb(q.jsRaw.median)} / ${kb(q.jsGzip.median)}`,
  'question page total gzip, median / max': `${kb(q.totalGzip.median)} / ${kb(q.totalGzip.max)}`,
  'pagefind index (all files)': kb(result.pagefindIndexBytes),
});
console.log(`written to ${out}`);
