import type { Page } from '@playwright/test';
import { expect, Q42, readOnly, test } from './fixtures.ts';

// The CSP is sent as a header (dist/_headers, through scripts/serve-dist.ts)
// and as a meta. These tests use every interactive feature under it and
// require that the browser reports no violation.
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`));
  });
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

readOnly('pages are served with the CSP and security headers', async ({ page }) => {
  const response = await page.goto(Q42.path);
  const headers = response!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+' 'wasm-unsafe-eval'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['permissions-policy']).toContain('camera=()');
});

test('the policy really blocks injected inline script, and the recorder sees it', async ({ page, consoleErrors }) => {
  const violations = await recordViolations(page);
  await page.goto(Q42.path);
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
  });
  expect(await page.evaluate(() => 'injected' in window)).toBe(false);
  // Reported once by the header policy and once by the meta one.
  await expect.poll(violations).toEqual(['script-src-elem blocked inline', 'script-src-elem blocked inline']);
  expect(consoleErrors.length).toBeGreaterThan(0);
  for (const error of consoleErrors) expect(error).toContain('violates the following Content Security Policy');
  consoleErrors.length = 0;
});

test('theme, copy, heading links and search run under the CSP with no violation', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const violations = await recordViolations(page);
  await page.goto(Q42.path);
  await page.getByRole('button', { name: /theme/i }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', /light|dark/);
  await page.locator('figure.snippet').first().getByRole('button', { name: /Copy code/ }).click();
  await page.getByRole('link', { name: 'Link to section: In code' }).click();
  await page.keyboard.press('/');
  await page.getByRole('searchbox', { name: 'Search answers' }).fill('idempotency');
  await expect(page.locator('.result').first()).toBeVisible();
  await page.reload(); // the stored theme is applied by the hashed inline script
  expect(await violations()).toEqual([]);
});

test('practice and hide answers run under the CSP with no violation', async ({ page }) => {
  const violations = await recordViolations(page);
  await page.goto('practice/?difficulty=easy');
  await page.getByRole('button', { name: 'Show answer' }).click();
  await page.getByRole('button', { name: 'Knew it' }).click();
  await page.goto(Q42.path);
  await page.getByRole('button', { name: 'Hide answers' }).click();
  await page.goto('');
  await expect(page.locator('[data-progress-text]')).toContainText('1 known');
  expect(await violations()).toEqual([]);
});
