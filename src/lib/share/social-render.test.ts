import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedCardPng, cardCacheKey } from './social-render.ts';
import { pngSize } from './social-png.ts';

const root = process.cwd();
const cacheDir = mkdtempSync(join(tmpdir(), 'og-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const card = { siteName: 'Backend Interview Handbook', title: 'What does a 200 HTTP status mean?', question: { id: 4, difficulty: 'easy' as const, label: 'Easy', topics: ['http'] } };

describe('cachedCardPng', () => {
  it('renders a 1200×630 PNG and stores it under its key', async () => {
    const png = await cachedCardPng(card, root, cacheDir);
    expect(pngSize(png)).toEqual({ width: 1200, height: 630 });
    expect(readdirSync(cacheDir)).toEqual([`${cardCacheKey(card, root)}.png`]);
  });

  it('serves a second request from the cache without rendering', async () => {
    const file = join(cacheDir, `${cardCacheKey(card, root)}.png`);
    writeFileSync(file, 'cached bytes');
    expect((await cachedCardPng(card, root, cacheDir)).toString()).toBe('cached bytes');
  });

  it('keys cards by everything they show', () => {
    const keys = [
      cardCacheKey(card, root),
      cardCacheKey({ ...card, title: 'What does a 201 HTTP status mean?' }, root),
      cardCacheKey({ ...card, question: { ...card.question, difficulty: 'hard' } }, root),
      cardCacheKey({ ...card, question: { ...card.question, topics: ['http', 'api-design'] } }, root),
      cardCacheKey({ siteName: card.siteName, title: card.title }, root),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(cardCacheKey({ ...card }, root)).toBe(keys[0]);
  });
});
