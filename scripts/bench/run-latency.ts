/**
 * What a reader waits for after pressing Run, measured in headless Chromium
 * over loopback on the built site (served gzipped, as a host serves it):
 * for a demo without PGlite and one with it, the time from the press to
 * the output showing, on a page just loaded in a new context (first) and
 * pressed again on the same page (again), and the bytes the first press
 * downloads (response bodies as sent, so gzipped where the server
 * compresses them).
 */
import type { Browser } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PRESSES = 5;

export interface RunSamples {
  /** The module and the page it was pressed on. */
  module: string;
  firstMs: number[];
  againMs: number[];
  firstBytes: number[];
}

/** The first page (by path) with a Run button with or without PGlite, and that button's module. */
export function runnableDemo(dist: string, pglite: boolean): { path: string; module: string } {
  for (const slug of readdirSync(join(dist, 'questions')).sort()) {
    const html = readFileSync(join(dist, 'questions', slug, 'index.html'), 'utf8');
    for (const [tag] of html.matchAll(/<button[^>]*data-run="[^"]+"[^>]*>/g)) {
      if (tag.includes('data-pglite') !== pglite) continue;
      return { path: `questions/${slug}/`, module: /aria-label="Run (\S+) in your browser"/.exec(tag)![1]! };
    }
  }
  throw new Error(`no question page in ${dist} has a Run button ${pglite ? 'with' : 'without'} PGlite`);
}

/** Presses Run on `module`'s button at `pageUrl` PRESSES times, each in a new context, twice each. */
export async function measureRun(browser: Browser, pageUrl: string, module: string): Promise<RunSamples> {
  const samples: RunSamples = { module, firstMs: [], againMs: [], firstBytes: [] };
  for (let i = 0; i < PRESSES; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageUrl, { waitUntil: 'networkidle' });
    const sizes: Promise<number>[] = [];
    context.on('requestfinished', (request) => sizes.push(request.sizes().then((s) => s.responseBodySize)));
    const figure = page.locator(`figure.snippet-output:has(button[aria-label="Run ${module} in your browser"])`).first();
    const status = figure.locator('xpath=following-sibling::section[1]').locator('.run-status');
    for (const times of [samples.firstMs, samples.againMs]) {
      if (times === samples.againMs) await status.evaluate((node) => (node.textContent = ''));
      const started = Date.now();
      await figure.locator('button[data-run]').click();
      await status.filter({ hasText: /^Ran in your browser/ }).waitFor({ timeout: 60_000 });
      times.push(Date.now() - started);
      if (times === samples.firstMs) samples.firstBytes.push((await Promise.all(sizes)).reduce((sum, size) => sum + size, 0));
    }
    await context.close();
  }
  return samples;
}
