import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_STDIO, RESULT_FD } from './demo-protocol.ts';
import { DemoQueue, HOST_RSS_LIMIT_MB, runInDemoHost, stderrTail } from './demo-queue.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-queue-'));
const options = { cwd: dir, timeoutMs: 30_000, hosts: 1 };
function module(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('runInDemoHost', () => {
  it("resolves with a failed demo's result, marked as the host's last", async () => {
    const file = module('fails.ts', "console.log('partial');\nconsole.error('bad input');\nprocess.exitCode = 3;\n");
    const result = await runInDemoHost(file, options);
    expect(result).toMatchObject({ file, stdout: 'partial\n', stderr: 'bad input\n', exitCode: 3, last: true });
    expect(result.end).toBeGreaterThanOrEqual(result.start);
  });

  it('keeps the host for the next demo after one that succeeds', async () => {
    const file = module('ok.ts', "console.log('ok');\n");
    await expect(runInDemoHost(file, options)).resolves.toMatchObject({ stdout: 'ok\n', exitCode: 0, last: false });
  });

  it('runs demos in a host that hands large freed blocks back to the system', async () => {
    // scrypt with N = 2^14, r = 8 allocates 16 MiB with malloc and frees it:
    // glibc's default would keep the later ones in its heap.
    const file = module('scrypt.ts', `import { scryptSync } from 'node:crypto';
const before = process.memoryUsage.rss();
for (let i = 0; i < 3; i++) scryptSync('pw', 'salt' + i, 32, { N: 2 ** 14, r: 8, p: 1 });
console.log(process.memoryUsage.rss() - before < 8 * 2 ** 20 ? 'returned' : 'kept');
`);
    await expect(runInDemoHost(file, options)).resolves.toMatchObject({ stdout: 'returned\n', exitCode: 0 });
  });

  it("runs demos in the build's environment, without the host's allocator settings", async () => {
    // The build's own value, if it has one, is what a demo sees.
    const file = module('env.ts', "console.log(process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset');\n");
    const build = process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset';
    await expect(runInDemoHost(file, options)).resolves.toMatchObject({ stdout: `${build}\n`, exitCode: 0 });
  });

  it("keeps the build's own allocator setting for its demos", async () => {
    // A new folder gets a new queue, so a host started after the variable is set.
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-malloc-'));
    const file = join(cwd, 'env.ts');
    writeFileSync(file, "console.log(process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset');\n");
    const build = process.env.MALLOC_MMAP_THRESHOLD_;
    process.env.MALLOC_MMAP_THRESHOLD_ = '65536';
    try {
      await expect(runInDemoHost(file, { ...options, cwd })).resolves.toMatchObject({ stdout: '65536\n', exitCode: 0 });
    } finally {
      if (build === undefined) delete process.env.MALLOC_MMAP_THRESHOLD_;
      else process.env.MALLOC_MMAP_THRESHOLD_ = build;
    }
  });

  it("starts hosts without Node's compile cache, even when the build has one", async () => {
    // A new folder gets a new queue, so a host started after the variable is set.
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-cache-'));
    const file = join(cwd, 'cache.ts');
    writeFileSync(file, "import { getCompileCacheDir } from 'node:module';\nconsole.log(getCompileCacheDir() ?? 'none');\n");
    process.env.NODE_COMPILE_CACHE = join(cwd, 'compile');
    try {
      await expect(runInDemoHost(file, { ...options, cwd })).resolves.toMatchObject({ stdout: 'none\n', exitCode: 0 });
    } finally {
      delete process.env.NODE_COMPILE_CACHE;
    }
  });

  it('replaces a host past its memory limit after the demo it ran, and runs the next demo in a new one', async () => {
    // Every host is past 1 MiB; demos in another folder get a queue of their own with that limit.
    const small = { ...options, cwd: mkdtempSync(join(tmpdir(), 'demo-queue-small-')), rssLimitMb: 1 };
    const pid = module('pid.ts', 'console.log(process.pid);\n');
    const [first, second] = await Promise.all([runInDemoHost(pid, small), runInDemoHost(pid, small)]);
    expect(first).toMatchObject({ exitCode: 0, last: true });
    expect(second).toMatchObject({ exitCode: 0, last: true });
    expect(first.stdout).not.toBe(second.stdout);
  });

  it('runs each demo sent ahead to a host past its limit exactly once, in a fresh host', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-ahead-'));
    const log = join(cwd, 'ran.log');
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const files = names.map((name) =>
      module(`ahead-${name}.ts`, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, '${name}\\n');\nconsole.log('${name}', process.pid);\n`),
    );
    const results = await Promise.all(files.map((file) => runInDemoHost(file, { ...options, cwd, rssLimitMb: 1 })));
    expect(results.map((r) => r.stdout.split(' ')[0])).toEqual(names);
    expect(new Set(results.map((r) => r.stdout.split(' ')[1])).size).toBe(names.length);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(names);
  });
});

describe('runInDemoHost, sending ahead', () => {
  it('starts a fresh host for the next demo while the build is too busy to hear the last host end', async () => {
    // Each host ends after one demo (past a 1 MiB limit); the second demo
    // needs a new host, started while this thread stays busy.
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-restart-'));
    const marker = join(cwd, 'second.ran');
    const first = module('restart-first.ts', "console.log('first');\n");
    const second = module('restart-second.ts', `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, '');\nconsole.log('second');\n`);
    const small = { ...options, cwd, rssLimitMb: 1 };
    const results = Promise.all([runInDemoHost(first, small), runInDemoHost(second, small)]);
    const deadline = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < deadline);
    expect(existsSync(marker)).toBe(true);
    await expect(results).resolves.toMatchObject([{ stdout: 'first\n', last: true }, { stdout: 'second\n', last: true }]);
  });

  it('runs demos side by side in as many hosts as allowed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-pair-'));
    const pair = { ...options, cwd, hosts: 2 };
    const wait = (name: string) => module(name, "setTimeout(() => console.log(process.pid), 400);\n");
    const [a, b] = await Promise.all([runInDemoHost(wait('wait-a.ts'), pair), runInDemoHost(wait('wait-b.ts'), pair)]);
    expect(a!.stdout).not.toBe(b!.stdout);
    expect(Math.max(a!.start, b!.start)).toBeLessThan(Math.min(a!.end, b!.end));
  });

  it('keeps an idle host as long as a demo asked it to linger, and no longer', async () => {
    const queue = new DemoQueue(mkdtempSync(join(tmpdir(), 'demo-queue-linger-')), 1, HOST_RSS_LIMIT_MB);
    const pid = (name: string) => module(name, 'console.log(process.pid);\n');
    const alive = (id: number) => {
      try {
        process.kill(id, 0);
        return true;
      } catch {
        return false;
      }
    };
    const first = Number((await queue.run(pid('pid-a.ts'), 30_000, 1_000)).stdout);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Number((await queue.run(pid('pid-b.ts'), 30_000)).stdout)).toBe(first); // the same host, kept idle
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(alive(first)).toBe(false); // retired once the linger ran out
  });

  it('refuses a number of hosts that is not a whole number of at least 1', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-none-'));
    expect(() => runInDemoHost(module('never.ts', ''), { ...options, cwd, hosts: 0 }))
      .toThrow('demo hosts: expected a whole number of at least 1, found 0');
  });
});

describe("runInDemoHost, when the queue's thread fails", () => {
  it('rejects the demos waiting on it, and runs the next demo in a new thread', async () => {
    // A line on the results descriptor that is not JSON throws in the thread that reads it.
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-thread-'));
    const breaks = module('breaks-thread.ts', `import { writeSync } from 'node:fs';\nwriteSync(${RESULT_FD}, 'not json\\n');\nconsole.log('wrote');\n`);
    await expect(runInDemoHost(breaks, { ...options, cwd })).rejects.toThrow(/the demo queue's thread failed: .*JSON/);
    await expect(runInDemoHost(module('after-thread.ts', "console.log('after');\n"), { ...options, cwd })).resolves.toMatchObject({ stdout: 'after\n' });
  });
});

// runInDemoHost's queue has a thread of its own, which these tests cannot
// keep busy; so they run a DemoQueue in theirs, busy as the queue's thread
// may yet be (a loaded machine), and as the build's was before.
describe('DemoQueue, in a thread too busy to hear from its hosts', () => {
  const queue = (cwd: string) => new DemoQueue(cwd, 1, HOST_RSS_LIMIT_MB);

  it('has the host start the next demo without hearing back of the last', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-ahead-busy-'));
    const quick = module('quick.ts', "console.log('quick');\n");
    const marker = join(cwd, 'next.ran');
    const next = module('next.ts', `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, '');\nconsole.log('next');\n`);
    const own = queue(cwd);
    const results = Promise.all([own.run(quick, 30_000), own.run(next, 30_000)]);
    // Keep this thread busy until the second demo has run: a host that had
    // to hear back from us between demos could never get to it.
    const deadline = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < deadline);
    expect(existsSync(marker)).toBe(true);
    await expect(results).resolves.toMatchObject([{ stdout: 'quick\n' }, { stdout: 'next\n' }]);
  });

  it('keeps the result of a demo that ended in time while the thread was too busy to read it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'demo-queue-busy-'));
    const marker = join(cwd, 'done');
    const file = module('busy.ts', `import { writeFileSync } from 'node:fs';\nconsole.log('in time');\nwriteFileSync(${JSON.stringify(marker)}, '');\n`);
    const result = queue(cwd).run(file, 1_000);
    // Busy until the demo has ended and well past its timeout, so both the
    // timer and the result are waiting when this thread is free again.
    const deadline = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < deadline);
    const past = Date.now() + 1_500;
    while (Date.now() < past);
    await expect(result).resolves.toMatchObject({ stdout: 'in time\n', exitCode: 0 });
  });
});

describe('stderrTail', () => {
  it('keeps the last eight lines after a colon, and nothing for empty stderr', () => {
    const text = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n');
    expect(stderrTail(`${text}\n`)).toBe(`:\n${text.split('\n').slice(2).join('\n')}`);
    expect(stderrTail(' \n')).toBe('');
  });
});

describe('HOST_STDIO', () => {
  it('opens a pipe at the descriptor results come back on', () => {
    expect(HOST_STDIO).toHaveLength(RESULT_FD + 1);
    expect(HOST_STDIO[RESULT_FD]).toBe('pipe');
  });
});
