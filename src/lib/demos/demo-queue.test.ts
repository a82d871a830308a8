import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_STDIO, RESULT_FD } from './demo-protocol.ts';
import { runInDemoHost, stderrTail } from './demo-queue.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-queue-'));
const options = { cwd: dir, compileCache: join(dir, 'compile'), timeoutMs: 30_000 };
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
