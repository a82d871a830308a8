/**
 * Lighthouse on built sites: its default config (a mobile phone, simulated
 * throttling), on the home page, a question page and the practice page, for
 * ours and the Starlight peer, several runs each, median per figure.
 *
 * Each site is served gzipped, with the headers its `_headers` asks for, as a
 * host would: Lighthouse's simulation times the bytes it sees on the wire.
 * Simulated times still scale with the CPU time the page took on this
 * machine (4x slowdown applied to what it measured), so a busy machine
 * inflates TBT and, less, FCP and LCP: compare figures from one run.
 *
 * Alone: node scripts/bench/lighthouse.ts <our dist> [<peer dist>] [--runs N] [--reports DIR]
 * @see https://github.com/GoogleChrome/lighthouse/blob/main/docs/variability.md
 */
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '../../src/lib/tooling/static-server.ts';
import { launchOptions } from '../../tests/browser.ts';
import type { Metric } from './report.ts';
import { comparisonRows } from './report.ts';
import { median } from './stats.ts';

/** The pages measured; the peer has no practice page (Starlight has no such feature), so practice is ours alone. */
export const LIGHTHOUSE_PAGES = [
  { name: 'home', path: '/', peer: true },
  { name: 'question', path: '/questions/idempotency/', peer: true },
  { name: 'practice', path: '/practice/', peer: false },
] as const;
export type PageName = (typeof LIGHTHOUSE_PAGES)[number]['name'];

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const AUDITS = {
  fcpMs: 'first-contentful-paint',
  lcpMs: 'largest-contentful-paint',
  tbtMs: 'total-blocking-time',
  cls: 'cumulative-layout-shift',
  transferBytes: 'total-byte-weight',
} as const;

/** One page's figures: category scores 0–100, times in ms, CLS unitless, bytes on the wire. */
export type LighthouseFigures = Record<(typeof CATEGORIES)[number] | keyof typeof AUDITS, number>;

/** The slice of a Lighthouse result (LHR) read here. */
export interface LighthouseResult {
  requestedUrl?: string;
  runtimeError?: { code: string; message: string };
  categories: Record<string, { score: number | null } | undefined>;
  audits: Record<string, { numericValue?: number } | undefined>;
}

/** The figures of one Lighthouse run; throws, naming the page and the field, when one is missing. */
export function figuresOf(lhr: LighthouseResult): LighthouseFigures {
  const page = lhr.requestedUrl ?? 'the page';
  if (lhr.runtimeError) throw new Error(`Lighthouse could not measure ${page}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  const scores = CATEGORIES.map((id) => {
    const score = lhr.categories[id]?.score;
    if (typeof score !== 'number') throw new Error(`Lighthouse gave ${page} no "${id}" score (found ${String(score)}); is the default config in use?`);
    return [id, Math.round(score * 100)];
  });
  const audits = Object.entries(AUDITS).map(([key, id]) => {
    const value = lhr.audits[id]?.numericValue;
    if (typeof value !== 'number') throw new Error(`Lighthouse gave ${page} no numericValue for audit "${id}" (found ${String(value)})`);
    return [key, value];
  });
  return Object.fromEntries([...scores, ...audits]) as LighthouseFigures;
}

/** Per figure, the median over runs (Lighthouse's variance guide suggests the median of several). */
export function medianFigures(runs: readonly LighthouseFigures[]): LighthouseFigures {
  const [first] = runs;
  if (!first) throw new Error('medianFigures of no runs; run Lighthouse at least once');
  return Object.fromEntries(Object.keys(first).map((k) => [k, median(runs.map((r) => r[k as keyof LighthouseFigures]))])) as LighthouseFigures;
}

export type SiteFigures = Partial<Record<PageName, LighthouseFigures>>;

/** Bench rows, per page: the four scores (higher is better, so a ratio above 1.0 is ours ahead), then times, CLS and weight. */
export function lighthouseMetrics(ours: SiteFigures, peer: SiteFigures | null): Metric[] {
  return LIGHTHOUSE_PAGES.flatMap(({ name }) => {
    const o = ours[name];
    if (!o) return [];
    const p = peer?.[name] ?? null;
    const row = (label: string, unit: Metric['unit'], key: keyof LighthouseFigures): Metric =>
      ({ name: `Lighthouse ${name}: ${label}`, unit, ours: o[key], peer: p ? p[key] : null });
    return [
      ...CATEGORIES.map((id) => row(id, 'score', id)),
      row('FCP', 'ms', 'fcpMs'),
      row('LCP', 'ms', 'lcpMs'),
      row('TBT', 'ms', 'tbtMs'),
      row('CLS', 'score', 'cls'),
      row('transfer size', 'bytes', 'transferBytes'),
    ];
  });
}

/** The Chromium the tests use, started for Lighthouse (which drives it over a debugging port). */
async function launchChrome() {
  const chromeLauncher = await import('chrome-launcher');
  const options = launchOptions();
  return chromeLauncher.launch({
    chromePath: options.executablePath ?? chromium.executablePath(),
    chromeFlags: ['--headless=new', ...(options.args ?? [])],
  });
}

/**
 * Attempts per page and run. Lighthouse now and then fails to record a
 * load's trace (NO_NAVSTART, "Please run Lighthouse again") on a busy
 * machine; a page that fails every time is a real failure.
 */
const ATTEMPTS = 3;

/** `run`'s value, trying up to `attempts` times; the last error when every attempt throws. */
export async function withRetries<T>(attempts: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.warn(`attempt ${attempt} of ${attempts} failed, trying again: ${(error as Error).message}`);
    }
  }
}

export interface LighthouseOptions {
  runs?: number;
  /** Where to write each run's full report (JSON), for the LCP breakdown and the rest; none when unset. */
  reportsDir?: string;
}

/**
 * Runs Lighthouse `runs` times on each page of our site and, where it has
 * the page, the peer's (the two taking turns to go first), and gives the
 * median figures per page; `starlight` is null without a peer.
 */
export async function measureLighthouse(
  ours: string,
  peer: string | null,
  { runs = 3, reportsDir }: LighthouseOptions = {},
): Promise<{ ours: SiteFigures; starlight: SiteFigures | null }> {
  const sites = [{ name: 'ours', dist: ours }, ...(peer ? [{ name: 'starlight', dist: peer }] : [])];
  const servers = await Promise.all(sites.map(({ dist }) => serve(dist, { compress: true, headers: true })));
  // Loaded here, not at the top: Lighthouse takes seconds to import, and the unit tests of this file need none of it.
  const { default: lighthouse } = await import('lighthouse');
  const chrome = await launchChrome();
  const samples = sites.map(() => new Map<PageName, LighthouseFigures[]>());
  try {
    for (let run = 1; run <= runs; run++) {
      const order = run % 2 ? [...sites.keys()] : [...sites.keys()].reverse();
      for (const page of LIGHTHOUSE_PAGES) {
        for (const i of order.filter((i) => i === 0 || page.peer)) {
          const url = `${servers[i]!.origin}${page.path}`;
          const { report, figures } = await withRetries(ATTEMPTS, async () => {
            const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' });
            if (!result) throw new Error(`Lighthouse returned no result for ${url}`);
            return { report: result.report as string, figures: figuresOf(result.lhr as unknown as LighthouseResult) };
          });
          samples[i]!.set(page.name, [...(samples[i]!.get(page.name) ?? []), figures]);
          if (reportsDir) {
            mkdirSync(reportsDir, { recursive: true });
            writeFileSync(join(reportsDir, `${sites[i]!.name}-${page.name}-${run}.json`), report);
          }
        }
      }
    }
  } finally {
    chrome.kill();
    await Promise.all(servers.map((s) => s.close()));
  }
  const medians = (byPage: Map<PageName, LighthouseFigures[]>): SiteFigures =>
    Object.fromEntries([...byPage].map(([page, figures]) => [page, medianFigures(figures)]));
  return { ours: medians(samples[0]!), starlight: peer ? medians(samples[1]!) : null };
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string', default: '3' }, reports: { type: 'string' } },
  });
  const [ours, peer] = positionals;
  const runs = Number(values.runs);
  if (!ours || !Number.isInteger(runs) || runs < 1) {
    console.error('usage: node scripts/bench/lighthouse.ts <our dist> [<peer dist>] [--runs N (default 3)] [--reports DIR]');
    process.exit(2);
  }
  const figures = await measureLighthouse(ours, peer ?? null, { runs, reportsDir: values.reports });
  console.table(comparisonRows(lighthouseMetrics(figures.ours, figures.starlight)));
}
