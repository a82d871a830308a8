import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { asClassicScript, browserBundle } from './browser-bundle.ts';
import type { RunEvent } from './run-protocol.ts';

let root: string;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'browser-bundle-'));
  write('snippets/http/status.ts', `import { STATUS_CODES } from 'node:http';
export const phrase = (code: number) => STATUS_CODES[code];
if (import.meta.main) console.log('imported module ran its demo');\n`);
  write('snippets/http/demo.ts', `import { phrase } from './status.ts';
import { setTimeout as sleep } from 'node:timers/promises';
if (import.meta.main) {
  console.log('%s means %s', 404, phrase(404));
  await sleep(5);
  setTimeout(() => process.stdout.write('after a timer\\n'), 5);
  process.exitCode = 3;
}\n`);
  write('snippets/files/read.ts', `import { readFileSync } from 'node:fs';\nif (import.meta.main) console.log(readFileSync('x'));\n`);
  write('snippets/crypto/keys.ts', `import { generateKeyPairSync, randomUUID } from 'node:crypto';\nexport const c = () => generateKeyPairSync && randomUUID();\n`);
  write('snippets/bytes/buffer.ts', `import { createHmac } from 'node:crypto';
export const b64 = (s: string) => Buffer.from(s).toString('base64url');
if (import.meta.main) console.log(b64('hé?'), createHmac('sha256', 'k').update('m').digest('hex').slice(0, 8));\n`);
});

/** Runs a bundle as the worker would, with postMessage and timers, and collects what it sends. */
async function runBundle(code: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  let exited!: () => void;
  const done = new Promise<void>((resolve) => (exited = resolve));
  const scope = {
    postMessage: (event: RunEvent) => {
      events.push(event);
      if (event.type === 'exit') exited();
    },
    addEventListener: () => {},
    setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextDecoder, TextEncoder, WebAssembly, crypto,
    console: {},
  };
  runInNewContext(code, Object.assign(scope, { globalThis: scope }));
  await done;
  return events;
}

describe('browserBundle', () => {
  it('bundles a module whose Node built-ins have exact shims, and runs it as node would', async () => {
    const bundle = await browserBundle(join(root, 'snippets/http/demo.ts'), root);
    if (!bundle.runnable) throw new Error(bundle.reason);
    expect(bundle.pglite).toBe(false);
    const events = await runBundle(bundle.code);
    // The entry's demo ran and its import's did not; the run ended after the timer, with its exit code.
    expect(events).toEqual([
      { type: 'out', stream: 'stdout', text: '404 means Not Found\nafter a timer\n' },
      { type: 'exit', code: 3 },
    ]);
  });

  it('gives a module that names Buffer the Buffer shim, as Node gives it the global', async () => {
    const bundle = await browserBundle(join(root, 'snippets/bytes/buffer.ts'), root);
    if (!bundle.runnable) throw new Error(bundle.reason);
    expect((await runBundle(bundle.code))[0]).toEqual({ type: 'out', stream: 'stdout', text: 'aMOpPw b60090e3\n' });
  });

  it('says why a module is Node-only: a built-in, a missing shim export', async () => {
    expect(await browserBundle(join(root, 'snippets/files/read.ts'), root)).toEqual({ runnable: false, reason: 'reads and writes files (node:fs)' });
    expect(await browserBundle(join(root, 'snippets/crypto/keys.ts'), root)).toEqual({ runnable: false, reason: "uses node:crypto's generateKeyPairSync, which the browser lacks" });
  });
});

describe('asClassicScript', () => {
  it('wraps a bundle in an async function, so its top-level awaits still run', () => {
    expect(asClassicScript('await x;')).toBe('(async()=>{await x;\n})();\n');
  });

  it('refuses a bundle that still imports, exports or reads import.meta', () => {
    expect(() => asClassicScript('import "x";')).toThrow(/imports or exports/);
    expect(() => asClassicScript('let a;export{a};')).toThrow(/imports or exports/);
    expect(() => asClassicScript('f(import.meta.url)')).toThrow(/import\.meta/);
  });
});
