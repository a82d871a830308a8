import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromFlags } from './flags.ts';
import { secret } from './secret.ts';
import { settings } from './settings.ts';

const all = settings(z.object({
  server: z.object({ port: z.number(), host: z.string() }),
  log: z.object({ level: z.string() }),
  session: z.object({ secret: secret(z.string()) }),
}), 'APP_');

/** The flags' values by path, their sources, and the problems found. */
function read(argv: string[]) {
  const problems: string[] = [];
  const { values, config } = fromFlags(argv, all, problems);
  const got = Object.fromEntries([...values].map(([k, v]) => [k, v.value]));
  const from = Object.fromEntries([...values].map(([k, v]) => [k, v.from]));
  return { got, from, config, problems };
}

describe('fromFlags', () => {
  it('accepts --name=value and --name value; the last one wins', () => {
    expect(read(['--server.port=8080']).got).toEqual({ 'server.port': 8080 });
    expect(read(['--server.port', '8080']).got).toEqual({ 'server.port': 8080 });
    expect(read(['--server.port=1', '--server.port=2']).got)
      .toEqual({ 'server.port': 2 });
    expect(read(['--log.level=debug']).from)
      .toEqual({ 'log.level': 'flag --log.level' });
  });

  it('takes --config as the file, not as a setting', () => {
    expect(read(['--config', 'a.yaml'])).toMatchObject(
      { config: 'a.yaml', got: {}, problems: [] });
  });

  it('reports a flag without a value, even when another flag follows', () => {
    expect(read(['--server.port']).problems).toEqual(
      ['--server.port: needs a value, like --server.port=…']);
    expect(read(['--server.port', '--log.level=debug']).problems).toEqual(
      ['--server.port: needs a value, like --server.port=…']);
    expect(read(['--config']).problems).toEqual(
      ['--config: needs a value, like --config=…']);
    expect(read(['--config=']).problems).toEqual(
      ['--config: needs a value, like --config=…']);
  });

  it('reports unknown flags and stray arguments without their values', () => {
    const { problems } = read(
      ['--sever.port=8080', '-p', 'hunter2', '--', '--x']);
    expect(problems).toEqual([
      '--sever.port: unknown flag',
      'argument 2: unknown flag; use --name=value',
      'argument 3: unexpected; use --name=value',
      'argument 5: unexpected; use --name=value',
    ]);
    expect(problems.join('\n')).not.toMatch(/8080|hunter2/);
  });

  it('refuses a secret as a flag, in either form, without echoing it', () => {
    for (const argv of [['--session.secret=pa55-in-argv'],
      ['--session.secret', 'pa55-in-argv']]) {
      const { got, problems } = read(argv);
      expect(got).toEqual({});
      expect(problems).toEqual(['--session.secret: a secret; flags show in ' +
        'ps, set APP_SESSION__SECRET']);
    }
  });

  it('a single-dash typo does not spell a secret out flag by flag', () => {
    // parseArgs reads "-session.secret=pw" as the short flags -s -e -s …
    const { problems } = read(['-session.secret=hunter2', '-xyz']);
    expect(problems).toEqual([
      'argument 1: unknown flag; use --name=value',
      'argument 2: unknown flag; use --name=value',
    ]);
  });

  it('quotes a flag name that could forge a log line', () => {
    const { problems } = read(['--x\nERROR forged=1', '--__proto__=1']);
    expect(problems).toEqual([
      '"--x\\nERROR forged": unknown flag',
      '--__proto__: unknown flag',
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
