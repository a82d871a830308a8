/**
 * The text of the scripts the one runner build bundles (run-build.ts), and
 * how a specifier is sorted into them. For a runnable module M:
 * - its **deps script** registers `self.__deps`, one entry per specifier M
 *   requires, as M writes it: its snippet modules and Node shims bundled,
 *   its packages read from `self.__packages`;
 * - **vendor scripts** register `self.__packages`, one per package family
 *   (`packageFamily`), so a package's code ships once per site and a
 *   module downloads only the families it uses.
 */
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { RUNNER } from './shims.ts';

/** A bare specifier of an npm package (not relative, not `#imports`, not a Node built-in). */
export const isPackage = (specifier: string): boolean => !/^[./#]/.test(specifier) && !isBuiltin(specifier);

/** The package a specifier names: `hono` for `hono/cors`, `@scope/pkg` for `@scope/pkg/x`. */
export const packageOf = (specifier: string): string =>
  specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * The vendor script a package ships in: its scope (`@aws-sdk`), else its
 * name. A module loads only its families' scripts, so a hono demo does not
 * download the AWS SDK, while packages of one family share their internals.
 */
export const packageFamily = (specifier: string): string => specifier.startsWith('@') ? specifier.split('/')[0]! : packageOf(specifier);

/** Whether a specifier is PGlite's: the page then sends PGlite's WebAssembly and data. */
export const isPglite = (specifier: string): boolean => packageOf(specifier) === '@electric-sql/pglite';

const ES_MODULE = JSON.stringify(join(RUNNER, 'es-module.ts'));
const key = JSON.stringify;

/**
 * The deps script's source for a module that requires `specifiers` (as
 * compiled; see requiredSpecifiers) and uses the shimmed Node `globals`
 * (name and shim file, shims.ts), which it puts on the worker's global.
 */
export function depsEntry(specifiers: readonly string[], globals: readonly [string, string][] = []): string {
  const bundled = specifiers.filter((s) => !isPackage(s));
  const lines = [
    `import { esModule } from ${ES_MODULE};`,
    ...globals.map(([name, file], i) => `import { ${name} as g${i} } from ${key(file)};\nglobalThis.${name} = g${i};`),
    ...bundled.map((s, i) => `import * as d${i} from ${key(s)};`),
  ];
  const table = specifiers.map((s) => `${key(s)}: ${isPackage(s) ? `self.__packages[${key(s)}]` : `esModule(d${bundled.indexOf(s)})`}`);
  return `${lines.join('\n')}\nself.__deps = { ${table.join(', ')} };\n`;
}

/** A vendor script's source: every specifier in `specifiers` bundled once and registered. */
export function vendorEntry(specifiers: readonly string[]): string {
  const lines = [`import { esModule } from ${ES_MODULE};`, ...specifiers.map((s, i) => `import * as p${i} from ${key(s)};`)];
  const table = specifiers.map((s, i) => `${key(s)}: esModule(p${i})`);
  return `${lines.join('\n')}\nself.__packages = Object.assign(self.__packages || {}, { ${table.join(', ')} });\n`;
}

/** What a bundled file reads in place of a package: the vendor script's registration. */
export const packageStub = (specifier: string): string => `module.exports = self.__packages[${key(specifier)}];\n`;

/** An import or export statement, which a classic script cannot hold. */
const STATEMENT = /(^|[;}])\s*(import\s*["'{*]|import\s+[\w$]+\s*(,|from\b)|export\s*[{*]|export\s+(default|const|let|var|function|class|async)\b)/m;

/**
 * An ES module bundle as a classic script, which a worker loads with
 * importScripts: its body runs in an async function, so a top-level await
 * stays legal, and the function's promise joins `self.__loading`, which the
 * prelude awaits before it runs the module. Refuses a bundle that still
 * imports or exports or reads import.meta.
 */
export function asClassicScript(module: string): string {
  if (/\bimport\.meta\b/.test(module) || STATEMENT.test(module)) {
    throw new Error('a runner bundle still imports or exports, or reads import.meta; it cannot run as a classic script');
  }
  return `(self.__loading||=[]).push((async()=>{${module}\n})());\n`;
}
