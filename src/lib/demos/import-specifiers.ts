/**
 * The modules a piece of JavaScript or TypeScript imports. Two readers need
 * it: the page weigher follows a page's static imports (what loads before
 * interaction), and the demo cache follows a demo's relative imports of both
 * kinds (what its output depends on).
 *
 * es-module-lexer reads the code as a lexer does, so text in a string, a
 * template or a comment that looks like an import (a test fixture, a
 * message) is not taken for one. It lexes JavaScript, and TypeScript as
 * long as the types do not look like JavaScript it cannot read: where it
 * gives up (an `as const satisfies Record<…>` has tripped it), the pattern
 * below reads the file instead, which may follow import-like text in a
 * string; the demo cache then fails loudly, naming the file, rather than
 * miss a real import. A type-only re-export (`export type … from`) is
 * dropped by the lexer: types do not change what a demo prints.
 */
import { initSync, parse } from 'es-module-lexer';

initSync();

const STATIC = /\b(?:import|export)\s*(?:[^'"()]*?\bfrom\s*)?["']([^"']+)["']/g;
// A literal specifier in quotes or a template without `${`, then options or not.
const DYNAMIC = /\bimport\s*\(\s*(["'`])([^"'`$]+)\1\s*(?:,[^)]*)?\)/g;

/** Static and dynamic (literal) specifiers, by the lexer or, where it gives up, by the patterns. */
export function specifiers(code: string): { static: string[]; dynamic: string[] } {
  try {
    const [imports] = parse(code);
    const named = imports.filter((i) => i.n !== undefined && i.d !== -2);
    return {
      static: named.filter((i) => i.d === -1).map((i) => i.n!),
      // A dynamic import with a computed specifier has no name (`n` undefined).
      dynamic: named.filter((i) => i.d > -1).map((i) => i.n!),
    };
  } catch {
    return {
      static: [...code.matchAll(STATIC)].map((m) => m[1]!),
      dynamic: [...code.matchAll(DYNAMIC)].map((m) => m[2]!),
    };
  }
}

/** Specifiers a module imports statically: `import … from "x"`, `import "x"`, `export … from "x"`. */
export function staticImports(code: string): string[] {
  return specifiers(code).static;
}

/** Specifiers a module imports on use, `import("x")` with a literal string. */
export function dynamicImports(code: string): string[] {
  return specifiers(code).dynamic;
}
