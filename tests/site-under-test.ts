/**
 * The test build is deployed under a sub-path, so every test proves that
 * links and assets honour `base`. Shared by the build script, the built-site
 * tests and Playwright.
 */
export const TEST_BASE = '/handbook/';
export const TEST_PORT = 4391;
export const TEST_ORIGIN = `http://127.0.0.1:${TEST_PORT}`;
