import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromEnv } from './env-layer.ts';
import type { Env } from './env.ts';
import { secret } from './secret.ts';
import { settings } from './settings.ts';

const all = settings(z.object({
  server: z.object({ port: z.number(), host: z.string() }),
  session: z.object({ secret: secret(z.string()) }),
}), 'APP_');
const files: Record<string, string> = { '/run/secrets/s': 'from-file\n' };
const readFile = (path: string) => {
  if (Object.hasOwn(files, path)) return files[path]!;
  throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
};

function read(env: Env) {
  const problems: string[] = [];
  const layer = fromEnv(env, all, 'APP_', readFile, problems);
  const got = Object.fromEntries([...layer].map(([k, v]) => [k, v.value]));
  const from = Object.fromEntries([...layer].map(([k, v]) => [k, v.from]));
  return { got, from, problems };
}

describe('fromEnv', () => {
  it('reads each setting by its name, typed by the schema', () => {
    expect(read({ APP_SERVER__PORT: '8080', APP_SERVER__HOST: '::1' }))
      .toEqual({
        got: { 'server.port': 8080, 'server.host': '::1' },
        from: { 'server.port': 'env APP_SERVER__PORT',
          'server.host': 'env APP_SERVER__HOST' },
        problems: [],
      });
  });

  it('reads a secret from the file its _FILE variable names', () => {
    expect(read({ APP_SESSION__SECRET_FILE: '/run/secrets/s' })).toEqual({
      got: { 'session.secret': 'from-file' },
      from: { 'session.secret': 'file via APP_SESSION__SECRET_FILE' },
      problems: [],
    });
  });

  it('ignores variables without the prefix; APP_CONFIG is known', () => {
    expect(read({ PATH: '/bin', APP_CONFIG: 'a.yaml' }).problems).toEqual([]);
  });

  it('reports a variable with the prefix that names no setting', () => {
    expect(read({ APP_SERVER__PROT: '80' }).problems)
      .toEqual(['APP_SERVER__PROT: no setting has this name']);
  });

  it('reports _FILE for a setting that is not secret, not ignores it', () => {
    expect(read({ APP_SERVER__PORT_FILE: '/run/secrets/port' })).toEqual({
      got: {}, from: {},
      problems: ['APP_SERVER__PORT_FILE: no setting has this name ' +
        '(only secrets are read from files)'],
    });
  });

  it('quotes a variable name that could forge a log line', () => {
    expect(read({ 'APP_X\nERROR forged': '1' }).problems)
      .toEqual(['"APP_X\\nERROR forged": no setting has this name']);
  });
});
