import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeError, withoutDemoQuery } from './demo-host.ts';
import { runDemo } from './demo-output.ts';
import { runInDemoHost } from './demo-queue.ts';

// Demos that share a host run one after another in one process; each must
// still behave as its own `node file.ts`.
const dir = mkdtempSync(join(tmpdir(), 'demo-host-'));
function module(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}
const run = (file: string, timeoutMs?: number) => runDemo(file, { cwd: dir, cache: null, timeoutMs });

describe('the demo host', () => {
  it('runs the entry module as main and its imports as not main', async () => {
    module('helper.ts', "export const who = 'helper';\nif (import.meta.main) console.log('helper ran as main');\n");
    const demo = module('entry.ts', "import { who } from './helper.ts';\nif (import.meta.main) console.log(`main, imports ${who}`);\n");
    await expect(run(demo)).resolves.toBe('main, imports helper');
  });

  it('gives every demo fresh instances of the modules it imports', async () => {
    module('counter.ts', 'let count = 0;\nexport const next = () => ++count;\n');
    const first = module('count-a.ts', "import { next } from './counter.ts';\nnext();\nconsole.log(`a: ${next()}`);\n");
    const second = module('count-b.ts', "import { next } from './counter.ts';\nconsole.log(`b: ${next()}`);\n");
    const outputs = await Promise.all([run(first), run(second)]);
    expect(outputs).toEqual(['a: 2', 'b: 1']);
  });

  it('strips types by text: a module changed between two demos loads as changed', async () => {
    module('label.ts', "export const label: string = 'first';\n");
    const before = module('label-a.ts', "import { label } from './label.ts';\nconsole.log(label as string);\n");
    await expect(run(before)).resolves.toBe('first');
    module('label.ts', "export const label: string = 'second';\n");
    const after = module('label-b.ts', "import { label } from './label.ts';\nconsole.log(label as string);\n");
    await expect(run(after)).resolves.toBe('second');
  });

  it("places an error where node does, line and column, in a module with types", async () => {
    const file = module('typed-throws.ts', "type Limit = { max: number };\nconst limit: Limit = { max: 0 }; if (limit.max < 1) throw new RangeError('max');\n");
    const alone = spawnSync(process.execPath, [file], { encoding: 'utf8' }).stderr;
    const where = /typed-throws\.ts:\d+:\d+/.exec(alone)?.[0];
    expect(where).toBe('typed-throws.ts:2:59');
    await expect(run(file)).rejects.toThrow(where);
  });

  it('fails a demo with TypeScript node cannot strip, with the error node prints', async () => {
    mkdirSync(join(dir, 'esm'), { recursive: true }); // a module folder, as the repository is: the host's hook strips there
    module('esm/package.json', '{"type":"module"}');
    const file = module('esm/has-enum.ts', 'enum Color { Red }\nconsole.log(Color.Red);\n');
    const { exitCode, stderr } = await runInDemoHost(file, { cwd: dir, timeoutMs: 30_000, hosts: 1 });
    expect(exitCode).toBe(1);
    expect(stderr.startsWith(`${pathToFileURL(file).href}:1\nenum Color { Red }\n`)).toBe(true);
    expect(stderr).not.toContain('demo-host.ts');
  });

  it('refuses a .ts file under node_modules, as node does', async () => {
    mkdirSync(join(dir, 'node_modules/typed'), { recursive: true });
    module('node_modules/typed/package.json', '{"name":"typed","type":"module","exports":"./index.ts"}');
    module('node_modules/typed/index.ts', 'export const v: number = 1;\n');
    const file = module('uses-typed.ts', "import { v } from 'typed';\nconsole.log(v);\n");
    await expect(run(file)).rejects.toThrow('ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING');
  });

  it('sets process.argv as node does and restores env and the working folder after each demo', async () => {
    const changes = module('changes.ts', "process.env.DEMO_LEAK = 'yes';\nprocess.chdir('/');\nconsole.log(process.argv.length, process.argv[1]);\n");
    const looks = module('looks.ts', "console.log(process.env.DEMO_LEAK ?? 'unset', process.cwd());\n");
    const [argv, after] = await Promise.all([run(changes), run(looks)]);
    expect(argv).toBe(`2 ${changes}`);
    expect(after).toBe(`unset ${dir}`);
  });

  it('waits for work the module left on the event loop, as a process would', async () => {
    const late = module('late.ts', "setTimeout(() => console.log('after 50 ms'), 50);\nconsole.log('first');\n");
    await expect(run(late)).resolves.toBe('first\nafter 50 ms');
  });

  it('fails a demo that sets process.exitCode', async () => {
    const file = module('exit-code.ts', "console.log('partial');\nconsole.error('bad row 3');\nprocess.exitCode = 2;\n");
    await expect(run(file)).rejects.toThrow(/exited with code 2:\nbad row 3/);
  });

  it('fails a demo whose module throws, and runs the next demo in a new host', async () => {
    const broken = module('throws.ts', "throw new RangeError('limit must be positive');\n");
    const next = module('after-throw.ts', "console.log('still here');\n");
    const [failed, passed] = await Promise.allSettled([run(broken), run(next)]);
    expect(failed.status === 'rejected' && String(failed.reason)).toMatch(/exited with code 1:[\s\S]*RangeError: limit must be positive/);
    expect(passed).toEqual({ status: 'fulfilled', value: 'still here' });
  });

  it('fails a demo with an error thrown in a callback, which would end a node process', async () => {
    const file = module('callback-throws.ts', "setTimeout(() => { throw new Error('late failure'); }, 10);\nconsole.log('started');\n");
    await expect(run(file)).rejects.toThrow(/exited with code 1:[\s\S]*Uncaught Error: late failure/);
  });

  it('fails a demo with a promise rejected and never handled', async () => {
    const file = module('rejects.ts', "void Promise.reject(new Error('nobody caught me'));\nconsole.log('started');\n");
    await expect(run(file)).rejects.toThrow(/exited with code 1:[\s\S]*nobody caught me/);
  });

  it('keeps the output of a demo that calls process.exit(0), then carries on', async () => {
    const exits = module('exits.ts', "console.log('done early');\nprocess.exit(0);\n");
    const next = module('after-exit.ts', "console.log('next one');\n");
    await expect(Promise.all([run(exits), run(next)])).resolves.toEqual(['done early', 'next one']);
  });

  it('fails a demo whose host dies without a word, and carries on in a new host', async () => {
    const killer = module('kills-host.ts', "console.log('bye');\nprocess.kill(process.pid, 'SIGKILL');\n");
    const next = module('after-kill.ts', "console.log('new host');\n");
    const [failed, passed] = await Promise.allSettled([run(killer), run(next)]);
    expect(failed.status === 'rejected' && String(failed.reason)).toMatch(/the demo host ended \(SIGKILL\) without a result/);
    expect(passed).toEqual({ status: 'fulfilled', value: 'new host' });
  });

  it('stops a hanging demo at its timeout and runs the next in a new host', async () => {
    const hang = module('hangs.ts', 'setInterval(() => {}, 1000);\n');
    const next = module('after-hang.ts', "console.log('not stuck');\n");
    const [stopped, passed] = await Promise.allSettled([run(hang, 300), run(next)]);
    expect(stopped.status === 'rejected' && String(stopped.reason)).toMatch(/was stopped after 300 ms/);
    expect(passed).toEqual({ status: 'fulfilled', value: 'not stuck' });
  });
});

describe('withoutDemoQuery', () => {
  it("removes the host's per-demo query from stack traces", () => {
    expect(withoutDemoQuery('at file:///s/a.ts?demo=12:3:9\n at file:///s/b.ts?demo=3:1:1'))
      .toBe('at file:///s/a.ts:3:9\n at file:///s/b.ts:1:1');
  });
});

describe('describeError', () => {
  it("keeps the message and the demo's own frames, not Node's", () => {
    const error = new Error('limit must be positive');
    error.stack = 'Error: limit must be positive\n    at page (file:///s/a.ts:3:9)\n    at ModuleJob.run (node:internal/modules/esm/module_job:561:25)\n    at node:internal/main/run_main_module:33:47';
    expect(describeError(error)).toBe('Error: limit must be positive\n    at page (file:///s/a.ts:3:9)\n');
  });
});

// The claim above, on real database demos: each starts its own PostgreSQL
// (PGlite), so they are the ones most likely to show state left behind by
// an earlier demo, or a difference between two hosts running side by side.
describe('the demo host, on database demos', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const SAMPLE = ['db/index-demo.ts', 'db/orm-queries.ts', 'db/primary-keys.ts', 'security/login.ts'];
  const standalone = (file: string) => {
    const run = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    if (run.status !== 0) throw new Error(`node ${file} exited with ${run.status}:\n${run.stderr}`);
    return run.stdout;
  };

  it('prints what `node <file>` prints alone, byte for byte, with two hosts side by side', async () => {
    const files = SAMPLE.map((file) => join(root, 'snippets', file));
    const options = { cwd: root, timeoutMs: 60_000, hosts: 2 };
    // Each demo twice, so that every one runs after another in its host.
    const hosted = await Promise.all([...files, ...files].map((file) => runInDemoHost(file, options)));
    for (const [i, file] of files.entries()) {
      const alone = standalone(file);
      expect(alone).not.toBe('');
      expect(hosted[i]).toMatchObject({ exitCode: 0, stdout: alone });
      expect(hosted[i + files.length]).toMatchObject({ exitCode: 0, stdout: alone });
    }
  }, 120_000);
});
