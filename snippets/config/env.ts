/**
 * Reading the process environment through one zod schema, once, at
 * start-up. Every bad variable is reported in one message that names it and
 * says what was expected; the value of a secret never appears in it, nor in
 * the summary logged when the configuration is good.
 * @see https://12factor.net/config
 * @see https://nodejs.org/api/environment_variables.html
 */
import { z } from 'zod';
import { secretProblem, withoutInput } from './safe-messages.ts';
import {
  type Env, type ReadFile, readText, readVar,
} from './secret-files.ts';
import { isSecret, printsRedacted, received, redact, secret } from './secret.ts';

export type { Env, ReadFile } from './secret-files.ts';

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
  // A secret's problems are worded from its rules, never custom text.
  DATABASE_URL: secret(z.url({ protocol: /^postgres(ql)?$/ })),
  SESSION_SECRET: secret(z.string().min(32)),
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
  const result = parse(schema, input);
  if (result.success && problems.length === 0) {
    return printsRedacted(result.data, schema); // console.log(config) is safe
  }
  const said = new Map<string, string[]>(); // variable → what it expected
  for (const issue of result.error?.issues ?? []) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : '';
    const hidden = name === '' ? hasSecrets(schema) : isSecretVar(schema, name);
    const text = hidden ? secretProblem(issue) : issue.message;
    if (!unread.has(name)) said.set(name, [...(said.get(name) ?? []), text]);
  }
  for (const [name, texts] of said) {
    problems.push(problem(name, input[name], [...new Set(texts)].join('; '),
      isSecretVar(schema, name)));
  }
  throw new ConfigError('Environment', problems);
}

/** One line about a variable: its name, what was expected, what came. */
function problem(
  name: string, value: string | undefined, expected: string, hidden: boolean,
): string {
  if (name === '') return `environment: ${expected}`; // a cross-field check
  if (value === undefined) return `${name}: required, not set`;
  if (value === '') return `${name}: set but empty; ${expected}`;
  return `${name}: ${expected}; ${received(value, hidden)}`;
}
// #endregion load-env

/** safeParse; a throw inside the schema becomes one that quotes nothing. */
function parse<S extends z.ZodObject>(schema: S, input: unknown) {
  try {
    return schema.safeParse(input);
  } catch (error) {
    throw withoutInput(error, 'Environment');
  }
}

function isSecretVar(schema: z.ZodObject, name: string): boolean {
  const field = Object.hasOwn(schema.shape, name) ? schema.shape[name] : null;
  return field ? isSecret(field as z.ZodType) : false;
}

function hasSecrets(schema: z.ZodObject): boolean {
  return Object.keys(schema.shape).some((name) => isSecretVar(schema, name));
}


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
  // The loaded config itself prints redacted: no redact() call needed.
  console.log(JSON.stringify(loadEnv(AppEnv, good)));
}
