import { execFile } from 'node:child_process';
import {
  fstatSync, mkdtempSync, readSync, rmSync, type Stats, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppEnv, type ConfigError, loadEnv } from './env.ts';
import {
  type Env, MAX_SECRET_FILE_BYTES, readText, readVar,
} from './secret-files.ts';
import { secret } from './secret.ts';

// The real readSync and fstatSync, watched: a test can tell a file was not
// read, or make fstat report a size the file no longer has.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real, readSync: vi.fn(real.readSync), fstatSync: vi.fn(real.fstatSync),
  };
});

const DB = 'postgres://app:Tr0ub4dor-db-pw@db.internal:5432/app';
const SESSION = 'sess-9f86d081884c7d659a2feaa0c55ad015';
const GOOD: Env = { PORT: '8080', DATABASE_URL: DB, SESSION_SECRET: SESSION };

describe('secrets from files (NAME_FILE)', () => {
  const files: Record<string, string> = {
    '/run/secrets/session': `${SESSION}\n`,
    '/run/secrets/big': 'x'.repeat(MAX_SECRET_FILE_BYTES + 1),
  };
  const readFile = (path: string) => {
    if (path in files) return files[path]!;
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };
  const { SESSION_SECRET: _, ...noSecret } = GOOD;

  it('reads a secret from the file NAME_FILE names, less its newline', () => {
    const env = { ...noSecret, SESSION_SECRET_FILE: '/run/secrets/session' };
    expect(loadEnv(AppEnv, env, readFile).SESSION_SECRET).toBe(SESSION);
  });

  it('refuses both NAME and NAME_FILE, and unreadable or huge files', () => {
    const both = { ...GOOD, SESSION_SECRET_FILE: '/run/secrets/session' };
    const missing = { ...noSecret, SESSION_SECRET_FILE: '/run/secrets/nope' };
    const big = { ...noSecret, SESSION_SECRET_FILE: '/run/secrets/big' };
    const problems = (env: Env) => {
      try {
        loadEnv(AppEnv, env, readFile);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems(both)).toEqual(
      ['SESSION_SECRET and SESSION_SECRET_FILE are both set; keep one']);
    expect(problems(missing)).toEqual([
      'SESSION_SECRET_FILE: cannot read "/run/secrets/nope" (ENOENT)']);
    expect(problems(big)).toEqual([`SESSION_SECRET_FILE: cannot read ` +
      `"/run/secrets/big" (larger than ${MAX_SECRET_FILE_BYTES} bytes)`]);
  });

  it('fails on a bad NAME_FILE even when the secret is optional', () => {
    const Schema = z.object({ WEBHOOK_SECRET: secret(z.string().optional()) });
    const env = { WEBHOOK_SECRET_FILE: '/run/secrets/nope' };
    expect(() => loadEnv(Schema, env, readFile)).toThrow(
      'WEBHOOK_SECRET_FILE: cannot read "/run/secrets/nope" (ENOENT)');
  });

  it('refuses a folder as a secret file', () => {
    const env = { ...noSecret, SESSION_SECRET_FILE: tmpdir() };
    expect(() => loadEnv(AppEnv, env)).toThrow('SESSION_SECRET_FILE: ' +
      `cannot read ${JSON.stringify(tmpdir())} (not a regular file)`);
  });

  it('refuses a device without reading it', () => {
    // /dev/zero never ends: reading it whole would exhaust memory.
    vi.mocked(readSync).mockClear();
    const env = { ...noSecret, SESSION_SECRET_FILE: '/dev/zero' };
    expect(() => loadEnv(AppEnv, env)).toThrow('(not a regular file)');
    expect(readSync).not.toHaveBeenCalled();
  });

  it('refuses a file that grew after its size was checked, not cut it', () => {
    // 1 + 2 × 40,000 bytes: the first 64 KiB + 1 are whole UTF-8 characters,
    // fewer than 64 Ki of them, so only a byte count can catch it.
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    try {
      const path = join(dir, 'growing');
      writeFileSync(path, `a${'é'.repeat(40_000)}`);
      vi.mocked(fstatSync).mockImplementationOnce(
        () => ({ isFile: () => true, size: 10 }) as Stats); // as at fstat time
      vi.mocked(readSync).mockClear();
      expect(() => loadEnv(AppEnv, { ...noSecret, SESSION_SECRET_FILE: path }))
        .toThrow(`(larger than ${MAX_SECRET_FILE_BYTES} bytes)`);
      const asked = vi.mocked(readSync).mock.calls
        .reduce((sum, call) => sum + Number((call as unknown[])[3]), 0);
      expect(asked).toBeLessThanOrEqual(2 * (MAX_SECRET_FILE_BYTES + 1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an oversized secret file before reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    try {
      const path = join(dir, 'big');
      writeFileSync(path, 'x'.repeat(MAX_SECRET_FILE_BYTES + 1));
      vi.mocked(readSync).mockClear();
      expect(() => loadEnv(AppEnv, { ...noSecret, SESSION_SECRET_FILE: path }))
        .toThrow(`(larger than ${MAX_SECRET_FILE_BYTES} bytes)`);
      expect(readSync).not.toHaveBeenCalled();
      writeFileSync(path, `${SESSION}\n`);
      expect(loadEnv(AppEnv, { ...noSecret, SESSION_SECRET_FILE: path })
        .SESSION_SECRET).toBe(SESSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads files only for secret fields', () => {
    const read = readVar({ PORT_FILE: '/etc/passwd' }, 'PORT', false, () => {
      throw new Error('must not read');
    });
    expect(read).toEqual({});
  });

  it('says which source a value came from', () => {
    const env = { A: '1', B_FILE: '/run/secrets/session' };
    expect(readVar(env, 'A', true, readFile).from).toBe('env A');
    expect(readVar(env, 'B', true, readFile).from).toBe('file via B_FILE');
  });
  it('refuses a secret file that is not UTF-8 instead of mangling it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    try {
      const path = join(dir, 'key.der');
      writeFileSync(path, Buffer.alloc(40, 0xff));
      const { SESSION_SECRET: _, ...rest } = GOOD;
      expect(() => loadEnv(AppEnv, { ...rest, SESSION_SECRET_FILE: path }))
        .toThrow('(not UTF-8 text)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readText', () => {
  it('reads a regular file up to a limit the caller picks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-text-'));
    try {
      const path = join(dir, 'app.yaml');
      writeFileSync(path, '\uFEFFport: 80\n'); // a BOM, as some editors save
      expect(readText(path, 12)).toBe('port: 80\n');
      expect(() => readText(path, 11)).toThrow('larger than 11 bytes');
      expect(() => readText(join(dir, 'nope'))).toThrow(
        expect.objectContaining({ code: 'ENOENT' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a named pipe as a secret file', () => {
  it('refuses a FIFO instead of waiting for a writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fifo-'));
    try {
      const fifo = join(dir, 'secret');
      await promisify(execFile)('mkfifo', [fifo]);
      const module = fileURLToPath(new URL('./env.ts', import.meta.url));
      const script = `import { AppEnv, loadEnv } from ${JSON.stringify(module)};
        try { loadEnv(AppEnv, process.env); } catch (e) { console.log(e.message); }`;
      const { stdout } = await promisify(execFile)(process.execPath,
        ['--input-type=module', '-e', script], {
          timeout: 10_000,
          env: { DATABASE_URL: DB, SESSION_SECRET_FILE: fifo },
        });
      expect(stdout).toContain('(not a regular file)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 15_000);
});
