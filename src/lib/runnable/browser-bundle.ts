/**
 * Bundles a snippet module's demo to run in the reader's browser, or says
 * why it cannot. The bundle is one script for a Worker: worker-prelude.ts
 * (a Node-like `process` and `console`), then the module with everything it
 * imports, as `node file.ts` runs it (`import.meta.main` is true in it and
 * false in its imports). Node built-ins, and the Buffer global, resolve to
 * the shims in src/runner/shims/ when a shim does exactly what Node does; anything else
 * from Node, or a package that needs a server, makes the module Node-only,
 * and the reason says what it needs (node-only-reasons.ts).
 */
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Blocker, reasonFor } from './node-only-reasons.ts';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), '../../runner');

/** Node built-ins with a browser shim, and the shim's file. */
const SHIMS: Record<string, string> = {
  'node:http': 'shims/node-http.ts',
  'node:timers/promises': 'shims/node-timers-promises.ts',
  'node:crypto': 'shims/node-crypto.ts',
  'node:buffer': 'shims/buffer.ts',
};

/** Our modules replaced in the browser: `snippets/db/database.ts` opens PGlite in memory. */
const REPLACED: Record<string, string> = { 'snippets/db/database.ts': 'shims/database.ts' };

/** Node globals a browser lacks, found in our modules' text, and the shim a module using one imports it from. */
const NODE_GLOBALS: Record<string, string> = { Buffer: 'shims/buffer.ts' };

/** The entry's specifier prefix. */
const MAIN = 'run-main:';

/** A snippet module's text, importing at its end (lines stay put) each Node global it names from the global's shim. */
function snippetSource(path: string): string {
  let source = readFileSync(path, 'utf8');
  for (const [global, shim] of Object.entries(NODE_GLOBALS)) {
    if (new RegExp(`\\b${global}\\b`).test(source)) source += `\nimport { ${global} } from ${JSON.stringify(join(RUNNER, shim))};\n`;
  }
  return source;
}

export type BrowserBundle =
  | { runnable: true; code: string; pglite: boolean }
  | { runnable: false; reason: string };

const BUILTIN = /^(node:.*|assert|async_hooks|buffer|child_process|crypto|dns|events|fs|fs\/promises|http|https|net|os|path|readline|stream|stream\/promises|tls|url|util|worker_threads|zlib)$/;

/** The browser bundle of `file` (absolute), or why there is none. `root` is the repository root. */
export async function browserBundle(file: string, root: string): Promise<BrowserBundle> {
  const blockers: Blocker[] = [];
  let pglite = false;
  const prelude = JSON.stringify(join(RUNNER, 'worker-prelude.ts'));
  const entry = `import ${prelude};\nimport ${JSON.stringify(MAIN + file)};\nimport { moduleDone } from ${prelude};\nawait moduleDone();\n`;
  const plugin: esbuild.Plugin = {
    name: 'handbook-browser',
    setup(build) {
      // The module itself, as the entry: its own namespace, so it is a copy
      // apart from any import of the same file (whose main is false), as the
      // demo host gives each demo fresh copies.
      build.onResolve({ filter: /^run-main:/ }, (args) => ({ path: args.path.slice(MAIN.length), namespace: 'run-main' }));
      build.onLoad({ filter: /.*/, namespace: 'run-main' }, (args) => ({
        contents: snippetSource(args.path).replaceAll('import.meta.main', 'true'),
        loader: 'ts',
        resolveDir: dirname(args.path),
      }));
      build.onResolve({ filter: BUILTIN }, (args) => {
        const shim = SHIMS[args.path];
        if (shim && args.importer.includes('/snippets/')) return { path: join(RUNNER, shim) };
        // A package's own browser field decides for bare names; a `node:` import
        // left in a package (PGlite's, in code for Node only) stays unresolved
        // and fails only if a browser reaches it, which the output test would see.
        if (args.importer.includes('/node_modules/')) return args.path.startsWith('node:') ? { path: args.path, external: true } : undefined;
        blockers.push({ need: args.path, importer: relative(root, args.importer) });
        return { path: args.path, external: true };
      });
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === '@electric-sql/pglite') pglite = true;
        return undefined;
      });
      build.onLoad({ filter: /\.ts$/, namespace: 'file' }, (args) => {
        const rel = relative(root, args.path);
        const replacement = REPLACED[rel];
        if (replacement) return { contents: readFileSync(join(RUNNER, replacement), 'utf8'), loader: 'ts', resolveDir: RUNNER + '/shims' };
        if (!rel.startsWith('snippets/')) return undefined;
        return { contents: snippetSource(args.path).replaceAll('import.meta.main', 'false'), loader: 'ts' };
      });
    },
  };
  let result: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] };
  try {
    result = await esbuild.build({
      stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'run-entry.ts' },
      bundle: true, platform: 'browser', format: 'esm', target: 'es2023', write: false, logLevel: 'silent',
      // A classic worker has no import.meta; PGlite reads its URL only to fetch files the page sends instead.
      // import.meta.main is false wherever the loaders above did not set it: only the entry runs its demo.
      define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '"https://run.invalid/"', 'import.meta.main': 'false' },
      plugins: [plugin], minify: true, legalComments: 'none',
    });
  } catch (error) {
    for (const message of (error as esbuild.BuildFailure).errors ?? []) blockers.push(blockerOf(message, root));
    return { runnable: false, reason: reasonFor(blockers) };
  }
  if (blockers.length) return { runnable: false, reason: reasonFor(blockers) };
  return { runnable: true, code: asClassicScript(result.outputFiles[0]!.text), pglite };
}

/** An import or export statement, which a classic script cannot hold. */
const STATEMENT = /(^|[;}])\s*(import\s*["'{*]|import\s+[\w$]+\s*(,|from\b)|export\s*[{*]|export\s+(default|const|let|var|function|class|async)\b)/m;

/**
 * The ES module bundle as a classic worker script: the sandbox's worker
 * loads it with importScripts (src/runner/sandbox.ts), so the bundle, which
 * imports and exports nothing, runs inside an async function (its
 * top-level awaits too).
 */
export function asClassicScript(module: string): string {
  if (/\bimport\.meta\b/.test(module) || STATEMENT.test(module)) {
    throw new Error('the browser bundle still imports or exports, or reads import.meta; it cannot run as a classic worker');
  }
  return `(async()=>{${module}\n})();\n`;
}

/** A build error as a blocker: a missing export of a shim, or a module that did not resolve. */
function blockerOf(message: esbuild.Message, root: string): Blocker {
  const importer = message.location ? relative(root, join(root, message.location.file)) : '';
  const missing = /No matching export in "[^"]*shims\/(?:node-)?([^"]+)\.ts" for import "([^"]+)"/.exec(message.text);
  if (missing) {
    const module = missing[1] === 'database' ? 'db/database.ts' : `node:${missing[1]!.replace('-', '/')}`;
    return { need: `${module}#${missing[2]}`, importer };
  }
  const unresolved = /Could not resolve "([^"]+)"/.exec(message.text);
  return { need: unresolved?.[1] ?? message.text, importer };
}
