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
  write('snippets/crypto/hash.ts', `import { createHash, randomUUID } from 'node:crypto';\nexport const h = () => createHash('sha256') && randomUUID();\n`);
  write('snippets/bytes/buffer.ts', `export const b64 = (s: string) => Buffer.from(s).toString('base64');\n`);
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
    setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextDecoder, WebAssembly,
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

  it('says why a module is Node-only: a built-in, a missing shim export, a Node global', async () => {
    expect(await browserBundle(join(root, 'snippets/files/read.ts'), root)).toEqual({ runnable: false, reason: 'reads and writes files (node:fs)' });
    expect(await browserBundle(join(root, 'snippets/crypto/hash.ts'), root)).toEqual({ runnable: false, reason: "uses node:crypto's createHash, which the browser lacks" });
    expect(await browserBundle(join(root, 'snippets/bytes/buffer.ts'), root)).toEqual({ runnable: false, reason: "uses Node's Buffer" });
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
