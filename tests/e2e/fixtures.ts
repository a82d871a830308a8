import { test as base, expect } from '@playwright/test';

/** Every test fails on a console error or an uncaught exception in the page. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
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
