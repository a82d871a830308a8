/**
 * The thread code-highlight-plugin.ts highlights code blocks in: it builds
 * Astro's Shiki highlighter from the options the module named in its
 * workerData returns, and answers each block with its hast.
 */
import type { ShikiConfig } from 'astro';
import { workerData } from 'node:worker_threads';
import { serveJobs } from '../tooling/job-thread.ts';
import { astroShikiHighlighter, type HighlightJob, type HighlightThreadData } from './code-highlight-plugin.ts';

const { configModule, configJson } = workerData as HighlightThreadData;

async function highlighter() {
  const config = await ((await import(configModule)) as { shikiConfig(): Promise<ShikiConfig> }).shikiConfig();
  if (JSON.stringify(config) !== configJson) {
    throw new Error(`shikiConfig() of ${configModule} returns other options than the highlight step was given; give it that module's options`);
  }
  return astroShikiHighlighter(config);
}
const ready = highlighter();
ready.catch(() => {}); // Each job reports the failure.

serveJobs(async ({ code, lang, meta }: HighlightJob) => (await ready)(code, lang, meta));
