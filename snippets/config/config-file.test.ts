import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_FILE_BYTES, readConfigFile } from './config-file.ts';
import { secret } from './secret.ts';

const Schema = z.object({
  server: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.number().default(3000),
  }),
  origins: z.array(z.string()).default([]),
  session: z.object({ secret: secret(z.string()), ttl: z.number() }),
});

const read = (text: string, file = 'config/app.yaml') =>
  readConfigFile(file, text, Schema);

describe('readConfigFile', () => {
  it('returns each setting by path, with the line it is on', () => {
    const out = read([
      '# the API server',
      'server:',
      '  port: 8080',
      'origins: [https://a.example, https://b.example]',
      'session:',
      '  ttl: 3600',
    ].join('\n'));
    expect(out.problems).toEqual([]);
    expect(Object.fromEntries(out.values)).toEqual({
      'server.port': 8080,
      origins: ['https://a.example', 'https://b.example'],
      'session.ttl': 3600,
    });
    expect(out.where.get('server.port')).toBe('config/app.yaml:3');
    expect(out.where.get('session.ttl')).toBe('config/app.yaml:6');
  });

  it('reads JSON, which is YAML too', () => {
    const out = read('{"server": {"port": 8080}}', 'config/app.json');
    expect(out.problems).toEqual([]);
    expect(out.values.get('server.port')).toBe(8080);
  });

  it('treats an empty or comment-only file as no settings', () => {
    expect(read('')).toEqual({ values: new Map(), where: new Map(), problems: [] });
    expect(read('# nothing yet\n').problems).toEqual([]);
  });

  it('reports a syntax error with the path and line, not the text', () => {
    // A pretty YAML error would quote the lines around it: here, a password.
    for (const text of ['server:\n  port: [8080\n  host: s3cr3t-ish\n',
      'server:\n  port: 8080\n  host: "s3cr3t-ish\n']) {
      const out = read(text);
      expect(out.problems).toHaveLength(1);
      expect(out.problems[0]).toMatch(/^config\/app\.yaml:\d+: [^\n]+$/);
      expect(out.problems[0]).not.toContain('s3cr3t-ish');
      expect(out.values.size).toBe(0); // nothing from a broken file is used
    }
  });

  it('refuses a file of several YAML documents', () => {
    const out = read('server:\n  port: 1\n---\nserver:\n  port: 2\n');
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatch(/^config\/app\.yaml:\d+: .*documents/);
    expect(out.values.size).toBe(0);
  });

  it('reports tabs used as indentation', () => {
    expect(read('server:\n\tport: 1\n').problems).toEqual([
      'config/app.yaml:2: Tabs are not allowed as indentation',
    ]);
  });

  it('reports a duplicate key instead of keeping the last', () => {
    expect(read('server:\n  port: 80\n  port: 81\n').problems).toEqual([
      'config/app.yaml:3: Map keys must be unique',
    ]);
  });

  it('reports unknown keys with the line and the known ones', () => {
    const out = read('sever:\n  port: 80\nserver:\n  prot: 81\n');
    expect(out.problems).toEqual([
      'config/app.yaml:1: unknown key "sever"; ' +
        'expected one of server, origins, session',
      'config/app.yaml:4: unknown key "prot" in server; ' +
        'expected one of host, port',
    ]);
  });

  it('refuses a secret written into the file, without echoing it', () => {
    const out = read('session:\n  secret: pa55-w0rd-in-git\n  ttl: 60\n');
    expect(out.problems).toEqual([
      'config/app.yaml:2: session.secret is secret: ' +
        'set it in the environment, never in a file',
    ]);
    expect(out.values.has('session.secret')).toBe(false);
    expect(out.problems.join()).not.toContain('pa55-w0rd-in-git');
  });

  it('reports a scalar where a section belongs', () => {
    expect(read('server: 8080\n').problems).toEqual([
      'config/app.yaml:1: server: expected keys host, port',
    ]);
    expect(read('- a\n- b\n').problems).toEqual([
      'config/app.yaml:1: the file: expected keys server, origins, session',
    ]);
  });

  it('passes leaf values on as written; the schema judges them later', () => {
    // YAML 1.2: "no" is a string, "0x1F" a number; zod says if that is wrong.
    const out = read('server:\n  host: no\n  port: 0x1F\n');
    expect(out.values.get('server.host')).toBe('no');
    expect(out.values.get('server.port')).toBe(31);
  });

  it('does not let __proto__ in a file reach the prototype', () => {
    const out = read('__proto__:\n  polluted: true\nserver:\n  port: 1\n');
    expect(out.problems[0]).toMatch(/unknown key "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports unresolved aliases and alias bombs instead of throwing', () => {
    expect(read('origins: *nowhere\n').problems[0]).toMatch(
      /^config\/app\.yaml:1: /);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) =>
        `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
      'origins: *h'].join('\n');
    const out = read(bomb);
    expect(out.problems.join('\n')).toMatch(/alias/i);
    expect(out.values.has('origins')).toBe(false);
  });

  it(`refuses a file over ${MAX_FILE_BYTES} bytes before parsing it`, () => {
    const big = `server:\n  host: ${'x'.repeat(MAX_FILE_BYTES)}\n`;
    expect(read(big).problems).toEqual([
      `config/app.yaml: larger than ${MAX_FILE_BYTES} bytes`,
    ]);
  });
});

describe('hostile input and leaks', () => {
  it('reports tags the loader does not resolve', () => {
    expect(read('server:\n  host: !!js/function "function(){}"\n').problems)
      .toEqual(['config/app.yaml:2: Unresolved tag: ' +
        'tag:yaml.org,2002:js/function']);
  });
});
