import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRunFiles, type RunBuild } from './run-build.ts';
import type { RunEvent } from './run-protocol.ts';

let root: string;
let built: RunBuild;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'run-build-'));
  // The shims' packages (buffer, @noble/*) become vendor scripts, resolved from the root.
  symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'));
  write('snippets/http/status.ts', `import { STATUS_CODES } from 'node:http';
export const phrase = (code: number) => STATUS_CODES[code];
if (import.meta.main) console.log('imported module ran its demo');\n`);
  write('snippets/http/demo.ts', `import { phrase } from './status.ts';
import { setTimeout as sleep } from 'node:timers/promises';
if (import.meta.main) {
  console.log('%s means %s', 404, phrase(404), import.meta.url);
  await sleep(5);
  setTimeout(() => process.stdout.write('after a timer\\n'), 5);
  process.exitCode = 3;
}\n`);
  // Two modules share a dependency; only the one whose graph reaches node:fs is Node-only.
  write('snippets/files/read.ts', `import { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n`);
  write('snippets/files/uses-read.ts', `import { read } from './read.ts';\nimport { phrase } from '../http/status.ts';\nif (import.meta.main) console.log(read(), phrase(200));\n`);
  write('snippets/files/plain.ts', `import { phrase } from '../http/status.ts';\nif (import.meta.main) console.log(phrase(200));\n`);
  write('snippets/crypto/hash.ts', `import { generateKeyPairSync, randomUUID } from 'node:crypto';\nif (import.meta.main) console.log(generateKeyPairSync && randomUUID());\n`);
  write('snippets/crypto/uses-hash.ts', `import './hash.ts';\nif (import.meta.main) console.log(1);\n`);
  write('snippets/bytes/encode.ts', `export const b64url = (s: string) => Buffer.from(s).toString('base64url');\n`);
  write('snippets/bytes/buffer.ts', `import { b64url } from './encode.ts';\nif (import.meta.main) console.log(Buffer.from('x').toString('base64'), b64url('??>'));\n`);
  built = await buildRunFiles(root, ['bytes/buffer.ts', 'crypto/hash.ts', 'crypto/uses-hash.ts', 'files/plain.ts', 'files/uses-read.ts', 'http/demo.ts']);
});

/** Runs a module as the sandbox's worker does (src/runner/sandbox.ts), and collects what it sends. */
async function run(module: string, compiled?: string): Promise<RunEvent[]> {
  const demo = built.manifest.modules[module]!;
  if (!demo.runnable) throw new Error(demo.reason);
  const events: RunEvent[] = [];
  let exited!: () => void;
  const done = new Promise<void>((resolve) => (exited = resolve));
  const scope: Record<string, unknown> = {
    postMessage: (event: RunEvent) => {
      events.push(event);
      if (event.type === 'exit') exited();
    },
    addEventListener: () => {},
    setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextDecoder, WebAssembly, Promise, console: {},
    importScripts: (...names: string[]) => names.forEach((name) => runInContext(String(built.files.get(name)), context)),
  };
  const context = createContext(Object.assign(scope, { self: scope, globalThis: scope }));
  const main = runInContext(compiled ?? String(built.files.get(demo.main)), context);
  (scope.importScripts as (...n: string[]) => void)(...demo.scripts);
  void (scope.__run as (m: unknown, p: string) => Promise<void>)(main, `snippets/${module}`);
  await done;
  return events;
}

describe('buildRunFiles', () => {
  it('runs a module with its imports and shims as node would: its demo only, after its timers, with its exit code', async () => {
    expect(await run('http/demo.ts')).toEqual([
      { type: 'out', stream: 'stdout', text: '404 means Not Found https://run.invalid/snippets/http/demo.ts\n' },
      { type: 'out', stream: 'stdout', text: 'after a timer\n' },
      { type: 'exit', code: 3 },
    ]);
  });

  it('marks Node-only only the modules whose graph holds a blocker, with the reason', () => {
    const { modules } = built.manifest;
    expect(modules['files/uses-read.ts']).toEqual({ runnable: false, reason: 'reads and writes files (node:fs)' });
    expect(modules['files/plain.ts']).toMatchObject({ runnable: true, pglite: undefined });
    expect(modules['crypto/hash.ts']).toEqual({ runnable: false, reason: "uses node:crypto's generateKeyPairSync, which the browser lacks" });
    expect(modules['crypto/uses-hash.ts']).toEqual(modules['crypto/hash.ts']);
  });

  it('gives Buffer, from its shim, to the module and to the snippet modules it imports', async () => {
    expect(await run('bytes/buffer.ts')).toEqual([
      { type: 'out', stream: 'stdout', text: 'eA== Pz8-\n' },
      { type: 'exit', code: 0 },
    ]);
  });

  it('ships the source for the editor and shares the prelude between modules', () => {
    const demo = built.manifest.modules['http/demo.ts']!;
    const plain = built.manifest.modules['files/plain.ts']!;
    if (!demo.runnable || !plain.runnable) throw new Error('expected both runnable');
    expect(built.files.get(demo.source)).toContain("import { phrase } from './status.ts';");
    expect(demo.scripts[0]).toBe(plain.scripts[0]);
    expect(built.files.has('sandbox.js')).toBe(true);
  });

  it('refuses, naming them, imports the original module does not have', async () => {
    const edited = `(async function (require, exports, __meta) {require('./read.ts');\n})`;
    const events = await run('http/demo.ts', edited);
    expect(events.at(-1)).toEqual({ type: 'exit', code: 1 });
    expect(events.find((e) => e.type === 'out' && e.stream === 'stderr')).toMatchObject({
      text: expect.stringContaining('Cannot import "./read.ts": the page can run only what the original module imports: ./status.ts, node:timers/promises'),
    });
  });
});
