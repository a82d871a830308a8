// Screenshots of built pages at desktop and phone width, in both themes, for
// looking at what a change did. Serve the site first (npm run preview, or the
// test build), then:
//   node scripts/screenshots.ts http://127.0.0.1:4321/ questions/http-200-ok/ easy/
// Files go to test-results/screenshots/.
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { launchOptions } from '../tests/browser.ts';

const [origin, ...paths] = process.argv.slice(2);
if (!origin || !/^https?:\/\//.test(origin)) {
  console.error('usage: node scripts/screenshots.ts <site URL> [page path ...]');
  process.exit(2);
}
const out = 'test-results/screenshots';
mkdirSync(out, { recursive: true });
const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 360, height: 780 } };

const browser = await chromium.launch(launchOptions());
for (const path of paths.length ? paths : ['']) {
  for (const [device, viewport] of Object.entries(viewports)) {
    for (const theme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport, colorScheme: theme });
      await page.goto(new URL(path, origin).href);
      const file = `${out}/${path.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'home'}-${device}-${theme}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
      await page.close();
    }
  }
}
await browser.close();
