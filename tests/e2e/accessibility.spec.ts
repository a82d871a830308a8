import AxeBuilder from '@axe-core/playwright';
import { expect, Q4, Q42, Q97, test } from './fixtures.ts';

const pages = ['./', 'easy/', 'hard/', Q4.path, Q42.path, Q97.path, 'no-such-page/'];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

for (const theme of ['light', 'dark'] as const) {
  for (const path of pages) {
    test(`axe finds no violations on ${path} in the ${theme} theme`, async ({ page, consoleErrors }) => {
      // axe walks every node; long answers take a while on a busy machine.
      test.setTimeout(60_000);
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(path);
      const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      const found = violations.map((v) => {
        const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`);
        return `${v.id} (${v.impact}) ${v.help}: ${where.join('; ')}`;
      });
      expect(found, found.join('\n')).toEqual([]);
      // The 404 page's own status is logged by the browser; nothing else may be.
      expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
      consoleErrors.length = 0;
    });
  }
}

test('axe finds no violations in the open search dialog with results', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  await page.keyboard.type('status');
  await expect(page.locator('.result').first()).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).include('#search').analyze();
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
