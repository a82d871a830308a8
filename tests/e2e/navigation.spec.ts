import { readFileSync } from 'node:fs';
import { expect, Q4, Q42, Q97, readOnly, test, VIEWS } from './fixtures.ts';

readOnly('home lists answered questions under their difficulty', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Backend Interview Handbook');
  for (const [band, q] of [['Easy', Q4], ['Medium', Q42], ['Hard', Q97]] as const) {
    const section = page.getByRole('region', { name: band });
    const card = section.locator(`a[href$="/${q.path}"]`);
    await expect(card).toHaveCount(1);
    await expect(card).toBeVisible();
  }
});

readOnly('home lists titles only, and each band links to its short answers', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByText(/^200 OK means/)).toHaveCount(0);
  const easy = page.getByRole('region', { name: 'Easy' });
  await easy.getByRole('link', { name: /^Read the short answers to the \d+ easy questions/ }).click();
  await expect(page).toHaveURL(/\/easy\/$/);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: Q4.title }) });
  await expect(card).toContainText(/200 OK means the request succeeded/);
});

readOnly('a difficulty page lists its answers and links back home', async ({ page }) => {
  await page.goto('easy/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Easy questions');
  await page.getByRole('link', { name: Q4.title }).click();
  await expect(page).toHaveURL(new RegExp(`${Q4.path}$`));
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Backend Interview Handbook');
});

readOnly('a question page shows its short answer, snippet, real output and table of contents', async ({ page }) => {
  await page.goto(Q4.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(Q4.title);
  await expect(page.getByRole('region', { name: 'Short answer' })).toContainText('200');
  const snippet = page.locator('figure.snippet').first();
  await expect(snippet.locator('figcaption a')).toHaveText(/^snippets\/http\/.+\.ts$/);
  await expect(snippet.locator('pre code')).not.toContainText('#region');
  await expect(page.locator('figure.snippet-output pre')).toContainText('201');
  await expect(page.getByRole('navigation', { name: 'On this page' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit this page on GitHub' })).toHaveAttribute('href', /\/edit\/main\/content\/questions\/004-http-200-ok\.mdx$/);
});

test('the copy button copies the code without markers', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(Q4.path);
  const snippet = page.locator('figure.snippet').first();
  await snippet.getByRole('button', { name: /Copy code/ }).click();
  await expect(snippet.getByRole('button', { name: /Copy code/ })).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  // Exactly the region's lines in the source file, which the caption links.
  const source = await snippet.locator('figcaption a').getAttribute('href');
  const [, file, first, last] = /blob\/[^/]+\/(.+)#L(\d+)-L(\d+)$/.exec(source ?? '') ?? [];
  const lines = readFileSync(file!, 'utf8').split('\n').slice(Number(first) - 1, Number(last));
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  expect(copied.trimEnd()).toBe(lines.map((l) => l.slice(indent).trimEnd()).join('\n').trimEnd());
  expect(copied).not.toContain('#region');
});

for (const view of VIEWS) {
  test(`every section heading links to itself, and following the link copies it (${view.name})`, async ({ page, context }) => {
    await page.setViewportSize(view.viewport);
    await page.emulateMedia({ colorScheme: view.theme });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(Q42.path);
    const headings = page.locator('.question h2, .question h3');
    const anchors = page.locator('.question .heading > a.anchor');
    expect(await anchors.count()).toBe(await headings.count());
    const inCode = page.getByRole('link', { name: 'Link to section: In code' });
    await inCode.focus();
    await expect(inCode).toBeVisible();
    await inCode.click();
    await expect(page).toHaveURL(/#in-code$/);
    await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
  });
}

readOnly('/q/<id>/ lands on the canonical question page', async ({ page }) => {
  await page.goto(`q/${Q42.id}/`);
  await expect(page).toHaveURL(new RegExp(`${Q42.path}$`));
  await expect(page.locator('h1')).toBeVisible();
});

readOnly('previous and next walk the answers in order', async ({ page }) => {
  await page.goto(Q4.path);
  await page.getByRole('navigation', { name: 'Previous and next question' }).getByRole('link', { name: /Next/ }).click();
  await expect(page.locator('.question-meta .qnum')).not.toHaveText('Q4');
});

readOnly('an unknown address gets the 404 page', async ({ page, consoleErrors }) => {
  const response = await page.goto('no-such-page/');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  // The browser logs the 404 document itself; nothing else may be logged.
  expect(consoleErrors).toEqual([expect.stringContaining('404')]);
  consoleErrors.length = 0;
});

readOnly('a phone-width page has no horizontal scroll', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  for (const path of ['./', 'hard/', Q4.path, Q42.path, Q97.path]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways`).toBe(0);
  }
});
