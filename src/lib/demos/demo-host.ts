/**
 * One Node process that runs snippet demos one after another, for the build
 * (demo-queue.ts starts it and sends it work). Starting Node and loading a
 * demo's packages (zod, hono, PGlite) is most of what a demo costs, so one
 * host for all demos saves most of the demo phase's CPU (bench/README.md
 * has the measurement; `npm run bench` writes bench/results/).
 *
 * Each demo still runs as `node file.ts` would run it:
 * - it is the entry module: `import.meta.main` is true in it (the host
 *   rewrites that expression in the entry's source), false in its imports;
 * - every module of ours it imports, directly or not, is a fresh instance,
 *   so no state carries over from an earlier demo (the URL of each gets a
 *   `?demo=N` query); packages from node_modules are loaded once and shared;
 * - `process.argv` is `[node, file]`, and `process.env` and the working
 *   folder are put back after it;
 * - it is over when its module has run and nothing it started (a timer, a
 *   socket, a server) keeps the event loop alive, as a process would exit;
 * - what it writes to stdout and stderr is captured; `process.exit(code)`,
 *   `process.exitCode` and an uncaught error end it with that code;
 * - one exception: a database it opens through snippets/db/database.ts may
 *   be one an earlier demo closed, emptied (database-pool.ts says what
 *   stays the same and what does not); DEMO_DATABASE_POOL=0 turns that off.
 *
 * It reads requests and writes results as demo-protocol.ts describes. Its
 * first argument is a memory limit in MiB: when its resident size is past it
 * after a demo, it ends itself after that demo's result, and the build
 * starts a fresh host for the demos still queued (demo-queue.ts says why).
 * The rest name environment variables set for its allocator alone, which it
 * removes before it runs a demo.
 */
import { writeSync } from 'node:fs';
import { registerHooks, type ResolveFnOutput, stripTypeScriptTypes } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { installDatabasePool } from './database-pool.ts';
import { type DemoRequest, type DemoResult, RESULT_FD } from './demo-protocol.ts';
import { packageImportResolver } from './package-imports.ts';

const QUERY = /\?demo=\d+$/;

/** Removes the per-demo query from URLs in text a reader sees (stack traces). */
export const withoutDemoQuery = (text: string) => text.replace(/\?demo=\d+/g, '');

/** An error as node would print it, less the stack frames inside Node itself. */
export const describeError = (error: unknown) =>
  `${inspect(error).split('\n').filter((line) => !/^\s+at (.*\()?node:/.test(line)).join('\n')}\n`;

interface Running {
  file: string;
  entry: string;
  stdout: string;
  stderr: string;
  start: number;
}

let running: Running | undefined;
let runs = 0;
const rssLimitBytes = Number(process.argv[2] ?? Infinity) * 2 ** 20;

/** A bare specifier: a package name, not a path, URL or `#` import. */
const BARE = /^(?![./#]|[a-z][a-z0-9+.-]*:)/i;

/**
 * Where package names resolve, by name, importer (less its demo query),
 * conditions and import attributes. Each demo loads our modules anew, so
 * Node resolved the same names again for every demo, reading packages'
 * exports maps (drizzle-orm's package.json is 179 KB): ~0.6 s of the
 * host's CPU went to resolving in a cold build (CPU profile, 2026-12-02).
 * Only names that resolve into node_modules are kept: those files do not
 * move while the host runs.
 */
const packages = new Map<string, ResolveFnOutput>();

/** Imports among a package's own files, each package's type read once (package-imports.ts says why). */
const withinPackage = packageImportResolver();

function installHooks(): void {
  registerHooks({
    resolve(specifier, context, next) {
      const inPackage = withinPackage(specifier, context.parentURL, context.conditions, context.importAttributes);
      if (inPackage) return inPackage;
      const key = BARE.test(specifier)
        ? JSON.stringify([specifier, context.parentURL?.replace(QUERY, ''), context.conditions, context.importAttributes])
        : undefined;
      const kept = key === undefined ? undefined : packages.get(key);
      const resolved = kept ? { ...kept, shortCircuit: true } : next(specifier, context);
      if (key && resolved.url.includes('/node_modules/')) packages.set(key, resolved);
      const query = context.parentURL?.match(QUERY)?.[0];
      const ours = resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/') && !resolved.url.includes('?');
      return query && ours ? { ...resolved, url: resolved.url + query } : resolved;
    },
    load(url, context, next) {
      const loaded = next(url, context);
      const entry = url === running?.entry;
      const ours = loaded.format === 'module-typescript' && !url.includes('/node_modules/') && process.features.typescript === 'strip';
      if (loaded.source == null || (!entry && !ours)) return loaded;
      let source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
      if (entry) source = source.replaceAll('import.meta.main', 'true');
      const js = ours ? stripped(source) : undefined;
      return js === undefined ? { ...loaded, source } : { ...loaded, format: 'module', source: js };
    },
  });
}

/**
 * A module's source with its types stripped, by source text. Each demo
 * loads our modules anew (their URLs differ), and Node strips a module's
 * types at every load: a cold build's demos loaded 494 modules of ours,
 * 228 distinct texts. Stripping depends on the text alone, so each text is
 * stripped once: 150 ms for the 228, the other 266 (1.3 MB) a lookup where
 * they took as long again (scripts/bench/host-cpu.ts, 2026-12-03).
 *
 * Node's loader strips with the same function in the same mode (whitespace
 * in place of types, so lines and columns stay) and then appends a
 * sourceURL comment, which stack traces do not need: they name the
 * module's URL either way. The hook leaves to Node what it treats
 * otherwise: a file under node_modules (which Node refuses to strip), a
 * process not in strip mode (--experimental-transform-types), and a text
 * that does not strip (undefined here: Node then throws its own error,
 * naming the file, as `node file.ts` prints it).
 */
const strippedSources = new Map<string, string>();
function stripped(source: string): string | undefined {
  let js = strippedSources.get(source);
  if (js === undefined) {
    try {
      js = stripTypeScriptTypes(source);
    } catch {
      return undefined;
    }
    strippedSources.set(source, js);
  }
  return js;
}

/** Resource types keeping the event loop alive, with counts. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

const exceeds = (now: Map<string, number>, base: Map<string, number>) =>
  [...now].some(([type, count]) => count > (base.get(type) ?? 0));

/** Resolves once nothing the demo started keeps the event loop alive. */
async function drained(base: Map<string, number>): Promise<void> {
  do {
    // Checked from an immediate queued by a timer: by then that timer is no
    // longer counted as active.
    await new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 1));
  } while (exceeds(activeResources(), base));
}

function finish(demo: Running, exitCode: number, last = exitCode !== 0 || process.memoryUsage.rss() > rssLimitBytes): DemoResult {
  const result: DemoResult = { file: demo.file, stdout: demo.stdout, stderr: withoutDemoQuery(demo.stderr), exitCode, start: demo.start, end: Date.now(), last };
  writeSync(RESULT_FD, `${JSON.stringify(result)}\n`);
  return result;
}

/** Runs one demo in this process as `node file` would run it, and reports how it went. */
async function runAsEntry(file: string, base: Map<string, number>): Promise<DemoResult> {
  const path = resolvePath(file);
  const demo: Running = { file, entry: `${pathToFileURL(path).href}?demo=${++runs}`, stdout: '', stderr: '', start: Date.now() };
  const { argv, env } = process;
  const savedEnv = { ...env };
  const cwd = process.cwd();
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture = (key: 'stdout' | 'stderr') => ((chunk: string | Uint8Array) => {
    demo[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  running = demo;
  process.argv = [process.execPath, path];
  process.exitCode = undefined;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  let exitCode = 0;
  try {
    await import(demo.entry);
    await drained(base);
    exitCode = Number(process.exitCode ?? 0);
  } catch (error) {
    // Thrown while the module ran, top-level await included: node prints it and exits with 1.
    demo.stderr += describeError(error);
    exitCode = 1;
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.argv = argv;
    for (const key of Object.keys(env)) if (!(key in savedEnv)) delete env[key];
    Object.assign(env, savedEnv);
    process.chdir(cwd);
    running = undefined;
  }
  process.exitCode = undefined;
  return finish(demo, exitCode);
}

async function serve(): Promise<void> {
  for (const name of process.argv.slice(3)) delete process.env[name];
  installHooks();
  // Its first call warns that it is experimental. Not in a demo's stderr, and
  // not at all: Node adds a hint to a process's first warning, which a demo
  // that warns should print as `node file.ts` does. (So a demo that calls
  // stripTypeScriptTypes itself would not print that warning; none does.)
  const { emitWarning } = process;
  process.emitWarning = () => {};
  try {
    stripTypeScriptTypes('');
  } finally {
    process.emitWarning = emitWarning;
  }
  if (process.env.DEMO_DATABASE_POOL !== '0') installDatabasePool();
  // An error thrown in a callback, or a promise rejected with no handler,
  // ends a node process with code 1, and ends the host the same way. So does
  // a demo calling process.exit; either way its result still goes out.
  process.on('uncaughtException', (error) => {
    const text = `Uncaught ${describeError(error)}`;
    if (running) running.stderr += text;
    else process.stderr.write(text);
    process.exit(1);
  });
  process.on('exit', (code) => {
    if (running) finish(running, code, true);
  });
  const lines = createInterface({ input: process.stdin });
  const base = activeResources();
  for await (const line of lines) {
    const { file } = JSON.parse(line) as DemoRequest;
    const result = await runAsEntry(file, base);
    if (result.last) process.exit(0);
  }
}

if (import.meta.main) await serve();
