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
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readConfigFile } from './config-file.ts';
import { ConfigError, type Env, type ReadFile, readVar } from './env.ts';
import {
  isSecret, quote, received, redact, scrub, secret, unwrap,
} from './secret.ts';

/** Where configuration comes from; injected so tests are deterministic. */
export interface Sources {
  /** The arguments after the script: `process.argv.slice(2)`. */
  argv: readonly string[];
  env: Env;
  readFile: ReadFile;
}

/** One leaf setting and the names it goes by in each layer. */
export interface Setting {
  path: string; // server.port
  schema: z.ZodType;
  secret: boolean;
  env: string; // APP_SERVER__PORT
  flag: string; // --server.port
}

export interface Loaded<T> {
  config: T;
  /** The layer each setting came from: `config/app.yaml:3`, `default`… */
  origin: Map<string, string>;
}

type Layer = Map<string, { value: unknown; from: string }>;

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
  const result = schema.safeParse(input, { error: expected });
  for (const issue of result.error?.issues ?? []) {
    const path = issue.path.join('.');
    const s = all.find((x) => x.path === path);
    const got = chosen.get(path);
    if (s === undefined) problems.push(`${path || 'config'}: ${issue.message}`);
    else if (got === undefined) {
      const how = s.secret ? `set ${s.env} or ${s.env}_FILE`
        : `set it in the config file, ${s.env} or ${s.flag}`;
      problems.push(`${path}: required, not set (${how})`);
    } else {
      const message = s.secret
        ? scrub(issue.message, got.value) : issue.message;
      const empty = got.value === '' ? 'set but empty; ' : '';
      problems.push(`${path}: ${empty}${message}; ` +
        `${received(got.value, s.secret)} (from ${got.from})`);
    }
  }
  if (!result.success || problems.length > 0) {
    throw new ConfigError('Configuration', problems);
  }
  const origin = new Map(all.map((s) => [s.path,
    chosen.get(s.path)?.from ?? 'default']));
  return { config: result.data, origin };
}
// #endregion validate

/** Zod's default messages, worded as "what was expected". */
function expected(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small': case 'too_big': {
      const [word, n] = issue.code === 'too_small'
        ? ['at least', issue.minimum] : ['at most', issue.maximum];
      const unit = issue.origin === 'string' ? ' characters' : '';
      return `expected ${word} ${n}${unit}`;
    }
    default: return undefined; // zod's own message
  }
}

// #region names
/** Every leaf of the schema, named as a variable and as a flag. */
export function settings(
  schema: z.ZodType, prefix: string, path: string[] = [], inSecret = false,
): Setting[] {
  const hidden = inSecret || isSecret(schema);
  const object = unwrap(schema);
  if (object instanceof z.ZodObject) {
    return Object.entries(object.shape).flatMap(([key, field]) =>
      settings(field as z.ZodType, prefix, [...path, key], hidden));
  }
  const snake = (k: string) => k.replace(/[A-Z]/g, '_$&').toUpperCase();
  const kebab = (k: string) => k.replace(/[A-Z]/g, '-$&').toLowerCase();
  return [{
    path: path.join('.'), schema, secret: hidden,
    env: prefix + path.map(snake).join('__'), // APP_DB__POOL_SIZE
    flag: `--${path.map(kebab).join('.')}`, // --db.pool-size
  }];
}
// #endregion names

/** A string from the environment or a flag, as the setting's type. */
function coerce(raw: string, schema: z.ZodType): unknown {
  const type = unwrap(schema);
  if (type instanceof z.ZodNumber && /^-?\d+(\.\d+)?$/.test(raw)) {
    return Number(raw);
  }
  if (type instanceof z.ZodBoolean && /^(true|false)$/.test(raw)) {
    return raw === 'true';
  }
  return raw; // anything else: zod reports what it expected
}

function fromEnv(
  env: Env, all: Setting[], prefix: string, readFile: ReadFile,
  problems: string[],
): Layer {
  const layer: Layer = new Map();
  const known = new Set([`${prefix}CONFIG`]);
  for (const s of all) {
    known.add(s.env).add(`${s.env}_FILE`);
    const read = readVar(env, s.env, s.secret, readFile);
    if (read.problem) problems.push(read.problem);
    else if (read.value !== undefined) {
      const value = coerce(read.value, s.schema);
      layer.set(s.path, { value, from: read.from ?? s.env });
    }
  }
  for (const name of Object.keys(env)) { // a typo must not pass silently
    if (name.startsWith(prefix) && !known.has(name)) {
      problems.push(`${name}: no setting has this name`);
    }
  }
  return layer;
}

function fromFlags(
  argv: readonly string[], all: Setting[], problems: string[],
): { values: Layer; config?: string } {
  const byName = new Map(all.map((s) => [s.flag.slice(2), s]));
  const options = Object.fromEntries(['config', ...byName.keys()]
    .map((name) => [name, { type: 'string' as const }]));
  const { tokens } = parseArgs({
    args: [...argv], options, strict: false, allowPositionals: true,
    tokens: true,
  });
  const values: Layer = new Map();
  let config: string | undefined;
  for (const t of tokens) { // never echo a value: it may be a secret
    if (t.kind === 'positional') {
      problems.push(`argument ${t.index + 1}: unexpected; use --name=value`);
    }
    if (t.kind !== 'option') continue;
    const s = byName.get(t.name);
    // "--port --log.level=debug": --port has no value, not that one
    const value = t.inlineValue === false && t.value?.startsWith('-')
      ? undefined : t.value;
    const empty = value === '' && t.name === 'config'; // "" names no file
    if (s === undefined && t.name !== 'config') {
      problems.push(`${t.rawName}: unknown flag`);
    } else if (s?.secret) {
      problems.push(`${t.rawName}: a secret; flags show in ps, set ${s.env}`);
    } else if (value === undefined || empty) {
      problems.push(`${t.rawName}: needs a value, like ${t.rawName}=…`);
    } else if (s) {
      const typed = coerce(value, s.schema);
      values.set(s.path, { value: typed, from: `flag ${t.rawName}` });
    } else config = value; // --config
  }
  return { values, config };
}

function fromFile(
  file: string, schema: z.ZodObject, readFile: ReadFile, problems: string[],
): Layer {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code ?? 'unreadable';
    problems.push(`${file}: cannot read (${code})`);
    return new Map();
  }
  const read = readConfigFile(file, text, schema);
  problems.push(...read.problems);
  return new Map([...read.values].map(([path, value]) =>
    [path, { value, from: read.where.get(path) ?? file }]));
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
