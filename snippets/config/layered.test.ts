import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, type Env } from './env.ts';
import {
  describeConfig, loadLayered, type Sources,
} from './layered.ts';
import { secret } from './secret.ts';
import { settings } from './settings.ts';

const Schema = z.object({
  server: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(3000),
    timeoutMs: z.number().int().positive().default(5000),
  }),
  log: z.object({ level: z.enum(['debug', 'info', 'warn']).default('info') }),
  session: z.object({
    secret: secret(z.string().min(32)),
    cookieSecure: z.boolean().default(true),
  }),
});

const SECRET = 'sess-4e07408562bedb8b60ce05c1decfe3ad';
const BASE_ENV: Env = { APP_SESSION__SECRET: SECRET };

/** Sources with an in-memory file system; missing files throw ENOENT. */
function sources(
  over: { argv?: string[]; env?: Env; files?: Record<string, string> } = {},
): Sources {
  const files = over.files ?? {};
  return {
    argv: over.argv ?? [],
    env: over.env ?? BASE_ENV,
    readFile: (path) => {
      if (Object.hasOwn(files, path)) return files[path]!;
      throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
    },
  };
}

/** The problems of the ConfigError loading throws; fails if it loads. */
function problems(src: Sources): readonly string[] {
  try {
    loadLayered(Schema, src);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadLayered to throw');
}

describe('precedence: defaults < file < environment < flags', () => {
  const FILE = 'server:\n  port: 1111\n';
  // Which layers set server.port, and who must win.
  it.each([
    [false, false, false, 3000, 'default'],
    [true, false, false, 1111, 'app.yaml:2'],
    [false, true, false, 2222, 'env APP_SERVER__PORT'],
    [false, false, true, 3333, 'flag --server.port'],
    [true, true, false, 2222, 'env APP_SERVER__PORT'],
    [true, false, true, 3333, 'flag --server.port'],
    [false, true, true, 3333, 'flag --server.port'],
    [true, true, true, 3333, 'flag --server.port'],
  ])('file %s, env %s, flag %s: %i from %s', (file, env, flag, port, from) => {
    const loaded = loadLayered(Schema, sources({
      argv: [...(file ? ['--config=app.yaml'] : []),
        ...(flag ? ['--server.port=3333'] : [])],
      env: { ...BASE_ENV, ...(env ? { APP_SERVER__PORT: '2222' } : {}) },
      files: { 'app.yaml': FILE },
    }));
    expect(loaded.config.server.port).toBe(port);
    expect(loaded.origin.get('server.port')).toBe(from);
  });

  it('merges per setting, not per section', () => {
    const loaded = loadLayered(Schema, sources({
      argv: ['--config=app.yaml'],
      env: { ...BASE_ENV, APP_SERVER__PORT: '2222' },
      files: { 'app.yaml': 'server:\n  host: 0.0.0.0\n  port: 1111\n' },
    }));
    expect(loaded.config.server).toEqual(
      { host: '0.0.0.0', port: 2222, timeoutMs: 5000 });
  });

  it('takes the file from --config, else from APP_CONFIG', () => {
    const files = { 'a.yaml': 'log:\n  level: warn\n',
      'b.yaml': 'log:\n  level: debug\n' };
    const env = { ...BASE_ENV, APP_CONFIG: 'a.yaml' };
    expect(loadLayered(Schema, sources({ env, files })).config.log.level)
      .toBe('warn');
    expect(loadLayered(Schema, sources({ env, files, argv: ['--config', 'b.yaml'] }))
      .config.log.level).toBe('debug');
  });
});

describe('bad input', () => {
  it('reports a wrong type with the layer it came from', () => {
    expect(problems(sources({
      env: { ...BASE_ENV, APP_SERVER__PORT: 'abc' },
    }))).toEqual([
      'server.port: expected number; got "abc" (from env APP_SERVER__PORT)',
    ]);
    expect(problems(sources({ argv: ['--server.port=65536'] }))).toEqual([
      'server.port: expected at most 65535; got 65536 (from flag --server.port)',
    ]);
    expect(problems(sources({
      argv: ['--config=a.yaml'], files: { 'a.yaml': 'server:\n  port: "80"\n' },
    }))).toEqual(['server.port: expected number; got "80" (from a.yaml:2)']);
  });

  it('tells an empty variable from an unset one', () => {
    expect(problems(sources({ env: { ...BASE_ENV, APP_SERVER__PORT: '' } })))
      .toEqual(['server.port: set but empty; expected number; got "" ' +
        '(from env APP_SERVER__PORT)']);
    expect(problems(sources({
      env: { ...BASE_ENV, APP_SESSION__COOKIE_SECURE: 'yes' },
    }))).toEqual(['session.cookieSecure: expected boolean; got "yes" ' +
      '(from env APP_SESSION__COOKIE_SECURE)']);
  });

  it('reports an empty --config or APP_CONFIG instead of reading ""', () => {
    expect(problems(sources({ argv: ['--config='] }))).toEqual(
      ['--config: needs a value, like --config=…']);
    expect(problems(sources({ env: { ...BASE_ENV, APP_CONFIG: '' } })))
      .toEqual(['APP_CONFIG: set but empty; expected a file path']);
  });

  it('reports a missing, malformed or unknown-key file with its line', () => {
    expect(problems(sources({ argv: ['--config=nope.yaml'] }))).toEqual(
      ['nope.yaml: cannot read (ENOENT)']);
    expect(problems(sources({
      argv: ['--config=a.yaml'], files: { 'a.yaml': 'server:\n  port: [80\n' },
    }))[0]).toMatch(/^a\.yaml:\d+: /);
    expect(problems(sources({
      argv: ['--config=a.yaml'], files: { 'a.yaml': 'log:\n  levle: warn\n' },
    }))).toEqual(['a.yaml:2: unknown key "levle" in log; expected one of level']);
  });

  it('puts every problem from every layer in one error', () => {
    const found = problems(sources({
      argv: ['--config=a.yaml', '--log.level=loud'],
      env: { APP_SERVER__PORT: '0' },
      files: { 'a.yaml': 'server:\n  hots: x\n' },
    }));
    expect(found).toEqual([
      'a.yaml:2: unknown key "hots" in server; expected one of host, port, timeoutMs',
      'server.port: expected at least 1; got 0 (from env APP_SERVER__PORT)',
      'log.level: expected one of debug, info, warn; got "loud" ' +
        '(from flag --log.level)',
      'session.secret: required, not set ' +
        '(set APP_SESSION__SECRET or APP_SESSION__SECRET_FILE)',
    ]);
  });
});

describe('secrets', () => {
  it('never shows a secret in errors, whatever renders them', () => {
    const short = 'too-short-but-real-secret';
    let error: unknown;
    try {
      loadLayered(Schema, sources({ env: { APP_SESSION__SECRET: short } }));
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'session.secret: expected at least 32 characters; ' +
        'secret, value not shown (from env APP_SESSION__SECRET)',
    ]);
    const text = [(error as Error).message, (error as Error).stack,
      inspect(error), JSON.stringify(error)].join('\n');
    expect(text).not.toContain(short);
  });

  it('never shows the message of a custom check on a secret', () => {
    const Echo = z.object({
      api: z.object({
        key: secret(z.string().refine((v) => v.startsWith('ak_'), {
          error: (issue) => `not an API key: ${String(issue.input)}`,
        })),
      }),
    });
    let error: unknown;
    try {
      loadLayered(Echo, sources({ env: { APP_API__KEY: 'sk_live_123456' } }));
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'api.key: failed a check (not described for a secret); ' +
        'secret, value not shown (from env APP_API__KEY)',
    ]);
  });

  it('treats every field of a section marked secret as secret', () => {
    const Smtp = z.object({
      smtp: secret(z.object({ user: z.string(), password: z.string() })),
    });
    expect(settings(Smtp, 'APP_').map((s) => [s.path, s.secret])).toEqual(
      [['smtp.user', true], ['smtp.password', true]]);
    let error: unknown;
    try {
      loadLayered(Smtp, sources({
        argv: ['--smtp.password=p4ss-in-argv'], env: { APP_SMTP__USER: 'svc' },
      }));
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems[0]).toBe(
      '--smtp.password: a secret; flags show in ps, set APP_SMTP__PASSWORD');
    expect((error as Error).message).not.toContain('p4ss-in-argv');
  });

  it('dumps a whole secret section as redacted, field by field', () => {
    const Smtp = z.object({
      smtp: secret(z.object({ user: z.string(), password: z.string() })),
    });
    const loaded = loadLayered(Smtp, sources({
      env: { APP_SMTP__USER: 'svc', APP_SMTP__PASSWORD: 'pw-123' },
    }));
    expect(describeConfig(Smtp, loaded).map((l) => l.split(/\s+/)[1]))
      .toEqual(['"[redacted]"', '"[redacted]"']);
  });

  it('reads a secret from a mounted file', () => {
    const loaded = loadLayered(Schema, sources({
      env: { APP_SESSION__SECRET_FILE: '/run/secrets/session' },
      files: { '/run/secrets/session': `${SECRET}\n` },
    }));
    expect(loaded.config.session.secret).toBe(SECRET);
    expect(loaded.origin.get('session.secret'))
      .toBe('file via APP_SESSION__SECRET_FILE');
  });

  it('redacts secrets in the dump and says where each value came from', () => {
    const loaded = loadLayered(Schema, sources({
      argv: ['--config=a.yaml', '--log.level=debug'],
      files: { 'a.yaml': 'server:\n  host: 0.0.0.0\n' },
    }));
    const dump = describeConfig(Schema, loaded).join('\n');
    expect(dump).not.toContain(SECRET);
    expect(dump.split('\n').map((line) => line.split(/\s+/))).toEqual([
      ['server.host', '"0.0.0.0"', 'a.yaml:2'],
      ['server.port', '3000', 'default'],
      ['server.timeoutMs', '5000', 'default'],
      ['log.level', '"debug"', 'flag', '--log.level'],
      ['session.secret', '"[redacted]"', 'env', 'APP_SESSION__SECRET'],
      ['session.cookieSecure', 'true', 'default'],
    ]);
  });
});

describe('hostile input and leaks', () => {
  it('a self-referencing YAML alias is a problem, not a crash', () => {
    expect(problems(sources({
      argv: ['--config=a.yaml'], files: { 'a.yaml': 'server:\n  host: &a [*a]\n' },
    }))[0]).toMatch(/^server\.host: expected string; got /);
  });

  it('a number too big for a double says so', () => {
    expect(problems(sources({
      argv: ['--config=a.yaml'], files: { 'a.yaml': 'server:\n  port: 1e400\n' },
    }))).toEqual(['server.port: expected number; got Infinity (from a.yaml:2)']);
  });

  it('the loaded config prints redacted, whole or a section', () => {
    const { config } = loadLayered(Schema, sources());
    for (const text of [inspect(config), JSON.stringify(config),
      inspect({ s: config.session }), JSON.stringify(config.session)]) {
      expect(text).not.toContain(SECRET);
    }
    expect(config.session.secret).toBe(SECRET);
  });

  it('a transform that throws does not carry the secret out', () => {
    const Url = z.object({
      db: z.object({ url: secret(z.string()).transform((s) => new URL(s)) }),
    });
    let error: unknown;
    try {
      loadLayered(Url, sources({ env: { APP_DB__URL: 'hunter2@db:5432' } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConfigError); // a bug: crash, loudly
    expect([(error as Error).message, (error as Error).stack,
      inspect(error)].join('\n')).not.toContain('hunter2');
  });

  it('reads real files by default, refusing a device as a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layered-'));
    try {
      writeFileSync(join(dir, 'app.yaml'), 'server:\n  port: 8443\n');
      writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
      const { config } = loadLayered(Schema, {
        argv: [`--config=${join(dir, 'app.yaml')}`],
        env: { APP_SESSION__SECRET_FILE: join(dir, 'secret') },
      });
      expect(config.server.port).toBe(8443);
      expect(config.session.secret).toBe(SECRET);
      expect(() => loadLayered(Schema, {
        argv: [], env: { APP_SESSION__SECRET_FILE: '/dev/zero' },
      })).toThrow('APP_SESSION__SECRET_FILE' +
        ': cannot read "/dev/zero" (not a regular file)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a check across a secret section never shows its message', () => {
    const Pair = z.object({
      auth: secret(z.object({ user: z.string(), pass: z.string() }))
        .refine((a) => a.user !== a.pass, { error: (i) =>
          `pass equals user: ${JSON.stringify(i.input)}` }),
    });
    let error: unknown;
    try {
      loadLayered(Pair, sources({
        env: { APP_AUTH__USER: 'same-pw-1', APP_AUTH__PASS: 'same-pw-1' },
      }));
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).message).not.toContain('same-pw-1');
  });
});
