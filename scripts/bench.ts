// Builds the site from clean, and the same answers as a stock Starlight site,
// then reports build time, memory, page weight, search timings and search
// relevance, paint timings and Lighthouse for both, with ours ÷ Starlight per
// figure: a table, and JSON in bench/results/.
// Not part of `npm test`: times vary with the machine.
// Usage: npm run bench [-- --keep]   (--keep leaves the Starlight site in bench/tmp/)
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { defaultDemoCache } from '../src/lib/demos/demo-output.ts';
import { demoCacheKey, readCachedDemo } from '../src/lib/demos/demo-cache.ts';
import { launchOptions } from '../tests/browser.ts';
import {
  builtSearchModule,
  MOBILE_LINK,
  measurePaint,
  measureReaderSearch,
  measureSearch,
  type PaintSamples,
  type ReaderSearchSamples,
  type SearchSamples,
} from './bench/browser-timing.ts';
import { demoPhase } from './bench/demo-phase.ts';
import { type Measured, measure } from './bench/process-tree.ts';
import { emptyTrash, setAside } from './bench/set-aside.ts';
import { ASTRO_BIN, BUILD_ARGS, buildEnv } from './build.ts';
import { comparisonRows, type Metric, ratios } from './bench/report.ts';
import { LIGHTHOUSE_PAGES, lighthouseMetrics, measureLighthouse } from './bench/lighthouse.ts';
import { measureRelevance } from './bench/search-relevance.ts';
import { measureRun, type RunSamples, runnableDemo } from './bench/run-latency.ts';
import { weighSite } from './bench/site-weight.ts';
import { writeStarlightSite } from './bench/starlight-site.ts';
import { cardCacheDir } from '../src/lib/share/social-render.ts';
import { codeHighlightCacheDir } from '../src/lib/markdown/code-highlight-plugin.ts';
import { diagramCacheDir } from '../src/lib/diagrams/diagram-plugin.ts';
import { epubCacheDir } from '../src/lib/epub/epub-integration.ts';
import { runCacheDir } from '../src/lib/runnable/run-manifest.ts';
import { serve } from '../src/lib/tooling/static-server.ts';
import { concatSamples, latency, median, pairedRatios } from './bench/stats.ts';

const root = process.cwd();
const keep = process.argv.includes('--keep');
// The peer builds the stock way, `astro build` with Node's defaults (its Pagefind step is inside).
const stockAstroBuild = [ASTRO_BIN, 'build'];
/** The page timed in the browser: one typical answer, the same on both sites. */
const PAGE = '/questions/idempotency/';
const demoCache =
  defaultDemoCache(root) ??
  (() => {
    throw new Error('unset DEMO_CACHE=off: the benchmark measures the build with its demo cache, cold and warm');
  })();

/**
 * Build output a fresh clone lacks: Astro's own caches, and ours for demo
 * output, compiled demo code, share cards, demos' browser bundles,
 * highlighted code, diagrams and the EPUB. The empty PostgreSQL cluster the
 * database demos start from (.cache/pglite-*) stays: like node_modules, it
 * is made once per installed version, and the unit tests make it first.
 */
const buildState = (dir: string) => [join(dir, 'dist'), join(dir, '.astro'), join(dir, 'node_modules/.astro')];
/** Where cleared build state waits until the run ends (set-aside.ts says why). */
const trash = join(root, 'bench/tmp/set-aside');
const clear = (paths: string[]) => setAside(paths, trash);
// Emptied at the very end, so the deletion taxes none of the timings either; Ctrl-C ends the run the same way.
process.on('exit', () => emptyTrash(trash));
process.once('SIGINT', () => process.exit(130));

/**
 * Our build (the demos and Pagefind inside it); cold clears every cache
 * first, warm keeps the demo output. Timed, or with its memory sampled
 * (process-tree.ts says why not both at once).
 */
async function buildOurs(cold: boolean, sampleMemory: boolean) {
  clear(buildState(root));
  if (cold) {
    clear([demoCache.dir, cardCacheDir(root), runCacheDir(root)]);
    clear([codeHighlightCacheDir(root), diagramCacheDir(root), epubCacheDir(root)]);
  }
  const timings = join(root, 'bench/tmp/demo-timings.jsonl');
  mkdirSync(join(root, 'bench/tmp'), { recursive: true });
  rmSync(timings, { force: true });
  const env = buildEnv({ ...process.env, DEMO_TIMINGS_FILE: timings, BASE_PATH: '/' });
  const run = await measure(process.execPath, [...BUILD_ARGS], { cwd: root, env, sampleMemory });
  const demos = demoPhase(existsSync(timings) ? readFileSync(timings, 'utf8') : '', root);
  return { totalSeconds: run.seconds, ...peakOf(run), demos };
}
type OurBuild = Awaited<ReturnType<typeof buildOurs>>;

/** The peer's build from clean, the stock way (its Pagefind step is inside); timed, or sampled. */
async function buildPeer(dir: string, sampleMemory: boolean) {
  clear(buildState(dir));
  const run = await measure(process.execPath, stockAstroBuild, { cwd: dir, sampleMemory });
  return { totalSeconds: run.seconds, ...peakOf(run) };
}

/** A build's peak memory, NaN where it was not sampled. */
const peakOf = ({ peak }: Measured) => ({ peakRssBytes: peak?.rssBytes ?? Number.NaN, peakPssBytes: peak?.pssBytes ?? Number.NaN });

/** Per figure, the median over rounds. */
function medianOf<T, K extends keyof T & string>(runs: readonly T[], keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, median(runs.map((run) => Number(run[key])))])) as Record<K, number>;
}

/** Timings on a built site; `searchModule` is our search module (ours only, see measureSearch). */
async function inBrowser(dist: string, searchModule?: string) {
  const server = await serve(dist);
  const browser = await chromium.launch(launchOptions());
  try {
    const url = `${server.origin}${PAGE}`;
    return {
      search: await measureSearch(browser, url, searchModule),
      readerSearch: await measureReaderSearch(browser, url, searchModule ? 'ours' : 'peer'),
      paint: await measurePaint(browser, url),
      paintOverLink: await measurePaint(browser, url, MOBILE_LINK),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Run in the page on our site: a demo without PGlite and one with it (run-latency.ts). */
async function runInPage(dist: string) {
  const server = await serve(dist, { compress: true, headers: true });
  const browser = await chromium.launch(launchOptions());
  try {
    const press = (pglite: boolean) => {
      const demo = runnableDemo(dist, pglite);
      return measureRun(browser, `${server.origin}/${demo.path}`, demo.module);
    };
    return { withoutPglite: await press(false), withPglite: await press(true) };
  } finally {
    await browser.close();
    await server.close();
  }
}
const summarizeRun = (run: RunSamples) => ({ module: run.module, firstMs: latency(run.firstMs), againMs: latency(run.againMs), firstBytes: median(run.firstBytes) });

const summarizePaint = (paint: PaintSamples) => ({
  firstPaintMs: median(paint.firstPaintMs),
  firstContentfulPaintMs: median(paint.firstContentfulPaintMs),
  loadMs: median(paint.loadMs),
});
const summarizeBrowser = ({
  search,
  readerSearch,
  paint,
  paintOverLink,
}: {
  search: SearchSamples;
  readerSearch: ReaderSearchSamples;
  paint: PaintSamples;
  paintOverLink: PaintSamples;
}) => ({
  search: { coldMs: latency(search.coldMs), warmMs: latency(search.warmMs), coldQueryBytes: median(search.coldBytes) },
  readerSearch: { coldMs: latency(readerSearch.coldMs), warmMs: latency(readerSearch.warmMs) },
  paint: summarizePaint(paint),
  paintOverLink: summarizePaint(paintOverLink),
});

// Build times on this 2-core machine swing by a second or two from one
// minute to the next, so builds run in rounds, ours and the peer's
// interleaved, and the table gives medians: a slow moment hits both.
// Each round times the three builds, then builds them again with their
// memory sampled: sampling taxes a build that keeps both cores busy.
const ROUNDS = 3;
const coldRuns: OurBuild[] = [];
const warmRuns: OurBuild[] = [];
const peerRuns: Awaited<ReturnType<typeof buildPeer>>[] = [];
const sampled = { cold: [] as OurBuild[], warm: [] as OurBuild[], peer: [] as Awaited<ReturnType<typeof buildPeer>>[] };
let peerSite: ReturnType<typeof writeStarlightSite> | undefined;
for (let i = 1; i <= ROUNDS; i++) {
  console.log(
    `build round ${i}/${ROUNDS}: ours cold (every cache cleared, every snippet runs), the Starlight peer, ours warm (demo output cached); timed, then again with memory sampled`,
  );
  coldRuns.push(await buildOurs(true, false));
  // The peer shows the demo output our cold build just made.
  peerSite ??= writeStarlightSite(root, (file) => readCachedDemo(demoCache, demoCacheKey(file, demoCache)));
  peerRuns.push(await buildPeer(peerSite.dir, false));
  warmRuns.push(await buildOurs(false, false));
  sampled.cold.push(await buildOurs(true, true));
  sampled.peer.push(await buildPeer(peerSite.dir, true));
  sampled.warm.push(await buildOurs(false, true));
}
if (!peerSite) throw new Error(`ROUNDS is ${ROUNDS}; the benchmark needs at least one build round`);
const memory = ['peakRssBytes', 'peakPssBytes'] as const;
const cold = { totalSeconds: median(coldRuns.map((run) => run.totalSeconds)), ...medianOf(sampled.cold, memory) };
const warm = { totalSeconds: median(warmRuns.map((run) => run.totalSeconds)), ...medianOf(sampled.warm, memory) };
const peerRun = { totalSeconds: median(peerRuns.map((run) => run.totalSeconds)), ...medianOf(sampled.peer, memory) };
const sampledSeconds = { ours: median(sampled.cold.map((run) => run.totalSeconds)), peer: median(sampled.peer.map((run) => run.totalSeconds)) };
// The table's cold ratio divides medians; this one, the median of each round's own ratio, pairs builds a minute apart.
const coldRatioPerRound = pairedRatios(coldRuns.map((run) => run.totalSeconds), peerRuns.map((run) => run.totalSeconds));
const demoWall = median(coldRuns.map((run) => run.demos.wallSeconds));
const demoSum = median(coldRuns.map((run) => run.demos.sumSeconds));

// Browser timings alternate between the two sites in rounds too, which go
// first in turn, and each figure is taken over the samples of every round:
// first paint over loopback swings by a fifth between runs of 25 loads.
type BrowserSamples = Awaited<ReturnType<typeof inBrowser>>;
const pooled = (rounds: BrowserSamples[]): BrowserSamples => ({
  search: concatSamples(rounds.map((r) => r.search)),
  readerSearch: concatSamples(rounds.map((r) => r.readerSearch)),
  paint: concatSamples(rounds.map((r) => r.paint)),
  paintOverLink: concatSamples(rounds.map((r) => r.paintOverLink)),
});
const BROWSER_ROUNDS = 4;
const oursSamples: BrowserSamples[] = [];
const peerSamples: BrowserSamples[] = [];
for (let i = 1; i <= BROWSER_ROUNDS; i++) {
  const oursFirst = i % 2 === 1;
  console.log(
    `browser round ${i}/${BROWSER_ROUNDS}: search, first paint and load, ${oursFirst ? 'ours then the peer' : 'the peer then ours'}`,
  );
  const measureOurs = async () =>
    oursSamples.push(await inBrowser(join(root, 'dist'), builtSearchModule(join(root, 'dist'))));
  const measurePeer = async () => peerSamples.push(await inBrowser(join(peerSite.dir, 'dist')));
  for (const run of oursFirst ? [measureOurs, measurePeer] : [measurePeer, measureOurs]) await run();
}
const ours = weighSite(join(root, 'dist'));
const oursBrowser = summarizeBrowser(pooled(oursSamples));
const peer = weighSite(join(peerSite.dir, 'dist'));
const peerBrowser = summarizeBrowser(pooled(peerSamples));
console.log('search relevance: the query set on both indexes');
const relevance = await measureRelevance(root, join(root, 'dist'), join(peerSite.dir, 'dist'));
console.log('Run in the page: a demo without PGlite and one with it, pressed on a new page and again');
const runRaw = await runInPage(join(root, 'dist'));
const run = { withoutPglite: summarizeRun(runRaw.withoutPglite), withPglite: summarizeRun(runRaw.withPglite) };
const LIGHTHOUSE_RUNS = 3;
console.log(`Lighthouse (mobile, simulated throttling): ${LIGHTHOUSE_PAGES.map((p) => p.path).join(', ')}, ${LIGHTHOUSE_RUNS} runs each`);
const lighthouse = await measureLighthouse(join(root, 'dist'), join(peerSite.dir, 'dist'), { runs: LIGHTHOUSE_RUNS });
if (keep) console.log(`kept the Starlight site in ${relative(root, peerSite.dir)}`);
else rmSync(peerSite.dir, { recursive: true, force: true });

const q = ours.questionPage;
const p = peer.questionPage;
const metrics: Metric[] = [
  { name: 'build, cold (every snippet runs), median', unit: 's', ours: cold.totalSeconds, peer: peerRun.totalSeconds },
  { name: 'build, cold: ours ÷ Starlight within each round, median', unit: 'score', ours: median(coldRatioPerRound), peer: null },
  { name: 'build, warm (demo cache), median', unit: 's', ours: warm.totalSeconds, peer: peerRun.totalSeconds },
  { name: 'build, cold, while memory is sampled, median', unit: 's', ours: sampledSeconds.ours, peer: sampledSeconds.peer },
  { name: 'build: snippet demos, wall', unit: 's', ours: demoWall, peer: null },
  { name: 'build: snippet demos, sum', unit: 's', ours: demoSum, peer: null },
  // PSS: memory the build's processes hold, shared pages charged once (see process-tree.ts).
  { name: 'peak memory, cold (PSS, sampled)', unit: 'bytes', ours: cold.peakPssBytes, peer: peerRun.peakPssBytes },
  { name: 'peak memory, warm (PSS, sampled)', unit: 'bytes', ours: warm.peakPssBytes, peer: peerRun.peakPssBytes },
  { name: 'peak memory, cold (RSS summed)', unit: 'bytes', ours: cold.peakRssBytes, peer: peerRun.peakRssBytes },
  { name: 'pages', unit: 'count', ours: ours.pages, peer: peer.pages },
  { name: 'question HTML raw, median', unit: 'bytes', ours: q.htmlRaw.median, peer: p.htmlRaw.median },
  { name: 'question HTML gzip, median', unit: 'bytes', ours: q.htmlGzip.median, peer: p.htmlGzip.median },
  { name: 'question HTML brotli, median', unit: 'bytes', ours: q.htmlBrotli.median, peer: p.htmlBrotli.median },
  { name: 'question HTML gzip, max', unit: 'bytes', ours: q.htmlGzip.max, peer: p.htmlGzip.max },
  { name: 'question CSS gzip, median', unit: 'bytes', ours: q.cssGzip.median, peer: p.cssGzip.median },
  { name: 'question CSS brotli, median', unit: 'bytes', ours: q.cssBrotli.median, peer: p.cssBrotli.median },
  { name: 'question JS before interaction, raw', unit: 'bytes', ours: q.jsRaw.median, peer: p.jsRaw.median },
  { name: 'question JS before interaction, gzip', unit: 'bytes', ours: q.jsGzip.median, peer: p.jsGzip.median },
  { name: 'question JS before interaction, brotli', unit: 'bytes', ours: q.jsBrotli.median, peer: p.jsBrotli.median },
  { name: 'question page total gzip, median', unit: 'bytes', ours: q.totalGzip.median, peer: p.totalGzip.median },
  { name: 'question page total gzip, max', unit: 'bytes', ours: q.totalGzip.max, peer: p.totalGzip.max },
  { name: 'pagefind index (all files)', unit: 'bytes', ours: ours.pagefindIndexBytes, peer: peer.pagefindIndexBytes },
  {
    name: 'bytes a cold query downloads, median',
    unit: 'bytes',
    ours: oursBrowser.search.coldQueryBytes,
    peer: peerBrowser.search.coldQueryBytes,
  },
  {
    name: 'search cold, median',
    unit: 'ms',
    ours: oursBrowser.search.coldMs.median,
    peer: peerBrowser.search.coldMs.median,
  },
  { name: 'search cold, p95', unit: 'ms', ours: oursBrowser.search.coldMs.p95, peer: peerBrowser.search.coldMs.p95 },
  {
    name: 'search warm, median',
    unit: 'ms',
    ours: oursBrowser.search.warmMs.median,
    peer: peerBrowser.search.warmMs.median,
  },
  { name: 'search warm, p95', unit: 'ms', ours: oursBrowser.search.warmMs.p95, peer: peerBrowser.search.warmMs.p95 },
  {
    name: 'search as a reader sees it, cold page, median',
    unit: 'ms',
    ours: oursBrowser.readerSearch.coldMs.median,
    peer: peerBrowser.readerSearch.coldMs.median,
  },
  {
    name: 'search as a reader sees it, cold page, p95',
    unit: 'ms',
    ours: oursBrowser.readerSearch.coldMs.p95,
    peer: peerBrowser.readerSearch.coldMs.p95,
  },
  {
    name: 'search as a reader sees it, warm, median',
    unit: 'ms',
    ours: oursBrowser.readerSearch.warmMs.median,
    peer: peerBrowser.readerSearch.warmMs.median,
  },
  {
    name: 'search as a reader sees it, warm, p95',
    unit: 'ms',
    ours: oursBrowser.readerSearch.warmMs.p95,
    peer: peerBrowser.readerSearch.warmMs.p95,
  },
  {
    name: 'search: answer first (top-1), query set',
    unit: '%',
    ours: relevance.ours.top1Percent,
    peer: relevance.peer.top1Percent,
  },
  {
    name: 'search: answer in first three (top-3)',
    unit: '%',
    ours: relevance.ours.top3Percent,
    peer: relevance.peer.top3Percent,
  },
  { name: 'search: queries finding nothing', unit: 'count', ours: relevance.ours.empty, peer: relevance.peer.empty },
  {
    name: 'first paint, median',
    unit: 'ms',
    ours: oursBrowser.paint.firstPaintMs,
    peer: peerBrowser.paint.firstPaintMs,
  },
  {
    name: 'first contentful paint, median',
    unit: 'ms',
    ours: oursBrowser.paint.firstContentfulPaintMs,
    peer: peerBrowser.paint.firstContentfulPaintMs,
  },
  { name: 'load, median', unit: 'ms', ours: oursBrowser.paint.loadMs, peer: peerBrowser.paint.loadMs },
  {
    name: 'first paint over a mobile link, median',
    unit: 'ms',
    ours: oursBrowser.paintOverLink.firstPaintMs,
    peer: peerBrowser.paintOverLink.firstPaintMs,
  },
  {
    name: 'load over a mobile link, median',
    unit: 'ms',
    ours: oursBrowser.paintOverLink.loadMs,
    peer: peerBrowser.paintOverLink.loadMs,
  },
  ...lighthouseMetrics(lighthouse.ours, lighthouse.starlight),
  ...(['withoutPglite', 'withPglite'] as const).flatMap((kind): Metric[] => {
    const label = kind === 'withPglite' ? 'Run with PGlite' : 'Run without PGlite';
    return [
      { name: `${label}: press to output, new page, median`, unit: 'ms', ours: run[kind].firstMs.median, peer: null },
      { name: `${label}: press to output, again, median`, unit: 'ms', ours: run[kind].againMs.median, peer: null },
      { name: `${label}: bytes the first press downloads`, unit: 'bytes', ours: run[kind].firstBytes, peer: null },
    ];
  }),
];

console.log('results');
const round = (n: number) => Math.round(n * 100) / 100;
const date = new Date().toISOString();
const result = {
  date,
  node: process.version,
  cpus: availableParallelism(),
  notes: [
    'ratios are ours ÷ Starlight, measured in the same run; below 1.0 means ours is smaller or faster',
    'build times from builds run without memory sampling; in each round the same builds run again with it, for the peak memory figures and the "while memory is sampled" row',
    "peak memory of the build's process tree, sampled from /proc every 250 ms: PSS (shared pages charged once) and RSS summed per process (shared pages counted in each)",
    `browser timings: headless Chromium over loopback on ${PAGE}; search over a fixed list of queries, cold = new context per query; ours through our query engine and the data of the results it shows, the peer through Pagefind and the data of its first five`,
    'search as a reader sees it: each site\'s own search box opened by its button, the query typed at a key every 80 ms, timed from the last keystroke to the frame that first shows a result for the whole query; cold = the page just loaded in a new context, warm = one page, the box cleared between queries',
    `search relevance: the ${relevance.queries} queries of tests/search/queries.json, counted where the answer has a page (${relevance.ours.counted}); ours through our query engine, the peer through Pagefind with stock Starlight's ranking, a result that is not an answer counting as a miss; higher is better, so a ratio above 1.0 is ours ahead`,
    `Lighthouse: its default config (mobile, simulated throttling), median of ${LIGHTHOUSE_RUNS} runs per figure, each site served gzipped with its _headers; scores 0-100, higher is better (a ratio above 1.0 is ours ahead); Starlight has no practice page, so practice is ours alone`,
    `Run in the page: headless Chromium over loopback, the site served gzipped with its _headers; from the press to the output showing, on a page just loaded in a new context and pressed again on it; bytes are response bodies as sent after the press; ${run.withoutPglite.module} and ${run.withPglite.module}`,
    `"over a mobile link": Chromium's network emulation, ${MOBILE_LINK.latencyMs} ms added latency, ${MOBILE_LINK.downloadMbps} Mbit/s down, ${MOBILE_LINK.uploadMbps} up; files served uncompressed`,
  ],
  // The fields before `starlight` keep the shape of earlier results.
  pages: { total: ours.pages, questions: ours.questionPages },
  // Build figures are medians over the rounds; `rounds` keeps every run.
  // Since 2026-12-02 Pagefind runs inside the astro build: `astro` is the
  // whole build and `pagefind` is null.
  buildSeconds: {
    astro: round(cold.totalSeconds),
    pagefind: null,
    total: round(cold.totalSeconds),
    demos: { ...coldRuns.at(-1)!.demos, wallSeconds: demoWall, sumSeconds: demoSum },
    warm: {
      astro: round(warm.totalSeconds),
      pagefind: null,
      total: round(warm.totalSeconds),
      demosRun: warmRuns.at(-1)!.demos.runs,
    },
  },
  peakRssBytes: { cold: cold.peakRssBytes, warm: warm.peakRssBytes },
  peakPssBytes: { cold: cold.peakPssBytes, warm: warm.peakPssBytes },
  rounds: {
    coldSeconds: coldRuns.map((run) => round(run.totalSeconds)),
    warmSeconds: warmRuns.map((run) => round(run.totalSeconds)),
    starlightSeconds: peerRuns.map((run) => round(run.totalSeconds)),
    coldRatios: coldRatioPerRound.map(round),
    // The builds whose memory was sampled, timed too.
    sampledColdSeconds: sampled.cold.map((run) => round(run.totalSeconds)),
    sampledWarmSeconds: sampled.warm.map((run) => round(run.totalSeconds)),
    sampledStarlightSeconds: sampled.peer.map((run) => round(run.totalSeconds)),
  },
  questionPage: q,
  pagefindIndexBytes: ours.pagefindIndexBytes,
  browser: oursBrowser,
  searchRelevance: relevance.ours,
  lighthouse: lighthouse.ours,
  runInPage: run,
  starlight: {
    pages: { total: peer.pages, questions: peer.questionPages },
    buildSeconds: { total: round(peerRun.totalSeconds) },
    peakRssBytes: peerRun.peakRssBytes,
    peakPssBytes: peerRun.peakPssBytes,
    questionPage: p,
    pagefindIndexBytes: peer.pagefindIndexBytes,
    browser: peerBrowser,
    searchRelevance: relevance.peer,
    lighthouse: lighthouse.starlight,
    demoOutputsNotShown: peerSite.missingOutputs,
  },
  ratios: ratios(metrics),
};

console.table(comparisonRows(metrics));
mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = `bench/results/${date.slice(0, 10)}.json`;
writeFileSync(join(root, out), `${JSON.stringify(result, null, 2)}\n`);
console.log(`written to ${out}`);
