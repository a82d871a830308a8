import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type DemoCache, demoCacheKey, readCachedDemo, writeCachedDemo } from './demo-cache.ts';
import { type DemoResult, RESULT_FD } from './demo-host.ts';

/**
 * Runs a snippet module as a reader would (`node file.ts`) and returns what
 * it printed, so a page shows real output rather than a pasted copy. Demos
 * run one at a time in a demo host, one Node process per build (see
 * demo-host.ts for how each still runs as its own program), beside Astro's
 * work on the other core. Results are cached per file and modification time
 * for the build, and on disk by content in `.cache/demo-output/` (see
 * demo-cache.ts; set DEMO_CACHE=off to run every demo).
 */
const cache = new Map<string, Promise<string>>();

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
    const run = () => execDemo(file, cwd, timeoutMs);
    result = disk ? runCached(file, disk, run) : run();
    cache.set(key, result);
  }
  return result;
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
 * Times are epoch milliseconds, from the demo's start in the host to its
 * end; the wait in the queue is excluded.
 */
export interface DemoTiming {
  file: string;
  start: number;
  end: number;
}

function timing({ file, start, end }: DemoResult): void {
  const log = process.env.DEMO_TIMINGS_FILE;
  if (log) appendFileSync(log, `${JSON.stringify({ file, start, end } satisfies DemoTiming)}\n`);
}

/**
 * Queues every demo a build will show, so they run while Astro compiles
 * pages rather than when a page asks. Failures surface when the page
 * that shows the demo awaits it, with that page named in the error.
 */
export function prefetchDemos(files: Iterable<string>, options: DemoOptions): void {
  for (const file of files) runDemo(file, options).catch(() => {});
}

/**
 * Where demos keep V8's compiled code (Node's NODE_COMPILE_CACHE, keyed by
 * each file's content), so a later build skips stripping types from and
 * compiling modules whose text is unchanged.
 */
export const demoCompileCache = (root: string) => join(root, '.cache/demo-compile');

/**
 * Node flags for the demo host. `--liftoff-only` keeps WebAssembly on V8's
 * baseline compiler: a demo that starts PostgreSQL (PGlite) is over in well
 * under a second, too soon for the optimizing tier to pay back, and with it
 * V8 recompiled PGlite's hot functions in the background: one such demo
 * peaked at 650 MB instead of 150 MB and used twice the CPU. A 1 MB young
 * generation is plenty for a demo's garbage: running all 25 demos, the host
 * peaked at 210 MB instead of 235 MB, in the same time.
 */
const DEMO_HOST_FLAGS = ['--liftoff-only', '--max-semi-space-size=1'] as const;

const HOST_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'demo-host.ts');

interface Job {
  file: string;
  timeoutMs: number;
  resolve: (result: DemoResult) => void;
  reject: (error: Error) => void;
}

interface Host {
  child: ChildProcess;
  /** The demo it is running. */
  job?: Job;
  timer?: NodeJS.Timeout;
  /** The end of what the host itself wrote to stderr, for when it dies. */
  stderr: string;
}

const tail = (text: string) => {
  const lines = text.trim().split('\n').slice(-8).join('\n');
  return lines ? `:\n${lines}` : '';
};

/**
 * Feeds demos to a demo host (demo-host.ts), a child process that runs
 * them one at a time. The host is started when there is work and told to
 * exit when the queue is empty; one that ends itself (after a failed demo or
 * a demo's process.exit) or is stopped at a timeout is replaced for the
 * demos still queued.
 */
class DemoQueue {
  private readonly jobs: Job[] = [];
  private host?: Host;
  private readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  run(file: string, timeoutMs: number): Promise<DemoResult> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ file, timeoutMs, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.host?.job) return;
    const job = this.jobs.shift();
    if (!job) {
      if (this.host) this.retire(this.host);
      return;
    }
    const host = this.host ?? this.start();
    host.job = job;
    host.timer = setTimeout(() => {
      host.child.kill('SIGKILL');
      this.retire(host);
      this.settle(host, () => job.reject(new Error(`running "node ${job.file}" was stopped after ${job.timeoutMs} ms`)));
    }, job.timeoutMs);
    host.child.stdin!.write(`${JSON.stringify({ file: job.file })}\n`);
  }

  private start(): Host {
    const child = spawn(process.execPath, [...DEMO_HOST_FLAGS, HOST_SCRIPT], {
      cwd: this.cwd,
      env: demoEnv(this.cwd),
      // stdin takes demos to run, stderr has the host's own errors, RESULT_FD (3) gives results.
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    });
    const host: Host = { child, stderr: '' };
    // A host that could not start, or has died, reports it in 'close'.
    child.on('error', (error) => {
      host.stderr += `${error.message}\n`;
    });
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (chunk) => {
      host.stderr = (host.stderr + chunk).slice(-4000);
    });
    createInterface({ input: child.stdio[RESULT_FD] as Readable }).on('line', (line) => {
      const result = JSON.parse(line) as DemoResult;
      const { job } = host;
      if (result.last) this.retire(host);
      if (job?.file === result.file) this.settle(host, () => job.resolve(result));
    });
    child.on('close', (code, signal) => {
      this.retire(host);
      const { job } = host;
      if (job) this.settle(host, () => job.reject(new Error(`running "node ${job.file}": the demo host ended (${signal ?? `code ${code}`}) without a result${tail(host.stderr)}`)));
    });
    this.host = host;
    return host;
  }

  /** Sends no more demos to `host`, and lets it exit once idle. */
  private retire(host: Host): void {
    if (this.host !== host) return;
    this.host = undefined;
    host.child.stdin!.end();
  }

  /** Ends the host's current demo with `outcome`, then starts the next. */
  private settle(host: Host, outcome: () => void): void {
    clearTimeout(host.timer);
    host.job = undefined;
    outcome();
    this.next();
  }
}

const queues = new Map<string, DemoQueue>();

async function execDemo(file: string, cwd: string, timeoutMs: number): Promise<string> {
  let queue = queues.get(cwd);
  if (!queue) queues.set(cwd, (queue = new DemoQueue(cwd)));
  const result = await queue.run(file, timeoutMs);
  timing(result);
  if (result.exitCode !== 0) throw new Error(`running "node ${file}" exited with code ${result.exitCode}${tail(result.stderr)}`);
  const output = result.stdout.replace(/\s+$/, '');
  if (output === '') throw new Error(`running "node ${file}" printed nothing; a demo must print its result`);
  return output;
}

function demoEnv(cwd: string): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', NODE_COMPILE_CACHE: demoCompileCache(cwd) };
}
