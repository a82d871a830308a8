import { test as base, type Page } from '@playwright/test';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder } from '../../src/lib/tooling/files.ts';
import { type AxeFindings, type AxeScope, bookScope, runAxe } from './axe.ts';
import { expect, readOnly } from './fixtures.ts';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/**
 * Every built page as a path under the base, except the /q/<id>/ redirect
 * stubs (they navigate away at once). The 404 page is visited at an address
 * that does not exist, as a reader meets it.
 */
function sitePaths(): string[] {
  return filesUnder(DIST)
    .map((path) => relative(DIST, path))
    .filter((file) => file.endsWith('.html') && !file.startsWith('q/'))
    .map((file) => (file === '404.html' ? 'no-such-page/' : file === 'index.html' ? './' : file.replace(/index\.html$/, '')));
}

/**
 * One browser page per worker, reused for every page it checks: a new
 * context per test would double the time at 100+ pages in two themes.
 * Console errors are collected here because fixtures.ts's check is per test.
 */
const axeTest = base.extend<{ consoleErrors: string[] }, { shared: { page: Page; errors: string[] } }>({
  shared: [
    async ({ browser }, use) => {
      // axe needs a page from an explicit context, not browser.newPage().
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use({ page, errors });
      await context.close();
    },
    { scope: 'worker' },
  ],
  consoleErrors: async ({ shared }, use) => {
    shared.errors.length = 0;
    await use(shared.errors);
  },
});

// axe walks every node of a long answer twice; a busy 2-core machine needs the room.
axeTest.describe.configure({ mode: 'parallel', timeout: 120_000 });
// A trace of every axe run costs more than the run; the failure message names the nodes.
axeTest.use({ trace: 'off' });

const paths = sitePaths();
axeTest('covers every built page but the /q/ stubs', () => {
  expect(paths).toEqual(expect.arrayContaining(['./', 'easy/', 'no-such-page/', 'questions/http-200-ok/']));
  expect(paths.some((p) => p.startsWith('q/'))).toBe(false);
});

/** Both themes share one DOM; only these rules read colours, so only they rerun in dark. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

const axeFor = (page: Page, path: string, scope: AxeScope) => runAxe(page, { ...scope, ...bookScope(path) });

function describeViolations(theme: string, violations: AxeFindings['violations']): string[] {
  return violations.map((v) => {
    const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`);
    return `${theme}: ${v.id} (${v.impact}) ${v.help}: ${where.join('; ')}`;
  });
}

for (const path of paths) {
  axeTest(`axe finds no violations on ${path} in the light and dark themes`, async ({ shared: { page }, consoleErrors }, testInfo) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(new URL(path, testInfo.project.use.baseURL).href);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lightBackground = await background();
    const light = await axeFor(page, path, { tags: TAGS });
    // light-dark() follows the emulated scheme live: no reload needed.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background(), 'the dark theme did not apply').not.toBe(lightBackground);
    const dark = await axeFor(page, path, { rules: COLOUR_RULES });
    const found = [...describeViolations('light', light.violations), ...describeViolations('dark', dark.violations)];
    expect(found, found.join('\n')).toEqual([]);
    // The 404 page's own status is logged by the browser; nothing else may be.
    expect(consoleErrors.filter((e) => !(path === 'no-such-page/' && e.includes('404')))).toEqual([]);
  });
}

readOnly('axe finds no violations in the open search dialog with results', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  await page.keyboard.type('status');
  await expect(page.locator('.result').first()).toBeVisible();
  const { violations } = await runAxe(page, { include: '#search' });
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

readOnly('the in-page axe run reports what it is shown, and honours its scope', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(() => {
    const faint = document.createElement('p');
    faint.className = 'faint';
    faint.textContent = 'Barely there';
    faint.style.cssText = 'color:#eee;background:#fff';
    document.querySelector('main')!.append(faint);
  });
  const all = await runAxe(page, { rules: ['color-contrast'] });
  expect(all.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')))).toEqual(['.faint']);
  const without = await runAxe(page, { rules: ['color-contrast'], exclude: '.faint' });
  expect(without.violations).toEqual([]);
  expect(without.passes.map((p) => p.id)).toEqual(['color-contrast']);
});
