import { renderAsync } from '@resvg/resvg-js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import satori from 'satori';
import { writeFileAside } from '../tooling/build-cache.ts';
import { CARD_HEIGHT, CARD_WIDTH, type CardContent, cardElement } from './social-card.ts';
import { opaquePng } from './social-png.ts';

/**
 * Renders share cards to PNG at build time: satori lays the element tree out
 * as SVG with Inter, resvg rasterises it on libuv's thread pool, and
 * social-png.ts writes the pixels as a PNG. A render costs tens of
 * milliseconds, so PNGs are cached in `.cache/og/`, keyed by everything that
 * shapes the bytes: the element tree, the renderer versions, the font files,
 * and the modules that draw and write the card.
 */

const WEIGHTS = [400, 700, 800] as const;

/**
 * Our modules that turn a card's element tree into PNG bytes, from the
 * repository root. They are in the key because the cache keeps bytes: when
 * the PNG writer changed, the same pixels came out as other files, and a kept
 * cache would have gone on serving the old ones.
 */
export const CARD_MODULES = ['src/lib/share/social-render.ts', 'src/lib/share/social-png.ts'];

interface Renderer {
  fonts: { name: string; data: Buffer; weight: (typeof WEIGHTS)[number]; style: 'normal' }[];
  /** Hash of the renderer versions, our card modules and the fonts, the part of the key shared by every card. */
  salt: string;
}

const renderers = new Map<string, Renderer>();

function renderer(root: string): Renderer {
  const known = renderers.get(root);
  if (known) return known;
  const modules = join(root, 'node_modules');
  const hash = createHash('sha256');
  for (const pkg of ['satori', '@resvg/resvg-js', '@fontsource/inter']) {
    hash.update(`${pkg}@${JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8')).version}\n`);
  }
  for (const file of CARD_MODULES) hash.update(`\0${file}\0`).update(readFileSync(join(root, file)));
  const fonts = WEIGHTS.map((weight) => {
    // satori reads WOFF and TTF/OTF, not WOFF2.
    const data = readFileSync(join(modules, `@fontsource/inter/files/inter-latin-${weight}-normal.woff`));
    hash.update(data);
    return { name: 'Inter', data, weight, style: 'normal' as const };
  });
  const made = { fonts, salt: hash.digest('hex') };
  renderers.set(root, made);
  return made;
}

/** Renders one card to PNG bytes, with no cache. */
export async function renderCardPng(content: CardContent, root: string): Promise<Buffer> {
  const { fonts } = renderer(root);
  const svg = await satori(cardElement(content) as never, { width: CARD_WIDTH, height: CARD_HEIGHT, fonts });
  // satori draws each glyph as a path, so resvg needs no fonts. By default
  // it loads the machine's for every card (all 22 DejaVu files on Debian,
  // ~8 MB: 850 MB read in a cold build, strace, 2026-12-02), ~7 ms a card;
  // the pixels are the same without them.
  const image = await renderAsync(svg, { fitTo: { mode: 'width', value: CARD_WIDTH }, font: { loadSystemFonts: false } });
  return opaquePng(image.pixels, image.width, image.height);
}

/** The cache key of a card: its element tree plus the renderer's salt. */
export function cardCacheKey(content: CardContent, root: string): string {
  return createHash('sha256').update(renderer(root).salt).update(JSON.stringify(cardElement(content))).digest('hex').slice(0, 32);
}

/** Where a build keeps rendered cards by key. */
export const cardCacheDir = (root: string) => join(root, '.cache/og');

/** A card's PNG, from `cacheDir` when an identical card was rendered before. */
export async function cachedCardPng(content: CardContent, root: string, cacheDir = cardCacheDir(root)): Promise<Buffer> {
  const file = join(cacheDir, `${cardCacheKey(content, root)}.png`);
  if (existsSync(file)) return readFileSync(file);
  const png = await renderCardPng(content, root);
  writeFileAside(file, png);
  return png;
}
