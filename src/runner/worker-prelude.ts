/**
 * Runs first in the runner's worker, before the module: gives it what
 * `node file.ts` would (a `process` with stdout, stderr, env, argv,
 * exitCode and exit; `console` printing as Node prints), sends what it
 * prints to the sandbox, and after the module has run waits, as Node
 * does, until no timer it started is pending, then reports the exit code.
 * The worker loads it first (run-build.ts names it in every module's
 * scripts); the sandbox's boot script then calls `__run` with the module.
 */
import { formatArgs } from '../lib/runnable/console-format.ts';
import { type CompiledModule, moduleUrl, type PgliteAssets, type RunEvent } from '../lib/runnable/run-protocol.ts';
import { moduleRequire } from './module-require.ts';

const scope = globalThis as unknown as { postMessage(event: RunEvent): void; close(): void };
const send = (event: RunEvent) => scope.postMessage(event);

// Each write goes at once, as Node's does, so what a module printed shows even if it then
// loops forever; the sandbox batches what it sends on to the page (sandbox.ts).
const write = (stream: 'stdout' | 'stderr', text: string) => send({ type: 'out', stream, text });

class Exit extends Error {}
let exitCode: number | undefined;
const stream = (name: 'stdout' | 'stderr') => ({
  write: (chunk: string | Uint8Array) => {
    write(name, typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    return true;
  },
  isTTY: false,
});
const proc = {
  argv: ['node', 'file.ts'],
  env: { NODE_ENV: 'production' } as Record<string, string | undefined>,
  stdout: stream('stdout'),
  stderr: stream('stderr'),
  get exitCode() { return exitCode; },
  set exitCode(code: number | undefined) { exitCode = code; },
  exit(code = exitCode ?? 0): never {
    finish(code);
    throw new Exit(`process.exit(${code})`);
  },
  nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
};
(globalThis as unknown as { process: typeof proc }).process = proc;

for (const name of ['log', 'info', 'debug'] as const) console[name] = (...args: unknown[]) => write('stdout', `${formatArgs(args)}\n`);
for (const name of ['warn', 'error', 'trace'] as const) console[name] = (...args: unknown[]) => write('stderr', `${formatArgs(args)}\n`);

// Timers the module starts, so the run ends when they have all fired (as a Node process does).
const timers = new Set<unknown>();
const { setTimeout: start, clearTimeout: clear, setInterval: every, clearInterval: stop } = globalThis;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const id = start(() => {
    timers.delete(id);
    fn(...args);
  }, ms);
  timers.add(id);
  return id;
}) as typeof setTimeout;
globalThis.clearTimeout = ((id: number) => {
  timers.delete(id);
  clear(id);
}) as typeof clearTimeout;
// Node's setImmediate, as a zero-delay timer: after pending I/O, before later timers.
(globalThis as unknown as { setImmediate: unknown }).setImmediate = (fn: (...a: unknown[]) => void, ...args: unknown[]) =>
  globalThis.setTimeout(fn, 0, ...args);
(globalThis as unknown as { clearImmediate: unknown }).clearImmediate = (id: number) => globalThis.clearTimeout(id);
globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const id = every(fn, ms, ...args);
  timers.add(id);
  return id;
}) as typeof setInterval;
globalThis.clearInterval = ((id: number) => {
  timers.delete(id);
  stop(id);
}) as typeof clearInterval;

let finished = false;
function finish(code: number): void {
  if (finished) return;
  finished = true;
  send({ type: 'exit', code });
}

/** After the module's top level has run: wait, as Node does, until no timer it started is pending. */
async function moduleDone(): Promise<void> {
  do await new Promise((resolve) => start(resolve, 1));
  while (timers.size && !finished);
  finish(exitCode ?? 0);
}

function fail(error: unknown): void {
  if (error instanceof Exit || finished) return;
  write('stderr', `${error instanceof Error ? error.stack ?? String(error) : String(error)}\n`);
  finish(1);
}
addEventListener('error', (event) => {
  event.preventDefault();
  fail((event as ErrorEvent).error);
});
addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  fail((event as PromiseRejectionEvent).reason);
});

/** What the sandbox's boot script and the scripts before the module leave on the worker's global. */
interface Loaded {
  /** PGlite's files, when the module needs them (sandbox.ts compiled its WebAssembly). */
  runFiles?: PgliteAssets;
  /** The scripts' bodies (run-entries.ts: asWorkerScript), which may await. */
  __loading?: Promise<unknown>[];
  /** The module's imports, from its deps script. */
  __deps?: Record<string, unknown>;
  /** PGlite's WebAssembly compiled, for shims/database.ts. */
  __pglite?: PgliteAssets;
  __run?: typeof run;
}
const loaded = globalThis as unknown as Loaded;

/**
 * Runs the compiled module (compile-module.ts) as `node snippets/<path>`
 * would: `import.meta.main` true, its imports from its deps script, then
 * waits for its timers and reports the exit code.
 */
async function run(main: CompiledModule, path: string): Promise<void> {
  try {
    await Promise.all(loaded.__loading ?? []);
    loaded.__pglite = loaded.runFiles;
    await main(moduleRequire(loaded.__deps ?? {}), {}, { main: true, url: moduleUrl(path) });
  } catch (error) {
    fail(error);
    return;
  }
  await moduleDone();
}
loaded.__run = run;
