/**
 * Secret configuration fields: marked once on the schema, then kept out of
 * every error message, log line and config dump that configuration code
 * writes. An allow-list by construction: a value is printed only when the
 * schema says the field is not secret, and a value the schema does not know
 * (an unknown key) is treated as secret.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/
 *   Secrets_Management_Cheat_Sheet.html#83-detection-lifecycle
 */
import { z } from 'zod';

export const REDACTED = '[redacted]';
const MAX_SHOWN = 40;

// #region mark-secret
/** The schemas whose values are secret; this module's own registry. */
const secrets = z.registry<{ secret: true }>();

/** Marks a field as secret: its value is printed as `[redacted]`. */
export function secret<T extends z.ZodType>(schema: T): T {
  secrets.add(schema, { secret: true });
  return schema;
}

/**
 * True when the field, or a schema it was made from, is secret. `get`, not
 * `has`: zod's `.min()` or `.refine()` returns a copy whose registry entry
 * is inherited from its parent, so `secret(z.string()).min(32)` stays secret.
 */
export function isSecret(schema: z.ZodType): boolean {
  if (secrets.get(schema)?.secret) return true;
  if (schema instanceof z.ZodPipe) { // .transform(), .pipe(): either side
    const { in: from, out: to } = schema as z.ZodPipe<z.ZodType, z.ZodType>;
    return isSecret(from) || isSecret(to);
  }
  const inner = unwrapOnce(schema);
  return inner ? isSecret(inner) : false;
}

/** What an error message may say about a value it rejected. */
export function received(value: unknown, isSecretValue: boolean): string {
  return isSecretValue ? 'secret, value not shown' : `got ${quote(value)}`;
}

/** A value quoted for a one-line message: JSON escapes, cut to length. */
export function quote(value: unknown): string {
  const text = json(value).replace(UNSAFE, escapeChar); // \n, \x1b too
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** Line and paragraph separators, bidi controls: JSON leaves them as is. */
const UNSAFE = /[\u0085\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const escapeChar = (c: string) =>
  `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
// #endregion mark-secret

// #region redact
/**
 * A copy of `value` safe to log. Shown: what the schema says is not secret,
 * in the shape the schema promised. `[redacted]`: secret fields, keys the
 * schema does not know, and values of the wrong shape (an object where a
 * port should be could be anything).
 */
export function redact(value: unknown, schema: z.ZodType): unknown {
  if (value === undefined) return undefined;
  if (isSecret(schema)) return REDACTED;
  const inner = unwrap(schema);
  if (inner instanceof z.ZodArray) {
    if (!Array.isArray(value)) return REDACTED;
    return value.map((item) => redact(item, inner.element as z.ZodType));
  }
  if (!(inner instanceof z.ZodObject)) {
    return value === null || typeof value !== 'object' ? value : REDACTED;
  }
  if (!isRecord(value)) return REDACTED;
  const shape = inner.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = Object.hasOwn(shape, key)
      ? redact(field, shape[key]!) : REDACTED; // unknown: could be a secret
  }
  return out;
}

/**
 * Makes `config` and every section in it print as `redact` would, through
 * JSON.stringify, console.log and util.inspect; reading a field still
 * gives the value. A guard for the `logger.info(config)` nobody reviewed.
 */
export function printsRedacted<T>(config: T, schema: z.ZodType): T {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject) || !isRecord(config)) return config;
  const safe = () => redact(config, schema);
  Object.defineProperty(config, 'toJSON', { value: safe });
  Object.defineProperty(config, INSPECT, { value: safe });
  for (const [key, field] of Object.entries(inner.shape)) {
    if (Object.hasOwn(config, key)) printsRedacted(config[key], field);
  }
  return config;
}
// #endregion redact

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function json(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value); // Infinity, not JSON's null; 10n, not a throw
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch { // a cycle, from a self-referencing YAML alias
    return Object.prototype.toString.call(value);
  }
}

/** The schema inside optional, nullable, default, prefault, readonly, catch. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let inner = unwrapOnce(s); inner; inner = unwrapOnce(s)) s = inner;
  return s;
}

function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  const wrapper = schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable || schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault || schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodCatch;
  return wrapper ? (schema.unwrap() as z.ZodType) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
