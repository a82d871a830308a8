// Builds the site the way the tests expect it: under the sub-path TEST_BASE,
// with the build of scripts/build.ts run directly (no npm in between).
// Usage: npm run build:test   (scripts/run-tests.ts calls buildForTests)
import { TEST_BASE, TEST_ORIGIN } from '../tests/site-under-test.ts';
import { runBuild } from './build.ts';

/** Runs the test build; its exit status. */
export const buildForTests = (): number => runBuild({ ...process.env, BASE_PATH: TEST_BASE, SITE_URL: TEST_ORIGIN });

if (import.meta.main) process.exit(buildForTests());
