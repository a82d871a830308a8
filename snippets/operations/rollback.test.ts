import { describe, expect, it } from 'vitest';
import { BurnRateMonitor, MINUTE } from './burn-rate.ts';
import {
  canaryPolicy, judgeCanary, KillSwitches, newPathOn, type Release,
  type Verdict,
} from './rollback.ts';
import { defineSlo } from './slo.ts';

const slo = defineSlo(0.999, 30);
const release: Release = { version: 'v42', previous: 'v41',
  flag: 'new-pricing', migrations: [{ id: '0042-add-col', kind: 'expand' }] };
const policy = canaryPolicy();

/** Minute by minute: 100 canary and 1,900 baseline requests, the first
 * verdict that is not `wait`, and the minute it came. */
function run(canaryBad: (m: number) => number,
  baselineBad: (m: number) => number, r: Release = release,
  minutes = 40): [number, Verdict] {
  const canary = new BurnRateMonitor(slo, { retentionMs: 60 * MINUTE });
  const baseline = new BurnRateMonitor(slo, { retentionMs: 60 * MINUTE });
  for (let m = 1; m <= minutes; m++) {
    const cb = canaryBad(m);
    const bb = baselineBad(m);
    canary.record((m - 1) * MINUTE, 100 - cb, cb);
    baseline.record((m - 1) * MINUTE, 1900 - bb, bb);
    const v = judgeCanary({ release: r, canary, baseline, policy,
      startedAt: 0, now: m * MINUTE });
    if (v.action !== 'wait') return [m, v];
  }
  return [minutes, { action: 'wait', reason: 'ran out' }];
}

describe('judgeCanary', () => {
  it('rolls back at the exact minute the canary breaches 14.4x', () => {
    // 6% of canary calls fail from minute 9: minute 10 sees 12 of 500
    const [m, v] = run((m) => (m >= 9 ? 6 : 0), () => 1);
    expect(m).toBe(10);
    expect(v).toEqual({ action: 'roll-back', steps: ['kill flag new-pricing',
      'route canary traffic back to v41', 'keep 0042-add-col (additive)'] });
  });

  it('just under 14.4x (7 of 500 = 14x) it bakes, but is not promoted',
    () => {
      const [m, v] = run((m) => (m % 5 === 0 ? 7 : 0), () => 0);
      expect(m).toBe(30); // no fast rollback during the bake
      expect(v.action).toBe('roll-back'); // 14x over 30 min is over 6x
    });

  it('does not promote a canary that burned 10x all through the bake', () => {
    // 1 of 100 fails every minute: never near 14.4x, but 10x for 30 minutes
    // against a baseline near 0.5x would page the 6 h rule once rolled out
    const [m, v] = run(() => 1, () => 1);
    expect(m).toBe(30);
    expect(v.action).toBe('roll-back');
  });

  it('refuses a start time it cannot compare with', () => {
    const canary = new BurnRateMonitor(slo, { retentionMs: 60 * MINUTE });
    canary.record(0, 600, 0);
    for (const startedAt of [Number.NaN, 2 * MINUTE]) {
      expect(() => judgeCanary({ release, canary, baseline: canary, policy,
        startedAt, now: MINUTE })).toThrow(/startedAt/);
    }
  });

  it('promotes after the bake time without a breach', () => {
    const [m, v] = run((m) => (m % 10 === 0 ? 1 : 0), () => 1);
    expect([m, v]).toEqual([30, { action: 'promote' }]);
  });

  it('blames no release when the baseline burns as fast (shared outage)',
    () => {
      const [m, v] = run((m) => (m >= 5 ? 5 : 0), (m) => (m >= 5 ? 95 : 0));
      expect(m).toBe(6);
      expect(v).toEqual({ action: 'escalate',
        reason: 'baseline burns 20.0x too: an incident, not this release' });
    });

  it('a canary less than twice as bad as a burning baseline is not blamed',
    () => {
      // canary 3% (30x), baseline 2% (20x): worse, but not clearly worse
      const [m, v] = run(() => 3, () => 38);
      expect([m, v]).toEqual([5, { action: 'escalate',
        reason: 'baseline burns 20.0x too: an incident, not this release' }]);
    });

  it('escalates instead of rolling back past a contract migration', () => {
    const contracted: Release = { ...release, migrations: [
      { id: '0041-add-col', kind: 'expand' },
      { id: '0043-drop-old-col', kind: 'contract' }] };
    const [, v] = run((m) => (m >= 9 ? 6 : 0), () => 1, contracted);
    expect(v).toEqual({ action: 'escalate', reason:
      '0043-drop-old-col cannot be undone by redeploying v41: roll forward',
    });
  });

  it('waits while the canary has too few requests to judge', () => {
    const canary = new BurnRateMonitor(slo, { retentionMs: 60 * MINUTE });
    const baseline = new BurnRateMonitor(slo, { retentionMs: 60 * MINUTE });
    canary.record(0, 0, 50); // every call failed, but only 50 calls
    expect(judgeCanary({ release, canary, baseline, policy, startedAt: 0,
      now: MINUTE })).toEqual(
      { action: 'wait', reason: 'too few canary requests to judge' });
  });

  it('without a flag, the rollback is a redeploy only', () => {
    const [, v] = run((m) => (m >= 9 ? 6 : 0), () => 1,
      { version: 'v42', previous: 'v41', migrations: [] });
    expect(v).toEqual({ action: 'roll-back',
      steps: ['route canary traffic back to v41'] });
  });

  it('rejects a policy with missing or silly numbers', () => {
    expect(() => canaryPolicy({ maxBurn: 0 })).toThrow(/maxBurn/);
    expect(() => canaryPolicy({ bakeMs: Number.NaN })).toThrow(/bakeMs/);
    expect(() => canaryPolicy({ minRequests: -5 })).toThrow(/minRequests/);
  });
});

describe('kill switch', () => {
  it('turns the new path off for the next request, no deploy', () => {
    const flags = new KillSwitches();
    expect(newPathOn(flags, 'new-pricing')).toBe(false); // off by default
    flags.enable('new-pricing');
    expect(newPathOn(flags, 'new-pricing')).toBe(true);
    flags.kill('new-pricing');
    expect(newPathOn(flags, 'new-pricing')).toBe(false);
  });

  it('an unreachable or confused flag service means the old path', () => {
    const down = { enabled(): boolean { throw new Error('timeout'); } };
    expect(newPathOn(down, 'new-pricing')).toBe(false);
    const odd = { enabled: () => 'yes' as unknown as boolean };
    expect(newPathOn(odd, 'new-pricing')).toBe(false);
  });
});
