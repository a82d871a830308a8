import { describe, expect, it } from 'vitest';
import {
  type LoadStep, type PlanInput, capacityAtSlo, inFlight, mm1, planCapacity,
} from './capacity.ts';

const plan = (over: Partial<PlanInput> = {}) => planCapacity({
  peakRps: 3_470, perInstanceRps: 100, targetUtilization: 1, spares: 2,
  domains: 1, domainLosses: 0, ...over,
});

describe('planCapacity', () => {
  it('reproduces the SRE book: 3,470 QPS at 100 per task is N+2 = 37', () => {
    const p = plan();
    expect(p.perDomainNeeded).toBe(35);
    expect(p.total).toBe(37);
  });

  it('reproduces its per-region split: 17, 16, 6, and 4 with N+1', () => {
    expect(plan({ peakRps: 1_430 }).total).toBe(17); // North America
    expect(plan({ peakRps: 1_400 }).total).toBe(16); // Europe and Africa
    expect(plan({ peakRps: 350 }).total).toBe(6); // Asia and Australia
    expect(plan({ peakRps: 290 }).total).toBe(5); // South America, N+2
    expect(plan({ peakRps: 290, spares: 1 }).total).toBe(4); // ...N+1
  });

  it('works the page example: 30 instances naively, 66 with headroom', () => {
    const naive = plan({ peakRps: 12_000, perInstanceRps: 400, spares: 0 });
    expect(naive.total).toBe(30);
    const safe = plan({ peakRps: 12_000, perInstanceRps: 400,
      targetUtilization: 0.75, spares: 2, domains: 3, domainLosses: 1 });
    expect(safe).toEqual({ budgetRps: 300, perDomainRps: 6_000,
      perDomainNeeded: 20, perDomain: 22, total: 66 });
  });

  it('sizes each surviving region for its share of the whole peak', () => {
    const regions = plan({ peakRps: 9_000, perInstanceRps: 100, spares: 0,
      domains: 3, domainLosses: 1 });
    expect(regions.perDomainRps).toBe(4_500); // not 3,000
    expect(regions.total).toBe(135); // 45 per region, 90 without the loss
    expect(plan({ peakRps: 9_000, perInstanceRps: 100, spares: 0,
      domains: 3 }).total).toBe(90);
  });

  it('rounds up, but not because of floating-point dust', () => {
    // 100 × 0.29 is 28.999999999999996, and 290 / that is 10.000000000000002
    expect(plan({ peakRps: 290, targetUtilization: 0.29, spares: 0 })
      .perDomainNeeded).toBe(10);
    expect(plan({ peakRps: 291, targetUtilization: 0.29, spares: 0 })
      .perDomainNeeded).toBe(11);
    expect(plan({ peakRps: 3_401, spares: 0 }).total).toBe(35);
  });

  it('rejects inputs that make no plan', () => {
    const bad: [Partial<PlanInput>, RegExp][] = [
      [{ peakRps: -1 }, /peakRps must be a positive number/],
      [{ peakRps: Number.NaN }, /peakRps/],
      [{ perInstanceRps: 0 }, /perInstanceRps/],
      [{ targetUtilization: 0 }, /targetUtilization must be in \(0, 1\]/],
      [{ targetUtilization: 1.2 }, /targetUtilization/],
      [{ spares: -1 }, /spares must be an integer >= 0/],
      [{ spares: 1.5 }, /spares/],
      [{ domains: 0 }, /domains must be an integer >= 1/],
      [{ domains: 2, domainLosses: 2 }, /cannot lose 2 of 2 domains/],
      [{ domainLosses: -1 }, /domainLosses/],
    ];
    for (const [over, message] of bad) {
      expect(() => plan(over)).toThrow(message);
    }
  });
});

describe('capacityAtSlo', () => {
  const slo = { p99Ms: 300, maxErrorRate: 0.001 };
  const step = (rps: number, p99Ms: number, errorRate = 0): LoadStep =>
    ({ rps, p99Ms, errorRate });

  it('takes the highest rate below the knee, in any input order', () => {
    expect(capacityAtSlo([step(500, 1_900, 0.02), step(100, 40),
      step(400, 210), step(200, 55), step(300, 90)], slo)).toBe(400);
  });

  it('includes a rate exactly at the objective and stops at the first miss', () => {
    expect(capacityAtSlo([step(100, 300), step(200, 301)], slo)).toBe(100);
    // A noisy step that passes again above a miss does not count.
    expect(capacityAtSlo([step(100, 50), step(200, 400), step(300, 90)], slo))
      .toBe(100);
  });

  it('does not count a rate that missed in any of its repeated runs', () => {
    const runs = [step(100, 50), step(200, 90), step(200, 400, 0)];
    expect(capacityAtSlo(runs, slo)).toBe(100);
    expect(capacityAtSlo([...runs].reverse(), slo)).toBe(100);
    expect(capacityAtSlo([step(200, 90), step(200, 95), step(100, 50)], slo))
      .toBe(200);
  });

  it('treats errors above the budget as a miss, however fast', () => {
    expect(capacityAtSlo([step(100, 20), step(200, 25, 0.05)], slo)).toBe(100);
    expect(capacityAtSlo([step(100, 20, 0.001)], slo)).toBe(100);
  });

  it('refuses to invent a capacity', () => {
    expect(() => capacityAtSlo([step(100, 500)], slo))
      .toThrow(/lowest tested rate already misses the SLO/);
    expect(() => capacityAtSlo([], slo)).toThrow(/no load-test steps/);
    expect(() => capacityAtSlo([step(-5, 10)], slo)).toThrow(/step rps/);
    expect(() => capacityAtSlo([step(5, 10, 2)], slo)).toThrow(/errorRate/);
    expect(() => capacityAtSlo([step(5, 10)], { p99Ms: 0, maxErrorRate: 0 }))
      .toThrow(/slo.p99Ms/);
    expect(() => capacityAtSlo([step(5, 10)], { p99Ms: 9, maxErrorRate: 1 }))
      .toThrow(/maxErrorRate/);
  });
});

describe("Little's law and the M/M/1 queue", () => {
  it('gives requests in flight as rate times mean time in the system', () => {
    expect(inFlight(12_000, 0.08)).toBe(960);
    expect(inFlight(300, 0.05)).toBeCloseTo(15, 10);
    expect(() => inFlight(-1, 0.1)).toThrow(/arrivalsPerSecond/);
    expect(() => inFlight(10, 0)).toThrow(/meanSeconds/);
  });

  it('makes the wait grow as ρ / (1 − ρ) times the service time', () => {
    const wait = (rps: number) => mm1(rps, 0.01).waitSeconds / 0.01;
    expect(wait(50)).toBeCloseTo(1, 9); // 50% busy: wait one service time
    expect(wait(75)).toBeCloseTo(3, 9);
    expect(wait(90)).toBeCloseTo(9, 9);
    expect(wait(95)).toBeCloseTo(19, 9);
    expect(mm1(90, 0.01).responseSeconds).toBeCloseTo(0.1, 12);
  });

  it("agrees with Little's law: L = λ × W", () => {
    for (const rps of [10, 50, 80, 99]) {
      const q = mm1(rps, 0.01);
      expect(q.inSystem).toBeCloseTo(rps * q.responseSeconds, 9);
    }
  });

  it('rejects a queue at or over 100% utilization', () => {
    expect(() => mm1(100, 0.01)).toThrow(/utilization 1.000 >= 1/);
    expect(() => mm1(150, 0.01)).toThrow(/grows without bound/);
    expect(() => mm1(0, 0.01)).toThrow(/arrivalsPerSecond/);
    expect(() => mm1(10, -1)).toThrow(/serviceSeconds/);
  });
});
