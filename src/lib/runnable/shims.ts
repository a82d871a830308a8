/**
 * The one table of what the browser runner puts in place of Node: each
 * Node built-in with a shim in src/runner/shims/ (a shim does exactly what
 * Node does, or the module stays Node-only), and our own modules replaced
 * in the browser. A new shim is one line: in SHIMS for a built-in module,
 * in GLOBAL_SHIMS for a Node global such as Buffer. An import of a name a
 * shim lacks (`createHash` from node:crypto, say) is found from the
 * importer's text before bundling, so it marks that importer's demos
 * Node-only rather than failing the one build every demo shares.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, parse } from 'es-module-lexer';
import type { Blocker } from './node-only-reasons.ts';

initSync();

/** The runner's sources: src/runner/. */
export const RUNNER = join(dirname(fileURLToPath(import.meta.url)), '../../runner');

/** Node built-ins with a browser shim, and the shim's file under src/runner/. */
export const SHIMS: Record<string, string> = {
  'node:http': 'shims/node-http.ts',
  'node:timers/promises': 'shims/node-timers-promises.ts',
  'node:crypto': 'shims/node-crypto.ts',
};

/**
 * Node globals with a browser shim, and the shim's file, which exports the
 * global under its own name (`export const Buffer`). A module that uses one
 * gets it from its deps script, and the snippet modules it imports get it
 * by esbuild's inject; a module using a Node global without a shim is
 * Node-only.
 */
export const GLOBAL_SHIMS: Record<string, string> = {};

/** Our modules replaced in the browser: `snippets/db/database.ts` opens PGlite in memory. */
export const REPLACED: Record<string, string> = { 'snippets/db/database.ts': 'shims/database.ts' };

/** Node globals a browser lacks, found in our modules' text: Node-only unless GLOBAL_SHIMS has them. */
const NODE_GLOBALS = ['Buffer'];

/** Whether `source` uses the global `name` (as `Name.something`, the way our modules use Buffer). */
const usesGlobal = (source: string, name: string) => new RegExp(`\\b${name}\\.`).test(source);

/** The shimmed globals `source` uses, with their shim files (absolute). */
export const globalsUsed = (source: string, shims = GLOBAL_SHIMS): [string, string][] =>
  Object.entries(shims).filter(([name]) => usesGlobal(source, name)).map(([name, file]) => [name, join(RUNNER, file)]);

const shimExports = new Map<string, Set<string>>();
/** The names a shim file exports (es-module-lexer reads them; shims are plain ESM with types). */
function exportsOf(shim: string): Set<string> {
  let names = shimExports.get(shim);
  if (!names) {
    const [, exports] = parse(readFileSync(join(RUNNER, shim), 'utf8'));
    shimExports.set(shim, (names = new Set(exports.map((e) => e.n))));
  }
  return names;
}

/** `{ a, b as c, type T }` or `d, { a }` or `* as ns`: the imported names (`default` for a default import; none for a namespace). */
export function importedNames(clause: string): string[] {
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(clause);
  const head = clause.replace(/\{[^}]*\}/, '').replace(/\*\s*as\s+[\w$]+/, '').trim().replace(/,$/, '').trim();
  if (/^[\w$]+$/.test(head)) names.push('default');
  for (const part of braces?.[1]?.split(',') ?? []) {
    const name = part.trim().split(/\s+as\s+/)[0]!.trim();
    if (name && !name.startsWith('type ')) names.push(name);
  }
  return names;
}

/**
 * What keeps a snippet module's text from running in the browser, before
 * bundling: a Node global it uses, or a name it imports from a shim that the
 * shim lacks. `importer` is its path relative to the repository root.
 */
export function sourceBlockers(source: string, importer: string, globals = GLOBAL_SHIMS): Blocker[] {
  const blockers: Blocker[] = [];
  for (const global of NODE_GLOBALS) if (!(global in globals) && usesGlobal(source, global)) blockers.push({ need: global, importer });
  let imports;
  try {
    [imports] = parse(source);
  } catch {
    return blockers; // Types the lexer cannot read: esbuild still checks the names, and fails loudly.
  }
  for (const { n, ss, se, d } of imports) {
    const shim = n ? SHIMS[n] : undefined;
    if (!shim || d !== -1) continue;
    const clause = /^import\s+(type\s)?([\s\S]*?)\s*from\s*['"]/.exec(source.slice(ss, se));
    if (!clause || clause[1]) continue;
    for (const name of importedNames(clause[2]!)) if (!exportsOf(shim).has(name)) blockers.push({ need: `${n}#${name}`, importer });
  }
  return blockers;
}
