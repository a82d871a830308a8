import type { Page } from '@playwright/test';
import { rmSync, writeFileSync } from 'node:fs';
import { OUTPUT_LIMIT } from '../../src/lib/runnable/run-protocol.ts';
import { expect, storing, test } from './fixtures.ts';

// The runner's sandbox holds against hostile code. Each test writes its own
// compiled module into the built site's dist/_run/ and points a Run button
// at it, so the code goes the real way: run.ts fetches it and starts the
// sandboxed iframe, whose Worker runs it after the module's scripts. The
// code talks the worker's protocol (run-protocol.ts) directly, as code that
// skips our prelude would.
const PAGE = 'questions/rate-limiting/';
const RUN_DIR = new URL('../../dist/_run/', import.meta.url);
const written: URL[] = [];
test.afterAll(() => {
  for (const file of written) rmSync(file, { force: true });
});

async function runHostile(page: Page, code: string): Promise<void> {
  const name = `test-hostile-${test.info().testId}.js`;
  const file = new URL(name, RUN_DIR);
  // As compile-module.ts gives a module: an async function's text.
  writeFileSync(file, `(async function (require, exports, __meta) {${code}\n})`);
  written.push(file);
  await page.goto(PAGE);
  await page.evaluate((chunk) => {
    localStorage.setItem('handbook-progress', '{"secret":"the reader\'s progress"}');
    document.querySelector<HTMLButtonElement>('button[data-run]')!.dataset.run = chunk;
  }, name);
  await page.locator('button[data-run]').first().click();
}

const status = (page: Page) => page.locator('.run-status').first();
const output = (page: Page) => page.locator('.run-output code').first();
const say = (text: string) => `postMessage({ type: 'out', stream: 'stdout', text: ${text} + '\\n' });`;
const exit = `postMessage({ type: 'exit', code: 0 });`;

storing('an endless loop is stopped after 5 s, and the page stays responsive', async ({ page }) => {
  await runHostile(page, `${say("'looping'")} while (true) {}`);
  await expect(output(page)).toHaveText('looping');
  // While the loop runs, the page still answers and scrolls.
  const answered = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(1 + 1))));
  expect(answered).toBe(2);
  await expect(status(page)).toHaveText('Stopped after 5 s: the code was still running.', { timeout: 8_000 });
  // The sandbox outlives the stopped worker: the next run on the page runs.
  await page.locator('button[data-run]').nth(1).click();
  await expect(page.locator('.run-status').nth(1)).toHaveText(/^Ran in your browser/);
});

storing('the sandbox policy blocks every network request, to this site or any other', async ({ page, baseURL }) => {
  await runHostile(page, `(async () => {
    const blocked = [];
    addEventListener('securitypolicyviolation', (e) => blocked.push(e.effectiveDirective + ' ' + e.blockedURI));
    for (const url of [${JSON.stringify(baseURL)}, 'https://example.com/']) {
      try { await fetch(url); ${say("'fetched ' + url")} }
      catch (error) { ${say("'fetch failed ' + url")} }
    }
    const socket = new WebSocket('ws://127.0.0.1:1/');
    await new Promise((resolve) => { socket.onopen = () => { ${say("'socket opened'")} resolve(); }; socket.onerror = resolve; });
    ${say("[...new Set(blocked)].sort().join('\\n')")}
    ${exit}
  })()`);
  await expect(status(page)).toHaveText(/Ran in your browser/);
  // Each was refused by a CSP, not merely by CORS; the site's own policy
  // allows its origin, so the sandbox's connect-src 'none' refused that one.
  await expect(output(page)).toHaveText([
    `fetch failed ${baseURL}`, 'fetch failed https://example.com/',
    `connect-src ${baseURL}`, 'connect-src https://example.com/', 'connect-src ws://127.0.0.1:1/',
  ].join('\n'));
});

storing("the sandbox cannot read the site's localStorage, cookies, IndexedDB or caches", async ({ page }) => {
  // Each probe reports what it found; a throw (muted by the browser, as the
  // chunk is another origin's script) must not end the run early.
  await runHostile(page, `(async () => {
    const probe = (name, read) => { let found; try { found = read(); } catch (error) { found = error.name; } ${say("name + ': ' + found")} };
    probe('localStorage', () => typeof localStorage);
    probe('document', () => typeof document);
    probe('cookieStore', () => typeof cookieStore);
    probe('indexedDB', () => indexedDB.open('handbook') && 'opened');
    probe('caches', () => typeof caches);
    probe('origin', () => self.origin);
    ${exit}
  })()`);
  await expect(status(page)).toHaveText(/Ran in your browser/);
  await expect(output(page)).toHaveText([
    'localStorage: undefined', 'document: undefined', 'cookieStore: undefined',
    'indexedDB: SecurityError', 'caches: SecurityError', 'origin: null',
  ].join('\n'));
  expect(await page.evaluate(() => localStorage.getItem('handbook-progress'))).toContain('secret');
});

storing('50 MB of output is cut at 1 MB, and the page stays responsive', async ({ page }) => {
  await runHostile(page, `
    const line = 'x'.repeat(999_999) + '\\n';
    for (let i = 0; i < 50; i++) postMessage({ type: 'out', stream: 'stdout', text: line });
    ${exit}`);
  await expect(status(page)).toHaveText('Output cut at 1 MB: the code printed more than that.');
  const shown = await output(page).evaluate((code) => code.textContent!.length);
  expect(shown).toBeLessThanOrEqual(OUTPUT_LIMIT);
  expect(shown).toBeGreaterThan(OUTPUT_LIMIT - 2);
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  await expect(page.locator('button[data-run]').first()).not.toHaveAttribute('aria-disabled');
});

storing('a message that is not an event of the protocol neither ends the run nor lifts the output limit', async ({ page }) => {
  // Text that is not a string once left the meter counting NaN, so nothing after it was cut;
  // a message of no known type ended the run as "Exited with code undefined".
  await runHostile(page, `
    postMessage({ type: 'out', stream: 'stdout', text: {} });
    postMessage({ type: 'nonsense' });
    postMessage('a reader trying postMessage');
    const line = 'x'.repeat(999_999) + '\\n';
    for (let i = 0; i < 5; i++) postMessage({ type: 'out', stream: 'stdout', text: line });
    ${exit}`);
  await expect(status(page)).toHaveText('Output cut at 1 MB: the code printed more than that.');
  const shown = await output(page).evaluate((code) => code.textContent!);
  expect(shown.length).toBeLessThanOrEqual(OUTPUT_LIMIT);
  expect(shown.startsWith('xxx')).toBe(true);
});

for (const [flood, code] of [
  ['300,000 one-character messages', `for (let i = 0; i < 300_000; i++) postMessage({ type: 'out', stream: 'stdout', text: 'x' }); ${exit}`],
  ['150,000 writes alternating stdout and stderr', `for (let i = 0; i < 150_000; i++) { process.stdout.write('x'); process.stderr.write('y'); }`],
] as const) {
  test(`${flood} leave the page responsive`, async ({ page }) => {
    // Each message once rewrote the whole output (textContent +=): the page froze for a minute.
    await page.addInitScript(() => {
      const w = window as unknown as { longestGap: number };
      w.longestGap = 0;
      let last = performance.now();
      setInterval(() => {
        const now = performance.now();
        w.longestGap = Math.max(w.longestGap, now - last);
        last = now;
      }, 20);
    });
    await runHostile(page, code);
    // Ran, or on a slow machine stopped at 5 s while the messages were still arriving.
    await expect(status(page)).toHaveText(/^(Ran in your browser|Stopped after 5 s)/, { timeout: 15_000 });
    await expect(output(page)).toHaveText(/^x{1000}/);
    expect(await page.evaluate(() => (window as unknown as { longestGap: number }).longestGap)).toBeLessThan(1_000);
  });
}

// BUG (open): code that fills the JavaScript heap can crash the whole tab,
// not only its worker. V8 ends a process that runs out of heap, and the
// sandboxed srcdoc iframe, with its workers, shares the page's renderer
// process in Chromium. Whether it happens depends on the machine: the heap
// limit must be reached before the 5 s limit terminates the worker. Here it
// crashed the page twice in about 4 s on a quiet machine and was stopped
// cleanly at 5 s five times on a loaded one, so the test is fixme (skipped)
// rather than fail, which would be flaky. A fix needs the sandbox out of the
// page's process: served from another site (site isolation gives it a
// process of its own; a crash there leaves the page and run.ts's fallback
// timer alive).
test.fixme('code that exhausts memory is stopped, and the page survives', async ({ page }) => {
  test.setTimeout(60_000);
  let crashed = false;
  page.on('crash', () => (crashed = true));
  await runHostile(page, `const kept = []; while (true) kept.push(new Array(1e6).fill(1.5));`);
  await expect(status(page)).not.toHaveText('Running…', { timeout: 40_000 });
  expect(crashed).toBe(false);
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
});

storing('what a module prints before an endless loop shows, stdout and stderr', async ({ page }) => {
  // Through the prelude's console, as a reader's code prints: it held output
  // until 64 KB or the end, so a loop swallowed it, and a stopped run showed
  // no stderr at all. Node prints both before it hangs.
  await runHostile(page, `console.log('before the loop'); console.error('on stderr'); while (true) {}`);
  await expect(status(page)).toHaveText('Stopped after 5 s: the code was still running.', { timeout: 8_000 });
  await expect(output(page)).toHaveText('before the loop\non stderr');
});
