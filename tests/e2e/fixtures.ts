import { test as base, type ConsoleMessage, expect, type Page } from '@playwright/test';

/** Every test fails on a console error or an uncaught exception in the page. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const onConsole = (msg: ConsoleMessage) => {
        if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url})`);
      };
      const onError = (error: Error) => errors.push(error.message);
      page.on('console', onConsole);
      page.on('pageerror', onError);
      await use(errors);
      // readOnly's page outlives the test: the next one collects its own.
      page.off('console', onConsole);
      page.off('pageerror', onError);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * One page per worker, kept from test to test, for `readOnly` and `storing`.
 * Each new page starts a renderer process, about 0.85 s of CPU on the
 * 2-core test machine and more than most tests take. Each test starts at
 * the project's viewport in the light screen theme, with no routes, and
 * must not leave a listener on the page (page.on). A test that needs a
 * context of its own (permissions, init scripts, routes, a cold cache)
 * uses `test`.
 */
const onWorkerPage = test.extend<{ context: never }, { workerPage: Page }>({
  workerPage: [
    async ({ browser }, use, workerInfo) => {
      const { baseURL, viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = workerInfo.project.use;
      const context = await browser.newContext({ baseURL, viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });
      await use(await context.newPage());
      await context.close();
    },
    { scope: 'worker' },
  ],
  page: async ({ workerPage: page }, use, testInfo) => {
    await page.setViewportSize(testInfo.project.use.viewport!);
    await page.emulateMedia({ media: null, colorScheme: 'light' });
    await use(page);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  },
  context: async ({}, _use) => {
    throw new Error('this test shares its worker\'s page and has no context of its own: use `test` from fixtures.ts');
  },
});

/** For tests that only look, and navigate to what they check: fails if the test left anything in storage. */
export const readOnly = onWorkerPage.extend({
  page: async ({ page }, use) => {
    await use(page);
    const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]).catch(() => []);
    expect(stored, 'what a read-only test left in storage for the next').toEqual([]);
  },
});

/**
 * For tests that store progress, a theme or hide-answers: the site's
 * localStorage, all it keeps, is emptied before the test, as a new context
 * would have it, and again after it, for a read-only test that comes next.
 */
export const storing = onWorkerPage.extend({
  page: async ({ page }, use, testInfo) => {
    const origin = new URL(testInfo.project.use.baseURL!).origin;
    const clear = async () => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'local_storage' });
      await cdp.detach();
    };
    await clear();
    await use(page);
    await clear();
  },
});

export { expect };

/** The exemplar answers the tests rely on. */
export const Q4 = { id: 4, path: 'questions/http-200-ok/', title: 'What does a 200 HTTP status mean?' };
export const Q42 = { id: 42, path: 'questions/password-storage/' };
export const Q97 = { id: 97, path: 'questions/webhook-security/' };

/** The widths and themes each feature's main flow is checked at. */
export const VIEWS = (['desktop', 'phone'] as const).flatMap((device) =>
  (['light', 'dark'] as const).map((theme) => ({
    name: `${device}, ${theme}`,
    theme,
    viewport: device === 'desktop' ? { width: 1280, height: 900 } : { width: 360, height: 780 },
  })),
);
