/**
 * What a reader waits for, measured in headless Chromium over loopback:
 * search latency (cold and warm) with the bytes a cold query downloads,
 * and first paint and load of a question page. The same code measures ours
 * and the peer; both serve Pagefind at /pagefind/pagefind.js. The peer's
 * search box runs Pagefind's search; ours runs our query engine over it,
 * which the benchmark calls through the built search module.
 */
import type { Browser, Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Realistic queries, fixed so runs compare. */
export const QUERIES = [
  'idempotency',
  'etag',
  'password hashing',
  'cursor pagination',
  'webhook signature',
  'status code',
  'put patch',
  'graphql',
  'retry',
  'json',
  'openapi',
  '500',
];
const WARM_UP = 'http';
const LOADS = 10;

export interface SearchSamples {
  coldMs: number[];
  warmMs: number[];
  /** Response bytes of everything a cold query requested, per query. */
  coldBytes: number[];
}

export interface PaintSamples {
  firstPaintMs: number[];
  firstContentfulPaintMs: number[];
  loadMs: number[];
}

/**
 * The URL path of our built search module (src/scripts/search.ts), whose
 * `search(term)` runs a query as the dialog does and loads the results'
 * data; throws when the build has none.
 */
export function builtSearchModule(dist: string): string {
  const file = readdirSync(join(dist, '_astro')).find((name) => /^search\.[\w-]+\.js$/.test(name));
  if (!file) throw new Error(`${dist}/_astro/ has no search.*.js: build the site first`);
  return `/_astro/${file}`;
}

/**
 * Runs in the page and times one query. With `module` (ours), imports our
 * search module and runs its search(), which loads Pagefind on first use,
 * runs the query engine and loads the data of the results it shows. Without
 * (the peer), imports Pagefind, searches, then loads the first five
 * results' data, as its results list does. Imports are no-ops once loaded.
 */
async function timedSearch(page: Page, query: string, module?: string): Promise<number> {
  return page.evaluate(
    async ({ query, module }) => {
      const start = performance.now();
      if (module) {
        const ours = await import(module);
        await ours.search(query);
      } else {
        const url = '/pagefind/pagefind.js';
        const pagefind = await import(url);
        const found = await pagefind.search(query);
        await Promise.all(found.results.slice(0, 5).map((r: { data: () => Promise<unknown> }) => r.data()));
      }
      return performance.now() - start;
    },
    { query, module },
  );
}

/** Search latency on `pageUrl`; `module` is our search module's path (builtSearchModule), absent for the peer. */
export async function measureSearch(browser: Browser, pageUrl: string, module?: string): Promise<SearchSamples> {
  const coldMs: number[] = [];
  const coldBytes: number[] = [];
  for (const query of QUERIES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl, { waitUntil: 'load' });
    const sizes: Promise<number>[] = [];
    // A request still finishing as the context closes has no sizes to read; it came after the query anyway.
    page.on('requestfinished', (request) =>
      sizes.push(
        request.sizes().then(
          (s) => s.responseBodySize,
          () => 0,
        ),
      ),
    );
    coldMs.push(await timedSearch(page, query, module));
    coldBytes.push((await Promise.all(sizes)).reduce((a, b) => a + b, 0));
    await context.close();
  }

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl, { waitUntil: 'load' });
  await timedSearch(page, WARM_UP, module);
  const warmMs: number[] = [];
  for (const query of QUERIES) warmMs.push(await timedSearch(page, query, module));
  await context.close();
  return { coldMs, warmMs, coldBytes };
}

/** Whose search box a reader uses: ours (src/scripts/search.ts) or the peer's (Starlight's Pagefind UI). */
export type SearchBox = 'ours' | 'peer';

/** Where a reader opens search and types, per site. */
const SEARCH_BOX = {
  ours: { open: '[data-search-open]', input: '#search-input' },
  peer: { open: 'site-search button[data-open-modal]', input: '.pagefind-ui__search-input' },
} as const;

/** A reader's typing speed: a keystroke every 80 ms. */
const KEY_INTERVAL_MS = 80;

/**
 * Readies `page` to time the next query: from the last keystroke (a keydown
 * listener notes each) to the frame that first shows a result for `query`
 * (a mutation observer checks the box's results after every DOM change; a
 * requestAnimationFrame gives the frame). Ours marks the query its list
 * shows (data-searched); Pagefind's UI shows "N results for <query>" once
 * the results below it are for that query.
 */
async function armProbe(page: Page, box: SearchBox, query: string): Promise<void> {
  await page.evaluate(
    ({ box, query }) => {
      const w = window as unknown as { probe?: { lastKey: number; shownAt: number; stop(): void } };
      w.probe?.stop();
      const shown =
        box === 'ours'
          ? () => {
              const list = document.getElementById('search-results');
              return list?.dataset.searched === query && list.querySelector('a.result') !== null;
            }
          : () =>
              [...document.querySelectorAll('.pagefind-ui__message')].some((m) => m.textContent?.includes(query)) &&
              document.querySelector('.pagefind-ui__result-link') !== null;
      const probe = { lastKey: 0, shownAt: 0, stop: () => {} };
      const onKey = () => {
        probe.lastKey = performance.now();
      };
      const observer = new MutationObserver(() => {
        if (probe.shownAt || !probe.lastKey || !shown()) return;
        probe.shownAt = -1;
        requestAnimationFrame((frame) => {
          probe.shownAt = frame;
        });
      });
      probe.stop = () => {
        observer.disconnect();
        document.removeEventListener('keydown', onKey, true);
      };
      document.addEventListener('keydown', onKey, true);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      w.probe = probe;
    },
    { box, query },
  );
}

/** Types `query` as a reader would and returns the time from its last keystroke to its first result on screen. */
async function typeAndTime(page: Page, box: SearchBox, query: string): Promise<number> {
  await armProbe(page, box, query);
  await page.keyboard.type(query, { delay: KEY_INTERVAL_MS });
  const handle = await page.waitForFunction(
    () => {
      const probe = (window as unknown as { probe: { lastKey: number; shownAt: number } }).probe;
      return probe.shownAt > 0 && probe.shownAt - probe.lastKey;
    },
    undefined,
    { timeout: 10_000 },
  );
  return Number(await handle.jsonValue());
}

/** Opens the search box as a reader does, by its button, and focuses where to type. */
async function openSearch(page: Page, box: SearchBox): Promise<void> {
  await page.locator(SEARCH_BOX[box].open).first().click();
  const input = page.locator(SEARCH_BOX[box].input);
  await input.waitFor({ state: 'visible' });
  await input.focus();
}

export interface ReaderSearchSamples {
  coldMs: number[];
  warmMs: number[];
}

/**
 * Search as a reader sees it, through each site's own search box: open it,
 * type a query at a reader's speed, time the last keystroke to the first
 * result on screen. Cold: a fresh browser context per query, the page just
 * loaded; warm: one page, the box cleared between queries.
 */
export async function measureReaderSearch(browser: Browser, pageUrl: string, box: SearchBox): Promise<ReaderSearchSamples> {
  const coldMs: number[] = [];
  for (const query of QUERIES) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl, { waitUntil: 'load' });
    await openSearch(page, box);
    coldMs.push(await typeAndTime(page, box, query));
    await context.close();
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl, { waitUntil: 'load' });
  await openSearch(page, box);
  await typeAndTime(page, box, WARM_UP);
  const warmMs: number[] = [];
  for (const query of QUERIES) {
    await page.locator(SEARCH_BOX[box].input).fill('');
    warmMs.push(await typeAndTime(page, box, query));
  }
  await context.close();
  return { coldMs, warmMs };
}

/**
 * A network link for Chromium to emulate. Over bare loopback the whole page
 * arrives at once, so first paint measures only how long the browser takes
 * to lay out the full document; over a link, HTML arrives in pieces and is
 * painted as it comes, as a reader sees it. Files are served uncompressed.
 */
export interface Link {
  latencyMs: number;
  downloadMbps: number;
  uploadMbps: number;
}

/** A good mobile connection: 40 ms of added latency, 9 Mbit/s down, 1.5 up. */
export const MOBILE_LINK: Link = { latencyMs: 40, downloadMbps: 9, uploadMbps: 1.5 };

async function emulate(page: Page, link: Link): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: link.latencyMs,
    downloadThroughput: (link.downloadMbps * 1_000_000) / 8,
    uploadThroughput: (link.uploadMbps * 1_000_000) / 8,
  });
}

/** First paint and load of `pageUrl`, each load in a fresh context; over `link` when given, else bare loopback. */
export async function measurePaint(browser: Browser, pageUrl: string, link?: Link): Promise<PaintSamples> {
  const samples: PaintSamples = { firstPaintMs: [], firstContentfulPaintMs: [], loadMs: [] };
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (link) await emulate(page, link);
    await page.goto(pageUrl, { waitUntil: 'load' });
    // Paint entries arrive when the frame is presented, and loadEventEnd once
    // load handlers return: both can come just after the load event.
    await page.waitForFunction(
      () =>
        performance.getEntriesByType('paint').length >= 2 &&
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd,
    );
    const timing = await page.evaluate(() => {
      const paint = (name: string) => performance.getEntriesByName(name, 'paint')[0]?.startTime ?? Number.NaN;
      const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      return { fp: paint('first-paint'), fcp: paint('first-contentful-paint'), load: nav?.loadEventEnd ?? Number.NaN };
    });
    samples.firstPaintMs.push(timing.fp);
    samples.firstContentfulPaintMs.push(timing.fcp);
    samples.loadMs.push(timing.load);
    await context.close();
  }
  for (const [name, values] of Object.entries(samples)) {
    if (values.some((v: number) => Number.isNaN(v)))
      throw new Error(`${pageUrl}: Chromium reported no ${name}; is the page blank?`);
  }
  return samples;
}
