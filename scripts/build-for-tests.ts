// Builds the site the way the tests expect it: under the sub-path TEST_BASE.
// Usage: node scripts/build-for-tests.ts
import { spawnSync } from 'node:child_process';
import { TEST_BASE, TEST_ORIGIN } from '../tests/site-under-test.ts';

const result = spawnSync('npm', ['run', 'build'], {
  stdio: 'inherit',
  env: { ...process.env, BASE_PATH: TEST_BASE, SITE_URL: TEST_ORIGIN },
});
process.exit(result.status ?? 1);
