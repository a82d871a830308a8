import { defineConfig, devices } from '@playwright/test';
import { launchOptions } from './tests/browser.ts';
import { TEST_BASE, TEST_ORIGIN, TEST_PORT } from './tests/site-under-test.ts';

/** Runs against the built site (`npm run build:test`), served under a sub-path. */
export default defineConfig({
  testDir: 'tests/e2e',
  // Not test-results/ itself: Playwright empties its outputDir, and the
  // Vitest reports that scripts/test-summary.ts reads live there too.
  outputDir: 'test-results/e2e',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: `${TEST_ORIGIN}${TEST_BASE}`,
    launchOptions: launchOptions(),
    // A failed test keeps its trace (every action, console message and
    // request) and a screenshot, and error-context.md holds the page's
    // accessibility tree. The trace's DOM snapshot at every step and its
    // screencast are left out: taken for every test, passing or not, they
    // cost a quarter to a third of the time of every spec that traced.
    trace: { mode: 'retain-on-failure', snapshots: false, screenshots: false },
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: launchOptions() } }],
  // The built site as a static host serves it: under the base, with the
  // headers of dist/_headers (so the CSP under test is the one we ship).
  webServer: {
    command: `node scripts/serve-dist.ts --port ${TEST_PORT} --base ${TEST_BASE}`,
    url: `${TEST_ORIGIN}${TEST_BASE}`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
});
