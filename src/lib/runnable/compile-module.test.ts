import { describe, expect, it } from 'vitest';
import { CompileError, compileModule, requiredSpecifiers } from './compile-module.ts';

/** Runs compiled code as the runner does: `require` from a table, `__meta` given. */
async function run(compiled: string, modules: Record<string, unknown>, meta = { main: true, url: 'https://run.invalid/x.ts' }) {
  const exports: Record<string, unknown> = {};
  const fn = (0, eval)(compiled) as (r: (s: string) => unknown, e: object, m: object) => Promise<void>;
  await fn((s) => {
    if (!(s in modules)) throw new Error(`no module ${s}`);
    return modules[s];
  }, exports, meta);
  return exports;
}

describe('compileModule', () => {
  it('strips types, keeps top-level await and reads import.meta from __meta', async () => {
    const compiled = compileModule(
      `import type { T } from './t.ts';\nimport { double } from './math.ts';\nexport const value: number = await Promise.resolve(double(21));\nexport const main = import.meta.main;\nexport const url = import.meta.url;\nenum E { A, B }\nexport const b = E.B;\n`,
      'x.ts');
    const exports = await run(compiled, { './math.ts': { double: (n: number) => n * 2 } });
    expect(exports).toMatchObject({ value: 42, main: true, url: 'https://run.invalid/x.ts', b: 1 });
  });

  it('lists what the module requires, type-only imports excluded, dynamic imports included', () => {
    const compiled = compileModule(`import type { T } from './t.ts';\nimport { z } from 'zod';\nimport * as h from 'hono';\nexport const later = () => import('./lazy.ts');\nz; h;\n`, 'x.ts');
    expect(requiredSpecifiers(compiled)).toEqual(['zod', 'hono', './lazy.ts']);
  });

  it('reports a syntax error with its file, line and column', () => {
    let error: unknown;
    try {
      compileModule('const a = 1;\nconst b = ;\n', 'edited.ts');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect(error).toMatchObject({ line: 2, column: 11 });
    expect((error as Error).message).toMatch(/^edited\.ts:2:11: /);
  });

  it('keeps the source line numbers, so a stack trace points at the line the reader wrote', () => {
    const compiled = compileModule('const a = 1;\nconst b = 2;\nthrow new Error("here");\n', 'x.ts');
    expect(compiled.split('\n').findIndex((line) => line.includes('throw new Error'))).toBe(2);
  });
});
