/**
 * Multiwindow, multi-burn-rate alerts on an SLO, as the Google SRE Workbook
 * recommends: page when the last hour spent 2% of a 30-day error budget and
 * the last 5 minutes are still burning that fast; page on 5% in 6 hours
 * (30-minute check); open a ticket on 10% in 3 days (6-hour check). The
 * short window, 1/12 of the long one, ends the alert minutes after the
 * errors stop instead of an hour later.
 * @see https://sre.google/workbook/alerting-on-slos/
 */
import { errorBudget, type Slo } from './slo.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

// #region workbook-alerts
export interface AlertRule {
  severity: 'page' | 'ticket';
  budgetSpent: number; // share of the period's budget, e.g. 0.02
  longMs: number; // the window that must have spent it
  shortMs: number; // 1/12 of it: is the burn still going on?
  burnRate: number; // how many times faster than "exactly on budget"
}

/** Burn rate that spends `share` of the budget within `windowMs`. */
export function burnRateFor(share: number, windowMs: number, slo: Slo) {
  return Number(((share * slo.periodMs) / windowMs).toFixed(6));
}

/** SRE Workbook table 5-8; for a 30-day SLO: 14.4, 6 and 1. */
export function workbookRules(slo: Slo): AlertRule[] {
  const rule = (severity: AlertRule['severity'], budgetSpent: number,
    longMs: number): AlertRule => ({ severity, budgetSpent, longMs,
    shortMs: longMs / 12, burnRate: burnRateFor(budgetSpent, longMs, slo) });
  return [rule('page', 0.02, HOUR), rule('page', 0.05, 6 * HOUR),
    rule('ticket', 0.1, 3 * DAY)];
}
// #endregion workbook-alerts

export interface Firing {
  rule: AlertRule;
  long: number; // burn rate over the long window
  short: number; // burn rate over the short window
}

export interface MonitorOptions {
  bucketMs?: number; // resolution of the counts; 1 minute by default
  retentionMs?: number; // the longest window asked for; 3 days by default
  minEvents?: number; // fewer requests than this in a window: burn 0
}

// #region burn-rate
/** Good and bad counts in time buckets: bounded memory, any window. */
export class BurnRateMonitor {
  readonly #budget: number;
  readonly #bucketMs: number;
  readonly #minEvents: number;
  readonly #ids: number[]; // which bucket each slot holds now
  readonly #good: number[];
  readonly #bad: number[];

  constructor(slo: Slo, options: MonitorOptions = {}) {
    const { bucketMs = MINUTE, retentionMs = 3 * DAY, minEvents = 1 } =
      options;
    const slots = retentionMs / bucketMs;
    if (!Number.isInteger(bucketMs) || bucketMs < 1000
      || !Number.isInteger(slots) || slots < 1 || slots > 100_000) {
      throw new RangeError('retentionMs must be 1-100,000 whole buckets '
        + 'of at least 1 s');
    }
    if (!Number.isSafeInteger(minEvents) || minEvents < 0) {
      throw new RangeError(`minEvents must be a count; got ${minEvents}`);
    }
    this.#budget = errorBudget(slo);
    this.#bucketMs = bucketMs;
    this.#minEvents = Math.max(1, minEvents); // 0 requests: no burn, no NaN
    this.#ids = new Array<number>(slots).fill(-1);
    this.#good = new Array<number>(slots).fill(0);
    this.#bad = new Array<number>(slots).fill(0);
  }

  /** Adds counts at time `at` (ms); false if older than the retention. */
  record(at: number, good: number, bad: number): boolean {
    if (!Number.isSafeInteger(at) || at < 0) {
      throw new RangeError(`at must be a time in ms; got ${at}`);
    }
    for (const n of [good, bad]) {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new RangeError(`counts must be whole numbers >= 0; got ${n}`);
      }
    }
    const id = Math.floor(at / this.#bucketMs);
    const slot = id % this.#ids.length;
    const held = this.#ids[slot]!;
    if (held > id) return false; // too old: its slot was reused
    if (held < id) { // a new bucket replaces one that has aged out
      this.#ids[slot] = id;
      this.#good[slot] = 0;
      this.#bad[slot] = 0;
    }
    this.#good[slot]! += good;
    this.#bad[slot]! += bad;
    return true;
  }

  /** Good and bad requests in the `windowMs` before `now`. */
  totals(windowMs: number, now: number): { good: number; bad: number } {
    const n = windowMs / this.#bucketMs;
    if (!Number.isInteger(n) || n < 1 || n > this.#ids.length) {
      throw new RangeError(`window must be 1-${this.#ids.length} buckets`);
    }
    if (!Number.isFinite(now)) throw new RangeError(`bad now ${now}`);
    const size = this.#ids.length;
    const last = Math.ceil(now / this.#bucketMs) - 1; // bucket before now
    let good = 0;
    let bad = 0;
    for (let id = last - n + 1; id <= last; id++) {
      const slot = ((id % size) + size) % size;
      if (this.#ids[slot] !== id) continue; // no traffic recorded then
      good += this.#good[slot]!;
      bad += this.#bad[slot]!;
    }
    return { good, bad };
  }

  /** Error ratio over the last `windowMs` divided by the budget. */
  burnRate(windowMs: number, now: number): number {
    const { good, bad } = this.totals(windowMs, now);
    if (good + bad < this.#minEvents) return 0; // too little to judge
    return bad / (good + bad) / this.#budget;
  }

  /** Rules whose long and short windows both burn faster than allowed. */
  firing(rules: readonly AlertRule[], now: number): Firing[] {
    return rules.flatMap((rule) => {
      const long = this.burnRate(rule.longMs, now);
      const short = this.burnRate(rule.shortMs, now);
      return long > rule.burnRate && short > rule.burnRate
        ? [{ rule, long, short }] : [];
    });
  }
}
// #endregion burn-rate

/** One notification per incident: a page wins over a ticket. */
export function notification(firing: readonly Firing[]) {
  return firing.find((f) => f.rule.severity === 'page')?.rule.severity
    ?? firing[0]?.rule.severity ?? 'none';
}

if (import.meta.main) {
  // A fast burn: 15% errors from 01:00 to 01:10 on a 99.9% SLO.
  const { defineSlo } = await import('./slo.ts');
  const slo = defineSlo(0.999, 30);
  const rules = workbookRules(slo);
  const span = (ms: number) => ms >= DAY ? `${ms / DAY} d` : `${ms / HOUR} h`;
  console.log('rules: ' + rules.map((r) => `${r.severity} ${r.burnRate}x ` +
    `(${r.budgetSpent * 100}% in ${span(r.longMs)})`).join(', '));
  const monitor = new BurnRateMonitor(slo);
  const start = 3 * DAY; // three quiet days first, so every window is full
  for (let t = 0; t < start; t += MINUTE) monitor.record(t, 1000, 0);
  const clock = (t: number) => new Date(t - start).toISOString().slice(11, 16);
  let was = 'none';
  let longOnly = false;
  for (let t = start; t <= start + 3 * HOUR; t += MINUTE) {
    const minute = (t - start) / MINUTE; // minute 61 is 01:00-01:01
    if (minute > 0) { // the minute that just ended: 1,000 requests
      const errors = minute > 60 && minute <= 70 ? 150 : 0;
      monitor.record(t - MINUTE, 1000 - errors, errors);
    }
    const now = notification(monitor.firing(rules, t));
    if (now !== was) {
      const long = monitor.burnRate(HOUR, t).toFixed(1);
      const short = monitor.burnRate(5 * MINUTE, t).toFixed(1);
      console.log(`${clock(t)} ${now === 'none' ? 'resolved' : now}: ` +
        `burn 1 h ${long}x, 5 min ${short}x`);
      was = now;
    }
    const high = monitor.burnRate(HOUR, t) > rules[0]!.burnRate;
    if (longOnly && !high) {
      console.log(`${clock(t)} a 1 h window alone would resolve only now`);
    }
    longOnly = high;
  }
}
