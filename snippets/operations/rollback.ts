/**
 * Deciding a canary's fate from the SLO, and the kill switch that undoes a
 * feature without a deploy. The canary's burn rate is compared with the
 * baseline's over the same window: a release is blamed only when it burns
 * budget fast and clearly faster than the fleet it is about to replace. A
 * release that already contracted the schema cannot go back by redeploying
 * the previous version, so the decision escalates instead.
 * @see https://sre.google/workbook/canarying-releases/
 * @see https://aws.amazon.com/builders-library/ensuring-rollback-safety-during-deployments/
 */
import { BurnRateMonitor, MINUTE } from './burn-rate.ts';

// #region kill-switch
/** Where flags come from; a remote flag service can throw or time out. */
export interface FlagSource {
  enabled(name: string): boolean;
}

/** The new code path runs only on an explicit `true`; anything else,
 * including an unreachable flag service, means the old, known path. */
export function newPathOn(flags: FlagSource, name: string): boolean {
  try {
    return flags.enabled(name) === true;
  } catch {
    return false;
  }
}

export class KillSwitches implements FlagSource {
  readonly #on = new Set<string>();
  enable(name: string) { this.#on.add(name); }
  kill(name: string) { this.#on.delete(name); } // effective on next request
  enabled(name: string) { return this.#on.has(name); }
}
// #endregion kill-switch

export interface Release {
  version: string;
  previous: string;
  flag?: string; // the kill switch guarding the new behavior, if any
  migrations: { id: string; kind: 'expand' | 'contract' }[];
}

export interface CanaryPolicy {
  windowMs: number; // judge the last N minutes, e.g. 5
  maxBurn: number; // e.g. 14.4: 2% of a 30-day budget per hour
  worseThan: number; // canary burn must exceed baseline burn times this
  minRequests: number; // fewer canary requests in the window: wait
  bakeMs: number; // promote after this long without a breach
  bakeMaxBurn: number; // e.g. 6: over the whole bake, the 6-hour page rate
}

export type Verdict =
  | { action: 'wait'; reason: string }
  | { action: 'promote' }
  | { action: 'roll-back'; steps: string[] }
  | { action: 'escalate'; reason: string };

// #region rollback-decision
export interface CanaryInput {
  release: Release;
  canary: BurnRateMonitor; // requests served by the new version
  baseline: BurnRateMonitor; // the same service on the old version
  policy: CanaryPolicy;
  startedAt: number;
  now: number;
}

export function judgeCanary(input: CanaryInput): Verdict {
  const { release, canary, baseline, policy, startedAt, now } = input;
  if (!Number.isFinite(startedAt) || !(now >= startedAt)) {
    throw new RangeError('startedAt must be a time at or before now');
  }
  const seen = canary.totals(policy.windowMs, now);
  if (seen.good + seen.bad < policy.minRequests) {
    return { action: 'wait', reason: 'too few canary requests to judge' };
  }
  const c = canary.burnRate(policy.windowMs, now);
  const b = baseline.burnRate(policy.windowMs, now);
  if (c > policy.maxBurn) return blame(release, c, b, policy);
  if (now - startedAt < policy.bakeMs) {
    return { action: 'wait', reason: `baking; canary burn ${c.toFixed(1)}x` };
  }
  // Over the whole bake: would the release page once it serves everyone?
  const cb = canary.burnRate(policy.bakeMs, now);
  const bb = baseline.burnRate(policy.bakeMs, now);
  if (cb > policy.bakeMaxBurn) return blame(release, cb, bb, policy);
  return { action: 'promote' };
}

function blame(release: Release, c: number, b: number,
  policy: CanaryPolicy): Verdict {
  if (c <= b * policy.worseThan) { // the whole fleet burns: not us
    return { action: 'escalate', reason: `baseline burns ` +
      `${b.toFixed(1)}x too: an incident, not this release` };
  }
  const contract = release.migrations.find((m) => m.kind === 'contract');
  if (contract) { // no deploy brings back what a contract step removed
    return { action: 'escalate', reason: `${contract.id} cannot be ` +
      `undone by redeploying ${release.previous}: roll forward` };
  }
  return { action: 'roll-back', steps: [
    ...(release.flag ? [`kill flag ${release.flag}`] : []),
    `route canary traffic back to ${release.previous}`,
    ...release.migrations.map((m) => `keep ${m.id} (additive)`),
  ] };
}
// #endregion rollback-decision

/** Validates a policy; the defaults judge 5 minutes against 14.4x and
 * the 30-minute bake against 6x, the Workbook's two page rates. */
export function canaryPolicy(p: Partial<CanaryPolicy> = {}): CanaryPolicy {
  const policy = { windowMs: 5 * MINUTE, maxBurn: 14.4, worseThan: 2,
    minRequests: 500, bakeMs: 30 * MINUTE, bakeMaxBurn: 6, ...p };
  for (const [k, v] of Object.entries(policy)) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(`${k} must be a number > 0; got ${v}`);
    }
  }
  return policy;
}

if (import.meta.main) {
  const { defineSlo } = await import('./slo.ts');
  const slo = defineSlo(0.999, 30);
  const canary = new BurnRateMonitor(slo, { retentionMs: 6 * 60 * MINUTE });
  const baseline = new BurnRateMonitor(slo, { retentionMs: 6 * 60 * MINUTE });
  const flags = new KillSwitches();
  flags.enable('new-pricing');
  const release: Release = { version: 'v42', previous: 'v41',
    flag: 'new-pricing', migrations: [{ id: '0042-add-price-v2',
      kind: 'expand' }] };
  const policy = canaryPolicy();
  for (let m = 1; m <= 15; m++) { // per minute: 5% canary, 95% baseline
    const t = m * MINUTE;
    const bad = m > 8 ? 6 : 0; // from minute 9, 6 of 100 canary calls fail
    canary.record(t - MINUTE, 100 - bad, bad);
    baseline.record(t - MINUTE, 1899, 1); // its usual 0.05%
    const v = judgeCanary(
      { release, canary, baseline, policy, startedAt: 0, now: t });
    if (v.action === 'wait' && m % 5 !== 0) continue;
    const burn = canary.burnRate(policy.windowMs, t).toFixed(1);
    console.log(`minute ${m}: canary burns ${burn}x -> ${v.action}`);
    if ('steps' in v) for (const s of v.steps) console.log(`  - ${s}`);
    if (v.action === 'roll-back') {
      flags.kill('new-pricing');
      console.log(`new pricing on: ${newPathOn(flags, 'new-pricing')}`);
      break;
    }
  }
}
