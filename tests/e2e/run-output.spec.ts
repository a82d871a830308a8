import type { Locator } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';

// Honest by test: every demo a page offers to run in the browser prints
// there exactly what the build printed with Node, byte for byte. The list
// comes from the built pages (the Run buttons the build wrote). To run them
// back to back, as a reader running one after another would, each batch
// uses one page and so one sandbox: each module's figure is taken from the
// first page that shows it, with the build's output, and its Run button
// pressed there. A module whose output differs belongs in
// src/lib/runnable/browser-exceptions.ts, with the reason.
const DIST = new URL('../../dist/questions/', import.meta.url);

interface Runnable { module: string; chunk: string; path: string; pglite: boolean }

function runnableModules(): Runnable[] {
  const found = new Map<string, Runnable>();
  for (const slug of readdirSync(DIST).sort()) {
    const html = readFileSync(new URL(`${slug}/index.html`, DIST), 'utf8');
    for (const [tag] of html.matchAll(/<button[^>]*data-run="[^"]+"[^>]*>/g)) {
      const chunk = /data-run="([^"]+)"/.exec(tag)![1]!;
      const module = /aria-label="Run (\S+) in your browser"/.exec(tag)![1]!;
      if (!found.has(chunk)) found.set(chunk, { module, chunk, path: `questions/${slug}/`, pglite: tag.includes('data-pglite') });
    }
  }
  return [...found.values()];
}

/**
 * Resolves when the status stops saying Running, or after `ms`, watched in
 * the page. A locator assertion alone backs off to asking every 500 ms,
 * which kept each of these runs waiting a quarter of a second more; asking
 * more often instead costs a round trip to the browser each time.
 */
function runEnd(status: Locator, ms: number): Promise<void> {
  return status.evaluate(
    (node, ms) =>
      new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => check());
        const check = () => {
          if (node.textContent!.includes('Running')) return;
          observer.disconnect();
          resolve();
        };
        observer.observe(node, { childList: true, characterData: true, subtree: true });
        setTimeout(resolve, ms);
        check();
      }),
    ms,
  );
}

const modules = runnableModules();
// Each batch has a page of its own: the two can run on both workers at once.
test.describe.configure({ mode: 'parallel' });

test('the built site offers demos to run in the browser', () => {
  expect(modules.length).toBeGreaterThan(30);
  expect(modules.filter((m) => m.pglite).length).toBeGreaterThan(5);
});

for (const [batch, pglite] of [['without PGlite', false], ['with PGlite', true]] as const) {
  test(`every module ${batch} prints in the browser what it printed in the build`, async ({ page }) => {
    const runs = modules.filter((m) => m.pglite === pglite);
    test.setTimeout(runs.length * (pglite ? 30_000 : 10_000));
    await page.goto(runs[0]!.path);
    for (const { module, chunk, path } of runs) {
      // The module's figure from its own page, with the build's output, put at the end of this one.
      await page.evaluate(async ({ path, chunk }) => {
        const html = await (await fetch(new URL(`../../${path}`, location.href))).text();
        const figure = new DOMParser().parseFromString(html, 'text/html').querySelector(`figure.snippet-output:has(button[data-run="${chunk}"])`)!;
        const copy = document.importNode(figure, true);
        copy.id = `run-${chunk}`;
        document.querySelector('main')!.append(copy);
      }, { path, chunk });
      const figure = page.locator(`[id="run-${chunk}"]`);
      await figure.locator('button[data-run]').click();
      const panel = figure.locator('xpath=following-sibling::section[1]');
      const timeout = pglite ? 30_000 : 10_000;
      await runEnd(panel.locator('.run-status'), timeout);
      await expect(panel.locator('.run-status'), module).not.toHaveText(/Running/, { timeout });
      const [status, ran, built] = await Promise.all([panel.locator('.run-status').textContent(), panel.locator('.run-output code').textContent(), figure.locator('pre code').textContent()]);
      expect.soft({ module, status, ran }).toEqual({ module, status: expect.stringMatching(/^Ran in your browser/), ran: built });
    }
  });
}
