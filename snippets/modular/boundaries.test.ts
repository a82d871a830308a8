import {
  mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkBoundaries, collectImports, compareToBaseline, formatViolations,
  readSourceTree,
  type ModuleMap,
} from './boundaries.ts';
import { SHOP_MODULES } from './shop/shop.ts';

const SHOP = fileURLToPath(new URL('./shop/', import.meta.url));
const MODULES: ModuleMap = { catalog: [], orders: ['catalog'], billing: ['orders'] };
const ENTRIES: [string, string][] = [
  ['catalog/index.ts', 'export const a = 1;\n'],
  ['catalog/products.ts', 'export const p = 1;\n'],
  ['orders/index.ts', "export { a } from '../catalog/index.ts';\n"],
  ['billing/index.ts', "import { a } from '../orders/index.ts';\n"],
];
/** The clean fixture plus the given files. */
const app = (...extra: [string, string][]) => new Map([...ENTRIES, ...extra]);
const check = (files: Map<string, string>, modules = MODULES) =>
  checkBoundaries(files, modules);

describe('the sample shop (the architecture test a real app would run)', () => {
  it('respects its module boundaries', () => {
    const files = readSourceTree(SHOP);
    expect([...files.keys()]).toContain('orders/index.ts');
    const root = new URL('./shop/', import.meta.url);
    expect(formatViolations(checkBoundaries(files, SHOP_MODULES, { root }))).toBe('');
  });

  it('fails once someone adds a deep import to it', () => {
    const files = readSourceTree(SHOP);
    files.set('orders/index.ts', files.get('orders/index.ts') +
      "\nimport { selectProducts } from '../catalog/products.ts';\n");
    const found = check(files, SHOP_MODULES);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'deep-import', file: 'orders/index.ts' });
  });

  it('sees a path that leaves the app and comes back in by its folder name', () => {
    const files = readSourceTree(SHOP);
    files.set('orders/x.ts', "import '../../shop/catalog/products.ts';\n");
    const found = checkBoundaries(files, SHOP_MODULES,
      { root: new URL('./shop/', import.meta.url) });
    expect(found.map((v) => [v.rule, v.file])).toEqual([['deep-import', 'orders/x.ts']]);
  });
});

describe('deep imports', () => {
  it('names the file, the line and the entry to import instead', () => {
    const found = check(app(['orders/place.ts',
      "// first line\n\nimport { p } from '../catalog/products.ts';\n"]));
    expect(formatViolations(found)).toBe("orders/place.ts:3 deep-import: import " +
      "'../catalog/products.ts' reaches into catalog/products.ts, internal to " +
      "module catalog; import '../catalog/index.ts' (its public entry)");
  });

  it.each([
    ['import', "import { p } from '../catalog/products.ts';"],
    ['import', "import '../catalog/products.ts';"],
    ['import', "import { type P } from '../catalog/products.ts';"],
    ['import-type', "import type { P } from '../catalog/products.ts';"],
    ['export', "export * from '../catalog/products.ts';"],
    ['export', "export { p as q } from '../catalog/products.ts';"],
    ['export', "export type { P } from '../catalog/products.ts';"],
    ['import-equals', "import p = require('../catalog/products.ts');"],
    ['import-type', "type P = typeof import('../catalog/products.ts');"],
    ['dynamic-import', "const m = await import('../catalog/products.ts');"],
    ['dynamic-import', 'const m = await import(`../catalog/products.ts`);'],
    ['require', "const m = require('../catalog/products.ts');"],
    ['import', "import { p } from '../catalog/products';"],
    ['import', "import { p } from './../catalog/./sub/../products.ts';"],
  ])('catches a %s: %s', (kind, line) => {
    const found = check(app(['orders/x.ts', `${line}\n`]));
    expect(found.map((v) => v.rule)).toEqual(['deep-import']);
    expect(found[0]!.message).toMatch(new RegExp(`^${kind} `));
  });

  // Node resolves a relative import as a URL: `\\` is a separator, `%2e%2e`
  // is `..`, and `?…` or `#…` do not change the file.
  it.each([
    "import { p } from './..\\\\catalog\\\\products.ts';",
    "import { p } from './%2e%2e/catalog/products.ts';",
    "import { p } from './.%2E/catalog/product%73.ts';",
    "import { p } from '../catalog/products.ts?v=1';",
  ])('resolves like Node, so %s is caught', (line) => {
    const found = check(app(['orders/x.ts', `${line}\n`]));
    expect(found.map((v) => v.rule)).toEqual(['deep-import']);
    expect(found[0]!.message).toContain('reaches into catalog/products.ts');
  });

  it('resolves declared aliases (tsconfig paths, package.json imports)', () => {
    const files = app(['orders/x.ts', "import { p } from '#shop/catalog/products.ts';\n" +
      "import { a } from '#shop/catalog/index.ts';\n"]);
    const found = checkBoundaries(files, MODULES, { aliases: { '#shop/': './' } });
    expect(found.map((v) => [v.rule, v.line])).toEqual([['deep-import', 1]]);
  });

  it('reports a # import it has no alias for, since it cannot check it', () => {
    const found = check(app(['orders/x.ts', "import { p } from '#catalog/products.ts';\n"]));
    expect(formatViolations(found)).toBe("orders/x.ts:1 unchecked-import: import of " +
      "'#catalog/products.ts' cannot be checked; use a literal or declare the alias");
  });

  it('catches module augmentation and /// references into internals', () => {
    const src = '/// <reference path="../catalog/products.ts" />\n' +
      "declare module '../catalog/products.ts' { interface P { x: 1 } }\n";
    const found = check(app(['orders/x.ts', src]));
    expect(found.map((v) => [v.rule, v.line])).toEqual(
      [['deep-import', 1], ['deep-import', 2]]);
  });

  it('resolves from nested folders and suggests the entry relative to them', () => {
    const found = check(app(['orders/sub/deep/x.ts',
      "import { p } from '../../../catalog/products.ts';\n"]));
    expect(found[0]!.message).toContain("import '../../../catalog/index.ts'");
  });

  it.each(['../catalog', '../catalog/', '../catalog/index', '../catalog/index.ts',
    '../catalog/index.js'])('allows the entry written as %s', (spec) => {
    expect(check(app(['orders/x.ts', `import { a } from '${spec}';\n`]))).toEqual([]);
  });

  it('lets a module import its own internals freely', () => {
    expect(check(app(['catalog/x.ts',
      "import { p } from './products.ts';\nimport './deep/er/y.ts';\n"]))).toEqual([]);
  });

  it('ignores text that only looks like an import', () => {
    const src = "// import { p } from '../catalog/products.ts';\n" +
      "/* require('../catalog/products.ts') */\n" +
      "const s = \"import('../catalog/products.ts')\";\n";
    expect(check(app(['orders/x.ts', src]))).toEqual([]);
  });

  it('ignores packages, node: built-ins and files outside the app', () => {
    const src = "import ts from 'typescript';\nimport { x } from 'node:fs';\n" +
      "import { db } from '../../db/database.ts';\n";
    expect(check(app(['orders/x.ts', src]))).toEqual([]);
  });

  it('reports a computed import() or require() it cannot check', () => {
    const src = "const m = await import(name);\nconst n = require(`../${x}`);\n";
    const found = check(app(['orders/x.ts', src]));
    expect(found.map((v) => [v.rule, v.line])).toEqual(
      [['unchecked-import', 1], ['unchecked-import', 2]]);
  });
});

describe('the composition root and unowned files', () => {
  it('lets root files import every module entry, not internals', () => {
    const ok = "import '../x/catalog/index.ts';\nimport { a } from './catalog';\n" +
      "import './billing/index.ts';\n";
    expect(check(app(['main.ts', ok]))).toEqual([]);
    const found = check(app(['main.ts', "import './orders/order-table.ts';\n"]));
    expect(found.map((v) => v.rule)).toEqual(['deep-import']);
  });

  it('does not let a module import the composition root', () => {
    const found = check(app(['main.ts', ''],
      ['catalog/x.ts', "import { shop } from '../main.ts';\n"]));
    expect(found.map((v) => v.rule)).toEqual(['deep-import']);
    expect(found[0]!.message).toContain('composition root');
  });

  it('reports a file in a folder that is not a declared module', () => {
    const found = check(app(['shared/util.ts', "import '../catalog/products.ts';\n"]));
    expect(found).toEqual([{ rule: 'unowned-file', file: 'shared/util.ts',
      line: 1, message: 'shared/ is not a declared module; declare it or move the file' }]);
  });
});

describe('dependencies and cycles', () => {
  it('reports an undeclared dependency even through the entry', () => {
    const found = check(app(['catalog/x.ts', "import { b } from '../billing/index.ts';\n"]));
    expect(found.map((v) => v.rule)).toContain('undeclared-dependency');
    expect(found.find((v) => v.rule === 'undeclared-dependency')!.message)
      .toBe('module catalog does not declare a dependency on billing');
  });

  it('reports a cycle once, with its path and where it starts', () => {
    const files = app(['catalog/x.ts', "\nimport('../billing/index.ts');\n"]);
    const cycles = check(files).filter((v) => v.rule === 'cycle');
    expect(cycles).toEqual([{ rule: 'cycle', file: 'billing/index.ts', line: 1,
      message: 'module cycle billing -> orders -> catalog -> billing' }]);
  });

  it('counts type-only imports as edges, so a cycle of types is a cycle', () => {
    const modules = { catalog: ['orders'], orders: ['catalog'] };
    const files = new Map([
      ['catalog/index.ts', "import type { O } from '../orders/index.ts';\n"],
      ['orders/index.ts', "import type { C } from '../catalog/index.ts';\n"],
    ]);
    expect(formatViolations(check(files, modules))).toBe(
      'catalog/index.ts:1 cycle: module cycle catalog -> orders -> catalog');
  });

  it('finds a cycle in each tangle, and not a diamond', () => {
    const modules = { a: ['b', 'c'], b: ['d'], c: ['d'], d: [], x: ['y'], y: ['x'] };
    const imp = (to: string) => `import '../${to}/index.ts';\n`;
    const files = new Map([
      ['a/index.ts', imp('b') + imp('c')], ['b/index.ts', imp('d')],
      ['c/index.ts', imp('d')], ['d/index.ts', ''],
      ['x/index.ts', imp('y')], ['y/index.ts', imp('x')],
    ]);
    expect(check(files, modules).map((v) => v.message))
      .toEqual(['module cycle x -> y -> x']);
  });
});

describe('bad input', () => {
  it.each([
    [{ Orders: [] }, /kebab-case/],
    [{ orders: ['catalog'] }, /not another declared module/],
    [{ orders: ['orders'] }, /not another declared module/],
  ])('rejects the module map %j', (modules, message) => {
    expect(() => checkBoundaries(new Map(), modules)).toThrow(message);
  });

  it.each([
    [{ root: new URL('file:///app') }, /root must be a file: URL ending in/],
    [{ root: new URL('https://example.com/app/') }, /root must be a file: URL/],
    [{ aliases: { '': './' } }, /alias "" must map/],
    [{ aliases: { '#shop/': '/etc/' } }, /alias "#shop\/" must map/],
  ])('rejects the options %#', (options, message) => {
    expect(() => checkBoundaries(new Map(), MODULES, options)).toThrow(message);
  });

  it('keeps a malformed %-escape as written instead of throwing', () => {
    const found = check(app(['orders/x.ts', "import '../catalog/%zz.ts';\n"]));
    expect(found[0]!.message).toContain('reaches into catalog/%zz.ts');
  });

  it.each(['/abs/x.ts', '../x.ts', 'orders/../x.ts', './x.ts', 'orders/x.json',
    'orders//x.ts'])('rejects the file path %s', (path) => {
    expect(() => check(new Map([[path, '']]))).toThrow(/relative, normalized POSIX/);
  });

  it('parses broken source without throwing and still checks what it can', () => {
    const found = check(app(['orders/x.ts',
      "import { p } from '../catalog/products.ts';\nconst = = ;\n"]));
    expect(found.map((v) => v.rule)).toEqual(['deep-import']);
  });

  it('collectImports gives kind, line and specifier', () => {
    expect(collectImports('x.ts', "\nexport * from './a';\nrequire(x);\n")).toEqual([
      { line: 2, kind: 'export', specifier: './a' },
      { line: 3, kind: 'require', specifier: null },
    ]);
  });
});

describe('readSourceTree', () => {
  const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads .ts files under a folder, keyed by sorted POSIX paths', () => {
    mkdirSync(join(root, 'orders', 'sub'), { recursive: true });
    writeFileSync(join(root, 'orders', 'sub', 'b.ts'), 'b');
    writeFileSync(join(root, 'orders', 'a.ts'), 'a');
    writeFileSync(join(root, 'orders', 'notes.md'), 'skip me');
    writeFileSync(join(root, 'main.ts'), 'm');
    expect([...readSourceTree(root)]).toEqual([
      ['main.ts', 'm'], ['orders/a.ts', 'a'], ['orders/sub/b.ts', 'b']]);
  });

  it('reads every kind of source file Node or TypeScript can load', () => {
    const dir = join(root, 'kinds');
    mkdirSync(join(dir, 'orders'), { recursive: true });
    for (const ext of ['mts', 'cts', 'tsx', 'js', 'mjs', 'cjs', 'jsx']) {
      writeFileSync(join(dir, 'orders', `x.${ext}`), "import '../catalog/products.ts';\n");
    }
    const files = readSourceTree(dir);
    expect(files.size).toBe(7);
    expect(check(new Map([...ENTRIES, ...files])).map((v) => v.rule))
      .toEqual(Array(7).fill('deep-import'));
  });

  it('refuses a symbolic link, which would hide a file from the check', () => {
    const dir = join(root, 'linked');
    mkdirSync(join(dir, 'catalog'), { recursive: true });
    mkdirSync(join(dir, 'orders'));
    writeFileSync(join(dir, 'catalog', 'products.ts'), 'export const p = 1;\n');
    symlinkSync('../catalog/products.ts', join(dir, 'orders', 'products.ts'));
    expect(() => readSourceTree(dir)).toThrow(/orders\/products.ts is a symbolic link/);
  });
});

describe('compareToBaseline', () => {
  const deep = (file: string, line: number) => check(app([file,
    '\n'.repeat(line - 1) + "import { p } from '../catalog/products.ts';\n"]))[0]!;

  it('fails only on violations that are not recorded, whatever their line', () => {
    const recorded = [deep('orders/a.ts', 1)];
    const moved = deep('orders/a.ts', 7);
    expect(compareToBaseline([moved], recorded)).toEqual({ added: [], fixed: [] });
    const fresh = deep('orders/b.ts', 1);
    expect(compareToBaseline([moved, fresh], recorded).added).toEqual([fresh]);
  });

  it('keys on what was violated, so declaring another dependency adds nothing', () => {
    const files = app(['catalog/x.ts', "import '../billing/index.ts';\n"]);
    const recorded = check(files);
    const later = check(files, { ...MODULES, catalog: ['orders'] });
    expect(compareToBaseline(later, recorded).added).toEqual([]);
  });

  it('counts copies, so a second identical deep import is new', () => {
    const one = deep('orders/a.ts', 1);
    expect(compareToBaseline([one, { ...one, line: 2 }], [one]).added)
      .toEqual([{ ...one, line: 2 }]);
  });

  it('lists recorded violations that are gone, so the record shrinks', () => {
    const old = deep('orders/a.ts', 1);
    expect(compareToBaseline([], [old])).toEqual({ added: [], fixed: [old] });
  });
});
