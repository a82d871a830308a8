import { violationsAfterRun } from './axe.ts';
import { expect, readOnly, test, VIEWS } from './fixtures.ts';

// The runner's controls and its panel, as a reader sees them: at phone and
// desktop width in both themes, axe finds nothing with a run's output open,
// nothing scrolls sideways, and the Node-only note reads as a sentence with
// a button that copies the command. Screenshots go to
// test-results/screenshots/ for a person to look at.
const RUNNABLE = 'questions/rate-limiting/';
const NODE_ONLY = 'questions/configuration-file/';

for (const view of VIEWS) {
  readOnly(`a run's output at ${view.name}: axe finds nothing, nothing scrolls sideways`, async ({ page }) => {
    await page.setViewportSize(view.viewport);
    await page.emulateMedia({ colorScheme: view.theme });
    await page.goto(RUNNABLE);
    const figure = page.locator('figure.snippet-output:has(button[data-run])').first();
    const button = figure.locator('button[data-run]');
    await button.click();
    const panel = figure.locator('xpath=following-sibling::section[1]');
    await expect(panel.locator('.run-status')).toHaveText(/^Ran in your browser in (under 0\.1|\d+\.\d) s\.$/);
    await expect(panel).toHaveAttribute('aria-label', 'Output of your run');
    await expect(panel.locator('[role="status"]')).toHaveAttribute('aria-live', 'polite');
    await expect(button).toBeFocused();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.viewport.width);
    expect(await violationsAfterRun(page)).toEqual([]);
    await figure.evaluate((node) => node.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `test-results/screenshots/run-${view.name.replace(/, /g, '-')}.png` });
  });
}

test('a Node-only demo says why, and its button copies the command', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(NODE_ONLY);
  const note = page.locator('.run-node').first();
  await expect(note).toHaveText(/^Runs in Node only: .+\.$/);
  const copy = note.locator('xpath=following-sibling::button[1]');
  await expect(copy).toHaveText('Copy command');
  const command = await copy.getAttribute('data-copy');
  expect(command).toMatch(/^node snippets\/\S+\.ts$/);
  await copy.click();
  await expect(copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
  await expect(copy).toHaveText('Copy command', { timeout: 3_000 });
  await note.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/run-node-only-phone-light.png' });
});
