import { expect, Q42, readOnly as test, VIEWS } from './fixtures.ts';

for (const view of VIEWS) {
  test(`a question links its topics, and a topic page lists its answers easy to hard (${view.name})`, async ({ page }) => {
    await page.setViewportSize(view.viewport);
    await page.emulateMedia({ colorScheme: view.theme });
    await page.goto(Q42.path);
    const topics = page.getByRole('list', { name: 'Topics' });
    await expect(topics.getByRole('link')).toHaveText(['Security', 'Authentication and authorization']);
    await topics.getByRole('link', { name: 'Security' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Security');
    const numbers = await page.locator('.card .qnum').allTextContents();
    expect(numbers).toContain('Q42');
    expect(numbers.map((n) => Number(n.slice(1)))).toEqual([...numbers.map((n) => Number(n.slice(1)))].sort((a, b) => a - b));
    await expect(page.getByRole('link', { name: 'Topics', exact: true }).first()).toHaveAttribute('aria-current', 'true');
  });
}

test('the topic index links every topic that has answers, with counts', async ({ page }) => {
  await page.goto('topics/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Topics');
  const security = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Security', exact: true }) });
  await expect(security).toContainText(/\d+ answers/);
  // Every listed topic has a count; that a topic with no answers is left
  // out is tested in src/lib/content/topics.test.ts (every topic has answers now).
  const items = page.locator('.topic-index > li');
  expect(await items.count()).toBeGreaterThan(1);
  for (const item of await items.all()) await expect(item).toContainText(/\d+ answers?/);
});

test('a question page shows the day it was last reviewed', async ({ page }) => {
  await page.goto(Q42.path);
  await expect(page.locator('.reviewed time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}$/);
  await expect(page.locator('.reviewed')).toHaveText(/^Reviewed \d{4}-\d{2}-\d{2}$/);
});
