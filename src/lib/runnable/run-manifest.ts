/**
 * Which demos a page can run in the browser, from the one runner build
 * (run-build.ts). The first question starts the build for every snippet
 * module with a demo (`import.meta.main`); later ones share its promise.
 * The result is kept in `.cache/run-bundles/<key>/` (a manifest and its
 * files) under one key over everything it read: the snippet modules, the
 * runner's sources, esbuild's version, package-lock.json and the
 * tsconfig.json files esbuild reads; so a warm
 * build reads a manifest and copies files. Modules pages show are
 * recorded, and run-integration.ts copies their files into `dist/_run/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { version as esbuildVersion } from 'esbuild';
import { hashPackages } from '../tooling/build-cache.ts';
import { filesUnder } from '../tooling/files.ts';
import { buildRunFiles, type RunManifest, type RunModule } from './run-build.ts';

export type RunnableDemo = RunModule;

const HERE = dirname(fileURLToPath(import.meta.url));

/** Where builds are kept: `<root>/.cache/run-bundles`. */
export const runCacheDir = (root: string) => join(root, '.cache/run-bundles');

/** TypeScript files under `dir`, recursively, tests excluded; paths relative to `dir`, sorted. */
function sources(dir: string): string[] {
  return filesUnder(dir)
    .map((file) => relative(dir, file).split(sep).join('/'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
}

/** The snippet modules with a demo: paths under snippets/. */
export function demoModules(root: string): string[] {
  const dir = join(root, 'snippets');
  return sources(dir).filter((name) => readFileSync(join(dir, name), 'utf8').includes('import.meta.main'));
}

/** The cache key: every snippet module, the runner's sources, esbuild, the locked packages and the tsconfig.json files. */
export function runCacheKey(root: string): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
  hashPackages(hash, root);
  // The tsconfig.json files esbuild reads for the files it bundles.
  for (const name of ['tsconfig.json', 'snippets/tsconfig.json']) {
    const file = join(root, name);
    if (existsSync(file)) hash.update(`\0${name}\0`).update(readFileSync(file));
  }
  for (const dir of [join(root, 'snippets'), HERE, join(HERE, '../../runner')]) {
    for (const name of sources(dir)) hash.update(`\0${relative(root, join(dir, name))}\0`).update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex').slice(0, 32);
}

/** A kept or new build: its folder holds `manifest.json` and the files it names. */
export interface KeptBuild {
  dir: string;
  manifest: RunManifest;
}

const builds = new Map<string, Promise<KeptBuild>>();

/** The runner build for `root`, from the cache or made now; started once per process. */
export function runFiles(root: string): Promise<KeptBuild> {
  let build = builds.get(root);
  if (!build) builds.set(root, (build = keptOrBuilt(root)));
  return build;
}

async function keptOrBuilt(root: string): Promise<KeptBuild> {
  const dir = keyDir(root);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) return { dir, manifest: JSON.parse(readFileSync(manifest, 'utf8')) as RunManifest };
  return builtInThread(root);
}

const keyDir = (root: string) => join(runCacheDir(root), runCacheKey(root));

/**
 * Makes the build in a thread of its own (run-build-thread.ts), which stops
 * its esbuild service when done. esbuild runs one service per thread, and
 * Astro uses this thread's for its own transforms until its bundling ends,
 * so a service here could not be stopped sooner: the runner build left it
 * ~140 MB resident for ~10 s, through the build's largest moment (2026-12-02).
 */
function builtInThread(root: string): Promise<KeptBuild> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./run-build-thread.ts', import.meta.url), { workerData: { root } satisfies RunBuildRequest });
    worker.once('message', (reply: RunBuildReply) => ('kept' in reply ? resolve(reply.kept) : reject(new Error(reply.error))));
    worker.once('error', reject);
    // After a reply this does nothing: a promise settles once.
    worker.once('exit', (code) => reject(new Error(`the runner build's thread ended (code ${code}) without a result`)));
  });
}

/** What run-build-thread.ts is given, and answers. */
export interface RunBuildRequest {
  root: string;
}
export type RunBuildReply = { kept: KeptBuild } | { error: string };

/** Makes the runner build for `root` and keeps it under its key (run in run-build-thread.ts). */
export async function buildAndKeep(root: string): Promise<KeptBuild> {
  const dir = keyDir(root);
  const manifest = join(dir, 'manifest.json');
  const built = await buildRunFiles(root, demoModules(root));
  // Written aside, then renamed: a parallel build never reads half a folder. Older keys go.
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const [name, text] of built.files) writeFileSync(join(partial, name), text);
  writeFileSync(join(partial, 'manifest.json'), JSON.stringify(built.manifest));
  // Not this key's folder: another process may have just kept it, and be copying from it.
  for (const old of readdirSync(runCacheDir(root))) {
    if (!old.endsWith('.partial') && join(runCacheDir(root), old) !== dir) rmSync(join(runCacheDir(root), old), { recursive: true, force: true });
  }
  try {
    renameSync(partial, dir);
  } catch (error) {
    if (!existsSync(manifest)) throw error; // Another build kept the same one first.
    rmSync(partial, { recursive: true, force: true });
  }
  return { dir, manifest: built.manifest };
}

/** Modules (paths under snippets/) that pages of this build show with a Run button. */
export const usedModules = new Set<string>();

/** Whether `file` (absolute) runs in the browser, and its files, or why it runs only in Node. */
export async function runnableDemo(file: string, root: string): Promise<RunnableDemo> {
  const module = relative(join(root, 'snippets'), file).split('\\').join('/');
  const demo = (await runFiles(root)).manifest.modules[module];
  if (!demo) return { runnable: false, reason: file.endsWith('.py') ? 'is Python' : 'has no demo under import.meta.main' };
  if (demo.runnable) usedModules.add(module);
  return demo;
}
