import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedDemoOutput, demoCacheKey, localModules, readCachedDemo, writeCachedDemo } from './demo-cache.ts';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'demo-cache-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const MODULES = {
  'package-lock.json': '{"lockfileVersion":3}',
  'snippets/a/demo.ts': "import { b } from '../b/helper.ts';\nimport { z } from 'zod';\nconsole.log(b, z);\n",
  'snippets/b/helper.ts': "export { c } from './deep.ts';\nexport const b = 1;\nconst lazy = () => import('./lazy.ts');\n",
  'snippets/b/deep.ts': 'export const c = 2;\n',
  'snippets/b/lazy.ts': 'export const d = 3;\n',
  'snippets/b/unrelated.ts': 'export const e = 4;\n',
};

describe('localModules', () => {
  it('follows relative static, re-export and dynamic imports, not packages', () => {
    const root = repo(MODULES);
    expect(localModules(join(root, 'snippets/a/demo.ts')).map((p) => p.slice(root.length + 1))).toEqual([
      'snippets/a/demo.ts', 'snippets/b/deep.ts', 'snippets/b/helper.ts', 'snippets/b/lazy.ts',
    ]);
  });

  it('names the missing module when an import points nowhere', () => {
    const root = repo({ 'x.ts': "import './gone.ts';\n" });
    expect(() => localModules(join(root, 'x.ts'))).toThrow(/gone\.ts: imported by a demo but not found/);
  });
});

describe('demoCacheKey', () => {
  const keyAfter = (change: Record<string, string>) => {
    const root = repo({ ...MODULES, ...change });
    return demoCacheKey(join(root, 'snippets/a/demo.ts'), { root });
  };
  const base = keyAfter({});

  it('is the same for the same content in another checkout', () => {
    expect(keyAfter({})).toBe(base);
  });

  it.each([
    ['the module', 'snippets/a/demo.ts', "console.log('changed');\n"],
    ['a module it imports transitively', 'snippets/b/deep.ts', 'export const c = 3;\n'],
    ['a module it imports dynamically', 'snippets/b/lazy.ts', 'export const d = 4;\n'],
    ['the lockfile', 'package-lock.json', '{"lockfileVersion":3,"x":1}'],
  ])('changes when %s changes', (_, path, text) => {
    expect(keyAfter({ [path]: text })).not.toBe(base);
  });

  it('ignores modules the demo does not import', () => {
    expect(keyAfter({ 'snippets/b/unrelated.ts': 'export const e = 5;\n' })).toBe(base);
  });

  it('differs between two demos that import each other, so share one set of modules', () => {
    const root = repo({
      'snippets/ping.ts': "export const ping = () => import('./pong.ts');\nconsole.log('ping');\n",
      'snippets/pong.ts': "import { ping } from './ping.ts';\nconsole.log('pong', typeof ping);\n",
    });
    expect(demoCacheKey(join(root, 'snippets/ping.ts'), { root })).not.toBe(demoCacheKey(join(root, 'snippets/pong.ts'), { root }));
  });
});

describe('readCachedDemo and writeCachedDemo', () => {
  it('return what was stored under a key, and nothing for another key', () => {
    const root = repo({});
    const cache = { dir: join(root, '.cache/demo-output'), root };
    writeCachedDemo(cache, 'k1', 'printed\nlines');
    expect(readCachedDemo(cache, 'k1')).toBe('printed\nlines');
    expect(readCachedDemo(cache, 'k2')).toBeUndefined();
  });
});

describe('cachedDemoOutput', () => {
  const setup = () => {
    const root = repo(MODULES);
    return { cache: { dir: join(root, '.cache/demo-output'), root }, file: join(root, 'snippets/a/demo.ts') };
  };

  it('runs a demo once and then returns the kept output without running it', async () => {
    const { cache, file } = setup();
    let runs = 0;
    const run = async () => `run ${++runs}`;
    await expect(cachedDemoOutput(cache, file, run)).resolves.toBe('run 1');
    await expect(cachedDemoOutput(cache, file, run)).resolves.toBe('run 1');
    expect(runs).toBe(1);
  });

  it('keeps nothing when a module the demo imports changes while it runs', async () => {
    const { cache, file } = setup();
    const before = demoCacheKey(file, cache);
    const helper = join(cache.root, 'snippets/b/deep.ts');
    const output = await cachedDemoOutput(cache, file, async () => {
      writeFileSync(helper, 'export const c = 3;\n');
      return 'printed by the edited code';
    });
    expect(output).toBe('printed by the edited code');
    expect(readCachedDemo(cache, before)).toBeUndefined();
    expect(readCachedDemo(cache, demoCacheKey(file, cache))).toBeUndefined();
  });

  it('keeps nothing when the run fails, so the next build runs it again', async () => {
    const { cache, file } = setup();
    await expect(cachedDemoOutput(cache, file, () => Promise.reject(new Error('exited with code 2')))).rejects.toThrow('exited with code 2');
    expect(readCachedDemo(cache, demoCacheKey(file, cache))).toBeUndefined();
    await expect(cachedDemoOutput(cache, file, async () => 'fixed')).resolves.toBe('fixed');
  });
});
