import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';

/**
 * Runs a snippet module the way a reader would (`node file.ts`) and returns
 * what it printed, so a page shows real output rather than a pasted copy.
 * Results are cached per file and modification time for the build.
 */
const cache = new Map<string, Promise<string>>();

export interface DemoOptions {
  /** Folder to run in; output is easier to read with paths relative to it. */
  cwd: string;
  /** Kills a demo that hangs; a demo must be quick and deterministic. */
  timeoutMs?: number;
}

export function runDemo(file: string, { cwd, timeoutMs = 30_000 }: DemoOptions): Promise<string> {
  const key = `${file}@${statSync(file).mtimeMs}`;
  let result = cache.get(key);
  if (!result) {
    result = execDemo(file, cwd, timeoutMs);
    cache.set(key, result);
  }
  return result;
}

function execDemo(file: string, cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [file],
      { cwd, timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `was stopped after ${timeoutMs} ms` : `exited with code ${error.code}`;
          const tail = stderr.trim().split('\n').slice(-8).join('\n');
          reject(new Error(`running "node ${file}" ${why}${tail ? `:\n${tail}` : ''}`));
          return;
        }
        const output = stdout.replace(/\s+$/, '');
        if (output === '') reject(new Error(`running "node ${file}" printed nothing; a demo must print its result`));
        else resolve(output);
      },
    );
  });
}
