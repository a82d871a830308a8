/**
 * Layered configuration: schema defaults < config file < environment <
 * command-line flags, merged setting by setting and validated once with
 * zod. Each setting remembers the layer that gave it, for error messages and
 * for the dump an on-call engineer reads. Secrets come only from the
 * environment or a file it names: never from a config file, which gets
 * committed, nor from a flag, which any user on the host can read in `ps`.
 * @see https://12factor.net/config
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
import { z } from 'zod';
import { fromFile } from './config-file.ts';
import { fromEnv } from './env-layer.ts';
import { ConfigError, type Env, type ReadFile } from './env.ts';
import { fromFlags } from './flags.ts';
import {
  expectation, secretProblem, withoutInput,
} from './safe-messages.ts';
import { printsRedacted, quote, received, redact, secret } from './secret.ts';
import { type Layer, type Setting, settings } from './settings.ts';

/** Where configuration comes from; injected so tests are deterministic. */
export interface Sources {
  /** The arguments after the script: `process.argv.slice(2)`. */
  argv: readonly string[];
  env: Env;
  /** Reads a config or secret file; by default a bounded, regular-file read. */
  readFile?: ReadFile;
}

export interface Loaded<T> {
  config: T;
  /** The layer each setting came from: `config/app.yaml:3`, `default`… */
  origin: Map<string, string>;
}

// #region layers
/**
 * The configuration from four layers, each overriding the one before:
 * schema defaults, config file, environment, command-line flags.
 */
export function loadLayered<S extends z.ZodObject>(
  schema: S, sources: Sources, prefix = 'APP_',
): Loaded<z.output<S>> {
  const all = settings(schema, prefix);
  const problems: string[] = [];
  const flags = fromFlags(sources.argv, all, problems);
  const file = flags.config ?? sources.env[`${prefix}CONFIG`];
  if (file === '') {
    problems.push(`${prefix}CONFIG: set but empty; expected a file path`);
  }
  const layers: Layer[] = [ // lowest precedence first
    file ? fromFile(file, schema, sources.readFile, problems) : new Map(),
    fromEnv(sources.env, all, prefix, sources.readFile, problems),
    flags.values,
  ];
  const input: Record<string, unknown> = {};
  const chosen: Layer = new Map();
  for (const s of all) {
    const top = layers.map((l) => l.get(s.path)).findLast((v) => v);
    setPath(input, s.path, top?.value); // unset: zod applies the default
    if (top) chosen.set(s.path, top);
  }
  return validate(schema, all, input, chosen, problems);
}
// #endregion layers

// #region validate
/** One parse of the merged input; each problem names the layer it came from. */
function validate<S extends z.ZodObject>(
  schema: S, all: Setting[], input: unknown, chosen: Layer,
  problems: string[],
): Loaded<z.output<S>> {
  const result = parse(schema, input);
  for (const issue of result.error?.issues ?? []) {
    const path = issue.path.join('.');
    const s = all.find((x) => x.path === path);
    const got = chosen.get(path);
    if (s === undefined) { // a check on a section, or across sections
      const hidden = all.some((x) => x.secret && within(x.path, path));
      const text = hidden ? secretProblem(issue) : issue.message;
      problems.push(`${path || 'config'}: ${text}`);
    } else if (got === undefined) {
      const how = s.secret ? `set ${s.env} or ${s.env}_FILE`
        : `set it in the config file, ${s.env} or ${s.flag}`;
      problems.push(`${path}: required, not set (${how})`);
    } else {
      const text = s.secret ? secretProblem(issue) : issue.message;
      const empty = got.value === '' ? 'set but empty; ' : '';
      problems.push(`${path}: ${empty}${text}; ` +
        `${received(got.value, s.secret)} (from ${got.from})`);
    }
  }
  if (!result.success || problems.length > 0) {
    throw new ConfigError('Configuration', problems);
  }
  const origin = new Map(all.map((s) => [s.path,
    chosen.get(s.path)?.from ?? 'default']));
  return { config: printsRedacted(result.data, schema), origin };
}
// #endregion validate

/** safeParse with "expected …" wording; a throw inside quotes nothing. */
function parse<S extends z.ZodObject>(schema: S, input: unknown) {
  try {
    return schema.safeParse(input, { error: expectation });
  } catch (error) {
    throw withoutInput(error, 'Configuration');
  }
}

/** True when `path` is `section` or inside it; "" is the whole config. */
function within(path: string, section: string): boolean {
  return section === '' || path === section || path.startsWith(`${section}.`);
}

/** One line per setting: its value, secrets redacted, and its layer. */
export function describeConfig<S extends z.ZodObject>(
  schema: S, loaded: Loaded<z.output<S>>,
): string[] {
  const safe = redact(loaded.config, schema);
  const rows = settings(schema, '').map((s) => [
    s.path,
    quote(s.path.split('.').reduce<unknown>((node, key) =>
      (isObject(node) ? node[key] : node), safe)), // a redacted section
    loaded.origin.get(s.path) ?? 'default',
  ]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length)) + 2;
  const [path, value] = [width(0), width(1)];
  return rows.map(([p, v, from]) =>
    `${p!.padEnd(path)}${v!.padEnd(value)}${from}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Sets `a.b.c` on `target`, creating `a` and `b` when missing. */
function setPath(
  target: Record<string, unknown>, path: string, value: unknown,
) {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node = (node[key] ??= {}) as Record<string, unknown>;
  }
  if (value !== undefined) node[keys.at(-1)!] = value;
}

if (import.meta.main) {
  const Schema = z.object({
    server: z.object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(3000),
      timeoutMs: z.number().int().positive().default(5000),
    }),
    log: z.object({ level: z.enum(['debug', 'info', 'warn']).default('info') }),
    session: z.object({ secret: secret(z.string().min(32)) }),
  });
  const files: Record<string, string> = {
    'app.yaml': 'server:\n  host: 0.0.0.0\n  port: 8080\nlog:\n  level: warn\n',
    'broken.yaml': 'server:\n  port: 80\n  prot: 81\nsession:\n  secret: x\n',
  };
  const readFile = (path: string) => files[path] ?? '';
  const env = {
    APP_SERVER__PORT: '9090', APP_SESSION__SECRET: 'k'.repeat(40),
  };
  const argv = ['--config=app.yaml', '--log.level=debug'];
  console.log(`$ APP_SERVER__PORT=9090 APP_SESSION__SECRET=… node app.ts ${
    argv.join(' ')}\n# app.yaml\n${files['app.yaml']}`);
  const loaded = loadLayered(Schema, { argv, env, readFile });
  console.log(describeConfig(Schema, loaded).join('\n'));
  console.log(`\n$ node app.ts --config broken.yaml\n# broken.yaml\n${
    files['broken.yaml']}`);
  try {
    const argv = ['--config', 'broken.yaml'];
    loadLayered(Schema, { argv, env: {}, readFile });
  } catch (error) {
    console.log((error as Error).message);
  }
}
