import type { Dialog, Page } from '@playwright/test';
import { expect, Q42, Q97, readOnly, test } from './fixtures.ts';

test('the search UI ships no JavaScript until it is used', async ({ page }) => {
  const loaded: string[] = [];
  page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
  await page.goto(Q42.path);
  await page.waitForLoadState('networkidle');
  expect(loaded.filter((p) => /search|pagefind/.test(p))).toEqual([]);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('dialog', { name: 'Search the handbook' })).toBeVisible();
  await expect.poll(() => loaded.some((p) => p.includes('/pagefind/'))).toBe(true);
});

readOnly('search finds an answer by a word from its body and filters by difficulty', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  const dialog = page.getByRole('dialog', { name: 'Search the handbook' });
  await dialog.getByRole('searchbox', { name: 'Search answers' }).fill('timingSafeEqual');
  const results = dialog.locator('.result');
  await expect(results.filter({ hasText: 'Q42.' })).toHaveCount(1);
  await expect(results.filter({ hasText: 'Q97.' })).toHaveCount(1);
  await dialog.getByRole('radio', { name: 'Hard' }).check();
  await expect(results.filter({ hasText: 'Q97.' })).toHaveCount(1);
  await expect(results.filter({ hasText: 'Q42.' })).toHaveCount(0);
  await expect(results.first().locator('.badge')).toHaveText('Hard');
});

readOnly("the topic filter lists a topic's answers in order, alone or with a word", async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  const dialog = page.getByRole('dialog', { name: 'Search the handbook' });
  await dialog.getByRole('combobox', { name: 'Topic' }).selectOption({ label: 'Security' });
  const results = dialog.locator('.result-title');
  await expect(results.filter({ hasText: 'Q97.' })).toHaveCount(1);
  const numbers = (await results.allTextContents()).map((t) => Number(/^Q(\d+)\./.exec(t)?.[1]));
  expect(numbers).toContain(42);
  expect(numbers).not.toContain(4);
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  await dialog.getByRole('searchbox', { name: 'Search answers' }).fill('signature');
  await expect(results.filter({ hasText: 'Q97.' })).toHaveCount(1);
  await expect(results.filter({ hasText: 'Q42.' })).toHaveCount(0);
});

test('search works by keyboard alone, keeping what is typed while it loads', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  await page.keyboard.type('argon2id');
  const input = page.getByRole('searchbox', { name: 'Search answers' });
  await expect(input).toBeFocused();
  await expect(input).toHaveValue('argon2id');
  await expect(page.locator('.result').first()).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.result').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${Q42.path}$`));
});

readOnly('a "/" typed into a field is text, not the search key', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  const input = page.getByRole('searchbox', { name: 'Search answers' });
  await page.keyboard.type('tcp/ip');
  await expect(input).toHaveValue('tcp/ip');
  await page.keyboard.press('Escape');
});

readOnly('results as typed end on the whole query, never on a superseded one', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('/');
  await expect(page.locator('#search-input')).toBeFocused();
  // Every query the list has shown results for, in order.
  await page.evaluate(() => {
    const list = document.getElementById('search-results')!;
    const shown: string[] = [];
    (window as unknown as { shown: string[] }).shown = shown;
    new MutationObserver(() => {
      const term = list.dataset.searched;
      if (term !== undefined && shown.at(-1) !== term) shown.push(term);
    }).observe(list, { attributes: true, attributeFilter: ['data-searched'] });
  });
  await page.keyboard.type('webhook signature', { delay: 15 });
  const list = page.locator('#search-results');
  await expect(list).toHaveAttribute('data-searched', 'webhook signature');
  await expect(list.locator('.result-title').first()).toContainText('Q97.');
  // Nothing typed earlier shows up after the whole query did, and every
  // query shown was the box's text at some moment, in typing order.
  await page.waitForTimeout(300);
  const shown = await page.evaluate(() => (window as unknown as { shown: string[] }).shown);
  expect(shown.at(-1)).toBe('webhook signature');
  for (const [i, term] of shown.entries()) {
    expect('webhook signature'.startsWith(term)).toBe(true);
    if (i > 0) expect(term.length).toBeGreaterThan(shown[i - 1]!.length);
  }
});

test('a failed Pagefind load says so and is tried again on the next search', async ({ page, consoleErrors }) => {
  let failing = true;
  await page.route('**/pagefind/pagefind.js', (route) => (failing ? route.abort() : route.continue()));
  await page.goto('./');
  await page.keyboard.press('/');
  const dialog = page.getByRole('dialog', { name: 'Search the handbook' });
  await dialog.getByRole('searchbox', { name: 'Search answers' }).fill('etag');
  await expect(dialog.getByRole('status')).toHaveText(/^Search could not load\./);
  await expect(dialog.locator('.result')).toHaveCount(0);
  failing = false;
  await dialog.getByRole('searchbox', { name: 'Search answers' }).fill('etag header');
  await expect(dialog.locator('.result').first()).toBeVisible();
  // Only the load refused on purpose may be logged.
  const expected = consoleErrors.filter((e) => /pagefind\.js/.test(e));
  expect(consoleErrors.filter((e) => !expected.includes(e))).toEqual([]);
  consoleErrors.length = 0;
});

readOnly('Escape closes the search dialog and returns focus', async ({ page }) => {
  await page.goto(Q97.path);
  const opener = page.getByRole('button', { name: 'Search' });
  await opener.click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(opener).toBeFocused();
});

readOnly.describe('search finds what readers type', () => {
  readOnly.beforeEach(async ({ page }) => {
    await page.goto('./');
    await page.keyboard.press('/');
  });

  const searchFor = async (page: Page, query: string) => {
    const dialog = page.getByRole('dialog', { name: 'Search the handbook' });
    await dialog.getByRole('searchbox', { name: 'Search answers' }).fill(query);
    return dialog;
  };

  readOnly('"put vs patch" puts Q31 first, with its difficulty and the matched words marked', async ({ page }) => {
    const dialog = await searchFor(page, 'put vs patch');
    const first = dialog.locator('.result').first();
    await expect(first.locator('.result-title')).toHaveText(/^Q31\. /);
    await expect(first.locator('.badge')).toHaveText('Easy');
    await expect(first.locator('.result-title mark')).toHaveText(['PUT', 'PATCH']);
    await expect(first.locator('.result-excerpt mark').first()).toBeVisible();
    // Text, marks and the section's name only: an excerpt is never parsed as HTML.
    expect(
      await first
        .locator('.result-excerpt *')
        .evaluateAll((els) => els.every((e) => e.matches('mark, .result-section'))),
    ).toBe(true);
  });

  readOnly('shows the best partial matches, and says so, when no answer has every word', async ({ page }) => {
    const dialog = await searchFor(page, 'idempotency zxqv');
    await expect(dialog.getByRole('status')).toHaveText(
      /^Nothing matches “zxqv”; \d+ answers? match(es)? the other words\.( Showing the best 10\.)?$/,
    );
    await expect(dialog.locator('.result').first()).toBeVisible();
  });

  readOnly('finds a question by its number, and says when a filter hides it', async ({ page }) => {
    const dialog = await searchFor(page, 'Q42');
    await expect(dialog.locator('.result-title').first()).toHaveText(/^Q42\. /);
    await dialog.getByRole('radio', { name: 'Hard' }).check();
    await expect(dialog.getByRole('status')).toHaveText('No Q42 with these filters.');
    await expect(dialog.locator('.result')).toHaveCount(0);
  });

  readOnly('treats a query of HTML as text: echoed, searched, never parsed', async ({ page }) => {
    const alerts: string[] = [];
    const onDialog = (d: Dialog) => {
      alerts.push(d.message());
      void d.dismiss();
    };
    page.on('dialog', onDialog);
    const dialog = await searchFor(page, '<img src=x onerror=alert(1)>');
    await expect(dialog.locator('.result').first()).toBeVisible();
    await expect(dialog.locator('img, script, [onerror]')).toHaveCount(0);
    // A query nothing matches is repeated in the status line, as typed.
    await searchFor(page, '<b>qzxj</b>');
    await expect(dialog.getByRole('status')).toHaveText('No answers match “<b>qzxj</b>”.');
    await expect(dialog.getByRole('status').locator('*')).toHaveCount(0);
    expect(alerts).toEqual([]);
    page.off('dialog', onDialog);
  });
});
