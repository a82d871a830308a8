import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCacheDir, runnableDemo, usedChunks } from './run-chunks.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'run-chunks-'));
  mkdirSync(join(root, 'snippets/pair'), { recursive: true });
  // Each imports the other, so both have one module set; only b's demo needs Node.
  writeFileSync(join(root, 'snippets/pair/a.ts'), "import { b } from './b.ts';\nexport const a = 1;\nif (import.meta.main) console.log(a + b);\n");
  writeFileSync(join(root, 'snippets/pair/b.ts'),
    "export const b = 2;\nif (import.meta.main) {\n  const fs = await import('node:fs');\n  const { a } = await import('./a.ts');\n  console.log(fs.existsSync('x'), a);\n}\n");
});

describe('runnableDemo', () => {
  it('keeps a separate answer for each entry, even when two share their module set', async () => {
    expect(await runnableDemo(join(root, 'snippets/pair/b.ts'), root)).toEqual({ runnable: false, reason: 'reads and writes files (node:fs)' });
    const a = await runnableDemo(join(root, 'snippets/pair/a.ts'), root);
    expect(a).toMatchObject({ runnable: true, pglite: false });
  });

  it('records the chunks pages use and keeps them in the cache folder', async () => {
    const a = await runnableDemo(join(root, 'snippets/pair/a.ts'), root);
    if (!a.runnable) throw new Error(a.reason);
    expect(usedChunks.has(a.chunk)).toBe(true);
    const chunk = join(runCacheDir(root), 'chunks', a.chunk);
    expect(existsSync(chunk)).toBe(true);
    expect(readFileSync(chunk, 'utf8')).toMatch(/^\(async\(\)=>\{/);
  });
});
