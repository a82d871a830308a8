import { bookScope, runAxe } from './axe.ts';
import { expect, Q42, Q97, readOnly as test } from './fixtures.ts';

// Phone first: at 360 px wide no page scrolls sideways (code and diagrams
// scroll inside their own boxes) and every tap target is at least 24 px or
// spaced as WCAG 2.2's target-size rule (2.5.8) allows, checked by axe.
// A trace snapshots the whole DOM at every step, which on the book (every
// answer) takes longer than the test; failures name the page and the node.
test.use({ trace: 'off' });

// The book's front page, and its largest part.
const PAGES = ['./', 'easy/', Q42.path, Q97.path, 'practice/', 'topics/', 'topics/security/', 'book/', 'book/hard/'];

for (const path of PAGES) {
  test(`${path} at 360 px: no sideways scroll, tap targets of at least 24 px`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'page width').toBeLessThanOrEqual(360);
    const { violations, passes } = await runAxe(page, { rules: ['target-size'], ...bookScope(path) });
    expect(passes.map((p) => p.id), 'the rule found targets to check').toContain('target-size');
    expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([]);
  });
}

// What Lighthouse's mobile run sees (CLS): nothing on a page moves while its
// scripts fill it in. The home page's progress line once grew to two lines.
for (const path of ['./', 'easy/', 'practice/']) {
  test(`${path} on a phone does not shift while its scripts run`, async ({ page }) => {
    await page.setViewportSize({ width: 412, height: 823 });
    await page.goto(path);
    await expect(page.locator('html.js')).toHaveCount(1);
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
              if (!entry.hadRecentInput) total += entry.value;
            }
          }).observe({ type: 'layout-shift', buffered: true });
          // Two frames after load: every module script has run and painted.
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
        }),
    );
    expect(shift, 'layout shift score').toBeLessThan(0.01);
  });
}
