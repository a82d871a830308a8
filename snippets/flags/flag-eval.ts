/**
 * Evaluating a feature flag for one subject, with the semantics of an
 * OpenFeature client: the caller passes a default value, evaluation never
 * throws, and the answer carries a reason (DISABLED, TARGETING_MATCH, SPLIT,
 * STATIC, ERROR) and, on failure, an error code.
 * Percentage rollout hashes flag key, salt and targeting key to one of
 * 10,000 buckets, so a user's answer is stable across requests and servers,
 * and raising the percentage only ever adds users.
 * @see https://openfeature.dev/specification/sections/flag-evaluation
 * @see https://openfeature.dev/specification/sections/providers
 */
import { createHash } from 'node:crypto';
import type { Condition, FlagConfig } from './flag-rules.ts';

// #region bucket
export const BUCKETS = 10_000; // 0.01% steps

/** A stable bucket in 0..9999 for this subject and this flag. */
export function bucketOf(flag: string, salt: string, subject: string) {
  const digest = createHash('sha256')
    .update(`${flag}:${salt}:${subject}`).digest();
  return digest.readUInt32BE(0) % BUCKETS; // bias < 3 in a million
}

/** In the rollout when the bucket is below the percentage, so growing
 * 10% to 20% keeps buckets 0..999 in and adds 1000..1999. */
export function inRollout(bucket: number, percent: number) {
  return bucket < Math.round(percent * 100);
}
// #endregion bucket

export type Context = {
  targetingKey?: string;
  [attribute: string]: string | number | boolean | undefined;
};
export type Reason =
  'DISABLED' | 'TARGETING_MATCH' | 'SPLIT' | 'STATIC' | 'ERROR';
export type ErrorCode =
  'FLAG_NOT_FOUND' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL';
export interface Details {
  flagKey: string;
  value: boolean;
  reason: Reason;
  rule?: string;
  errorCode?: ErrorCode;
}
/** Where configs come from: a local file, or a flag service's cache. */
export interface FlagSource {
  get(key: string): FlagConfig | undefined;
}

// #region evaluate
export function evaluate(source: FlagSource, key: string,
  defaultValue: boolean, ctx: Context): Details {
  const fail = (errorCode: ErrorCode): Details =>
    ({ flagKey: key, value: defaultValue, reason: 'ERROR', errorCode });
  try {
    const flag = source.get(key);
    if (!flag) return fail('FLAG_NOT_FOUND');
    const done = (value: boolean, reason: Reason, rule?: string) =>
      ({ flagKey: key, value, reason, ...(rule ? { rule } : {}) });
    if (flag.killed) return done(false, 'DISABLED'); // beats every rule
    for (const r of flag.rules) { // in order; the first match wins
      if (r.when.every((c) => matches(c, ctx))) {
        return done(r.serve, 'TARGETING_MATCH', r.name);
      }
    }
    if (flag.rollout === 0 || flag.rollout === 100) {
      return done(flag.rollout === 100, 'STATIC');
    }
    const id: unknown = ctx.targetingKey; // from JSON it may be anything
    if (id === undefined || id === '') return fail('TARGETING_KEY_MISSING');
    if (typeof id !== 'string') return fail('INVALID_CONTEXT');
    const bucket = bucketOf(flag.key, flag.salt, id);
    return done(inRollout(bucket, flag.rollout), 'SPLIT');
  } catch {
    return fail('GENERAL'); // a broken source never breaks the request
  }
}

function matches(c: Condition, ctx: Context): boolean {
  const v = ctx[c.attribute];
  if (v === undefined) return c.op === 'not-in'; // absent: not listed
  switch (c.op) {
    case 'in': return c.values.includes(v as string | number);
    case 'not-in': return !c.values.includes(v as string | number);
    case 'gte': return typeof v === 'number' &&
      c.values.some((x) => typeof x === 'number' && v >= x);
    case 'lte': return typeof v === 'number' &&
      c.values.some((x) => typeof x === 'number' && v <= x);
  }
}
// #endregion evaluate

/** A source over a validated map, as a provider's local cache would be. */
export function mapSource(flags: Map<string, FlagConfig>): FlagSource {
  return { get: (key) => flags.get(key) };
}

if (import.meta.main) {
  const { parseFlags } = await import('./flag-rules.ts');
  const flags = parseFlags([{
    key: 'new-checkout', kind: 'release', killed: false, salt: 'v1',
    rollout: 10, updatedAt: '2026-11-20T09:00:00Z',
    rules: [
      { name: 'blocked-tenants', serve: false,
        when: [{ attribute: 'tenant', op: 'in', values: ['acme'] }] },
      { name: 'staff', serve: true,
        when: [{ attribute: 'staff', op: 'in', values: ['yes'] }] },
    ],
  }]);
  const source = mapSource(flags);
  const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
  const on = (ctx: Context) => evaluate(source, 'new-checkout', false, ctx);
  const at10 = users.filter((u) => on({ targetingKey: u }).value);
  flags.get('new-checkout')!.rollout = 20;
  const at20 = new Set(users.filter((u) => on({ targetingKey: u }).value));
  const kept = at10.filter((u) => at20.has(u)).length;
  console.log(`10%: ${at10.length} users on; 20%: ${at20.size} users on`);
  console.log(`of the first ${at10.length}, still on at 20%: ${kept}`);
  const show = (label: string, d: Details) => console.log(`${label}: ` +
    `${d.value} ${d.reason}${d.rule ? ` (${d.rule})` : ''}` +
    `${d.errorCode ? ` ${d.errorCode}` : ''}`);
  show('staff user', on({ targetingKey: 'u-1', staff: 'yes' }));
  show('staff at acme', on({ targetingKey: 'u-2', staff: 'yes',
    tenant: 'acme' }));
  show('no targeting key', on({}));
  show('unknown flag', evaluate(source, 'new-chekout', false,
    { targetingKey: 'u-1' }));
  flags.get('new-checkout')!.killed = true;
  show('staff, after kill', on({ targetingKey: 'u-1', staff: 'yes' }));
}
