/**
 * Which demos a page can run in the browser, and their chunks. The snippet
 * plugin asks `runnableDemo` for every demo it shows with `output`; the
 * answer is kept in `.cache/run-bundles/` under a key covering the module
 * and what it imports (the demo cache's key), the runner's own sources and
 * esbuild's version, so a warm build bundles nothing. Chunks a page uses are
 * recorded, and run-integration.ts copies them into `dist/_run/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { demoCacheKey } from '../demos/demo-cache.ts';
import { browserBundle } from './browser-bundle.ts';
import { BROWSER_EXCEPTIONS } from './browser-exceptions.ts';

export type RunnableDemo =
  | { runnable: true; chunk: string; pglite: boolean }
  | { runnable: false; reason: string };

const HERE = dirname(fileURLToPath(import.meta.url));

/** Chunk files (names in the cache's chunk folder) that pages of this build use. */
export const usedChunks = new Set<string>();

/** Where bundles are kept: `<root>/.cache/run-bundles`. */
export const runCacheDir = (root: string) => join(root, '.cache/run-bundles');

let runnerHash: string | undefined;
/** A hash of the runner's sources (this folder and src/runner/), tests excluded. */
function runnerSources(): string {
  if (runnerHash) return runnerHash;
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
  for (const dir of [HERE, join(HERE, '../../runner'), join(HERE, '../../runner/shims')]) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
    }
  }
  return (runnerHash = hash.digest('hex'));
}

const runs = new Map<string, Promise<RunnableDemo>>();

/** Whether `file` (absolute) runs in the browser: its chunk, or the reason it is Node-only. */
export function runnableDemo(file: string, root: string): Promise<RunnableDemo> {
  let answer = runs.get(file);
  if (!answer) runs.set(file, (answer = classify(file, root)));
  return answer.then((demo) => {
    if (demo.runnable) usedChunks.add(demo.chunk);
    return demo;
  });
}

async function classify(file: string, root: string): Promise<RunnableDemo> {
  const exception = BROWSER_EXCEPTIONS[relative(join(root, 'snippets'), file)];
  if (exception) return { runnable: false, reason: exception };
  const dir = runCacheDir(root);
  // The entry is named: two modules that import each other have one module set, so one demo key.
  const key = createHash('sha256').update(`entry ${relative(root, file)}\n`).update(demoCacheKey(file, { root })).update(runnerSources()).digest('hex');
  const kept = join(dir, `${key}.json`);
  if (existsSync(kept)) {
    const demo = JSON.parse(readFileSync(kept, 'utf8')) as RunnableDemo;
    if (!demo.runnable || existsSync(join(dir, 'chunks', demo.chunk))) return demo;
  }
  const bundle = await browserBundle(file, root);
  const demo: RunnableDemo = bundle.runnable
    ? { runnable: true, chunk: `${createHash('sha256').update(bundle.code).digest('hex').slice(0, 16)}.js`, pglite: bundle.pglite }
    : bundle;
  mkdirSync(join(dir, 'chunks'), { recursive: true });
  if (bundle.runnable && demo.runnable) writeAside(join(dir, 'chunks', demo.chunk), bundle.code);
  writeAside(kept, JSON.stringify(demo));
  return demo;
}

/** Write aside, then rename: a parallel build never reads half a file. */
function writeAside(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}
