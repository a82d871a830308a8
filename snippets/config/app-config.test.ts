import { readdirSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppConfig, loadAppConfig, readBeside } from './app-config.ts';
import { ConfigError, type Env } from './env.ts';
import type { Sources } from './layered.ts';

const DEV_DOTENV = parseEnv([
  '# .env: a developer\'s own values, never committed',
  'APP_DB__URL=postgres://app:dev-only@localhost:5432/app',
  'APP_SESSION__SECRET=dev-only-session-secret-0123456789',
].join('\n'));
const MOUNTED: Record<string, string> = {
  '/run/secrets/db-url': 'postgres://app:prod-pw@db.internal/app\n',
  '/run/secrets/session': `${'f'.repeat(64)}\n`,
};
const PROD_ENV: Env = {
  APP_CONFIG: 'environments/production.yaml',
  APP_DB__URL_FILE: '/run/secrets/db-url',
  APP_SESSION__SECRET_FILE: '/run/secrets/session',
};
const readFile = (path: string) => MOUNTED[path] ?? readBeside(path);
const prod = (env: Env = PROD_ENV): Sources => ({ argv: [], env, readFile });

describe('one schema, values per environment', () => {
  it('loads every committed environment file (a CI check, not a deploy-time surprise)', () => {
    const names = readdirSync(new URL('./environments/', import.meta.url))
      .filter((f) => f.endsWith('.yaml'));
    expect(names.sort()).toEqual(['development.yaml', 'production.yaml']);
    for (const name of names) {
      const loaded = loadAppConfig({
        argv: [`--config=environments/${name}`], env: DEV_DOTENV, readFile,
      });
      expect(AppConfig.safeParse(loaded.config).success).toBe(true);
    }
  });

  it('development gets its secrets from .env; production fails without them', () => {
    const dev = loadAppConfig({
      argv: ['--config=environments/development.yaml'],
      env: DEV_DOTENV, readFile,
    });
    expect(dev.config.session.secret).toBe('dev-only-session-secret-0123456789');
    expect(dev.origin.get('session.secret')).toBe('env APP_SESSION__SECRET');

    const { APP_SESSION__SECRET_FILE: _, ...forgot } = PROD_ENV;
    let error: unknown;
    try {
      loadAppConfig(prod(forgot));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'session.secret: required, not set ' +
        '(set APP_SESSION__SECRET or APP_SESSION__SECRET_FILE)',
    ]);
  });

  it('production reads secrets from mounted files, and says so', () => {
    const { config, origin } = loadAppConfig(prod());
    expect(config.db.url).toBe('postgres://app:prod-pw@db.internal/app');
    expect(origin.get('db.url')).toBe('file via APP_DB__URL_FILE');
    expect(origin.get('db.poolSize')).toBe('environments/production.yaml:7');
  });

  it('defaults are the safe choice when a deploy forgets a setting', () => {
    const bare = loadAppConfig({
      argv: [], env: DEV_DOTENV, readFile,
    }).config;
    expect(bare.session.cookieSecure).toBe(true);
    expect(bare.db.sslMode).toBe('verify-full');
    expect(bare.log.format).toBe('json');
    expect(bare.server.trustProxy).toBe(false);
  });

  it('a new environment is only values: staging needs no code change', () => {
    const files: Record<string, string> = {
      'staging.yaml': 'db:\n  poolSize: 5\nlog:\n  level: debug\n',
    };
    const loaded = loadAppConfig({
      argv: ['--config=staging.yaml'], env: DEV_DOTENV,
      readFile: (p) => files[p] ?? readFile(p),
    });
    expect(loaded.config.db.poolSize).toBe(5);
    expect(loaded.config.session.cookieSecure).toBe(true); // as production
  });

  it('an environment file cannot carry a secret', () => {
    const files = { 'leaky.yaml': 'session:\n  secret: committed-by-mistake\n' };
    expect(() => loadAppConfig({
      argv: ['--config=leaky.yaml'], env: DEV_DOTENV,
      readFile: (p) => files[p as keyof typeof files] ?? readFile(p),
    })).toThrow('leaky.yaml:2: session.secret is secret');
  });

  it('no configuration code branches on an environment\'s name', () => {
    for (const module of ['app-config.ts', 'layered.ts', 'env.ts']) {
      const source = readFileSync(new URL(module, import.meta.url), 'utf8');
      const code = source.slice(0, source.indexOf('if (import.meta.main)'));
      expect(code, module).not.toMatch(
        /NODE_ENV|APP_ENV|['"`](production|development|staging|test)['"`]/);
    }
  });
});
