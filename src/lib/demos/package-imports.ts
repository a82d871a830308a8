/**
 * Relative imports among a package's own files, resolved for the demo
 * host's resolve hook (demo-host.ts) without Node's default resolver.
 *
 * For each module it resolves, Node looks up the package.json that governs
 * it, to learn the module's format; and in Node 24 that lookup parses the
 * package's whole `exports` field again each time (getPackageScopeConfig
 * spreads the package's data, which runs the lazy `exports` getter).
 * drizzle-orm's package.json is 179 KB: importing drizzle-orm cost the
 * host ~0.2 s of CPU in those parses alone (CPU profile of a host running
 * its demo, 2026-12-03). Here each folder's package type is read once.
 *
 * Answered: an `import` (not a require(): CommonJS finds files its own
 * way) with no import attributes, of a specifier that starts with ./ or
 * ../ and holds no query, fragment, percent-escape or backslash, from a
 * file: module under node_modules, naming an existing file whose real path
 * ends in .js, .mjs, .cjs or .json. The answer is what Node's resolver
 * gives: the real path (Node follows symbolic links) and its format, .mjs
 * module, .cjs commonjs, .json json, and .js the "type" of the nearest
 * package.json (searched for up to the node_modules folder), or null
 * where that has none, so that Node's load step detects it. Anything else
 * is left to Node, which resolves it or throws its own error: a
 * package.json that is not a JSON object, or whose "type" is neither
 * absent nor a string, and every import in a process started with
 * --preserve-symlinks. package-imports.test.ts compares the two over real
 * packages.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import type { ResolveFnOutput } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type PackageType = 'module' | 'commonjs' | null;

/** Format by extension; `package` means the package's type decides. */
const BY_EXTENSION: Readonly<Record<string, 'module' | 'commonjs' | 'json' | 'package'>> = {
  '.mjs': 'module',
  '.cjs': 'commonjs',
  '.json': 'json',
  '.js': 'package',
};

const RELATIVE = /^\.\.?\//;
const LEFT_TO_NODE = /[?#%\\]/;
/** Encoded separators, which Node refuses in a module's URL. */
const ENCODED_SEPARATOR = /%2f|%5c/i;

export type PackageImportResolver = (
  specifier: string,
  parentURL: string | undefined,
  conditions: readonly string[] | undefined,
  importAttributes?: Readonly<Record<string, string | undefined>>,
) => ResolveFnOutput | undefined;

/** The options this process runs with: its command line's and NODE_OPTIONS's. */
const nodeOptions = () => [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];

/** A resolver with its own memory of package types: make one per process. */
export function packageImportResolver(options: readonly string[] = nodeOptions()): PackageImportResolver {
  if (options.some((option) => option.startsWith('--preserve-symlinks'))) return () => undefined;
  const types = new Map<string, PackageType>();

  /** The type of the package scope `dir` is in (Node's getPackageScopeConfig). */
  const scopeType = (dir: string): PackageType => {
    const known = types.get(dir);
    if (known !== undefined) return known;
    let type: PackageType = null;
    // Node stops at a node_modules folder (its package.json governs nothing) and at the root.
    if (basename(dir) !== 'node_modules' && dirname(dir) !== dir) {
      const text = readIfPresent(join(dir, 'package.json'));
      if (text === undefined) {
        type = scopeType(dirname(dir));
      } else {
        const json: unknown = JSON.parse(text);
        if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${dir}/package.json is not an object`);
        const value = (json as { type?: unknown }).type;
        if (value !== undefined && typeof value !== 'string') throw new Error(`${dir}/package.json has a type that is not a string`);
        type = value === 'module' || value === 'commonjs' ? value : null;
      }
    }
    types.set(dir, type);
    return type;
  };

  return (specifier, parentURL, conditions, importAttributes = {}) => {
    if (!parentURL?.startsWith('file:') || !parentURL.includes('/node_modules/') || ENCODED_SEPARATOR.test(parentURL)) return undefined;
    if (!conditions?.includes('import') || Object.keys(importAttributes).length > 0) return undefined;
    if (!RELATIVE.test(specifier) || LEFT_TO_NODE.test(specifier)) return undefined;
    try {
      const path = fileURLToPath(new URL(specifier, parentURL));
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
      const real = realpathSync(path);
      const kind = BY_EXTENSION[extname(real)]; // the file's own name: a link's may differ
      if (kind === undefined) return undefined;
      return { url: pathToFileURL(real).href, format: kind === 'package' ? scopeType(dirname(real)) : kind, shortCircuit: true };
    } catch {
      return undefined;
    }
  };
}

/** A file's text, or undefined where there is no such file. */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
