import type { Page } from '@playwright/test';
import type { AxeResults, ElementContext, RunOptions } from 'axe-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DIFFICULTIES } from '../../src/lib/content/difficulty.ts';
import { bookPath } from '../../src/lib/site/links.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What to check: rules by tag or by id (axe's default set without either), within an optional part of the page. */
export interface AxeScope {
  tags?: string[];
  rules?: string[];
  /** A CSS selector: check only inside it. */
  include?: string;
  /** A CSS selector: leave it out. */
  exclude?: string;
  /**
   * A CSS selector: take it out of the page before checking. Where most of
   * a page repeats what is checked elsewhere, axe's own exclusion still
   * walks and measures every node; removing them does not.
   */
  remove?: string;
}

const BOOK_PARTS = new Set(DIFFICULTIES.map((d) => bookPath(d)));

/**
 * The book's parts repeat every answer, and each answer is checked on its
 * own page; in a part, axe checks the part's own frame, its contents and
 * the first answer (the book's markup around an answer), so the check does
 * not grow with the handbook. The book's own tests check its ids and links.
 */
export const bookScope = (path: string): AxeScope => (BOOK_PARTS.has(path) ? { remove: '.book-answer:not(:first-of-type)' } : {});

export type AxeFindings = Pick<AxeResults, 'violations' | 'passes'>;

/**
 * Runs axe-core inside the page, as one call. @axe-core/playwright's
 * analyze() opens a blank page on every call to merge the results of
 * frames, which took three quarters of each page's check; the site has
 * no frames, so a run in the page checks exactly the same nodes. A page
 * that does have one is refused rather than checked in part.
 */
export async function runAxe(page: Page, scope: AxeScope): Promise<AxeFindings> {
  if (await page.locator('iframe, frame').count()) {
    throw new Error(`runAxe checks the top document only, and ${page.url()} has a frame: use @axe-core/playwright's AxeBuilder there.`);
  }
  if (scope.remove) {
    // A second run on the same page (the dark theme after the light) finds them gone already.
    const removed = await page.evaluate((selector) => {
      const done = ((window as { axeRemoved?: Set<string> }).axeRemoved ??= new Set());
      if (done.has(selector)) return true;
      const nodes = document.querySelectorAll(selector);
      nodes.forEach((node) => node.remove());
      done.add(selector);
      return nodes.length > 0;
    }, scope.remove);
    if (!removed) throw new Error(`runAxe was asked to remove "${scope.remove}" from ${page.url()}, and nothing matched.`);
  }
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const context: { include?: string[]; exclude?: string[] } = {};
  if (scope.include) context.include = [scope.include];
  if (scope.exclude) context.exclude = [scope.exclude];
  // Passing nodes are not needed, only which rules found something to pass.
  const options: RunOptions = { resultTypes: ['violations'] };
  if (scope.rules) options.runOnly = { type: 'rule', values: scope.rules };
  else if (scope.tags) options.runOnly = { type: 'tag', values: scope.tags };
  return page.evaluate(
    async ([context, options]) => {
      const where = (Object.keys(context).length ? context : document) as ElementContext;
      const { violations, passes } = await window.axe.run(where, options as RunOptions);
      return { violations, passes };
    },
    [context, options] as const,
  );
}

declare global {
  interface Window {
    axe: typeof import('axe-core');
  }
}

/**
 * Axe's violations in `main` on a page whose runner has run, as one line
 * each. The page keeps the runner's sandboxed iframe for its next run:
 * hidden, holding only a script in an opaque origin that axe cannot enter.
 * It is checked hidden, then taken out so axe checks the page itself.
 */
export async function violationsAfterRun(page: Page): Promise<string[]> {
  const runner = page.locator('iframe[title="Code runner"]');
  if (!(await runner.isHidden())) throw new Error('the runner iframe is visible: it must stay hidden');
  await runner.evaluate((frame) => frame.remove());
  const { violations } = await runAxe(page, { include: 'main' });
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
