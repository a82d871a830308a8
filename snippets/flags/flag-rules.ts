/**
 * The shape of a feature flag's configuration, validated before it is
 * served: a typo in an operator or a rollout of 150% is refused with the
 * path to the bad field, not discovered as a silent "off" in production.
 * A flag has a kind (Hodgson's four toggle categories), a kill switch,
 * targeting rules tried in order, and a percentage rollout for everyone else.
 * @see https://martinfowler.com/articles/feature-toggles.html
 * @see https://openfeature.dev/specification/glossary#targeting
 */
import { z } from 'zod';

// #region flag-schema
const attr = z.string().regex(/^[A-Za-z][\w.-]{0,63}$/);
const scalar = z.union([z.string().max(200), z.number().finite()]);

const condition = z.strictObject({
  attribute: attr, // a context attribute, e.g. "country" or "targetingKey"
  op: z.enum(['in', 'not-in', 'gte', 'lte']),
  values: z.array(scalar).min(1).max(1000), // allow and deny lists
}).refine((c) => !['gte', 'lte'].includes(c.op) ||
  c.values.every((v) => typeof v === 'number'),
{ path: ['values'], message: 'gte and lte compare numbers only' });

const rule = z.strictObject({
  name: z.string().min(1).max(100),
  when: z.array(condition).min(1).max(20), // every condition must hold
  serve: z.boolean(),
});

export const flagConfig = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/),
  kind: z.enum(['release', 'experiment', 'ops', 'permission']),
  killed: z.boolean(), // the kill switch: when true, serve false to all
  salt: z.string().min(1).max(64), // change it to reshuffle the buckets
  rules: z.array(rule).max(50), // tried in order; the first match wins
  rollout: z.number().min(0).max(100) // percent of the remaining users
    .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9,
      'use at most two decimals (0.01% steps)'),
  updatedAt: z.iso.datetime(), // when rollout or rules last changed
});
export type FlagConfig = z.infer<typeof flagConfig>;
export type Condition = z.infer<typeof condition>;

/** Parses a whole flag file; every problem is reported, with its path. */
export function parseFlags(input: unknown): Map<string, FlagConfig> {
  const result = z.array(flagConfig).max(10_000).safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) =>
      `  flags.${i.path.join('.')}: ${i.message}`);
    throw new FlagConfigError(`invalid flag config:\n${lines.join('\n')}`);
  }
  const flags = new Map<string, FlagConfig>();
  for (const flag of result.data) {
    if (flags.has(flag.key)) {
      throw new FlagConfigError(`duplicate flag key "${flag.key}"`);
    }
    flags.set(flag.key, flag);
  }
  return flags;
}
// #endregion flag-schema

export class FlagConfigError extends Error {
  override name = 'FlagConfigError';
}

if (import.meta.main) {
  const flag = {
    key: 'new-checkout', kind: 'release', killed: false, salt: 'v1',
    rules: [{ name: 'beta', serve: true,
      when: [{ attribute: 'plan', op: 'matches', values: ['beta'] }] }],
    rollout: 150, updatedAt: '2026-11-20T09:00:00Z',
  };
  try {
    parseFlags([flag]);
  } catch (e) {
    console.log((e as Error).message);
  }
}
