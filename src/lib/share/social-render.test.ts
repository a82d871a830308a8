import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg, renderAsync } from '@resvg/resvg-js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CARD_MODULES, cachedCardPng, cardCacheKey, renderCardPng } from './social-render.ts';
import { pngSize } from './social-png.ts';

// The real renderer, watched: the test of system fonts reads what it was given.
vi.mock('@resvg/resvg-js', async (importOriginal) => {
  const real = await importOriginal<typeof import('@resvg/resvg-js')>();
  return { ...real, renderAsync: vi.fn(real.renderAsync) };
});

const root = process.cwd();
const cacheDir = mkdtempSync(join(tmpdir(), 'og-cache-'));
const roots = mkdtempSync(join(tmpdir(), 'og-roots-'));
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(roots, { recursive: true, force: true });
});

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

  it('writes a smaller file than resvg would for the same pixels', async () => {
    const png = await renderCardPng(card, root);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><image width="1200" height="630" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
    expect(png.length).toBeLessThan(new Resvg(svg).render().asPng().length);
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

  it('keys cards by the modules that draw and write them', () => {
    // Two copies of the repository's card modules over its packages and fonts; one has a changed PNG writer.
    const [same, changed] = [0, 1].map(() => {
      const copy = mkdtempSync(join(roots, 'root-'));
      symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
      for (const file of CARD_MODULES) cpSync(join(root, file), join(copy, file));
      return copy;
    });
    appendFileSync(join(changed!, 'src/lib/share/social-png.ts'), '\n// deflated at another level\n');
    expect(cardCacheKey(card, same!)).toBe(cardCacheKey(card, root));
    expect(cardCacheKey(card, changed!)).not.toBe(cardCacheKey(card, root));
  });

  it("draws a card without the machine's fonts, which would not change a pixel", async () => {
    vi.mocked(renderAsync).mockClear();
    await renderCardPng(card, root);
    const [svg, options] = vi.mocked(renderAsync).mock.calls[0]!;
    expect(options?.font?.loadSystemFonts).toBe(false);
    // satori drew the text as paths: with every font on the machine, resvg draws the same pixels.
    expect(String(svg)).not.toMatch(/<text/);
    const withFonts = new Resvg(svg, { fitTo: options!.fitTo, font: { loadSystemFonts: true } }).render().pixels;
    expect(Buffer.compare(withFonts, (await renderAsync(svg, options)).pixels)).toBe(0);
  });
});
