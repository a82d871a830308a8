import { readFile } from 'node:fs/promises';
import { pngSize } from '../../src/lib/share/social-png.ts';
import { expect, Q42, readOnly as test } from './fixtures.ts';

test('a question page points crawlers at its own PNG share card', async ({ page }) => {
  await page.goto(Q42.path);
  const image = await page.locator('meta[property="og:image"]').getAttribute('content');
  expect(image).toMatch(new RegExp(`/og/${Q42.id}\\.png$`));
  const response = await page.request.get(image!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('image/png');
  expect(pngSize(await response.body(), image!)).toEqual({ width: 1200, height: 630 });
  await expect(page.locator('meta[name="twitter:image"]')).toHaveAttribute('content', image!);
});

test('the JSON-LD on a question page parses and describes the page', async ({ page }) => {
  await page.goto(Q42.path);
  const raw = await page.locator('script[type="application/ld+json"]').textContent();
  const [faq, crumbs] = JSON.parse(raw ?? '') as [{ '@type': string; url: string; mainEntity: { name: string }[] }, { '@type': string }];
  expect(faq['@type']).toBe('FAQPage');
  expect(faq.url).toBe(page.url());
  expect(faq.mainEntity[0]?.name).toBe(await page.getByRole('heading', { level: 1 }).textContent());
  expect(crumbs['@type']).toBe('BreadcrumbList');
});

for (const [device, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 780 }]] as const) {
  test(`the footer link downloads the Anki deck (${device})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.goto(Q42.path);
    const link = page.getByRole('contentinfo').getByRole('link', { name: 'Anki deck' });
    await link.scrollIntoViewIfNeeded();
    await expect(link).toBeVisible();
    const box = await link.boundingBox();
    expect(box!.x + box!.width, 'link stays inside the viewport').toBeLessThanOrEqual(viewport.width);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('backend-interview-handbook.txt');
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual(['#separator:tab', '#html:true']);
    expect(text).toContain(`backend-interview-handbook-q${Q42.id}\tQ${Q42.id} · `);
  });
}
