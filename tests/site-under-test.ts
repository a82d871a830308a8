/**
 * The test build is deployed under a sub-path, so every test proves that
 * links and assets honour `base`. Shared by the build script, the built-site
 * tests and Playwright.
 */
export const TEST_BASE = '/handbook/';
/** Override with TEST_PORT to run two checkouts' suites side by side. */
export const TEST_PORT = Number(process.env.TEST_PORT ?? 4391);
export const TEST_ORIGIN = `http://127.0.0.1:${TEST_PORT}`;
