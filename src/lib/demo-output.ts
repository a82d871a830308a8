import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type DemoCache, demoCacheKey, localModules, readCachedDemo, writeCachedDemo } from './demo-cache.ts';
import { staticImports } from './page-weight.ts';

/**
 * Runs a snippet module the way a reader would (`node file.ts`) and returns
 * what it printed, so a page shows real output rather than a pasted copy.
 * Results are cached per file and modification time for the build, and on
 * disk by content in `.cache/demo-output/` (see demo-cache.ts; set
 * DEMO_CACHE=off to run every demo). At most one demo per core runs at a
 * time (some start a whole PostgreSQL).
 */
const cache = new Map<string, Promise<string>>();
const slots = { free: availableParallelism(), waiting: [] as (() => void)[] };

export interface DemoOptions {
  /** Folder to run in; output is easier to read with paths relative to it. */
  cwd: string;
  /** Kills a demo that hangs; a demo must be quick and deterministic. */
  timeoutMs?: number;
  /** Where outputs are kept by content; default `<cwd>/.cache/demo-output`, none when DEMO_CACHE=off. */
  cache?: DemoCache | null;
}

/** The on-disk cache runDemo uses for a repository root, or null when DEMO_CACHE=off. */
export function defaultDemoCache(root: string): DemoCache | null {
  return process.env.DEMO_CACHE === 'off' ? null : { dir: join(root, '.cache/demo-output'), root };
}

export function runDemo(file: string, { cwd, timeoutMs = 30_000, cache: disk = defaultDemoCache(cwd) }: DemoOptions): Promise<string> {
  const key = `${file}@${statSync(file).mtimeMs}`;
  let result = cache.get(key);
  if (!result) {
    result = disk ? runCached(file, disk, () => runFresh(file, cwd, timeoutMs)) : runFresh(file, cwd, timeoutMs);
    cache.set(key, result);
  }
  return result;
}

function runFresh(file: string, cwd: string, timeoutMs: number): Promise<string> {
  return withSlot(() => timed(file, () => execDemo(file, cwd, timeoutMs)));
}

async function runCached(file: string, disk: DemoCache, run: () => Promise<string>): Promise<string> {
  const key = demoCacheKey(file, disk);
  const kept = readCachedDemo(disk, key);
  if (kept !== undefined) return kept;
  const output = await run();
  writeCachedDemo(disk, key, output);
  return output;
}

/**
 * One demo's run, as written to the file named by DEMO_TIMINGS_FILE (one
 * JSON object per line) so the benchmark can report the demo phase.
 * Times are epoch milliseconds; the slot wait is excluded.
 */
export interface DemoTiming {
  file: string;
  start: number;
  end: number;
}

async function timed<T>(file: string, run: () => Promise<T>): Promise<T> {
  const log = process.env.DEMO_TIMINGS_FILE;
  if (!log) return run();
  const start = Date.now();
  try {
    return await run();
  } finally {
    const timing: DemoTiming = { file, start, end: Date.now() };
    appendFileSync(log, `${JSON.stringify(timing)}\n`);
  }
}

/**
 * Starts every demo a build will show, so they run side by side while Astro
 * compiles pages, not one page at a time. Failures surface when the page
 * that shows the demo awaits it, with that page named in the error.
 */
export function prefetchDemos(files: Iterable<string>, options: DemoOptions): void {
  for (const file of files) runDemo(file, options).catch(() => {});
}

async function withSlot<T>(task: () => Promise<T>): Promise<T> {
  if (slots.free > 0) slots.free--;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve));
  try {
    return await task();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

/**
 * Where demos keep V8's compiled code (Node's NODE_COMPILE_CACHE, keyed by
 * each file's content). Demos share most of their imports (zod, hono, the
 * problem helpers), so from the second demo on, Node skips stripping types
 * from and compiling those again (the 21 small demos, run one after another:
 * 5.3 s without it, 4.1 s in one cold pass, 3.0 s once it is warm).
 */
export const demoCompileCache = (root: string) => join(root, '.cache/demo-compile');

/**
 * Node flags for one demo. Every demo gets `--max-semi-space-size=1`, a 1 MB
 * young generation, plenty for a demo's garbage: a small demo then peaks at
 * 65–77 MB instead of 67–81 MB, in the same time.
 *
 * A demo that starts PostgreSQL (one that imports @electric-sql/pglite, itself
 * or through a module it imports by relative path) also gets
 * `--liftoff-only`: V8 keeps WebAssembly on its baseline compiler. Such a
 * demo is over in about a second, too soon for the optimizing tier to pay
 * back; with it, V8 recompiled PGlite's hot functions in the background and
 * the demo peaked at 650 MB instead of 150 MB, using 2.0–2.3 s of CPU instead
 * of 1.0. Other demos go without it: the flag makes Node compile its own
 * built-in modules afresh (their cached code is tied to V8's flags), about
 * 60 ms of a small demo's 0.2 s.
 */
export function demoNodeFlags(file: string): string[] {
  const startsPostgres = localModules(file).some((path) => staticImports(readFileSync(path, 'utf8')).includes('@electric-sql/pglite'));
  return startsPostgres ? ['--liftoff-only', '--max-semi-space-size=1'] : ['--max-semi-space-size=1'];
}

function demoEnv(cwd: string): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_COMPILE_CACHE: demoCompileCache(cwd) };
}

function execDemo(file: string, cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...demoNodeFlags(file), file],
      { cwd, timeout: timeoutMs, env: demoEnv(cwd), maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `was stopped after ${timeoutMs} ms` : `exited with code ${error.code}`;
          const tail = stderr.trim().split('\n').slice(-8).join('\n');
          reject(new Error(`running "node ${file}" ${why}${tail ? `:\n${tail}` : ''}`));
          return;
        }
        const output = stdout.replace(/\s+$/, '');
        if (output === '') reject(new Error(`running "node ${file}" printed nothing; a demo must print its result`));
        else resolve(output);
      },
    );
  });
}
