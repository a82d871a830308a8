import { describe, expect, it } from 'vitest';
import { FlagConfigError, parseFlags } from './flag-rules.ts';

const good = {
  key: 'new-checkout', kind: 'release', killed: false, salt: 'v1',
  rollout: 12.5, updatedAt: '2026-11-20T09:00:00Z',
  rules: [{ name: 'staff', serve: true,
    when: [{ attribute: 'email', op: 'in', values: ['a@example.com'] }] }],
};

describe('parseFlags', () => {
  it('accepts a valid config and keys it by flag key', () => {
    const flags = parseFlags([good]);
    expect(flags.get('new-checkout')?.rollout).toBe(12.5);
  });

  it('names an unknown operator with its path', () => {
    const bad = { ...good, rules: [{ ...good.rules[0],
      when: [{ attribute: 'plan', op: 'matches', values: ['x'] }] }] };
    expect(() => parseFlags([bad])).toThrow(FlagConfigError);
    expect(() => parseFlags([bad])).toThrow(/flags\.0\.rules\.0\.when\.0\.op/);
  });

  it.each([-1, 100.01, 150, Number.NaN])('refuses rollout %s', (rollout) => {
    expect(() => parseFlags([{ ...good, rollout }]))
      .toThrow(/flags\.0\.rollout/);
  });

  it('accepts 0, 100 and two decimals; refuses a third decimal', () => {
    for (const rollout of [0, 100, 0.29, 33.33]) {
      expect(parseFlags([{ ...good, rollout }]).size).toBe(1);
    }
    expect(() => parseFlags([{ ...good, rollout: 0.125 }]))
      .toThrow(/two decimals/);
  });

  it('reports every problem at once', () => {
    const bad = { ...good, kind: 'forever', rollout: 101, extra: 1 };
    const message = (() => {
      try { parseFlags([bad]); } catch (e) { return (e as Error).message; }
      return '';
    })();
    expect(message).toMatch(/flags\.0\.kind/);
    expect(message).toMatch(/flags\.0\.rollout/);
    expect(message).toMatch(/extra/);
  });

  it('refuses a missing kill switch, empty rules and bad keys', () => {
    const { killed: _, ...noKill } = good;
    expect(() => parseFlags([noKill])).toThrow(/killed/);
    expect(() => parseFlags([{ ...good, rules: [{ name: 'x', serve: true,
      when: [] }] }])).toThrow(/when/);
    expect(() => parseFlags([{ ...good, key: 'New Checkout' }]))
      .toThrow(/key/);
  });

  it('refuses gte or lte against a value that is not a number', () => {
    // Otherwise the rule is accepted and silently never matches.
    for (const op of ['gte', 'lte']) {
      expect(() => parseFlags([{ ...good, rules: [{ ...good.rules[0],
        when: [{ attribute: 'age', op, values: ['18'] }] }] }]))
        .toThrow(/flags\.0\.rules\.0\.when\.0\.values.*number/);
    }
    expect(parseFlags([{ ...good, rules: [{ ...good.rules[0],
      when: [{ attribute: 'age', op: 'gte', values: [18] }] }] }]).size).toBe(1);
  });

  it('refuses a __proto__ key from JSON', () => {
    const hostile = JSON.parse(JSON.stringify([good]).replace('"salt"',
      '"__proto__":{"killed":true},"salt"'));
    expect(() => parseFlags(hostile)).toThrow(/__proto__/);
  });

  it('refuses oversized lists', () => {
    const values = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    expect(() => parseFlags([{ ...good, rules: [{ ...good.rules[0],
      when: [{ attribute: 'targetingKey', op: 'in', values }] }] }]))
      .toThrow(/values/);
  });

  it('refuses too many rules or conditions', () => {
    const cond = good.rules[0]!.when[0]!;
    const rules = Array.from({ length: 51 }, (_, i) =>
      ({ ...good.rules[0], name: `r${i}` }));
    expect(() => parseFlags([{ ...good, rules }])).toThrow(/flags\.0\.rules:/);
    expect(() => parseFlags([{ ...good, rules: [{ ...good.rules[0],
      when: Array.from({ length: 21 }, () => cond) }] }]))
      .toThrow(/rules\.0\.when:/);
  });

  it('refuses duplicate keys and input that is not a list', () => {
    expect(() => parseFlags([good, good])).toThrow(/duplicate.*new-checkout/);
    expect(() => parseFlags({ flags: [] })).toThrow(FlagConfigError);
  });
});
