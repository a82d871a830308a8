/**
 * The architecture test of a modular monolith: every top-level folder of
 * the app is a module, other modules may reach it only through its public
 * entry (`<module>/index.ts`), only along the dependencies it declares, and
 * the module graph has no cycles. Imports are read with the TypeScript
 * compiler's parser, so comments and strings that look like imports are
 * not mistaken for them, and every way TypeScript and Node load a file is
 * seen: static and type-only imports, re-exports, `import x = require()`,
 * `import()` types, dynamic `import()` and `require()`, module augmentation
 * and `/// <reference path>`. A specifier is resolved the way Node resolves
 * it, as a URL, so `..\` and `%2e%2e` count as steps up; aliases (tsconfig
 * `paths`, package.json `imports`) are resolved when they are declared.
 * What no static check sees: a path computed at run time (reported), or a
 * `require` function under another name (`createRequire`); review those.
 *
 * Type-only imports are checked like any other: a type from another
 * module's internals couples you to that internal shape just as a value
 * does. A module that wants a type used outside re-exports it from its
 * entry. They also count as edges of the module graph, so a cycle made
 * only of types is still reported (dependency-cruiser can be told to
 * skip those with `dependencyTypesNot: ['type-only']`; we choose not to).
 *
 * The files are passed in as a map of path to source, so tests can build
 * a fixture in memory; `readSourceTree` reads a real folder into one.
 */
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// #region collect
export type ImportKind = 'import' | 'import-type' | 'export' |
  'import-equals' | 'dynamic-import' | 'require';

export interface ImportRef {
  line: number;
  kind: ImportKind;
  specifier: string | null; // null: computed, so it cannot be checked
}

export function collectImports(path: string, source: string): ImportRef[] {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest,
    true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const refs: ImportRef[] = file.referencedFiles.map((r) => ({
    line: file.getLineAndCharacterOfPosition(r.pos).line + 1,
    kind: 'import-type', specifier: r.fileName })); // /// <reference path>
  const add = (at: ts.Node, kind: ImportKind, spec: ts.Node | undefined) => {
    const { line } = file.getLineAndCharacterOfPosition(at.getStart(file));
    const literal = spec !== undefined && ts.isStringLiteralLike(spec);
    refs.push({ line: line + 1, kind, specifier: literal ? spec.text : null });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const type = node.importClause?.isTypeOnly === true;
      add(node, type ? 'import-type' : 'import', node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, 'export', node.moduleSpecifier); // export * from '…'
    } else if (ts.isImportEqualsDeclaration(node) &&
        ts.isExternalModuleReference(node.moduleReference)) {
      add(node, 'import-equals', node.moduleReference.expression);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      add(node, 'import-type', node.name); // declare module '…' { … }
    } else if (ts.isImportTypeNode(node)) { // typeof import('…')
      const arg = node.argument;
      add(node, 'import-type',
        ts.isLiteralTypeNode(arg) ? arg.literal : undefined);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, 'dynamic-import', node.arguments[0]);
      } else if (ts.isIdentifier(callee) && callee.text === 'require') {
        add(node, 'require', node.arguments[0]);
      }
    }
    node.forEachChild(visit);
  };
  visit(file);
  return refs;
}
// #endregion collect

export type Rule = 'deep-import' | 'undeclared-dependency' | 'cycle' |
  'unchecked-import' | 'unowned-file';

export interface Violation {
  rule: Rule;
  file: string;
  line: number;
  message: string;
}

/** Module name -> the modules it may import (through their entries). */
export type ModuleMap = Readonly<Record<string, readonly string[]>>;

export interface CheckOptions {
  /** The app's folder as a file: URL ending in '/', so that an import
   * leaving it and coming back in by its name is seen (fixtures: default). */
  root?: URL;
  /** Alias prefix -> the same prefix relative to the root, from tsconfig
   * `paths` or package.json `imports`, e.g. { '#shop/': './' }. */
  aliases?: Readonly<Record<string, string>>;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const ENTRY = new Set(['', 'index', 'index.ts', 'index.js']);
const APP = new URL('file:///app/');
const SOURCE = /\.[cm]?[jt]sx?$/;

/**
 * Where a specifier points, as a path inside the app, resolved as Node
 * does: as a URL against the importing file. null: a package, a built-in
 * or a file outside the app; undefined: an alias nobody declared.
 */
function resolveImport(file: string, spec: string,
  { root = APP, aliases = {} }: CheckOptions): string | null | undefined {
  const alias = Object.keys(aliases).find((a) => spec.startsWith(a));
  let url: URL;
  if (alias !== undefined) {
    url = new URL(aliases[alias] + spec.slice(alias.length), root);
  } else if (/^(\.|\/|file:)/i.test(spec)) {
    const from = file.split('/').map(encodeURIComponent).join('/');
    url = new URL(spec, new URL(from, root));
  } else {
    return spec.startsWith('#') ? undefined : null; // '#x': package imports
  }
  if (url.protocol !== 'file:' || !url.pathname.startsWith(root.pathname)) {
    return null;
  }
  const path = url.pathname.slice(root.pathname.length);
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a malformed %-escape: Node would not load it either
  }
}

function validate(files: ReadonlyMap<string, string>, modules: ModuleMap,
  { root = APP, aliases = {} }: CheckOptions) {
  if (root.protocol !== 'file:' || !root.pathname.endsWith('/')) {
    throw new TypeError(`root must be a file: URL ending in '/'; got ${root}`);
  }
  for (const [prefix, to] of Object.entries(aliases)) {
    if (prefix === '' || !/^\.\.?\//.test(to)) {
      throw new TypeError(`alias ${JSON.stringify(prefix)} must map to a ` +
        `path starting with './' or '../'; got ${JSON.stringify(to)}`);
    }
  }
  for (const [name, deps] of Object.entries(modules)) {
    if (!NAME.test(name)) {
      throw new TypeError(`module name ${JSON.stringify(name)} must be ` +
        'kebab-case (a top-level folder name)');
    }
    for (const dep of deps) {
      if (!Object.hasOwn(modules, dep) || dep === name) {
        throw new TypeError(`module ${name} depends on ${JSON.stringify(dep)}` +
          ', which is not another declared module');
      }
    }
  }
  for (const path of files.keys()) {
    const clean = posix.normalize(path);
    if (clean !== path || path.startsWith('/') || path.startsWith('..') ||
        !SOURCE.test(path)) {
      throw new TypeError(`file ${JSON.stringify(path)} must be a relative, ` +
        'normalized POSIX path to a source file inside the app');
    }
  }
}

// #region check
export function checkBoundaries(files: ReadonlyMap<string, string>,
  modules: ModuleMap, options: CheckOptions = {}): Violation[] {
  validate(files, modules, options);
  const out: Violation[] = [];
  const edges = new Map<string, Map<string, string>>(); // a -> b -> where
  const moduleOf = (path: string) => { // null: the composition root
    const top = path.split('/')[0]!;
    return path.includes('/') || Object.hasOwn(modules, top) ? top : null;
  };
  for (const [file, source] of files) {
    const from = moduleOf(file);
    if (from !== null && !Object.hasOwn(modules, from)) {
      out.push({ rule: 'unowned-file', file, line: 1, message:
        `${from}/ is not a declared module; declare it or move the file` });
      continue;
    }
    for (const ref of collectImports(file, source)) {
      const at = { file, line: ref.line };
      const target = ref.specifier === null ? undefined
        : resolveImport(file, ref.specifier, options);
      if (target === undefined) { // import(name), or an unknown '#alias'
        const what = ref.specifier === null ? 'a computed path'
          : `'${ref.specifier}'`;
        out.push({ ...at, rule: 'unchecked-import', message: `${ref.kind} ` +
          `of ${what} cannot be checked; use a literal or declare the alias` });
        continue;
      }
      if (target === null) continue; // a package, node: or outside the app
      const to = moduleOf(target);
      if (to === from) continue; // inside one module, anything goes
      if (to === null) {
        out.push({ ...at, rule: 'deep-import', message: `imports ` +
          `'${ref.specifier}', the composition root; modules never do` });
        continue;
      }
      const inner = target.slice(to.length + 1); // '' for './catalog'
      if (!ENTRY.has(inner)) {
        const entry = posix.relative(posix.dirname(file), `${to}/index.ts`);
        out.push({ ...at, rule: 'deep-import', message: `${ref.kind} ` +
          `'${ref.specifier}' reaches into ${to}/${inner}, internal to ` +
          `module ${to}; import '${entry}' (its public entry)` });
      }
      if (from === null) continue; // the root may wire every module
      if (!(modules[from] ?? []).includes(to)) {
        out.push({ ...at, rule: 'undeclared-dependency',
          message: `module ${from} does not declare a dependency on ${to}` });
      }
      const seen = edges.get(from) ?? new Map<string, string>();
      if (!seen.has(to)) seen.set(to, `${file}:${ref.line}`);
      edges.set(from, seen);
    }
  }
  return [...out, ...findCycles(edges)];
}
// #endregion check

/**
 * The cycles a depth-first walk meets, each once, as a path back to its
 * start. Not every elementary cycle: a graph with any cycle yields at
 * least one, and fixing it and running again shows the next.
 */
function findCycles(edges: Map<string, Map<string, string>>): Violation[] {
  const found = new Map<string, Violation>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(edges.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const path = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = path.join('>');
        if (!found.has(key)) {
          const where = edges.get(path[0]!)!.get(path[1] ?? path[0]!)!;
          const [file, line] = [where.slice(0, where.lastIndexOf(':')),
            Number(where.slice(where.lastIndexOf(':') + 1))];
          found.set(key, { rule: 'cycle', file, line, message:
            `module cycle ${[...path, path[0]].join(' -> ')}` });
        }
      } else if (!state.has(next)) {
        walk(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) walk(node);
  return [...found.values()];
}

// #region baseline
/**
 * Adopting the check in a codebase that already breaks it: record today's
 * violations once, fail only on `added`, and delete `fixed` entries from
 * the record so it can only shrink. Lines are ignored, so editing a file
 * does not make its old violations look new; a second copy does count.
 */
export function compareToBaseline(found: readonly Violation[],
  baseline: readonly Violation[]) {
  const key = (v: Violation) => `${v.file} ${v.rule} ${v.message}`;
  const left = new Map<string, Violation[]>();
  for (const v of baseline) left.set(key(v), [...(left.get(key(v)) ?? []), v]);
  const added = found.filter((v) => !left.get(key(v))?.pop());
  return { added, fixed: [...left.values()].flat() };
}
// #endregion baseline

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.message}`)
    .join('\n');
}

/**
 * Every source file under `root` (.ts, .mts, .cts, .tsx and their .js
 * kin), keyed by its POSIX path relative to it. A symbolic link is refused:
 * through one, a module could reach another's file as if it were its own.
 */
export function readSourceTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) {
      throw new Error(`${relative(root, path).split(sep).join('/')} is a ` +
        'symbolic link; the boundary check cannot follow it');
    }
    if (!entry.isFile() || !SOURCE.test(entry.name)) continue;
    files.set(relative(root, path).split(sep).join('/'),
      readFileSync(path, 'utf8'));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

if (import.meta.main) {
  const { SHOP_MODULES } = await import('./shop/shop.ts');
  const app = readSourceTree(fileURLToPath(new URL('./shop/', import.meta.url)));
  const root = new URL('./shop/', import.meta.url);
  const clean = checkBoundaries(app, SHOP_MODULES, { root });
  console.log(`shop: ${app.size} files, ${clean.length} violations`);
  // The same app after three "quick fixes" someone might try:
  const broken = new Map(app);
  broken.set('orders/discounts.ts',
    "import { selectProducts } from '../catalog/products.ts';\n" +
    "export type { Product } from '../catalog/products.ts';\n");
  broken.set('catalog/best-sellers.ts',
    "export const load = () => import('../orders/index.ts');\n");
  console.log(formatViolations(checkBoundaries(broken, SHOP_MODULES, { root })));
}
