import type { Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, readOnly as test } from './fixtures.ts';

// Edit and run, through the plumbing the editor uses: run(button, source)
// from the page's own runner script, with the module's source read from the
// file its button's data-source names. The reader's edit is compiled in the
// page and runs in the same sandbox, with what the original module imports.
const PAGE = 'questions/rate-limiting/';
const DIST = new URL('../../dist/', import.meta.url);
const RUN_SCRIPT = readdirSync(new URL('_astro/', DIST)).find((name) => /^run\.[\w-]+\.js$/.test(name))!;

/** Runs `module` (the first runnable one on PAGE) with `edit` applied to its source; the built output, the run's and its status. */
async function runEdited(page: Page, edit: (source: string) => string, module?: string) {
  await page.goto(PAGE);
  const named = module ? `[aria-label*="${module}"]` : '';
  const figure = page.locator(`figure.snippet-output:has(button[data-run]${named})`).first();
  const button = figure.locator('button[data-run]');
  const source = readFileSync(new URL(`_run/${await button.getAttribute('data-source')}`, DIST), 'utf8');
  await button.evaluate(async (button, { script, edited }) => {
    const runner = (await import(new URL(`../../_astro/${script}`, location.href).href)) as { run(b: Element, s?: string): Promise<void> };
    await runner.run(button, edited);
  }, { script: RUN_SCRIPT, edited: edit(source) });
  const panel = figure.locator('xpath=following-sibling::section[1]');
  return {
    built: (await figure.locator('pre code').textContent())!,
    ran: (await panel.locator('.run-output code').textContent())!,
    status: panel.locator('.run-status'),
  };
}

test('an edited module runs, and its output changes with the edit', async ({ page }) => {
  const { built, ran, status } = await runEdited(page, (source) => `console.log('edited first');\n${source}`);
  await expect(status).toHaveText(/^Ran in your browser/);
  expect(ran).toBe(`edited first\n${built}`);
});

test('a syntax error is reported with its line and column, and nothing runs', async ({ page }) => {
  let line = 0;
  const { ran, status } = await runEdited(page, (source) => {
    line = source.split('\n').length;
    return `${source.trimEnd()}\nconst broken = ;\n`;
  });
  await expect(status).toHaveText(`Not run: line ${line}, column 16: Unexpected token.`);
  expect(ran).toBe('');
  await expect(page.locator('iframe')).toHaveCount(0);
});

test('an edit that imports what the original does not is refused, naming what it may import', async ({ page }) => {
  const edit = (source: string) => `import { hostname } from 'node:os';\nconsole.log(hostname());\n${source}`;
  const { ran, status } = await runEdited(page, edit, 'rate-limit-headers.ts');
  await expect(status).toHaveText('Exited with code 1.');
  expect(ran).toMatch(/^Error: Cannot import "node:os": the page can run only what the original module imports: hono, \.\.\/http\/error-catalog\.ts, \.\/token-bucket\.ts\n/);
});

test("an edit that throws shows a stack naming the module's path and line, not the worker's data: URL", async ({ page }) => {
  // The worker's script is a data: URL holding the whole module, which
  // Chromium printed, URL-encoded, as every frame's location.
  const { ran, status } = await runEdited(page, (source) => `const thrown = 1;\nthrow new Error('boom');\n${source}`);
  await expect(status).toHaveText('Exited with code 1.');
  expect(ran).toMatch(/^Error: boom\n {4}at .*snippets\/[\w/-]+\.ts:2:7\b/);
  expect(ran).not.toContain('data:');
});
