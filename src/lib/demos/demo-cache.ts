import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { hashPackages, writeFileAside } from '../tooling/build-cache.ts';
import { specifiers as importsOf } from './import-specifiers.ts';

/**
 * A content-addressed store of demo output, so a build re-runs only the
 * demos whose code changed. The key covers everything a deterministic demo's
 * output depends on: which module is run, its text and, transitively, every
 * module it imports by relative path; the installed packages (the libraries it
 * imports by name: hashPackages in build-cache.ts); and the Node version.
 * A failed demo is never stored.
 */
export interface DemoCache {
  /** Folder of `<key>.txt` files, like `.cache/demo-output`. */
  dir: string;
  /** Repository root: holds package-lock.json; module paths in the key are relative to it. */
  root: string;
}

/** The module and every module it imports by relative path, sorted. */
export function localModules(file: string): string[] {
  const found = new Set<string>();
  const visit = (path: string) => {
    if (found.has(path)) return;
    if (!existsSync(path)) throw new Error(`${path}: imported by a demo but not found; fix the import path`);
    found.add(path);
    const code = readFileSync(path, 'utf8');
    // One lexing pass for both kinds.
    const imports = importsOf(code);
    const specifiers = [...imports.static, ...imports.dynamic];
    for (const spec of specifiers) if (/^\.\.?\//.test(spec)) visit(resolve(dirname(path), spec));
  };
  visit(resolve(file));
  return [...found].sort();
}

export function demoCacheKey(file: string, { root }: Pick<DemoCache, 'root'>): string {
  // The entry is named: two demos that import each other share one module set.
  const hash = createHash('sha256').update(`node ${process.version}\nentry ${relative(root, resolve(file))}\n`);
  hashPackages(hash, root);
  for (const path of localModules(file)) {
    hash.update(`\0${relative(root, path)}\0`).update(readFileSync(path));
  }
  return hash.digest('hex');
}

export function readCachedDemo(cache: DemoCache, key: string): string | undefined {
  const path = join(cache.dir, `${key}.txt`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function writeCachedDemo(cache: DemoCache, key: string, output: string): void {
  writeFileAside(join(cache.dir, `${key}.txt`), output);
}

/**
 * The output kept for `file` in `cache`, or else the output of `run`, kept
 * for next time. A run that rejects is not kept, so a flaky or broken demo
 * runs again on the next build. Nor is a run during which the demo's code
 * changed (an edit while a build waits in the queue): the output may come
 * from either text, and kept under the old key it would outlive the edit.
 */
export async function cachedDemoOutput(cache: DemoCache, file: string, run: () => Promise<string>): Promise<string> {
  const key = demoCacheKey(file, cache);
  const kept = readCachedDemo(cache, key);
  if (kept !== undefined) return kept;
  const output = await run();
  if (demoCacheKey(file, cache) === key) writeCachedDemo(cache, key, output);
  return output;
}
