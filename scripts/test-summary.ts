// Prints one closing line for the whole suite, `tests: N passed, N failed`,
// from the JSON reports Vitest and Playwright write into test-results/.
// Usage: node scripts/test-summary.ts   (exit 1 when a report is missing)
import { existsSync, readFileSync } from 'node:fs';

interface VitestReport { numPassedTests: number; numFailedTests: number; numPendingTests: number }
interface PlaywrightReport { stats: { expected: number; unexpected: number; flaky: number; skipped: number } }

const reports = {
  unit: 'test-results/vitest-unit.json',
  site: 'test-results/vitest-site.json',
  e2e: 'test-results/playwright.json',
};
const missing = Object.values(reports).filter((file) => !existsSync(file));
if (missing.length) {
  console.error(`test-summary: no report at ${missing.join(', ')}; run npm test`);
  process.exit(1);
}
const read = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const vitest = [read<VitestReport>(reports.unit), read<VitestReport>(reports.site)];
const e2e = read<PlaywrightReport>(reports.e2e).stats;

const passed = vitest.reduce((n, r) => n + r.numPassedTests, 0) + e2e.expected + e2e.flaky;
const failed = vitest.reduce((n, r) => n + r.numFailedTests, 0) + e2e.unexpected;
const skipped = vitest.reduce((n, r) => n + r.numPendingTests, 0) + e2e.skipped;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
