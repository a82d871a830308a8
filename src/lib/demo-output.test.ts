import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prefetchDemos, runDemo } from './demo-output.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-'));
function module(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('runDemo', () => {
  it('returns what a TypeScript module prints when run with node', async () => {
    const file = module('ok.ts', "const n: number = 2;\nif (import.meta.main) console.log(`2 + 2 = ${n + 2}`);\n");
    await expect(runDemo(file, { cwd: dir })).resolves.toBe('2 + 2 = 4');
  });

  it('rejects with the exit code and stderr when the demo fails', async () => {
    const file = module('fail.ts', "console.error('boom: bad input');\nprocess.exit(3);\n");
    await expect(runDemo(file, { cwd: dir })).rejects.toThrow(/exited with code 3:\nboom: bad input/);
  });

  it('rejects a demo that prints nothing', async () => {
    await expect(runDemo(module('quiet.ts', 'export const x = 1;\n'), { cwd: dir })).rejects.toThrow(/printed nothing/);
  });

  it('stops a demo that hangs', async () => {
    const file = module('hang.ts', 'setInterval(() => {}, 1000);\n');
    await expect(runDemo(file, { cwd: dir, timeoutMs: 300 })).rejects.toThrow(/was stopped after 300 ms/);
  });
});

describe('prefetchDemos', () => {
  it('starts demos whose results runDemo then returns, without waiting twice', async () => {
    const file = module('count.ts', "import { appendFileSync } from 'node:fs';\nappendFileSync(process.argv[1] + '.runs', 'x');\nconsole.log('ran');\n");
    prefetchDemos([file], { cwd: dir });
    await expect(runDemo(file, { cwd: dir })).resolves.toBe('ran');
    expect(readFileSync(`${file}.runs`, 'utf8')).toBe('x');
  });

  it('swallows a prefetch failure until a page asks for that demo', async () => {
    const file = module('prefail.ts', 'process.exit(2);\n');
    prefetchDemos([file], { cwd: dir });
    await expect(runDemo(file, { cwd: dir })).rejects.toThrow(/exited with code 2/);
  });
});
