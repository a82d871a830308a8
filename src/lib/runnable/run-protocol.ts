/**
 * What the three parts of the browser runner say to each other, and the
 * limits they hold a run to. The page (src/scripts/run.ts) starts a
 * sandboxed iframe (src/runner/sandbox.ts), which starts a Worker running
 * the module's bundle behind worker-prelude.ts. Output flows back up as
 * these messages; the sandbox stops the worker at a limit.
 */

/** A run is stopped after this long: an endless loop must not hold a CPU. */
export const TIME_LIMIT_MS = 5_000;
/** A module that starts PostgreSQL (PGlite) gets longer: its start alone takes seconds on a slow phone. */
export const PGLITE_TIME_LIMIT_MS = 30_000;
/** Output beyond this many characters is cut and the run stopped. */
export const OUTPUT_LIMIT = 1_000_000;

/** A module's `import.meta.url` in the runner, and its name in stack traces; `path` is under snippets/. */
export const moduleUrl = (path: string) => `https://run.invalid/${encodeURI(path)}`;

/** The page to the sandbox: run this compiled module after these scripts, with these files. */
export interface RunRequest {
  type: 'run';
  /** Tags the run's events: one sandbox serves every run of a page. */
  id: number;
  /** The module compiled (compile-module.ts): the built one, or the reader's edit. */
  main: string;
  /** The module's path under snippets/, for its `import.meta.url`. */
  path: string;
  /** Absolute URLs under the site's `_run/` the worker loads first: prelude, vendor, deps (run-build.ts). */
  scripts: string[];
  /** TIME_LIMIT_MS, or PGLITE_TIME_LIMIT_MS when the module starts PGlite. */
  timeLimitMs: number;
  /** PGlite's WebAssembly and data, fetched by the page when the module needs them. */
  pglite?: PgliteFiles;
}

/** PGlite's files as the page fetched them: its WebAssembly, its file bundle and the empty cluster (pglite-data.ts). */
export interface PgliteFiles {
  pglite: ArrayBuffer;
  data: ArrayBuffer;
  cluster: ArrayBuffer;
}

/** PGlite's WebAssembly compiled (by the sandbox, once per page), and its data, for shims/database.ts. */
export interface PgliteAssets {
  pglite: WebAssembly.Module;
  data: ArrayBuffer;
  cluster: ArrayBuffer;
}

/** A module as compileModule gives it, once evaluated: `(require, exports, import.meta) => done`. */
export type CompiledModule = (require: (specifier: string) => unknown, exports: object, meta: { main: boolean; url: string }) => Promise<void>;

/** The sandbox to a run's worker: what to load before the module, and PGlite's files if it needs them. */
export interface WorkerStart {
  scripts: string[];
  path: string;
  pglite?: PgliteAssets;
}

/** The worker to the sandbox, and the sandbox to the page (with the run's id). */
export type RunEvent =
  | { type: 'out'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'exit'; code: number }
  | { type: 'stopped'; reason: 'time' | 'output' };

/**
 * `data`, a message from a run's worker, as a RunEvent, or undefined when
 * it is none: the reader's code can post anything, and text that is not a
 * string would make the OutputMeter count NaN and never be full.
 */
export function workerEvent(data: unknown): RunEvent | undefined {
  const event = data as Partial<Record<'type' | 'stream' | 'text' | 'code' | 'reason', unknown>> | null;
  if (typeof event !== 'object' || event === null) return undefined;
  if (event.type === 'out') {
    return (event.stream === 'stdout' || event.stream === 'stderr') && typeof event.text === 'string'
      ? { type: 'out', stream: event.stream, text: event.text } : undefined;
  }
  if (event.type === 'exit') return Number.isInteger(event.code) ? { type: 'exit', code: event.code as number } : undefined;
  return undefined;
}

/** Why a run stopped early, in the words the page shows. */
export function stopMessage(reason: 'time' | 'output', timeLimitMs = TIME_LIMIT_MS): string {
  return reason === 'time'
    ? `Stopped after ${timeLimitMs / 1000} s: the code was still running.`
    : `Output cut at ${OUTPUT_LIMIT / 1_000_000} MB: the code printed more than that.`;
}

/**
 * Counts the output a run has sent; `accept` returns the part of `text`
 * still within the limit, and `full` turns true once the limit is reached.
 */
export class OutputMeter {
  #used = 0;
  constructor(readonly limit = OUTPUT_LIMIT) {}

  get full(): boolean {
    return this.#used >= this.limit;
  }

  accept(text: string): string {
    const room = Math.max(0, this.limit - this.#used);
    const kept = text.length > room ? text.slice(0, room) : text;
    this.#used += text.length;
    return kept;
  }
}

/** The output the build shows for a demo: stdout without trailing whitespace (demo-output.ts). */
export const shownOutput = (stdout: string) => stdout.replace(/\s+$/, '');
