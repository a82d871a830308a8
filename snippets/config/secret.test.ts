import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  isSecret, printsRedacted, quote, received, REDACTED, redact, secret, unwrap,
} from './secret.ts';

describe('secret and isSecret', () => {
  it('marks a schema, and sees the mark through wrappers', () => {
    const token = secret(z.string());
    expect(isSecret(token)).toBe(true);
    expect(isSecret(token.optional())).toBe(true);
    expect(isSecret(token.default('x'))).toBe(true);
    expect(isSecret(token.nullable().optional())).toBe(true);
    expect(isSecret(secret(z.string().optional()))).toBe(true);
  });

  it('keeps the mark through checks and wrappers chained after it', () => {
    // zod's .min(), .refine(), .describe() return a new schema object.
    const base = () => secret(z.string());
    for (const schema of [base().min(32), base().refine(() => true),
      base().describe('db password'), base().transform((s) => s.trim()),
      base().readonly(), base().catch('x'), base().pipe(z.string()),
      z.string().pipe(base()), secret(z.object({ a: z.string() }))
        .refine(() => true)]) {
      expect(isSecret(schema)).toBe(true);
    }
  });

  it('marks only the schema it is given', () => {
    secret(z.string());
    expect(isSecret(z.string())).toBe(false);
    expect(isSecret(z.number().default(1))).toBe(false);
  });

  it('returns the schema itself, so it parses as before', () => {
    const schema = z.string().min(3);
    expect(secret(schema)).toBe(schema);
    expect(schema.safeParse('ab').success).toBe(false);
  });
});

describe('redact', () => {
  const Schema = z.object({
    port: z.number(),
    db: z.object({ url: secret(z.string()), pool: z.number().default(5) }),
    keys: z.array(secret(z.string())),
    auth: secret(z.object({ user: z.string(), password: z.string() })),
    note: z.string().optional(),
  });
  const config = {
    port: 80,
    db: { url: 'postgres://u:pw@h/db', pool: 5 },
    keys: ['k-current', 'k-previous'],
    auth: { user: 'svc', password: 'pw2' },
  };

  it('replaces secret fields, nested, in arrays and whole objects', () => {
    expect(redact(config, Schema)).toEqual({
      port: 80,
      db: { url: REDACTED, pool: 5 },
      keys: [REDACTED, REDACTED],
      auth: REDACTED,
    });
  });

  it('leaves the input untouched and keeps absent fields absent', () => {
    const copy = structuredClone(config);
    const out = redact(config, Schema) as Record<string, unknown>;
    expect(config).toEqual(copy);
    expect('note' in out).toBe(false);
  });

  it('redacts keys the schema does not know', () => {
    const loose = { ...config, AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI' };
    const out = JSON.stringify(redact(loose, Schema));
    expect(out).toContain(`"AWS_SECRET_ACCESS_KEY":"${REDACTED}"`);
    expect(out).not.toContain('wJalrXUtnFEMI');
  });

  it('redacts values of the wrong shape: they could hold anything', () => {
    const wrong = {
      ...config,
      db: 'postgres://u:pw@h/db', // a string where an object belongs
      port: { password: 'pw3' }, // an object where a number belongs
      keys: 'k-current', // a string where an array belongs
    };
    const out = redact(wrong, Schema) as Record<string, unknown>;
    expect(out.db).toBe(REDACTED);
    expect(out.port).toBe(REDACTED);
    expect(out.keys).toBe(REDACTED);
    expect(redact({ a: 1 }, secret(z.string()))).toBe(REDACTED);
  });

  it('shows null and primitives where the schema has a leaf', () => {
    const S = z.object({ a: z.string().nullable(), b: z.boolean() });
    expect(redact({ a: null, b: false }, S)).toEqual({ a: null, b: false });
  });
});

describe('received and quote', () => {
  it('shows non-secret values quoted, escaped and cut', () => {
    expect(received('abc', false)).toBe('got "abc"');
    expect(received('a\nb', false)).toBe('got "a\\nb"');
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(39)}…`);
    expect(quote(undefined)).toBe('undefined');
  });

  it('escapes characters that split or reorder a log line', () => {
    // U+2028/U+2029 end a line in some viewers; U+202E reverses text.
    const shown = quote('80\u2028ERROR\u0085forged\u202Egnp.exe');
    expect(shown).toBe('"80\\u2028ERROR\\u0085forged\\u202egnp.exe"');
    expect(shown).not.toMatch(/[\u0085\u2028\u2029\u202E]/);
  });

  it('quotes what JSON cannot: cycles, Infinity, bigint', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(quote(cycle)).toBe('[object Array]');
    expect(quote(Infinity)).toBe('Infinity');
    expect(quote(10n)).toBe('10');
  });

  it('never shows a secret value', () => {
    expect(received('hunter2', true)).toBe('secret, value not shown');
  });
});

describe('printsRedacted', () => {
  const Schema = z.object({
    port: z.number(),
    db: z.object({ url: secret(z.string()), pool: z.number() }),
  });

  it('redacts the object and each section when printed, not when read', () => {
    const config = printsRedacted(
      { port: 80, db: { url: 'postgres://u:pw@h/db', pool: 5 } }, Schema);
    for (const text of [JSON.stringify(config), inspect(config),
      JSON.stringify({ db: config.db }), inspect({ db: config.db })]) {
      expect(text).not.toContain('pw@h');
      expect(text).toContain(REDACTED);
    }
    expect(config.db.url).toBe('postgres://u:pw@h/db');
    expect(Object.keys(config)).toEqual(['port', 'db']);
  });
});

describe('unwrap', () => {
  it('finds the schema under optional, default and nullable', () => {
    const inner = z.number();
    expect(unwrap(inner.optional().default(1).nullable())).toBe(inner);
  });
});
