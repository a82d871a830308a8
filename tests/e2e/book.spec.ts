import { expect, Q42, test, VIEWS } from './fixtures.ts';

// A trace snapshots the whole DOM at every step: on the book (every answer,
// about 50,000 elements) that took longer than the test; failures here
// name the locator, which is what a trace would show.
test.use({ trace: 'off' });

test('the whole handbook holds every answer in order, with unique ids and in-book links', async ({ page }) => {
  await page.goto('book/');
  const ids = await page.locator('article.book-answer').evaluateAll((els) => els.map((e) => Number(e.id.slice(1))));
  expect(ids.length).toBeGreaterThan(10);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  const duplicates = await page.evaluate(() => {
    const seen = new Set<string>();
    return [...document.querySelectorAll('[id]')].map((e) => e.id).filter((id) => seen.has(id) || !seen.add(id));
  });
  expect(duplicates).toEqual([]);
  await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'How do you securely store passwords?' }).click();
  await expect(page).toHaveURL(/#q42$/);
  await expect(page.locator('#q42-title')).toBeInViewport();
  // Answers link each other inside the book, not back to the site.
  const crossLinks = await page.locator('.book-answer .prose a[href^="#q"]').count();
  expect(crossLinks).toBeGreaterThan(0);
});

// One load of the book (2.5 MB with every answer) for all four views:
// loading it per view made these the slowest tests in the suite.
test("the book's contents jump to an answer at every width and theme", async ({ page }) => {
  await page.goto('book/');
  const contents = page.getByRole('navigation', { name: 'Contents' });
  for (const view of VIEWS) {
    await test.step(view.name, async () => {
      await page.setViewportSize(view.viewport);
      await page.emulateMedia({ colorScheme: view.theme });
      await page.evaluate(() => window.scrollTo(0, 0));
      await expect(page.locator('#q97-title')).not.toBeInViewport();
      await contents.getByRole('link', { name: 'How do you secure webhooks and prevent replay attacks?' }).click();
      await expect(page.locator('#q97-title')).toBeInViewport();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(view.viewport.width);
    });
  }
});

test('printing a question drops the chrome, wraps code and shows where links go', async ({ page }) => {
  await page.goto(Q42.path);
  await page.emulateMedia({ media: 'print' });
  for (const chrome of ['.site-header', '.site-footer', '.toc', '.prev-next', 'button.copy', '.anchor']) {
    await expect(page.locator(chrome).first()).toBeHidden();
  }
  const clipped = await page.locator('.prose pre').evaluateAll((pres) => pres.filter((p) => p.scrollWidth > p.clientWidth + 1).length);
  expect(clipped).toBe(0);
  const after = await page.locator('.prose a[href^="https://"]').first().evaluate((a) => getComputedStyle(a, '::after').content);
  expect(after).toMatch(/\(https:\/\//);
  await expect(page.locator('html')).toHaveCSS('color-scheme', 'light');
});
