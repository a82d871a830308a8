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
 * For tests that only look, and navigate to what they check: one page per
 * worker, kept from test to test. Each new page starts a renderer process,
 * about 0.85 s of CPU on the 2-core test machine and more than most of these
 * tests take. Each test starts at the project's viewport in the light screen
 * theme, with no routes, and fails if it left anything in storage for the
 * next. It must not leave a listener on the page either (page.on). A test
 * that needs a context of its own (permissions, init scripts, routes, a cold
 * cache, stored progress) uses `test`.
 */
export const readOnly = test.extend<{ context: never }, { workerPage: Page }>({
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
    const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]).catch(() => []);
    expect(stored, 'what a read-only test left in storage for the next').toEqual([]);
  },
  context: async ({}, _use) => {
    throw new Error('a read-only test shares its worker\'s page and has no context of its own: use `test` from fixtures.ts');
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
