import { expect, Q42, readOnly as test, VIEWS } from './fixtures.ts';

// The book is a front page (/book/) and a page per difficulty (/book/easy/,
// …). That each part holds its band in order, with unique ids and links
// that resolve, is checked on the built files (tests/site/book.test.ts);
// here, that a reader gets where the links say.
// A trace snapshots the whole DOM at every step: on a part of the book (a
// third of the answers, up to 45,000 elements) that takes longer than the
// test; failures here name the locator, which is what a trace would show.
test.use({ trace: 'off' });

test("the book's front page lists every part and opens a part at the answer chosen", async ({ page }) => {
  await page.goto('book/');
  const contents = page.getByRole('navigation', { name: 'Contents' });
  for (const part of ['Part 1: Easy', 'Part 2: Medium', 'Part 3: Hard']) {
    await expect(contents.getByRole('heading', { name: part })).toBeVisible();
  }
  await expect(page.locator('article.book-answer')).toHaveCount(0);
  await contents.getByRole('link', { name: 'How do you securely store passwords?' }).click();
  await expect(page).toHaveURL(/\/book\/medium\/#q42$/);
  await expect(page.locator(`#q${Q42.id}-title`)).toBeInViewport();
});

test('a link from a Hard answer to an Easy one opens the Easy part at that answer', async ({ page }) => {
  await page.goto('book/hard/');
  const link = page.locator('.book-answer .prose a[href*="/book/easy/#q"]').first();
  const target = (await link.getAttribute('href'))!.split('#')[1]!;
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/book/easy/#${target}$`));
  await expect(page.locator(`[id="${target}"]`)).toBeInViewport();
});

// One load of the largest part for all four views: loading it per view
// made these the slowest tests in the suite.
test("a part's contents jump to an answer at every width and theme", async ({ page }) => {
  await page.goto('book/hard/');
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

test('printing a part of the book drops the chrome and starts each answer on a new page', async ({ page }) => {
  await page.goto('book/easy/');
  await page.emulateMedia({ media: 'print' });
  for (const chrome of ['.site-header', '.site-footer', '.breadcrumb', '[data-print]', '.prev-next', '.anchor']) {
    await expect(page.locator(chrome).first()).toBeHidden();
  }
  await expect(page.locator('.book-contents')).toHaveCSS('break-after', 'page');
  await expect(page.locator('.book-answer').nth(1)).toHaveCSS('break-before', 'page');
});
