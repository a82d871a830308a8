import { describe, expect, it } from 'vitest';
import {
  BurnRateMonitor, DAY, HOUR, MINUTE, notification, workbookRules,
  type AlertRule,
} from './burn-rate.ts';
import { defineSlo } from './slo.ts';

const slo = defineSlo(0.999, 30);
const rules = workbookRules(slo);

/** A monitor with `days` of clean traffic, 1,000 requests a minute. */
function quietFor(days: number, perMinute = 1000) {
  const m = new BurnRateMonitor(slo);
  for (let t = 0; t < days * DAY; t += MINUTE) m.record(t, perMinute, 0);
  return m;
}

/** Replays minutes from `start`; `errors(i)` for minute i (0-based). */
function replay(m: BurnRateMonitor, start: number, minutes: number,
  errors: (i: number) => number, check: (t: number) => void, per = 1000) {
  for (let i = 0; i < minutes; i++) {
    const e = errors(i);
    m.record(start + i * MINUTE, per - e, e);
    check(start + (i + 1) * MINUTE);
  }
}

const severities = (m: BurnRateMonitor, t: number, r: AlertRule[] = rules) =>
  m.firing(r, t).map((f) => `${f.rule.severity}@${f.rule.longMs / HOUR}h`);

describe('the Workbook rules', () => {
  it('derive 14.4x, 6x and 1x with windows 1h/5m, 6h/30m, 3d/6h', () => {
    expect(rules.map((r) => [r.severity, r.burnRate, r.longMs, r.shortMs]))
      .toEqual([['page', 14.4, HOUR, 5 * MINUTE],
        ['page', 6, 6 * HOUR, 30 * MINUTE],
        ['ticket', 1, 3 * DAY, 6 * HOUR]]);
    // on a 28-day SLO the same shares of budget are lower burn rates
    expect(workbookRules(defineSlo(0.999, 28))[0]!.burnRate).toBe(13.44);
  });
});

describe('BurnRateMonitor with synthetic traffic', () => {
  it('fast burn, 15% for 10 min: pages at 01:06, resolves at 01:15', () => {
    const m = quietFor(3);
    const start = 3 * DAY;
    const events: string[] = [];
    let was = 'none';
    // 15% errors in minutes 60-69, i.e. from 01:00 to 01:10
    replay(m, start, 180, (i) => (i >= 60 && i < 70 ? 150 : 0), (t) => {
      const now = notification(m.firing(rules, t));
      if (now !== was) events.push(`${(t - start) / MINUTE}:${now}`);
      was = now;
    });
    expect(events).toEqual(['66:page', '75:none']);
  });

  it('the long window alone would keep firing 55 minutes after the end',
    () => {
      const longOnly = rules.map((r) => ({ ...r, shortMs: r.longMs }));
      const m = quietFor(3);
      const start = 3 * DAY;
      const on: number[] = [];
      replay(m, start, 180, (i) => (i >= 60 && i < 70 ? 150 : 0), (t) => {
        if (m.firing(longOnly, t).length > 0) on.push((t - start) / MINUTE);
      });
      expect([on[0], on.at(-1)! + 1]).toEqual([66, 125]);
    });

  it('slow burn: 0.7% errors page on the 6 h rule after 309 minutes', () => {
    const m = quietFor(3);
    const start = 3 * DAY;
    let first = -1;
    replay(m, start, 320, () => 7, (t) => { // burn 7x: under 14.4, over 6
      const s = severities(m, t);
      expect(s).not.toContain('page@1h');
      if (first < 0 && s.includes('page@6h')) first = (t - start) / MINUTE;
    });
    // 7 * k / 360 > 6 first holds at k = 309
    expect(first).toBe(309);
  });

  it('a steady 0.15% opens a ticket once 2/3 of 3 days burned', () => {
    const m = quietFor(3, 2000);
    const start = 3 * DAY;
    const burn = (from: number, to: number) => {
      for (let i = from; i < to; i++) m.record(start + i * MINUTE, 1997, 3);
    };
    // 1.5x for k of the last 4,320 minutes: over 1x once k > 2,880
    burn(0, 2879);
    expect(severities(m, start + 2879 * MINUTE)).toEqual([]);
    burn(2879, 2881);
    expect(severities(m, start + 2881 * MINUTE)).toEqual(['ticket@72h']);
    expect(notification(m.firing(rules, start + 2881 * MINUTE)))
      .toBe('ticket');
  });

  it('a burn that trips every rule sends one page, not a page and a ticket',
    () => {
      const m = new BurnRateMonitor(slo);
      for (let t = 0; t < 3 * DAY; t += MINUTE) m.record(t, 850, 150);
      const firing = m.firing([...rules].reverse(), 3 * DAY); // ticket first
      expect(firing.map((f) => f.rule.severity))
        .toEqual(['ticket', 'page', 'page']);
      expect(notification(firing)).toBe('page');
    });

  it('a short spike that ends before 2% is spent never pages', () => {
    const m = quietFor(3);
    replay(m, 3 * DAY, 120, (i) => (i >= 60 && i < 65 ? 150 : 0), (t) => {
      expect(m.firing(rules, t)).toEqual([]);
    });
  });

  it('counts whole buckets before now, including a partial current one', () => {
    const m = new BurnRateMonitor(slo);
    m.record(0, 10, 0);
    m.record(4 * MINUTE + 59_999, 0, 10); // bucket 4
    expect(m.totals(5 * MINUTE, 5 * MINUTE)).toEqual({ good: 10, bad: 10 });
    expect(m.totals(5 * MINUTE, 5 * MINUTE + 1)).toEqual({ good: 0, bad: 10 });
    expect(m.burnRate(5 * MINUTE, 5 * MINUTE)).toBe(500);
  });

  it('forgets what is older than its retention, in bounded memory', () => {
    const m = new BurnRateMonitor(slo, { retentionMs: HOUR });
    m.record(0, 0, 100);
    m.record(HOUR, 100, 0); // reuses the slot of minute 0
    expect(m.record(0, 0, 100)).toBe(false); // late data for a lost slot
    expect(m.totals(HOUR, HOUR + MINUTE)).toEqual({ good: 100, bad: 0 });
  });

  it('a silent hour reads as no traffic, not as an hour ago', () => {
    const m = new BurnRateMonitor(slo, { retentionMs: HOUR });
    m.record(0, 0, 100); // minute 0 failed; nothing recorded since
    expect(m.totals(HOUR, 2 * HOUR)).toEqual({ good: 0, bad: 0 });
    expect(m.burnRate(HOUR, 2 * HOUR)).toBe(0);
  });

  it('judges nothing on too little traffic', () => {
    const m = new BurnRateMonitor(slo, { minEvents: 100 });
    m.record(0, 0, 10); // 10 of 10 failed: 1,000x, but only 10 requests
    expect(m.burnRate(5 * MINUTE, MINUTE)).toBe(0);
    const n = new BurnRateMonitor(slo);
    expect(n.burnRate(5 * MINUTE, MINUTE)).toBe(0); // no traffic, no NaN
    n.record(0, 0, 1);
    expect(n.burnRate(5 * MINUTE, MINUTE)).toBe(1000);
  });

  it('rejects bad counts, times, windows and sizes', () => {
    const m = new BurnRateMonitor(slo);
    expect(() => m.record(-1, 1, 0)).toThrow(/time in ms/);
    expect(() => m.record(Number.NaN, 1, 0)).toThrow(/time in ms/);
    expect(() => m.record(0, -1, 0)).toThrow(/whole numbers/);
    expect(() => m.record(0, 1, 0.5)).toThrow(/whole numbers/);
    expect(() => m.burnRate(90_000, 0)).toThrow(/window must be/);
    expect(() => m.burnRate(4 * DAY, 0)).toThrow(/window must be/);
    expect(() => new BurnRateMonitor(slo, { retentionMs: 90 * DAY }))
      .toThrow(/retentionMs/);
    expect(() => new BurnRateMonitor(slo, { bucketMs: 10 })).toThrow();
    for (const minEvents of [Number.NaN, -1, 0.5]) {
      expect(() => new BurnRateMonitor(slo, { minEvents })).toThrow(/minEvents/);
    }
    expect(() => m.totals(5 * MINUTE, Number.NaN)).toThrow(/now/);
  });
});
