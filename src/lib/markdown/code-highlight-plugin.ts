import { satteriCreateHighlightFn, satteriHighlightPlugin } from '@astrojs/markdown-satteri';
import type { ShikiConfig } from 'astro';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HastNode } from 'satteri';
import { localModules } from '../demos/demo-cache.ts';
import { type BuildCache, buildCache, readCached, writeCached } from '../tooling/build-cache.ts';

/**
 * Astro's own Shiki step for code blocks, with each block's result kept in
 * `.cache/code-highlight/` (astro.config.mjs turns Astro's step off and runs
 * this one in its place). Shiki tokenises a block once per theme, and with
 * two themes highlighting was the largest cost of a warm build: 6–7 s of
 * CPU for ~400 TypeScript blocks (2026-12-02). An unchanged block now costs
 * a file read. The markup is Astro's: its plugin and highlighter run with
 * the options Astro would pass them; only their result is kept.
 */

/** Where highlighted blocks are kept; `npm run bench` clears it for a cold build. */
export const codeHighlightCacheDir = (root: string) => join(root, '.cache/code-highlight');

/**
 * The build's store of highlighted blocks, keyed by the block, this module,
 * `transformerModules` (the files of the config's Shiki transformers) with
 * the modules they import by relative path, transitively, and
 * the locked packages (Shiki, its themes and grammars, Astro).
 */
export const codeHighlightCache = (root: string, transformerModules: readonly string[]): BuildCache =>
  buildCache(root, codeHighlightCacheDir(root), [fileURLToPath(import.meta.url), ...new Set(transformerModules.flatMap((file) => localModules(file)))]);

/** A kept block's hast; undefined when none is kept or its file is cut short (it is made and kept again). */
function keptBlock(json: string | undefined): HastNode | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as HastNode;
  } catch {
    return undefined;
  }
}

type HighlightFn = (code: string, lang: string, meta?: string) => Promise<HastNode>;

/**
 * A Sätteri hast plugin: Astro's highlight step for `shikiConfig`, its
 * results kept in `cache` when one is given (none in tests). Shiki starts
 * at the first block not in the cache, so a build that finds them all
 * never loads it.
 */
export function codeHighlightPlugin(shikiConfig: ShikiConfig, cache?: BuildCache) {
  let shiki: Promise<HighlightFn | undefined> | undefined;
  const highlight: HighlightFn = async (code, lang, meta) => {
    // Functions (the transformers) drop out of the JSON; their modules are in the cache's key.
    const input = JSON.stringify([shikiConfig, lang, meta ?? null, code]);
    const kept = cache && keptBlock(readCached(cache, input, 'json'));
    if (kept) return kept;
    const astroHighlight = await (shiki ??= satteriCreateHighlightFn('shiki', shikiConfig));
    if (!astroHighlight) throw new Error("Astro made no Shiki highlighter for the site's shikiConfig");
    const pre = await astroHighlight(code, lang, meta);
    if (cache) writeCached(cache, input, JSON.stringify(pre), 'json');
    return pre;
  };
  return satteriHighlightPlugin(highlight, undefined);
}
