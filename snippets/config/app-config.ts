/**
 * One typed schema for every environment. Its defaults are the safe,
 * production choice; an environment changes behavior only by setting a
 * value (environments/<name>.yaml, no secrets in it), and no code asks which
 * environment it runs in. Secrets come from the environment: a developer's
 * .env, or files the platform mounts from a secret manager.
 * @see https://12factor.net/config
 * @see https://nodejs.org/en/learn/getting-started/
 *   nodejs-the-difference-between-development-and-production
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { type Loaded, loadLayered, type Sources } from './layered.ts';
import { quote, redact, secret } from './secret.ts';
import { settings } from './settings.ts';

// #region app-schema
/** Every setting of the service, typed, with production-safe defaults. */
export const AppConfig = z.object({
  server: z.object({
    host: z.string().default('0.0.0.0'),
    port: z.number().int().min(1).max(65535).default(8080),
    trustProxy: z.boolean().default(false), // behind a load balancer?
  }),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    format: z.enum(['json', 'pretty']).default('json'),
  }),
  db: z.object({
    url: secret(z.url({
      protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL',
    })),
    poolSize: z.number().int().min(1).max(100).default(10),
    sslMode: z.enum(['verify-full', 'require', 'disable'])
      .default('verify-full'),
  }),
  session: z.object({
    secret: secret(z.string().min(32)),
    cookieSecure: z.boolean().default(true),
  }),
});
export type AppConfig = z.output<typeof AppConfig>;

/** The same loader everywhere: only the sources differ. */
export function loadAppConfig(sources: Sources): Loaded<AppConfig> {
  return loadLayered(AppConfig, sources, 'APP_');
}
// #endregion app-schema

/** Reads files next to this module, as the demo's deploys would. */
export const readBeside = (path: string) =>
  readFileSync(new URL(path, import.meta.url), 'utf8');

if (import.meta.main) {
  // A laptop: the committed overlay, and secrets from the developer's .env.
  const dotenv = parseEnv([
    'APP_DB__URL=postgres://app:dev-only@localhost:5432/app',
    'APP_SESSION__SECRET=dev-only-session-secret-0123456789',
  ].join('\n'));
  const development = loadAppConfig({
    argv: ['--config=environments/development.yaml'],
    env: dotenv, readFile: readBeside,
  });
  // Production: another overlay; secrets are files the platform mounts.
  const mounted: Record<string, string> = {
    '/run/secrets/db-url': 'postgres://app:from-vault@db.internal/app\n',
    '/run/secrets/session': `${'f'.repeat(64)}\n`,
  };
  const env = {
    APP_CONFIG: 'environments/production.yaml',
    APP_DB__URL_FILE: '/run/secrets/db-url',
    APP_SESSION__SECRET_FILE: '/run/secrets/session',
  };
  const readFile = (p: string) => mounted[p] ?? readBeside(p);
  const production = loadAppConfig({ argv: [], env, readFile });

  // Side by side, secrets redacted by the schema's own marks.
  const devSafe = redact(development.config, AppConfig);
  const prodSafe = redact(production.config, AppConfig);
  const at = (config: unknown, path: string) => quote(path.split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key],
      config));
  const rows = [['setting', 'development', 'production'],
    ...settings(AppConfig, '').map(({ path }) =>
      [path, at(devSafe, path), at(prodSafe, path)])];
  for (const [path, dev, prod] of rows) {
    console.log(`${path!.padEnd(22)}${dev!.padEnd(14)}${prod}`);
  }
  try {
    const { APP_SESSION__SECRET_FILE: _, ...forgot } = env;
    loadAppConfig({ argv: [], env: forgot, readFile });
  } catch (error) {
    console.log('\nProduction, session secret not mounted:');
    console.log((error as Error).message);
  }
}
