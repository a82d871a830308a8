import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';

// Honest by test: every demo a page offers to run in the browser prints
// there exactly what the build printed with Node, byte for byte. The list
// comes from the built pages (the Run buttons the build wrote), one test per
// module, on the first page that shows it. A module whose output differs
// belongs in src/lib/runnable/browser-exceptions.ts, with the reason.
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

const modules = runnableModules();

test('the built site offers demos to run in the browser', () => {
  expect(modules.length).toBeGreaterThan(30);
});

for (const { module, chunk, path, pglite } of modules) {
  test(`${module} prints in the browser what it printed in the build`, async ({ page }) => {
    if (pglite) test.slow();
    await page.goto(path);
    const button = page.locator(`button[data-run="${chunk}"]`).first();
    const figure = page.locator('figure.snippet-output', { has: button });
    await button.click();
    const panel = figure.locator('xpath=following-sibling::section[1]');
    const status = panel.locator('.run-status');
    await expect(status).not.toHaveText(/Running/, { timeout: pglite ? 60_000 : 10_000 });
    await expect(status).toHaveText(/^Ran in your browser/);
    const built = await figure.locator('pre code').textContent();
    const ran = await panel.locator('.run-output code').textContent();
    expect(ran).toBe(built);
  });
}
