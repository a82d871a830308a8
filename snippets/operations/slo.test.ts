import { describe, expect, it } from 'vitest';
import {
  budgetStatus, classify, defineSlo, errorBudget, outageMinutes,
} from './slo.ts';

describe('SLO arithmetic', () => {
  it('turns 99.9% over 30 days into a 0.1% budget, 43.2 minutes', () => {
    const slo = defineSlo(0.999);
    expect(errorBudget(slo)).toBe(0.001);
    expect(outageMinutes(slo)).toBe(43.2);
    expect(outageMinutes(defineSlo(0.9999, 28))).toBe(4.032);
  });

  it('reports the SLI and the budget left, including overspend', () => {
    const slo = defineSlo(0.999);
    expect(budgetStatus(slo, 1_998_500, 1_500))
      .toEqual({ sli: 0.99925, remaining: expect.closeTo(0.25, 9) });
    expect(budgetStatus(slo, 998_000, 2_000).remaining).toBeCloseTo(-1, 9);
    expect(budgetStatus(slo, 999, 1).remaining).toBeCloseTo(0, 9);
    expect(budgetStatus(slo, 0, 0)).toEqual({ sli: 1, remaining: 1 });
  });

  it('counts 5xx and slow answers as bad and leaves 4xx out', () => {
    expect(classify(500, 1, 300)).toBe('bad');
    expect(classify(503, 1, 300)).toBe('bad');
    expect(classify(200, 301, 300)).toBe('bad');
    expect(classify(200, 300, 300)).toBe('good');
    expect(classify(201, 5, 300)).toBe('good');
    expect(classify(404, 900, 300)).toBe('excluded');
    expect(classify(429, 1, 300)).toBe('excluded');
  });

  it('rejects impossible objectives, periods and counts', () => {
    for (const o of [0, 1, 1.5, -0.1, Number.NaN, 99.9]) {
      expect(() => defineSlo(o)).toThrow(/objective must be/);
    }
    for (const d of [0, 1.5, 367]) {
      expect(() => defineSlo(0.99, d)).toThrow(/periodDays/);
    }
    const slo = defineSlo(0.99);
    for (const [g, b] of [[-1, 0], [0, 0.5], [Number.NaN, 1], [2 ** 60, 0]]) {
      expect(() => budgetStatus(slo, g!, b!)).toThrow(/whole numbers/);
    }
  });
});
