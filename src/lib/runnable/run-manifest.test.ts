import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildChildrenSettle } from '../../../tests/esbuild-children.ts';
import { buildAndKeep, demoModules, runCacheKey, runFiles, runnableDemo, usedModules } from './run-manifest.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'run-manifest-'));
  mkdirSync(join(root, 'snippets/pair'), { recursive: true });
  writeFileSync(join(root, 'snippets/pair/a.ts'), "import { b } from './b.ts';\nexport const a = 1;\nif (import.meta.main) console.log(a + b);\n");
  writeFileSync(join(root, 'snippets/pair/b.ts'), 'export const b = 2;\n');
  writeFileSync(join(root, 'snippets/pair/a.test.ts'), "import './a.ts';\n");
});

describe('the runner cache', () => {
  it('lists the modules with a demo, tests excluded', () => {
    expect(demoModules(root)).toEqual(['pair/a.ts']);
  });

  it('keys on every snippet module, not on their tests', () => {
    const key = runCacheKey(root);
    writeFileSync(join(root, 'snippets/pair/a.test.ts'), "import './a.ts';\n// changed\n");
    expect(runCacheKey(root)).toBe(key);
    writeFileSync(join(root, 'snippets/pair/b.ts'), 'export const b = 3;\n');
    expect(runCacheKey(root)).not.toBe(key);
  });

  it("keys on the tsconfig.json files esbuild reads as it bundles (class fields, kept imports)", () => {
    for (const file of ['tsconfig.json', 'snippets/tsconfig.json']) {
      const key = runCacheKey(root);
      writeFileSync(join(root, file), '{ "compilerOptions": { "useDefineForClassFields": false } }\n');
      expect(runCacheKey(root), file).not.toBe(key);
    }
  });

  it('keeps the manifest and every file it names under the key', async () => {
    const { dir, manifest } = await runFiles(root);
    expect(dir).toBe(join(root, '.cache/run-bundles', runCacheKey(root)));
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    const a = manifest.modules['pair/a.ts']!;
    if (!a.runnable) throw new Error(a.reason);
    for (const name of [a.main, a.source, ...a.scripts, 'sandbox.js']) expect(existsSync(join(dir, name))).toBe(true);
  });

  it('answers for a module pages show, and records it; a module without a demo says so', async () => {
    expect(await runnableDemo(join(root, 'snippets/pair/a.ts'), root)).toMatchObject({ runnable: true });
    expect(usedModules.has('pair/a.ts')).toBe(true);
    expect(await runnableDemo(join(root, 'snippets/pair/b.ts'), root)).toEqual({ runnable: false, reason: 'has no demo under import.meta.main' });
  });

  // Before any test here calls esbuild itself: the builds above leave no esbuild process.
  it('leaves no esbuild service running once built: it builds in a thread whose service ends with it', async () => {
    await runFiles(root);
    expect(await esbuildChildrenSettle(0)).toBe(0);
  }, 60_000);

  it("leaves esbuild's service to calls other code has in flight as it builds (Astro's import.meta.env transforms)", async () => {
    const other = mkdtempSync(join(tmpdir(), 'run-manifest-busy-'));
    mkdirSync(join(other, 'snippets'));
    writeFileSync(join(other, 'snippets/one.ts'), 'if (import.meta.main) console.log(1);\n');
    let built = false;
    const build = runFiles(other).finally(() => (built = true));
    const code = `export const x = [${'1,'.repeat(100_000)}];`;
    const outcomes = new Set<string>();
    while (!built) {
      const call = transform(code, { loader: 'js' }).then(() => 'settled', (error: Error) => `failed: ${error.message}`);
      outcomes.add(await Promise.race([call, new Promise<string>((resolve) => setTimeout(resolve, 10_000, 'never settled'))]));
    }
    await build;
    expect([...outcomes]).toEqual(['settled']);
  }, 60_000);

  // Builds in this thread, so after the tests that check esbuild's processes.
  it('leaves the folder another process kept under the same key, which it may be copying from', async () => {
    const { dir } = await runFiles(root);
    writeFileSync(join(dir, 'kept-by-the-other-process'), '');
    expect((await buildAndKeep(root)).dir).toBe(dir);
    expect(existsSync(join(dir, 'kept-by-the-other-process'))).toBe(true);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  }, 60_000);
});
