/**
 * The thread code-highlight-plugin.ts highlights code blocks in: it builds
 * Astro's Shiki highlighter from the options the module named in its
 * workerData returns, and answers each block with its hast.
 */
import { satteriCreateHighlightFn } from '@astrojs/markdown-satteri';
import type { ShikiConfig } from 'astro';
import { parentPort, workerData } from 'node:worker_threads';
import type { HighlightReply, HighlightRequest, HighlightThreadData } from './code-highlight-plugin.ts';

const port = parentPort;
if (!port) throw new Error('highlight-thread.ts runs as a worker thread of code-highlight-plugin.ts');
const { configModule, configJson } = workerData as HighlightThreadData;

async function highlighter() {
  const config = await ((await import(configModule)) as { shikiConfig(): Promise<ShikiConfig> }).shikiConfig();
  if (JSON.stringify(config) !== configJson) {
    throw new Error(`shikiConfig() of ${configModule} returns other options than the highlight step was given; give it that module's options`);
  }
  const highlight = await satteriCreateHighlightFn('shiki', config);
  if (!highlight) throw new Error("Astro made no Shiki highlighter for the site's shikiConfig");
  return highlight;
}
const ready = highlighter();
ready.catch(() => {}); // Each request reports the failure.

port.on('message', ({ id, code, lang, meta }: HighlightRequest) => {
  ready
    .then((highlight) => highlight(code, lang, meta))
    .then(
      (hast) => port.postMessage({ id, hast } satisfies HighlightReply),
      // The stack says where in Shiki or the transformer; a thrown non-Error has none.
      (error: unknown) => port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies HighlightReply),
    );
});
