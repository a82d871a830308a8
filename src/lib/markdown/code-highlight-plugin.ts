import { satteriCreateHighlightFn, satteriHighlightPlugin } from '@astrojs/markdown-satteri';
import type { ShikiConfig } from 'astro';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HastNode } from 'satteri';
import { localModules } from '../demos/demo-cache.ts';
import { type BuildCache, buildCache, readCached, writeCached } from '../tooling/build-cache.ts';
import { jobThread } from '../tooling/job-thread.ts';

/**
 * Astro's own Shiki step for code blocks, with each block's result kept in
 * `.cache/code-highlight/` (astro.config.mjs turns Astro's step off and runs
 * this one in its place). Shiki tokenises a block once per theme, and with
 * two themes highlighting was the largest cost of a warm build: 6–7 s of
 * CPU for ~400 TypeScript blocks (2026-12-02). An unchanged block now costs
 * a file read. The markup is Astro's: its plugin and highlighter run with
 * the options Astro would pass them; only their result is kept.
 */

/** The module of the thread that highlights blocks not kept. */
const THREAD_MODULE = new URL('./highlight-thread.ts', import.meta.url);

/** Where highlighted blocks are kept; `npm run bench` clears it for a cold build. */
export const codeHighlightCacheDir = (root: string) => join(root, '.cache/code-highlight');

/**
 * The build's store of highlighted blocks, keyed by the block, this module
 * and highlight-thread.ts (which highlights the blocks not kept),
 * `transformerModules` (the files of the config's Shiki transformers) with
 * the modules they import by relative path, transitively, and
 * the locked packages (Shiki, its themes and grammars, Astro).
 */
export const codeHighlightCache = (root: string, transformerModules: readonly string[]): BuildCache =>
  buildCache(root, codeHighlightCacheDir(root), [
    fileURLToPath(import.meta.url),
    fileURLToPath(THREAD_MODULE),
    ...new Set(transformerModules.flatMap((file) => localModules(file))),
  ]);

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

/** Astro's Shiki highlighter for `shikiConfig`, here or in highlight-thread.ts. */
export async function astroShikiHighlighter(shikiConfig: ShikiConfig): Promise<HighlightFn> {
  const highlight = await satteriCreateHighlightFn('shiki', shikiConfig);
  if (!highlight) throw new Error("Astro made no Shiki highlighter for the site's shikiConfig");
  return highlight;
}

/** What highlight-thread.ts is started with: the module whose `shikiConfig()` it highlights with, and those options as JSON. */
export interface HighlightThreadData {
  configModule: string;
  configJson: string;
}
/** One block for highlight-thread.ts. */
export interface HighlightJob {
  code: string;
  lang: string;
  meta?: string;
}

/**
 * Highlights blocks in a thread of its own (highlight-thread.ts), ended 250
 * ms after its last block, so its memory goes before the pages render.
 * Shiki took ~3 s of the build thread in a cold build, while Vite compiled
 * the pages, and that thread decided how long the build took: the other
 * core ran the demos, which ended seconds before the pages (CPU profiles,
 * 2026-12-02). Now the two end about together.
 */
function threadHighlighter(data: HighlightThreadData): HighlightFn {
  const run = jobThread<HighlightJob, HastNode>({
    module: THREAD_MODULE,
    workerData: data,
    idleMs: 250,
    endedBy: 'its config module, a transformer or Shiki',
  });
  return (code, lang, meta) => run({ code, lang, meta }, `highlight a ${lang} block`);
}

/**
 * A Sätteri hast plugin: Astro's highlight step for `shikiConfig`, its
 * results kept in `cache` when one is given (none in tests). Shiki starts
 * at the first block not in the cache, so a build that finds them all
 * never loads it. Given `configModule`, a module whose `shikiConfig()`
 * returns these same options (site-shiki.ts), blocks are highlighted in a
 * thread of its own, which builds them from it.
 */
export function codeHighlightPlugin(shikiConfig: ShikiConfig, cache?: BuildCache, configModule?: URL) {
  let shiki: Promise<HighlightFn> | undefined;
  const inThread = configModule && threadHighlighter({ configModule: configModule.href, configJson: JSON.stringify(shikiConfig) });
  const highlight: HighlightFn = async (code, lang, meta) => {
    // Functions (the transformers) drop out of the JSON; their modules are in the cache's key.
    const input = JSON.stringify([shikiConfig, lang, meta ?? null, code]);
    const kept = cache && keptBlock(readCached(cache, input, 'json'));
    if (kept) return kept;
    let pre: HastNode;
    if (inThread) pre = await inThread(code, lang, meta);
    else pre = await (await (shiki ??= astroShikiHighlighter(shikiConfig)))(code, lang, meta);
    if (cache) writeCached(cache, input, JSON.stringify(pre), 'json');
    return pre;
  };
  return satteriHighlightPlugin(highlight, undefined);
}
