import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { violationsAfterRun } from './axe.ts';
import { expect, readOnly, test, VIEWS } from './fixtures.ts';

// The editor beside Run (src/scripts/run-edit.ts), as a reader uses it:
// opened by keyboard, an edit that changes the output, Reset, a syntax
// error, leaving the editor by keyboard, and axe with it open at phone and
// desktop width in both themes. Screenshots go to test-results/screenshots/.
const PAGE = 'questions/rate-limiting/';
const FILE = 'snippets/reliability/token-bucket.ts';
const ORIGINAL = readFileSync(FILE, 'utf8');
// The demo's bucket holds 3; at 5, the fourth take at t=0 is allowed, not refused.
const LIMIT = 'limit: 3';

/** The figure with the module's build output, its Run and Edit buttons, and the editor once open. */
const outputFigure = (page: Page) => page.locator(`figure.snippet-output:has(button[data-edit="${FILE}"])`);
const runPanel = (figure: Locator) => figure.locator('xpath=following-sibling::section[1]');
const outputLines = async (figure: Locator) => (await runPanel(figure).locator('.run-output code').textContent())!.split('\n');

/** Opens the editor from the Run button with the keyboard only: Tab to Edit, Enter. */
async function openByKeyboard(page: Page): Promise<Locator> {
  await page.goto(PAGE);
  const figure = outputFigure(page);
  await expect(figure.locator('.run-editor')).toHaveCount(0);
  await figure.locator('button[data-run]').focus();
  await page.keyboard.press('Tab');
  const edit = figure.locator('button[data-edit]');
  await expect(edit).toBeFocused();
  await expect(edit).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Enter');
  await expect(figure.getByRole('textbox')).toBeFocused();
  await expect(edit).toHaveAttribute('aria-expanded', 'true');
  return figure;
}

/** Selects the bucket's limit and types a new one, as a reader would. */
async function setLimit(textarea: Locator, page: Page, limit: number): Promise<void> {
  await textarea.evaluate((node: HTMLTextAreaElement, find) => {
    const at = node.value.indexOf(find) + find.length - 1;
    node.setSelectionRange(at, at + 1);
  }, LIMIT);
  await page.keyboard.type(String(limit));
}

test('opens by keyboard with the whole module, and an edit run with Ctrl+Enter changes the output', async ({ page }) => {
  // The editor loads on Edit, and Sucrase (compile-module) only on the first edited run.
  const loaded: string[] = [];
  page.on('request', (request) => loaded.push(new URL(request.url()).pathname.split('/').pop()!));
  const loadedScript = (name: string) => loaded.some((file) => file.startsWith(`${name}.`) && file.endsWith('.js'));
  const figure = await openByKeyboard(page);
  expect(loadedScript('run-edit')).toBe(true);
  expect(loadedScript('compile-module')).toBe(false);
  const textarea = figure.getByRole('textbox', { name: `The whole module, ${FILE}; the page shows parts of it` });
  await expect(textarea).toHaveValue(ORIGINAL);
  await expect(textarea).toHaveAccessibleDescription(/To leave the editor, press Escape, then Tab\./);
  const built = (await figure.locator('pre code').first().textContent())!.split('\n');
  expect(built[3]).toMatch(/^t= {3}0 ms {2}refused/);

  await setLimit(textarea, page, 5);
  await page.keyboard.press('Control+Enter');
  await expect(runPanel(figure).locator('.run-status')).toHaveText(/^Ran in your browser in .+ s: your edit\.$/);
  expect(loadedScript('compile-module')).toBe(true);
  const lines = await outputLines(figure);
  expect(lines[3]).toMatch(/^t= {3}0 ms {2}allowed {2}remaining=1/);
  expect(lines).toHaveLength(built.length);
});

readOnly('Reset restores the original text, which prints the build\'s output', async ({ page }) => {
  const figure = await openByKeyboard(page);
  const textarea = figure.getByRole('textbox');
  await setLimit(textarea, page, 9);
  expect(await textarea.inputValue()).not.toBe(ORIGINAL);
  await figure.getByRole('button', { name: 'Reset' }).click();
  await expect(textarea).toHaveValue(ORIGINAL);
  await expect(figure.locator('.run-editor [role="status"]')).toHaveText(`Reset to the original ${FILE}.`);
  await figure.getByRole('button', { name: 'Run edited' }).click();
  await expect(runPanel(figure).locator('.run-status')).toHaveText(/^Ran in your browser/);
  const built = await figure.locator('pre code').first().textContent();
  expect((await outputLines(figure)).join('\n')).toBe(built);
});

readOnly('Run edited pressed while Run still runs says the edit did not run', async ({ page }) => {
  // The edit once went nowhere without a word, and the original's output then
  // showed as if it were the edit's. The module's Run is made slow here with a
  // compiled module of the test's own, put where run.ts fetches chunks.
  const chunk = new URL('../../dist/_run/test-slow-original.js', import.meta.url);
  writeFileSync(chunk, "(async function () { const until = Date.now() + 3000; while (Date.now() < until); console.log('the original'); })");
  try {
    const figure = await openByKeyboard(page);
    const run = figure.locator('button[data-run]');
    await run.evaluate((button: HTMLButtonElement) => (button.dataset.run = 'test-slow-original.js'));
    await run.click();
    await expect(runPanel(figure).locator('.run-status')).toHaveText('Running…');
    await figure.getByRole('button', { name: 'Run edited' }).click();
    await expect(figure.locator('.run-editor [role="status"]')).toHaveText('Not run: the module is still running. Run the edit when it ends.');
    await expect(runPanel(figure).locator('.run-status')).toHaveText(/^Ran in your browser/, { timeout: 10_000 });
    await expect(runPanel(figure).locator('.run-output code')).toHaveText('the original');
  } finally {
    rmSync(chunk, { force: true });
  }
});

readOnly('a syntax error shows its line and column, and nothing runs', async ({ page }) => {
  const figure = await openByKeyboard(page);
  // The module ends with a line break: the caret lands on a new, empty last line.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('const = 1;');
  const line = ORIGINAL.split('\n').length;
  await page.keyboard.press('Control+Enter');
  const status = runPanel(figure).locator('.run-status');
  await expect(status).toHaveText(new RegExp(`^Not run: line ${line}, column 7: `));
  await expect(runPanel(figure).locator('.run-output code')).toHaveText('');
});

readOnly('Tab indents and Shift+Tab outdents; Escape, then Tab, leaves the editor either way', async ({ page }) => {
  const figure = await openByKeyboard(page);
  const textarea = figure.getByRole('textbox');
  await page.keyboard.press('Tab');
  await expect(textarea).toBeFocused();
  await expect(textarea).toHaveValue(`  ${ORIGINAL}`);
  await page.keyboard.press('Shift+Tab');
  await expect(textarea).toHaveValue(ORIGINAL);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(figure.getByRole('button', { name: 'Run edited' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(textarea).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  // Back to the build's output above the editor (a scrollable pre is in the tab order).
  await expect(figure.locator('pre').first()).toBeFocused();
  await expect(textarea).toHaveValue(ORIGINAL);
});

test('a failed load says so and Edit tries again; then Edit hides and shows the editor, edit kept', async ({ page, consoleErrors }) => {
  await page.route('**/_run/*.ts.txt', (route) => route.fulfill({ status: 404 }));
  await page.goto(PAGE);
  const figure = outputFigure(page);
  const edit = figure.locator('button[data-edit]');
  await edit.click();
  await expect(figure.locator('.run-editor [role="status"]')).toHaveText(`Could not load ${FILE}: HTTP 404. Press Edit to try again.`);
  await expect(figure.getByRole('textbox')).toBeHidden();
  await expect(edit).toHaveAttribute('aria-expanded', 'false');
  // The browser logs the 404 the test caused; nothing else may be logged.
  expect(consoleErrors.splice(0)).toEqual([expect.stringMatching(/status of 404 .*\.ts\.txt\)$/)]);
  await page.unroute('**/_run/*.ts.txt');
  await edit.click();
  const textarea = figure.getByRole('textbox');
  await expect(textarea).toBeFocused();
  await expect(figure.locator('.run-editor')).toHaveCount(1);
  await setLimit(textarea, page, 7);
  const edited = await textarea.inputValue();
  await edit.click();
  await expect(figure.locator('.run-editor')).toBeHidden();
  await expect(edit).toHaveAttribute('aria-expanded', 'false');
  await edit.click();
  await expect(textarea).toBeFocused();
  await expect(textarea).toHaveValue(edited);
  await expect(edit).toHaveAttribute('aria-controls', (await figure.locator('.run-editor').getAttribute('id'))!);
});

for (const view of VIEWS) {
  readOnly(`an edited run at ${view.name}: axe finds nothing, nothing scrolls sideways`, async ({ page }) => {
    await page.setViewportSize(view.viewport);
    await page.emulateMedia({ colorScheme: view.theme });
    await page.goto(PAGE);
    const figure = outputFigure(page);
    await figure.locator('button[data-edit]').click();
    const textarea = figure.getByRole('textbox');
    await expect(textarea).toBeFocused();
    await setLimit(textarea, page, 5);
    await figure.getByRole('button', { name: 'Run edited' }).click();
    await expect(runPanel(figure).locator('.run-status')).toHaveText(/^Ran in your browser/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.viewport.width);
    expect(await violationsAfterRun(page)).toEqual([]);
    // The end of the editor, its buttons and the edited run's output.
    await runPanel(figure).evaluate((node) => node.scrollIntoView({ block: 'end' }));
    await page.screenshot({ path: `test-results/screenshots/run-edit-${view.name.replace(/, /g, '-')}.png` });
  });
}
