import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, evaluate, inRollout, mapSource,
  type Context, type FlagSource } from './flag-eval.ts';
import { parseFlags, type FlagConfig } from './flag-rules.ts';

const N = 100_000;
const ids = Array.from({ length: N }, (_, i) => `user-${i}`);

function flag(over: Partial<FlagConfig> = {}): FlagConfig {
  return parseFlags([{ key: 'new-checkout', kind: 'release', killed: false,
    salt: 'v1', rollout: 10, rules: [], updatedAt: '2026-11-20T09:00:00Z',
    ...over }]).get(over.key ?? 'new-checkout')!;
}
const source = (...flags: FlagConfig[]) =>
  mapSource(new Map(flags.map((f) => [f.key, f])));

// Binomial: n ids, each in with probability p, count has sd sqrt(n p (1-p)).
// The ids are fixed, so the count is too; 5 sd (p < 1e-6 for a fair hash)
// is wide enough never to flake on a different hash input, narrow enough to
// catch a hash that skews (e.g. modulo a small range, or a constant).
const base = ids.map((id) => bucketOf('f', 's', id)); // hashed once
const within5Sd = (count: number, n: number, p: number) =>
  Math.abs(count - n * p) <= 5 * Math.sqrt(n * p * (1 - p));

describe('bucketOf', () => {
  it('is stable and in range', () => {
    const b = bucketOf('f', 's', 'user-1');
    expect(bucketOf('f', 's', 'user-1')).toBe(b);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(BUCKETS);
  });

  it('spreads 100k ids evenly over ten deciles', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const b of base) deciles[Math.floor(b / 1000)]!++;
    for (const count of deciles) expect(within5Sd(count, N, 0.1)).toBe(true);
  });

  it('puts about 10% of 100k ids in a 10% rollout', () => {
    const on = base.filter((b) => inRollout(b, 10));
    expect(within5Sd(on.length, N, 0.1)).toBe(true);
  });

  it('gives different flags (or salts) independent buckets', () => {
    for (const [flag, salt] of [['g', 's'], ['f', 't']]) {
      let both = 0;
      ids.forEach((id, i) => {
        if (inRollout(base[i]!, 50) &&
          inRollout(bucketOf(flag!, salt!, id), 50)) both++;
      });
      expect(within5Sd(both, N, 0.25)).toBe(true); // 0.5 * 0.5
    }
  });

  it('inRollout: 0% nobody, 100% everybody, boundaries exact', () => {
    expect(inRollout(0, 0)).toBe(false);
    expect(inRollout(BUCKETS - 1, 100)).toBe(true);
    expect(inRollout(999, 10)).toBe(true);
    expect(inRollout(1000, 10)).toBe(false);
    expect(inRollout(28, 0.29)).toBe(true); // 0.29 * 100 is 28.999...
    expect(inRollout(7, 0.07)).toBe(false); // 0.07 * 100 is 7.000...1
  });
});

describe('evaluate', () => {
  it('is sticky: every user on at 10% is still on at 20%', () => {
    const f = flag({ rollout: 10 });
    const src = source(f);
    const some = ids.slice(0, 20_000);
    const at10 = some.filter((id) =>
      evaluate(src, f.key, false, { targetingKey: id }).value);
    f.rollout = 20;
    const at20 = new Set(some.filter((id) =>
      evaluate(src, f.key, false, { targetingKey: id }).value));
    expect(at10.length).toBeGreaterThan(0);
    expect(at10.every((id) => at20.has(id))).toBe(true);
    expect(within5Sd(at20.size, some.length, 0.2)).toBe(true);
    expect(evaluate(src, f.key, false, { targetingKey: 'user-1' }).reason)
      .toBe('SPLIT');
  });

  it('changing the salt reshuffles who is in', () => {
    const a = flag({ rollout: 50 });
    const b = flag({ rollout: 50, salt: 'v2' });
    const same = ids.slice(0, 10_000).filter((id) =>
      evaluate(source(a), a.key, false, { targetingKey: id }).value ===
      evaluate(source(b), b.key, false, { targetingKey: id }).value).length;
    expect(within5Sd(same, 10_000, 0.5)).toBe(true);
  });

  const targeted = () => flag({ rollout: 0, rules: [
    { name: 'deny-acme', serve: false,
      when: [{ attribute: 'tenant', op: 'in', values: ['acme'] }] },
    { name: 'beta', serve: true,
      when: [{ attribute: 'plan', op: 'in', values: ['beta'] },
        { attribute: 'age', op: 'gte', values: [18] }] },
    { name: 'not-eu', serve: true,
      when: [{ attribute: 'region', op: 'not-in', values: ['eu'] }] },
  ] });

  it('tries rules in order; the first match wins', () => {
    const src = source(targeted());
    const ev = (ctx: Record<string, string | number>) =>
      evaluate(src, 'new-checkout', false, { targetingKey: 'u', ...ctx });
    expect(ev({ tenant: 'acme', plan: 'beta', age: 30 }))
      .toMatchObject({ value: false, reason: 'TARGETING_MATCH',
        rule: 'deny-acme' });
    expect(ev({ plan: 'beta', age: 30, region: 'eu' }))
      .toMatchObject({ value: true, rule: 'beta' });
    expect(ev({ plan: 'beta', age: 17, region: 'eu' }))
      .toMatchObject({ value: false, reason: 'STATIC' });
    expect(ev({ plan: 'beta', age: '30', region: 'eu' })) // a string age
      .toMatchObject({ value: false, reason: 'STATIC' });
    expect(ev({ region: 'us' })).toMatchObject({ value: true, rule: 'not-eu' });
  });

  it('treats a missing attribute as not in any list', () => {
    const src = source(targeted());
    expect(evaluate(src, 'new-checkout', false, { targetingKey: 'u' }))
      .toMatchObject({ value: true, rule: 'not-eu' });
  });

  it('the kill switch beats every rule and the rollout', () => {
    const f = targeted();
    f.rollout = 100;
    f.killed = true;
    const d = evaluate(source(f), f.key, true,
      { targetingKey: 'u', plan: 'beta', age: 30, region: 'us' });
    expect(d).toEqual({ flagKey: f.key, value: false, reason: 'DISABLED' });
  });

  it('returns the default with a reason when it cannot evaluate', () => {
    const src = source(flag({ rollout: 10 }));
    expect(evaluate(src, 'missing', true, { targetingKey: 'u' }))
      .toEqual({ flagKey: 'missing', value: true, reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND' });
    expect(evaluate(src, 'new-checkout', true, {}))
      .toMatchObject({ value: true, errorCode: 'TARGETING_KEY_MISSING' });
    expect(evaluate(src, 'new-checkout', true, { targetingKey: '' }))
      .toMatchObject({ value: true, errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('refuses a targeting key that is not a string', () => {
    const src = source(flag({ rollout: 50 }));
    // From JSON, an id can arrive as an object; "[object Object]" would put
    // every such user in one bucket, all in or all out together.
    for (const targetingKey of [{ id: 1 }, { id: 2 }, ['u'], 42]) {
      const ctx = { targetingKey } as unknown as Context;
      expect(evaluate(src, 'new-checkout', true, ctx)).toEqual({
        flagKey: 'new-checkout', value: true, reason: 'ERROR',
        errorCode: 'INVALID_CONTEXT' });
    }
  });

  it('ignores attributes a context only inherits', () => {
    const f = flag({ rollout: 0, rules: [{ name: 'proto', serve: true,
      when: [{ attribute: 'constructor', op: 'not-in', values: ['x'] },
        { attribute: 'toString', op: 'in', values: ['x'] }] }] });
    const hostile = JSON.parse('{"targetingKey":"u","toString":"x"}');
    expect(evaluate(source(f), f.key, false, hostile))
      .toMatchObject({ value: true, rule: 'proto' });
    expect(evaluate(source(f), f.key, false, { targetingKey: 'u' }))
      .toMatchObject({ value: false, reason: 'STATIC' });
  });

  it('never throws: a failing source yields the default', () => {
    const broken: FlagSource = { get() { throw new Error('timeout'); } };
    expect(evaluate(broken, 'new-checkout', false, { targetingKey: 'u' }))
      .toMatchObject({ value: false, reason: 'ERROR', errorCode: 'GENERAL' });
  });

  it('0% and 100% need no targeting key', () => {
    expect(evaluate(source(flag({ rollout: 100 })), 'new-checkout', false, {}))
      .toMatchObject({ value: true, reason: 'STATIC' });
    expect(evaluate(source(flag({ rollout: 0 })), 'new-checkout', true, {}))
      .toMatchObject({ value: false, reason: 'STATIC' });
  });
});
