import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect, promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppEnv, ConfigError, configOrExit, type Env, intVar, type Io, loadEnv,
} from './env.ts';
import { secret } from './secret.ts';

const DB = 'postgres://app:Tr0ub4dor-db-pw@db.internal:5432/app';
const SESSION = 'sess-9f86d081884c7d659a2feaa0c55ad015';
const GOOD: Env = { PORT: '8080', DATABASE_URL: DB, SESSION_SECRET: SESSION };

/** The ConfigError `loadEnv` throws for `env`; fails the test if none. */
function errorFor(env: Env, schema: z.ZodObject = AppEnv): ConfigError {
  try {
    loadEnv(schema, env, () => { throw new Error('no files in this test'); });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadEnv to throw');
}

/** Every way the error could reach a log: message, stack, inspect, JSON. */
const everyRendering = (error: Error) =>
  [error.message, error.stack ?? '', inspect(error), JSON.stringify(error),
    String(error)].join('\n');

describe('loadEnv', () => {
  it('turns strings into typed values and applies defaults', () => {
    expect(loadEnv(AppEnv, GOOD)).toEqual({
      PORT: 8080, LOG_LEVEL: 'info', DATABASE_URL: DB, SESSION_SECRET: SESSION,
    });
    const { PORT: _, ...noPort } = GOOD;
    expect(loadEnv(AppEnv, noPort).PORT).toBe(3000);
  });

  it('ignores variables the schema does not name', () => {
    const config = loadEnv(AppEnv, { ...GOOD, PATH: '/usr/bin', HOME: '/x' });
    expect(Object.keys(config).sort()).toEqual(
      ['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SESSION_SECRET']);
  });

  it('reports every missing variable in one error, one line each', () => {
    const error = errorFor({ PORT: '8080' });
    expect(error.problems).toEqual([
      'DATABASE_URL: required, not set',
      'SESSION_SECRET: required, not set',
    ]);
    expect(error.message).toBe('Environment is invalid (2 problems):\n' +
      '  DATABASE_URL: required, not set\n  SESSION_SECRET: required, not set');
  });

  it.each([
    ['abc'], ['0'], ['65536'], ['-1'], [' 80'], ['80 '], ['8e3'], ['0x50'],
    ['80.5'], ['+80'], ['1'.repeat(16)],
  ])('rejects PORT=%j, naming it and what was expected', (port) => {
    const error = errorFor({ ...GOOD, PORT: port });
    expect(error.problems).toEqual([
      `PORT: expected an integer from 1 to 65535; got ${JSON.stringify(port)}`,
    ]);
  });

  it.each([['1', 1], ['65535', 65535], ['08080', 8080]])(
    'accepts the boundary PORT=%j', (port, expected) => {
      expect(loadEnv(AppEnv, { ...GOOD, PORT: port }).PORT).toBe(expected);
    });

  it('tells an empty variable from an unset one', () => {
    // Unset: the default. Set to "": a mistake (a template that rendered
    // nothing), reported rather than silently replaced by the default.
    expect(loadEnv(AppEnv, GOOD).LOG_LEVEL).toBe('info');
    expect(errorFor({ ...GOOD, LOG_LEVEL: '' }).problems).toEqual([
      'LOG_LEVEL: set but empty; expected one of debug, info, warn, error',
    ]);
    expect(errorFor({ ...GOOD, PORT: '' }).problems).toEqual([
      'PORT: set but empty; expected an integer from 1 to 65535',
    ]);
    expect(errorFor({ ...GOOD, DATABASE_URL: '' }).problems).toEqual([
      'DATABASE_URL: set but empty; expected a valid url',
    ]);
  });

  it('does not read names from the prototype of the env object', () => {
    const env = Object.create({ DATABASE_URL: DB, SESSION_SECRET: SESSION });
    expect(errorFor(env).problems).toEqual([
      'DATABASE_URL: required, not set', 'SESSION_SECRET: required, not set',
    ]);
  });

  it('quotes non-secret values on one line, cut short', () => {
    const hostile = `80\n2026-12-01 INFO forged log line ${'x'.repeat(60)}`;
    const [line] = errorFor({ ...GOOD, PORT: hostile }).problems;
    expect(line).not.toContain('\n');
    expect(line).toContain('got "80\\n2026-12-01');
    expect(line!.length).toBeLessThan(120);
  });
});

describe('secrets in errors', () => {
  it('never shows a secret value, whatever renders the error', () => {
    const shortSecret = 'hunter2-but-longer'; // under 32 characters
    const mysql = 'mysql://root:S3cr3t-Pa55@db/x'; // wrong scheme
    const error = errorFor({ ...GOOD, SESSION_SECRET: shortSecret,
      DATABASE_URL: mysql });
    expect(error.problems).toEqual([
      'DATABASE_URL: expected a valid url whose protocol matches ' +
        '/^postgres(ql)?$/; secret, value not shown',
      'SESSION_SECRET: expected at least 32 characters; ' +
        'secret, value not shown',
    ]);
    for (const text of [shortSecret, mysql, 'S3cr3t-Pa55', 'root']) {
      expect(everyRendering(error)).not.toContain(text);
    }
  });

  it('carries no zod error that a logger could serialize', () => {
    const error = errorFor({ ...GOOD, SESSION_SECRET: 'short-secret' });
    expect(error.cause).toBeUndefined();
    expect(Object.keys(error)).toEqual(['name', 'problems']);
  });

  it('never shows the message of a custom check on a secret', () => {
    const Schema = z.object({
      TOKEN: secret(z.string().refine((v) => v.startsWith('tok_'), {
        error: (issue) => `bad token ${String(issue.input)}`, // a careless refine
      })),
    });
    const error = errorFor({ TOKEN: 'sk_live_abcdef' }, Schema);
    expect(error.problems).toEqual([
      'TOKEN: failed a check (not described for a secret); ' +
        'secret, value not shown',
    ]);
    expect(everyRendering(error)).not.toContain('sk_live_abcdef');
  });

  it('shows the value of a field that is not secret', () => {
    const Schema = z.object({ REGION: z.enum(['eu', 'us']) });
    expect(errorFor({ REGION: 'mars' }, Schema).problems)
      .toEqual(['REGION: Invalid option: expected one of "eu"|"us"; got "mars"']);
  });
});

describe('configOrExit', () => {
  /** Captures what start-up writes, and turns exit() into a throw. */
  function capture(): Io & { out: string[]; code?: number } {
    const io = {
      out: [] as string[], code: undefined as number | undefined,
      log: (line: string) => { io.out.push(line); },
      error: (line: string) => { io.out.push(line); },
      exit: (code: number): never => {
        io.code = code;
        throw new Error(`exit ${code}`);
      },
    };
    return io;
  }

  it('logs the loaded configuration with secrets redacted', () => {
    const io = capture();
    const config = configOrExit(AppEnv, GOOD, io);
    expect(config.SESSION_SECRET).toBe(SESSION);
    expect(io.out).toEqual(['config {"PORT":8080,"LOG_LEVEL":"info",' +
      '"DATABASE_URL":"[redacted]","SESSION_SECRET":"[redacted]"}']);
    expect(io.out.join('\n')).not.toContain('Tr0ub4dor');
  });

  it('prints every problem and exits 1, never printing a secret', () => {
    const io = capture();
    expect(() => configOrExit(AppEnv,
      { DATABASE_URL: DB, SESSION_SECRET: 'short', PORT: 'abc' }, io))
      .toThrow('exit 1');
    expect(io.code).toBe(1);
    const printed = io.out.join('\n');
    expect(printed).toContain('PORT: expected an integer from 1 to 65535');
    expect(printed).toContain('SESSION_SECRET: expected at least 32');
    expect(printed).not.toContain('short"');
    expect(printed).not.toContain('Tr0ub4dor');
  });

  it('lets an error that is not about configuration crash', () => {
    const io = capture();
    const broken = z.object({
      X: z.string().transform(() => { throw new TypeError('a bug'); }),
    });
    expect(() => configOrExit(broken, { X: 'x' }, io)).toThrow(
      'Environment: the schema threw TypeError; its message is not shown');
    expect(io.code).toBeUndefined();
  });
});

describe('intVar', () => {
  it('builds ranges other than ports', () => {
    const pool = intVar(1, 100);
    expect(pool.parse('100')).toBe(100);
    expect(pool.safeParse('101').success).toBe(false);
  });
});

// The real thing: node --env-file, then this module on process.env.
describe('node --env-file with the real process', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const module = fileURLToPath(new URL('./env.ts', import.meta.url));
  const script = `import { AppEnv, configOrExit } from ${JSON.stringify(module)};
    configOrExit(AppEnv);`;

  /** Runs node with only `env` (plus PATH) and the given .env text. */
  async function start(env: Record<string, string>, dotenv?: string) {
    const args = ['--input-type=module', '-e', script];
    if (dotenv !== undefined) {
      writeFileSync(join(dir, '.env'), dotenv);
      args.unshift(`--env-file=${join(dir, '.env')}`);
    }
    try {
      const { stdout, stderr } = await run(process.execPath, args,
        { env: { PATH: process.env.PATH ?? '', ...env }, cwd: dir });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('development: the .env file supplies values; the environment wins', async () => {
    const dotenv = `PORT=8000\nDATABASE_URL=${DB}\n` +
      `SESSION_SECRET=${SESSION} # dev only\n`;
    const result = await start({ PORT: '9000' }, dotenv);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('config {"PORT":9000,"LOG_LEVEL":"info",' +
      '"DATABASE_URL":"[redacted]","SESSION_SECRET":"[redacted]"}\n');
  });

  it('production: no .env, a missing secret stops start-up', async () => {
    const result = await start({ DATABASE_URL: DB, PORT: '8080' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Environment is invalid (1 problem):\n' +
      '  SESSION_SECRET: required, not set\n');
    expect(result.stderr).not.toContain('Tr0ub4dor');
  });
});

describe('hostile input and leaks', () => {
  it('words a secret problem from the rule, not a message that quotes it', () => {
    const refine = (error: (i: { input: unknown }) => string) => z.object({
      TOKEN: secret(z.string().refine((v) => v.startsWith('tok_'), { error })),
    });
    const escaped = errorFor({ TOKEN: 'sk"live\\abcdef' },
      refine((i) => `bad ${JSON.stringify(i.input)}`));
    expect(everyRendering(escaped)).not.toContain('live\\\\abcdef');
    const partial = errorFor({ TOKEN: 'sk_live_abcdefgh' },
      refine((i) => `bad prefix ${String(i.input).slice(0, 12)}`));
    expect(everyRendering(partial)).not.toContain('sk_live_abcd');
  });

  it('a check chained after secret() keeps the value hidden', () => {
    const Schema = z.object({ DB_PASSWORD: secret(z.string()).min(12) });
    const error = errorFor({ DB_PASSWORD: 'hunter2' }, Schema);
    expect(error.problems).toEqual([
      'DB_PASSWORD: expected at least 12 characters; secret, value not shown',
    ]);
  });

  it('says the same about any two bad secrets of one length', () => {
    const line = (s: string) =>
      errorFor({ ...GOOD, SESSION_SECRET: s }).problems.join();
    expect(line('ore')).toBe(line('abc'));
  });

  it('a transform that throws does not carry the secret out', () => {
    const io = { log: () => {}, error: () => {},
      exit: (): never => { throw new Error('exit'); } };
    for (const parse of [(s: string) => new URL(s), (s: string) => JSON.parse(s)]) {
      const Schema = z.object({ KEY: secret(z.string().transform(parse)) });
      let thrown: unknown;
      try {
        configOrExit(Schema, { KEY: 'hunter2-not-a-url' }, io);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(everyRendering(thrown as Error)).not.toContain('hunter2');
    }
  });

  it('a check across variables is reported as such', () => {
    const Schema = z.object({ A: z.string(), B: z.string() })
      .refine((e) => e.A !== e.B, 'A and B must differ');
    expect(errorFor({ A: 'x', B: 'x' }, Schema).problems)
      .toEqual(['environment: A and B must differ']);
  });

  it('the loaded config prints redacted through inspect and JSON', () => {
    const config = loadEnv(AppEnv, GOOD);
    for (const text of [inspect(config), JSON.stringify(config),
      inspect({ config }), JSON.stringify({ config })]) {
      expect(text).not.toContain('Tr0ub4dor');
      expect(text).not.toContain(SESSION);
      expect(text).toContain('[redacted]');
    }
    expect(config.DATABASE_URL).toBe(DB);
  });
});
