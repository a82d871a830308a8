import { runAxe } from './axe.ts';
import { expect, readOnly as test } from './fixtures.ts';

const PAGES = ['questions/idempotent-post-endpoint/', 'questions/idempotency-across-retries/', 'questions/webhook-security/'];

for (const theme of ['light', 'dark'] as const) {
  for (const width of [360, 1280]) {
    test(`diagrams are visible with no page overflow at ${width}px, ${theme} theme`, async ({ page }) => {
      await page.setViewportSize({ width, height: 800 });
      await page.emulateMedia({ colorScheme: theme });
      for (const path of PAGES) {
        await page.goto(path);
        const svg = page.locator('figure.diagram svg[role="img"]');
        await svg.scrollIntoViewIfNeeded();
        await expect(svg, path).toBeVisible();
        const box = await svg.boundingBox();
        expect(box!.height, `${path}: the diagram has no height`).toBeGreaterThan(100);
        // Labels drawn in the theme's own colours: the SVG follows the theme.
        const fills = await svg.locator('text').evaluateAll((texts) => [...new Set(texts.map((t) => getComputedStyle(t).fill))]);
        const theme = await page.evaluate(() => ['--fg', '--muted'].map((name) => {
          const probe = document.body.appendChild(document.createElement('span'));
          probe.style.color = `var(${name})`;
          const colour = getComputedStyle(probe).color;
          probe.remove();
          return colour;
        }));
        expect(fills.filter((f) => !theme.includes(f)), `${path}: label colours outside the theme`).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways`).toBe(0);
      }
    });
  }
}

test('the text description opens from the keyboard', async ({ page }) => {
  await page.goto(PAGES[0]!);
  const summary = page.locator('figure.diagram summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  const text = page.locator('figure.diagram details > div');
  await expect(text).toBeVisible();
  await expect(text).toContainText('in_flight');
  const describedBy = await page.locator('figure.diagram svg').getAttribute('aria-describedby');
  expect(await text.getAttribute('id')).toBe(describedBy);
});

for (const theme of ['light', 'dark'] as const) {
  test(`axe finds no violations in an open diagram figure, ${theme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(PAGES[1]!);
    await page.locator('figure.diagram summary').click();
    const { violations } = await runAxe(page, { include: 'figure.diagram' });
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });
}
