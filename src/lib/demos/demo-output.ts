import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedDemoOutput, type DemoCache } from './demo-cache.ts';
import type { DemoResult } from './demo-protocol.ts';
import { runInDemoHost, stderrTail } from './demo-queue.ts';

/**
 * Runs a snippet module as a reader would (`node file.ts`) and returns what
 * it printed, so a page shows real output rather than a pasted copy. This
 * file decides where demos run and what is kept; the work is done by
 * - demo-cache.ts: outputs kept on disk by content, `.cache/demo-output/`;
 * - demo-queue.ts: the demo host processes (one by default), each sent
 *   demos as they are queued, beside Astro's work on the other core;
 * - demo-host.ts: that process, running each demo as its own program;
 * - warm-database.ts: what the host runs first in a cold build (warmDemoHost);
 * - demo-protocol.ts: what the queue and the host say to each other;
 * - deferred-demos.ts, demo-placeholder.ts, demo-output-integration.ts:
 *   in `astro build`, outputs filled into the pages after they render.
 */

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

/**
 * How many demo hosts run side by side: one, unless DEMO_HOSTS says
 * otherwise (read at the first demo). On 2 cores a second host shortened
 * the demo phase, but each host holds its own PGlite: a cold build's peak
 * rose by about 215 MiB PSS (busy machine, 2026-12-02), past the Starlight
 * peer's. `DEMO_HOSTS=2 npm run bench` measures that trade.
 */
function demoHosts(): number {
  return process.env.DEMO_HOSTS ? Number(process.env.DEMO_HOSTS) : 1;
}

/**
 * One run per file and modification time for the life of the process: the
 * prefetch and the page that shows a demo share one run.
 */
const runs = new Map<string, Promise<string>>();

/**
 * What `node file` prints to stdout, trailing whitespace removed. Rejects,
 * naming the command, when the demo fails, prints nothing or hangs.
 */
export function runDemo(file: string, { cwd, timeoutMs = 30_000, cache = defaultDemoCache(cwd) }: DemoOptions): Promise<string> {
  const key = `${file}@${statSync(file).mtimeMs}`;
  let output = runs.get(key);
  if (!output) {
    const run = () => freshOutput(file, cwd, timeoutMs);
    output = cache ? cachedDemoOutput(cache, file, run) : run();
    runs.set(key, output);
  }
  return output;
}

/**
 * Queues every demo a build will show, so they start before Astro compiles
 * the pages that ask for them. Failures surface where a page shows the
 * demo, with that page named in the error: in `astro build` once every
 * page is rendered (deferred-demos.ts), in `astro dev` as the page compiles.
 */
export function prefetchDemos(files: Iterable<string>, options: DemoOptions): void {
  for (const file of files) runDemo(file, options).catch(() => {});
}

/** What warmDemoHost has the host run first. */
export const WARM_UP_MODULE = fileURLToPath(new URL('./warm-database.ts', import.meta.url));

/**
 * In `astro build` with no demo output kept (a fresh clone, or the
 * benchmark's cold build; a folder of outputs from other versions counts
 * as kept), starts the demo host before Astro has loaded (from
 * warm-host-preload.ts, which `npm run build` imports first), and has it
 * run warm-database.ts first, which opens
 * and closes one database: PGlite is loaded and a database waits in the
 * pool when the first demo arrives, and the host stays up to 10 s for it.
 * Astro's own start runs on one core; the host used to start after the
 * content check, ~1.3 s in, and then spend ~0.4 s of CPU on PGlite before
 * its first database demo could run (2026-12-03). The only code that runs
 * before the content check is warm-database.ts and database.ts, which no
 * page shows. Its run is logged with the demos' (DEMO_TIMINGS_FILE).
 * Returns whether it started the host; any failure (a bad DEMO_HOSTS, say)
 * surfaces in the demos after it.
 */
export function warmDemoHost(root: string, { cache = defaultDemoCache(root), run = runInDemoHost } = {}): boolean {
  if (cache && keptOutputs(cache.dir) > 0) return false;
  const options = { cwd: root, timeoutMs: 30_000, hosts: demoHosts(), lingerMs: WARM_HOST_LINGER_MS };
  Promise.resolve().then(() => run(WARM_UP_MODULE, options)).then(logTiming).catch(() => {});
  return true;
}

/** How long the warmed host waits for the build's first demo. */
export const WARM_HOST_LINGER_MS = 10_000;

const keptOutputs = (dir: string) => {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0; // no folder yet
  }
};

/** Runs the demo in the host: its output, or an error saying why there is none. */
async function freshOutput(file: string, cwd: string, timeoutMs: number): Promise<string> {
  const result = await runInDemoHost(file, { cwd, timeoutMs, hosts: demoHosts() });
  logTiming(result);
  if (result.exitCode !== 0) throw new Error(`running "node ${file}" exited with code ${result.exitCode}${stderrTail(result.stderr)}`);
  const output = result.stdout.replace(/\s+$/, '');
  if (output === '') throw new Error(`running "node ${file}" printed nothing; a demo must print its result`);
  return output;
}

/**
 * One demo's run, as written to the file named by DEMO_TIMINGS_FILE (one
 * JSON object per line) so the benchmark can report the demo phase.
 * Times are epoch milliseconds, from the demo's start in the host to its
 * end; the wait in the queue is excluded. Outputs taken from a cache are
 * not logged: they did not run.
 */
export interface DemoTiming {
  file: string;
  start: number;
  end: number;
}

function logTiming({ file, start, end }: DemoResult): void {
  const log = process.env.DEMO_TIMINGS_FILE;
  if (log) appendFileSync(log, `${JSON.stringify({ file, start, end } satisfies DemoTiming)}\n`);
}
