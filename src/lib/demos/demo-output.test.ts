import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DemoResult } from './demo-protocol.ts';
import { type HostOptions, runInDemoHost } from './demo-queue.ts';
import { prefetchDemos, runDemo, WARM_HOST_LINGER_MS, WARM_UP_MODULE, warmDemoHost } from './demo-output.ts';

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

describe('warmDemoHost', () => {
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  /** What a host reports for a demo that ran from `start` to `end` and printed nothing. */
  const succeeded = (file: string, start = 0, end = 0): DemoResult => ({ file, stdout: '', stderr: '', exitCode: 0, start, end, last: false });

  it('starts the host on the warm-up module only when no demo output is kept', async () => {
    const root = mkdtempSync(join(tmpdir(), 'warm-'));
    const cache = { dir: join(root, '.cache/demo-output'), root };
    const calls: [string, HostOptions][] = [];
    const run = async (file: string, options: HostOptions) => {
      calls.push([file, options]);
      return succeeded(file);
    };
    expect(warmDemoHost(root, { cache, run })).toBe(true); // no folder yet
    mkdirSync(cache.dir, { recursive: true });
    expect(warmDemoHost(root, { cache, run })).toBe(true); // an empty one
    writeFileSync(join(cache.dir, 'kept.txt'), 'output');
    expect(warmDemoHost(root, { cache, run })).toBe(false); // a warm build: its demos may all be kept
    expect(warmDemoHost(root, { cache: null, run })).toBe(true); // DEMO_CACHE=off runs every demo
    await flush();
    // The queue the build's demos use (one per folder), told to keep the host for them.
    const expected = { cwd: root, timeoutMs: 30_000, hosts: 1, lingerMs: WARM_HOST_LINGER_MS };
    expect(calls).toEqual([[WARM_UP_MODULE, expected], [WARM_UP_MODULE, expected], [WARM_UP_MODULE, expected]]);
  });

  it('logs its run with the demos, as the benchmark counts them', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'warm-log-')), 'timings.jsonl');
    process.env.DEMO_TIMINGS_FILE = log;
    try {
      const run = async (file: string) => succeeded(file, 1, 2);
      expect(warmDemoHost(dir, { cache: null, run })).toBe(true);
      await flush();
      expect(readFileSync(log, 'utf8')).toBe(`${JSON.stringify({ file: WARM_UP_MODULE, start: 1, end: 2 })}\n`);
    } finally {
      delete process.env.DEMO_TIMINGS_FILE;
    }
  });

  it('leaves to the demos any failure to start or to log, thrown or rejected', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    process.env.DEMO_TIMINGS_FILE = join(dir, 'no-such-folder/timings.jsonl');
    try {
      expect(warmDemoHost(dir, { cache: null, run: () => { throw new Error('demo hosts: expected a whole number'); } })).toBe(true);
      expect(warmDemoHost(dir, { cache: null, run: () => Promise.reject(new Error('the demo host ended')) })).toBe(true);
      const ran = async (file: string) => succeeded(file, 1, 2);
      expect(warmDemoHost(dir, { cache: null, run: ran })).toBe(true); // its timing cannot be written
      await flush();
      expect(unhandled).toEqual([]);
    } finally {
      delete process.env.DEMO_TIMINGS_FILE;
      process.off('unhandledRejection', note);
    }
  });

  it('has the host open and close a database, which a demo queued after it borrows warm', async () => {
    const borrows = module('borrows-warm.ts', `const pool = (globalThis as { demoDatabasePool?: { borrow(start: () => never): Promise<{ close(): Promise<void> }> } }).demoDatabasePool!;
const db = await pool.borrow(() => { throw new Error('no warm database in the pool'); });
await db.close();
console.log('borrowed warm');
`);
    let warmUp!: Promise<DemoResult>;
    expect(warmDemoHost(dir, { cache: null, run: (file, options) => (warmUp = runInDemoHost(file, options)) })).toBe(true);
    await flush();
    // Queued only once the warm-up has ended, as the build's first demo may be.
    await expect(warmUp).resolves.toMatchObject({ stdout: '', exitCode: 0 });
    await expect(runDemo(borrows, { cwd: dir, cache: null })).resolves.toBe('borrowed warm');
  }, 90_000);
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
