/**
 * Reading the process environment through one zod schema, once, at
 * start-up. Every bad variable is reported in one message that names it and
 * says what was expected; the value of a secret never appears in it, nor in
 * the summary logged when the configuration is good.
 * @see https://12factor.net/config
 * @see https://nodejs.org/api/environment_variables.html
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { isSecret, quote, received, redact, scrub, secret } from './secret.ts';

/** The process environment, or a stand-in for it: names to strings. */
export type Env = Readonly<Record<string, string | undefined>>;
/** Reads a whole file as text; injected so tests need no disk. */
export type ReadFile = (path: string) => string;

/** A mounted secret is a password or a key, not a document. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;
const tooBig = `larger than ${MAX_SECRET_FILE_BYTES} bytes`;

// #region env-schema
/** A variable holding a whole number from min to max, digits only. */
export function intVar(min: number, max: number) {
  const expected = `expected an integer from ${min} to ${max}`;
  return z.string()
    .regex(/^\d{1,15}$/, expected) // not "", " 80", "8e3", "0x50", "80.5"
    .transform(Number)
    .pipe(z.number().min(min, expected).max(max, expected));
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Everything this service reads from its environment. */
export const AppEnv = z.object({
  PORT: intVar(1, 65535).default(3000),
  LOG_LEVEL: z.enum(LEVELS, { error: `expected one of ${LEVELS.join(', ')}` })
    .default('info'),
  DATABASE_URL: secret(z.url({
    protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL',
  })),
  SESSION_SECRET: secret(z.string().min(32, 'expected 32 or more characters')),
});
// #endregion env-schema

/** Bad configuration: one line per problem, safe to print and to log. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(what: string, problems: readonly string[]) {
    const n = problems.length;
    const count = n === 1 ? '1 problem' : `${n} problems`;
    super(`${what} is invalid (${count}):\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

// #region load-env
/**
 * The environment parsed by `schema`, or one ConfigError naming every bad
 * variable. Only the schema's own names are read.
 */
export function loadEnv<S extends z.ZodObject>(
  schema: S, env: Env, readFile: ReadFile = readText,
): z.output<S> {
  const input: Record<string, string | undefined> = {};
  const problems: string[] = [];
  const unread = new Set<string>(); // a problem already said about it
  for (const [name, field] of Object.entries(schema.shape)) {
    const read = readVar(env, name, isSecret(field), readFile);
    if (read.problem === undefined) input[name] = read.value;
    else {
      problems.push(read.problem);
      unread.add(name);
    }
  }
  const result = schema.safeParse(input);
  if (result.success && problems.length === 0) return result.data;

  const said = new Map<string, string[]>(); // variable → zod's messages
  for (const { path, message } of result.error?.issues ?? []) {
    const name = String(path[0]);
    if (!unread.has(name)) said.set(name, [...(said.get(name) ?? []), message]);
  }
  for (const [name, messages] of said) {
    const hidden = isSecret(schema.shape[name] as z.ZodType);
    problems.push(problem(name, input[name], messages, hidden));
  }
  throw new ConfigError('Environment', problems);
}

/** One line about a variable: its name, what was expected, what came. */
function problem(
  name: string, value: string | undefined, messages: string[],
  hidden: boolean,
): string {
  if (value === undefined) return `${name}: required, not set`;
  const expected = [...new Set(messages)]
    .map((m) => (hidden ? scrub(m, value) : m)).join('; ');
  if (value === '') return `${name}: set but empty; ${expected}`;
  return `${name}: ${expected}; ${received(value, hidden)}`;
}
// #endregion load-env

// #region secret-files
/**
 * A variable's value. A secret may instead come from the file that
 * `NAME_FILE` names, which is how orchestrators hand over mounted
 * secrets (Docker at /run/secrets/<name>); one trailing newline is cut.
 */
export function readVar(
  env: Env, name: string, isSecretVar: boolean, readFile: ReadFile,
): { value?: string; from?: string; problem?: string } {
  const fileVar = `${name}_FILE`;
  const path = isSecretVar ? own(env, fileVar) : undefined;
  if (path === undefined) {
    const value = own(env, name);
    return value === undefined ? {} : { value, from: `env ${name}` };
  }
  if (own(env, name) !== undefined) {
    return { problem: `${name} and ${fileVar} are both set; keep one` };
  }
  let text: string;
  try {
    text = readFile(path);
    if (text.length > MAX_SECRET_FILE_BYTES) throw new Error(tooBig);
  } catch (error) { // ENOENT, EACCES…: the code, never the content
    const why = (error as { code?: unknown }).code ?? (error as Error).message;
    return { problem: `${fileVar}: cannot read ${quote(path)} (${why})` };
  }
  return { value: text.replace(/\r?\n$/, ''), from: `file via ${fileVar}` };
}
// #endregion secret-files

/** How start-up talks to the outside: injected so tests can capture it. */
export interface Io {
  log(line: string): void;
  error(line: string): void;
  exit(code: number): never;
}

const processIo: Io = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  exit: (code) => process.exit(code),
};

// #region fail-fast
/**
 * Start-up: read the environment once and log what was loaded, secrets
 * redacted; or print every problem and exit before serving anything.
 */
export function configOrExit<S extends z.ZodObject>(
  schema: S, env: Env = process.env, io: Io = processIo,
  readFile: ReadFile = readText,
): z.output<S> {
  try {
    const config = loadEnv(schema, env, readFile);
    io.log(`config ${JSON.stringify(redact(config, schema))}`);
    return config;
  } catch (error) {
    // Anything else is a bug: let it crash with its stack.
    if (!(error instanceof ConfigError)) throw error;
    io.error(error.message);
    return io.exit(1);
  }
}
// #endregion fail-fast

/**
 * A secret file's text. Checked before reading, on the open descriptor:
 * a device such as /dev/zero would never end, a huge file would fill memory.
 */
function readText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_SECRET_FILE_BYTES) throw new Error(tooBig);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** `env[name]` if set on the object itself, never from its prototype. */
function own(env: Env, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}

if (import.meta.main) {
  const bad = {
    PORT: 'abc', LOG_LEVEL: '', SESSION_SECRET: 'correct-horse-battery',
  };
  try {
    loadEnv(AppEnv, bad);
  } catch (error) {
    console.log((error as Error).message);
  }
  const good = {
    PORT: '8080',
    DATABASE_URL: 'postgres://app:demo-only@db.internal:5432/app',
    SESSION_SECRET: 'a6b0c0d2e4f6a8b0c2d4e6f8a0b2c4d6',
  };
  console.log(JSON.stringify(redact(loadEnv(AppEnv, good), AppEnv)));
}
