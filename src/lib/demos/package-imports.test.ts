import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageImportResolver } from './package-imports.ts';

const MODULE = fileURLToPath(new URL('./package-imports.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const IMPORT = ['node', 'import', 'module-sync', 'node-addons'];

/** A folder of files from `files` (path under it → text). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'package-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('packageImportResolver', () => {
  const dir = tree({
    'node_modules/esm/package.json': '{ "name": "esm", "type": "module", "exports": { ".": "./index.js" } }',
    'node_modules/esm/index.js': '',
    'node_modules/esm/lib/a.js': '',
    'node_modules/esm/lib/b.cjs': '',
    'node_modules/esm/lib/c.mjs': '',
    'node_modules/esm/lib/d.json': '{}',
    'node_modules/esm/cjs/package.json': '{ "type": "commonjs" }',
    'node_modules/esm/cjs/e.js': '',
    'node_modules/typeless/package.json': '{ "name": "typeless" }',
    'node_modules/typeless/index.js': '',
    'node_modules/typeless/f.js': '',
    'node_modules/broken/package.json': '{ not json',
    'node_modules/broken/index.js': '',
    'node_modules/broken/g.js': '',
    'node_modules/list/package.json': '["module"]',
    'node_modules/list/i.js': '',
    'node_modules/odd-type/package.json': '{ "type": ["module"] }',
    'node_modules/odd-type/j.js': '',
    'node_modules/cjs/package.json': '{ "type": "commonjs" }',
    'node_modules/cjs/index.js': '',
    'node_modules/cjs/real.mjs': '',
    'node_modules/esm/back\\slash/index.js': '',
    'node_modules/esm/back\\slash/k.js': '',
    'node_modules/bare/index.js': '',
    'node_modules/bare/h.js': '',
    'package.json': '{ "type": "module" }',
    'src/ours.js': '',
  });
  const url = (path: string) => pathToFileURL(join(dir, path)).href;

  it('resolves a relative import to the file and the format Node gives it', () => {
    const resolve = packageImportResolver();
    const from = url('node_modules/esm/index.js');
    expect(resolve('./lib/a.js', from, IMPORT)).toEqual({ url: url('node_modules/esm/lib/a.js'), format: 'module', shortCircuit: true });
    expect(resolve('./lib/b.cjs', from, IMPORT)?.format).toBe('commonjs');
    expect(resolve('./lib/c.mjs', from, IMPORT)?.format).toBe('module');
    expect(resolve('./lib/d.json', from, IMPORT)?.format).toBe('json');
    // The nearest package.json decides, here a nested one.
    expect(resolve('./cjs/e.js', from, IMPORT)?.format).toBe('commonjs');
    expect(resolve('../index.js', url('node_modules/esm/lib/a.js'), IMPORT)?.url).toBe(from);
  });

  it('leaves the format of a .js file in a package with no type for Node to detect', () => {
    const resolve = packageImportResolver();
    expect(resolve('./f.js', url('node_modules/typeless/index.js'), IMPORT)?.format).toBeNull();
    // No package.json of its own: the search stops at node_modules, not at the project's.
    expect(resolve('./h.js', url('node_modules/bare/index.js'), IMPORT)?.format).toBeNull();
  });

  it('gives the real path of a file reached through a symbolic link, and the format of its real name', () => {
    const linked = tree({ 'node_modules/esm/index.js': '' });
    symlinkSync(join(dir, 'node_modules/esm/lib/a.js'), join(linked, 'node_modules/esm/link.js'));
    expect(packageImportResolver()('./link.js', pathToFileURL(join(linked, 'node_modules/esm/index.js')).href, IMPORT)?.url)
      .toBe(url('node_modules/esm/lib/a.js'));
    symlinkSync(join(dir, 'node_modules/cjs/real.mjs'), join(dir, 'node_modules/cjs/alias.js'));
    expect(packageImportResolver()('./alias.js', url('node_modules/cjs/index.js'), IMPORT)).toEqual({
      url: url('node_modules/cjs/real.mjs'), format: 'module', shortCircuit: true,
    });
  });

  it('answers nothing in a process that keeps symbolic links (--preserve-symlinks)', () => {
    expect(packageImportResolver(['--preserve-symlinks'])('./lib/a.js', url('node_modules/esm/index.js'), IMPORT)).toBeUndefined();
    expect(packageImportResolver(['--max-old-space-size=64'])('./lib/a.js', url('node_modules/esm/index.js'), IMPORT)).toBeDefined();
  });

  it('leaves to Node what it does not answer the way Node would', () => {
    const resolve = packageImportResolver();
    const from = url('node_modules/esm/index.js');
    expect(resolve('./lib/a.js', from, ['node', 'require'])).toBeUndefined(); // CommonJS finds files its own way
    expect(resolve('./lib/a', from, IMPORT)).toBeUndefined(); // no extension: Node's error
    expect(resolve('./lib', from, IMPORT)).toBeUndefined();
    expect(resolve('./lib/missing.js', from, IMPORT)).toBeUndefined();
    expect(resolve('./lib/a.js?x=1', from, IMPORT)).toBeUndefined();
    expect(resolve('./lib%2Fa.js', from, IMPORT)).toBeUndefined();
    expect(resolve('esm', from, IMPORT)).toBeUndefined(); // a package name: exports decide
    expect(resolve('#internal', from, IMPORT)).toBeUndefined();
    expect(resolve('./ours.js', url('src/index.js'), IMPORT)).toBeUndefined(); // not in node_modules
    expect(resolve('./lib/a.js', undefined, IMPORT)).toBeUndefined();
    expect(resolve('./g.js', url('node_modules/broken/index.js'), IMPORT)).toBeUndefined(); // Node reports the bad package.json
    expect(resolve('./i.js', url('node_modules/list/i.js'), IMPORT)).toBeUndefined(); // and one that is not an object
    expect(resolve('./j.js', url('node_modules/odd-type/j.js'), IMPORT)).toBeUndefined(); // or whose type is not a string
    expect(resolve('./lib/d.json', from, IMPORT, { type: 'json' })).toBeUndefined(); // import attributes: Node checks them
    expect(resolve('./k.js', url('node_modules/esm/back\\slash/index.js'), IMPORT)).toBeUndefined(); // %5C in the URL: Node refuses it
  });

  it('answers as Node does for every relative import inside real packages', () => {
    // In a process of its own: Node's resolver (next) and this one side by side, over packages the demos use.
    const script = `
      import { registerHooks } from 'node:module';
      import { packageImportResolver } from ${JSON.stringify(pathToFileURL(MODULE).href)};
      const mine = packageImportResolver();
      let compared = 0;
      const differ = [];
      registerHooks({
        resolve(specifier, context, next) {
          const node = next(specifier, context);
          const answer = mine(specifier, context.parentURL, context.conditions, context.importAttributes);
          if (answer) {
            compared++;
            if (answer.url !== node.url || answer.format !== (node.format ?? null)) differ.push([specifier, context.parentURL, answer, node]);
          }
          return node;
        },
      });
      for (const name of ['drizzle-orm', 'drizzle-orm/pg-core', 'zod', '@electric-sql/pglite', 'hono', '@opentelemetry/core']) await import(name);
      console.log(JSON.stringify({ compared, differ }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { compared, differ } = JSON.parse(run.stdout) as { compared: number; differ: unknown[] };
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(200);
  });
});
