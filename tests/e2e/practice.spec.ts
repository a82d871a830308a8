import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { runAxe } from './axe.ts';
import { expect, Q4, Q42, readOnly, storing, test } from './fixtures.ts';

const KEY = 'handbook-progress';
const day = 86_400_000;
const card = (dueInDays: number) => ({
  box: dueInDays > 0 ? 2 : 0,
  due: new Date(Date.now() + dueInDays * day).toISOString(),
  seen: new Date(Date.now() - day).toISOString(),
  knew: 1,
  again: 1,
});
/** Q4 (easy) known until next week, Q42 (medium) due now. */
const SEEDED = { version: 1, cards: { [Q4.id]: card(7), [Q42.id]: card(-1) } };

async function seed(page: Page, progress: unknown): Promise<void> {
  await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [KEY, JSON.stringify(progress)]);
}
const stored = (page: Page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), KEY);
const counts = (page: Page) => page.locator('[data-progress-counts]');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const { violations } = await runAxe(page, { tags: TAGS });
  expect(violations.map((v) => `${state}: ${v.id} ${v.help} ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
}

for (const [device, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 360, height: 780 }]] as const) {
  for (const theme of ['light', 'dark'] as const) {
    storing(`a whole easy session on ${device} in the ${theme} theme`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('practice/?difficulty=easy');
      const total = await page.locator('[data-card][data-difficulty="easy"]').count();
      expect(total).toBeGreaterThan(1);
      const session = page.locator('[data-practice-card]');
      for (let n = 1; n <= total; n++) {
        await expect(page.locator('[data-practice-count]')).toHaveText(`Card ${n} of ${total}`);
        await expect(session.locator('.badge')).toHaveText('Easy');
        await expect(page.locator('[data-practice-summary]')).toBeHidden();
        await page.getByRole('button', { name: 'Show answer' }).click();
        await expect(page.locator('[data-practice-summary]')).toBeVisible();
        await expect(page.getByRole('link', { name: 'Read the full answer' })).toHaveAttribute('href', /\/handbook\/questions\/[a-z0-9-]+\/$/);
        await page.getByRole('button', { name: n % 2 ? 'Knew it' : 'Review again' }).click();
      }
      const knew = Math.ceil(total / 2);
      await expect(page.getByRole('heading', { name: 'Session complete' })).toBeFocused();
      await expect(page.locator('[data-practice-result]')).toHaveText(`You knew ${knew} of ${total}; ${total - knew} to review again.`);
      await expect(counts(page)).toContainText(`· ${knew} known · ${total - knew} to review`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.getByRole('button', { name: 'Start again' }).click();
      await expect(page.locator('[data-practice-count]')).toHaveText(`Card 1 of ${total}`);
    });
  }
}

storing('the keys reveal and grade, but not while a form field has focus', async ({ page }) => {
  await page.goto('practice/');
  // practice.ts can run after the load event, and it sets the form from the
  // address (difficulty "any" here): a choice made before would be undone.
  // It hides the plain list in the same step, so that says it has run.
  await expect(page.locator('[data-practice-list]')).toBeHidden();
  await page.getByLabel('Difficulty').selectOption('medium');
  await page.keyboard.press('k'); // typed into the select: nothing is graded
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(/practice\/\?difficulty=medium&topic=any$/);
  await expect(page.getByRole('button', { name: 'Show answer' })).toBeFocused();
  await page.locator('[data-practice-question]').click(); // focus leaves the button
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Knew it' })).toBeFocused();
  await expect(page.locator('[data-practice-live]')).toHaveText(/^Answer: /);
  await page.keyboard.press('k');
  await expect(page.locator('[data-practice-count]')).toHaveText(/^Card 2 of/);
  await expect(page.locator('[data-practice-live]')).toHaveText(/^Card 2 of \d+, Q\d+, Medium: /);
  await page.keyboard.press('r'); // answer not shown yet: ignored
  await page.keyboard.press('Space');
  await page.keyboard.press('r');
  await expect(page.locator('[data-practice-count]')).toHaveText(/^Card 3 of/);
  const progress = await stored(page);
  const grades = Object.values(progress.cards as Record<string, { knew: number; again: number }>);
  expect(grades.map((g) => `${g.knew}/${g.again}`).sort()).toEqual(['0/1', '1/0']);
});

storing('a linked session keeps its choice, and says when nothing is due', async ({ page }) => {
  await page.goto('practice/?difficulty=hard&topic=any&due=1');
  await expect(page.getByLabel('Difficulty')).toHaveValue('hard');
  await expect(page.getByLabel('Only questions due for review')).toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: 'Nothing is due for review' })).toBeVisible();
  await seed(page, SEEDED);
  await page.goto('practice/?difficulty=any&topic=any&due=1');
  await expect(page.locator('[data-practice-count]')).toHaveText('Card 1 of 1');
  await expect(page.locator('[data-practice-qnum]')).toHaveText(`Q${Q42.id}`);
});

test('a choice made before the practice script runs is kept', async ({ page }) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/practice\.[^/]*\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto('practice/');
  await page.getByLabel('Difficulty').selectOption('hard');
  release();
  // The script hides the plain list when it runs.
  await expect(page.locator('[data-practice-list]')).toBeHidden();
  await expect(page.getByLabel('Difficulty')).toHaveValue('hard');
});

readOnly('on a phone the choices fit inside the setup form', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto('practice/');
  const form = (await page.locator('[data-practice-setup]').boundingBox())!;
  for (const name of ['difficulty', 'topic']) {
    const field = (await page.locator(`[data-practice-setup] select[name=${name}]`).boundingBox())!;
    expect(field.x + field.width, `${name}'s right edge`).toBeLessThanOrEqual(form.x + form.width);
  }
});

storing('export then import restores progress', async ({ page }) => {
  await page.goto('practice/');
  await seed(page, SEEDED);
  await page.reload();
  await expect(counts(page)).toContainText('· 1 known · 1 to review');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^handbook-progress-\d{4}-\d{2}-\d{2}\.json$/);
  const file = await readFile(await download.path());
  expect(JSON.parse(file.toString())).toEqual(SEEDED);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(counts(page)).toContainText('· 0 known · 0 to review');

  await page.locator('[data-progress-file]').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: file });
  await expect(page.getByRole('status').filter({ hasText: 'Imported backup.json: 2 new, 0 updated, 0 kept' })).toBeVisible();
  await expect(counts(page)).toContainText('· 1 known · 1 to review');
  expect(await stored(page)).toEqual(SEEDED);
});

storing('a malformed import is refused with the reason, and progress is unchanged', async ({ page }) => {
  await page.goto('practice/');
  await seed(page, SEEDED);
  await page.reload();
  const bad = { version: 1, cards: { '5': card(1), '42': { ...card(1), box: 'x' } } };
  await page.locator('[data-progress-file]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const status = page.locator('[data-progress-status]');
  await expect(status).toContainText('bad.json was not imported, and your progress is unchanged');
  await expect(status).toContainText('cards["42"].box must be a whole number from 0 to 5; found "x"');
  expect(await stored(page)).toEqual(SEEDED);
  await page.locator('[data-progress-file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(status).toContainText('the file is not valid JSON');
  expect(await stored(page)).toEqual(SEEDED);
});

storing('reset asks first, and does nothing when declined', async ({ page }) => {
  await page.goto('practice/');
  await seed(page, SEEDED);
  await page.reload();
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Reset' }).click();
  expect(await stored(page)).toEqual(SEEDED);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect(page.getByText('Progress reset.')).toBeVisible();
  expect(await stored(page)).toEqual({ version: 1, cards: {} });
});

storing('home and difficulty pages show the counts in their scope', async ({ page }) => {
  await page.goto('./');
  await seed(page, SEEDED);
  await page.reload();
  const line = page.locator('[data-progress-summary]');
  await expect(line).toContainText(/^\d+ answered questions · 1 known · 1 to review/);
  await page.goto('easy/');
  await expect(line).toContainText(/^\d+ answered questions · 1 known · 0 to review/);
  await page.goto('medium/');
  await expect(line).toContainText(/^\d+ answered questions · 0 known · 1 to review/);
});

// Fetched before the first paint, the line's three chained modules were on
// the path to home's LCP in Lighthouse's simulation (~+500 ms, 2026-12-02).
readOnly('home asks for the progress line\'s scripts only after its first paint', async ({ page }) => {
  await page.goto('./');
  const timings = () =>
    page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      scripts: performance.getEntriesByType('resource').filter((e) => /\/(practice-boot|progress-summary|progress-store)\./.test(e.name)).map((e) => e.startTime),
    }));
  await expect.poll(async () => (await timings()).scripts.length, { message: 'the progress line\'s three modules loaded' }).toBe(3);
  const { paint, scripts } = await timings();
  expect(paint, 'first-contentful-paint entry').toBeDefined();
  for (const start of scripts) expect(start).toBeGreaterThanOrEqual(paint!);
});

storing('hide answers hides the answer on every question page until revealed', async ({ page }) => {
  await page.goto(Q4.path);
  const toggle = page.getByRole('button', { name: 'Hide answers' });
  const shortAnswer = page.getByRole('region', { name: 'Short answer' });
  await expect(shortAnswer).toBeVisible();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(shortAnswer).toBeHidden();
  await expect(page.locator('.prose')).toBeHidden();

  await page.goto(Q42.path);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(shortAnswer).toBeHidden();
  await page.getByRole('button', { name: 'Show answer' }).click();
  await expect(shortAnswer).toBeVisible();
  await expect(page.locator('#short-answer')).toBeFocused();
  await expectNoAxeViolations(page, 'revealed question');
  await page.getByRole('button', { name: 'Knew it' }).click();
  await expect(page.getByText('Saved as known.')).toBeVisible();
  expect((await stored(page)).cards[Q42.id]).toMatchObject({ box: 1, knew: 1, again: 0 });

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.goto(Q4.path);
  await expect(shortAnswer).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show answer' })).toBeHidden();
});

storing('without JavaScript, practice is a list of questions that open to their answers', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await page.goto('practice/');
  await expect(page.getByRole('heading', { name: 'Start a session' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Your progress' })).toBeHidden();
  const item = page.locator(`details[data-id="${Q4.id}"]`);
  await expect(item.locator('[data-summary]')).toBeHidden();
  await item.getByText(Q4.title).click();
  await expect(item.locator('[data-summary]')).toBeVisible();
  await expect(item.getByRole('link', { name: `Read the full answer to Q${Q4.id}` })).toHaveAttribute('href', `/handbook/${Q4.path}`);
  await page.goto(Q4.path);
  await expect(page.getByRole('button', { name: 'Hide answers' })).toBeHidden();
  await expect(page.getByRole('region', { name: 'Short answer' })).toBeVisible();
  await context.close();
});

test('when the browser refuses storage, practice says so and works in memory', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get: () => { throw new DOMException('denied', 'SecurityError'); } });
  });
  await page.goto('practice/?difficulty=easy');
  await expect(page.locator('[data-progress-notice]')).toContainText('progress lasts only while this page is open');
  await page.getByRole('button', { name: 'Show answer' }).click();
  await page.getByRole('button', { name: 'Knew it' }).click();
  await expect(counts(page)).toContainText('· 1 known · 0 to review');
});

for (const theme of ['light', 'dark'] as const) {
  storing(`axe finds no violations in practice mode in the ${theme} theme`, async ({ page }) => {
    test.setTimeout(60_000);
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('practice/');
    await expectNoAxeViolations(page, 'setup');
    await page.goto(`practice/?difficulty=hard&topic=security`);
    await expectNoAxeViolations(page, 'card');
    await page.getByRole('button', { name: 'Show answer' }).click();
    await expectNoAxeViolations(page, 'revealed');
    const total = await page.locator('[data-practice-count]').textContent();
    for (let n = Number(/of (\d+)/.exec(total ?? '')![1]); n > 0; n--) {
      if (await page.getByRole('button', { name: 'Show answer' }).isVisible()) await page.getByRole('button', { name: 'Show answer' }).click();
      await page.getByRole('button', { name: 'Review again' }).click();
    }
    await expect(page.getByRole('heading', { name: 'Session complete' })).toBeVisible();
    await expectNoAxeViolations(page, 'end');
  });
}
