/**
 * The site's Shiki options for code blocks, in a module of their own:
 * astro.config.mjs gives them to the highlight step, and its thread
 * (highlight-thread.ts) builds the same options here, since functions (the
 * transformer) cannot be sent to a thread.
 */
import type { ShikiConfig } from 'astro';
import { CODE_THEMES, loadDarkColours, loadPalettes, tokenClassTransformer } from './code-tokens.ts';

/** One Shiki pass with the light theme; the transformer adds the dark colours (code-tokens.ts). */
export async function shikiConfig(): Promise<ShikiConfig> {
  return { theme: CODE_THEMES.light, transformers: [tokenClassTransformer(await loadPalettes(), await loadDarkColours())] };
}
