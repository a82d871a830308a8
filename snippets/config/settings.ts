/**
 * The leaves of a configuration schema, each named once per layer: its
 * dotted path in a file, an environment variable and a command-line flag.
 * Deriving the names from the schema means there is no list to keep in
 * step with it.
 * @see https://12factor.net/config
 */
import { z } from 'zod';
import { isSecret, unwrap } from './secret.ts';

/** One leaf setting and the names it goes by in each layer. */
export interface Setting {
  path: string; // server.port
  schema: z.ZodType;
  secret: boolean;
  env: string; // APP_SERVER__PORT
  flag: string; // --server.port
}

/** The settings one layer gives, by path, each with where it came from. */
export type Layer = Map<string, { value: unknown; from: string }>;

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
export function coerce(raw: string, schema: z.ZodType): unknown {
  const type = unwrap(schema);
  if (type instanceof z.ZodNumber && /^-?\d+(\.\d+)?$/.test(raw)) {
    return Number(raw);
  }
  if (type instanceof z.ZodBoolean && /^(true|false)$/.test(raw)) {
    return raw === 'true';
  }
  return raw; // anything else: zod reports what it expected
}
