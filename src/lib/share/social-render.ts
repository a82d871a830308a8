import { renderAsync } from '@resvg/resvg-js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import satori from 'satori';
import { writeFileAside } from '../tooling/build-cache.ts';
import { jobThread, type RunInThread } from '../tooling/job-thread.ts';
import type { CardJob } from './card-thread.ts';
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

/** Each repository's card thread, by the path of its module. */
const threads = new Map<string, RunInThread<CardJob, Uint8Array>>();

/**
 * renderCardPng in a thread of its own (card-thread.ts), ended 250 ms after
 * its last card. The thread's module is read from `root`'s src/, since this
 * module runs bundled in the build. In a cold build the cards took ~1.3 s
 * of the build thread (3 s on a loaded machine) while it rendered pages,
 * when the demos are done and the other core has room (CPU profiles,
 * 2026-12-02); the thread's isolate, satori and fonts cost ~47 MB then.
 */
export async function renderCardPngInThread(content: CardContent, root: string): Promise<Buffer> {
  const module = pathToFileURL(join(resolve(root), 'src/lib/share/card-thread.ts'));
  let run = threads.get(module.href);
  if (!run) threads.set(module.href, (run = jobThread<CardJob, Uint8Array>({ module, idleMs: 250, endedBy: 'drawing a card' })));
  return Buffer.from(await run({ content, root }, `draw the share card "${content.title}"`));
}

/** A card's PNG, from `cacheDir` when an identical card was rendered before, else drawn in the card thread. */
export async function cachedCardPng(content: CardContent, root: string, cacheDir = cardCacheDir(root)): Promise<Buffer> {
  const file = join(cacheDir, `${cardCacheKey(content, root)}.png`);
  if (existsSync(file)) return readFileSync(file);
  const png = await renderCardPngInThread(content, root);
  writeFileAside(file, png);
  return png;
}
