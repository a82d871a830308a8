import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('runDemo with a cache on disk', () => {
  it('runs a demo once per content, even in a new process, and logs fresh runs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-disk-'));
    const cache = { dir: join(root, 'cache'), root };
    const log = join(root, 'timings.jsonl');
    const body = "import { appendFileSync } from 'node:fs';\nappendFileSync(process.argv[1] + '.runs', 'x');\nconsole.log('cached');\n";
    const first = join(root, 'first.ts');
    const copy = join(root, 'copy', 'first.ts');
    writeFileSync(first, body);
    process.env.DEMO_TIMINGS_FILE = log;
    try {
      await expect(runDemo(first, { cwd: root, cache })).resolves.toBe('cached');
      // Same text at another path: a different file for the in-memory cache.
      mkdirSync(join(root, 'copy'));
      writeFileSync(copy, body);
      await expect(runDemo(copy, { cwd: root, cache: { ...cache, root: join(root, 'copy') } })).resolves.toBe('cached');
    } finally {
      delete process.env.DEMO_TIMINGS_FILE;
    }
    expect(readFileSync(`${first}.runs`, 'utf8')).toBe('x');
    expect(existsSync(`${copy}.runs`)).toBe(false);
    const timings = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; start: number; end: number });
    expect(timings).toHaveLength(1);
    expect(timings[0]!.file).toBe(first);
    expect(timings[0]!.end).toBeGreaterThanOrEqual(timings[0]!.start);
  });

  it('never stores a failed run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'demo-disk-'));
    const cache = { dir: join(root, 'cache'), root };
    const file = join(root, 'flaky.ts');
    writeFileSync(file, 'process.exit(4);\n');
    await expect(runDemo(file, { cwd: root, cache })).rejects.toThrow(/exited with code 4/);
    expect(existsSync(cache.dir)).toBe(false);
  });
});
