/**
 * The modules a piece of JavaScript or TypeScript imports, read from its
 * text with a pattern rather than a parser. Two readers need it: the page
 * weigher follows a page's static imports (what loads before interaction),
 * and the demo cache follows a demo's relative imports of both kinds (what
 * its output depends on). A pattern is enough for both: they read our own
 * snippets and Astro's bundles, not arbitrary code. Text inside a string
 * that looks like an import is followed too; when it names no file, both
 * readers fail loudly rather than miss a real import.
 */

const STATIC = /\b(?:import|export)\s*(?:[^'"()]*?\bfrom\s*)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

/** Specifiers a module imports statically: `import … from "x"`, `import "x"`, `export … from "x"`. */
export function staticImports(code: string): string[] {
  return [...code.matchAll(STATIC)].map((m) => m[1]!);
}

/** Specifiers a module imports on use, `import("x")` with a literal string. */
export function dynamicImports(code: string): string[] {
  return [...code.matchAll(DYNAMIC)].map((m) => m[1]!);
}
