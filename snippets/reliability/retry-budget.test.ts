import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.ts';

describe('retry budget (gRPC retry throttling)', () => {
  it('starts full and allows retries', () => {
    const budget = new RetryBudget();
    expect(budget.tokens).toBe(10);
    expect(budget.canRetry()).toBe(true);
  });

  it('stops retries once the count is at or below half', () => {
    const budget = new RetryBudget({ maxTokens: 10 });
    for (let i = 0; i < 4; i++) budget.recordFailure();
    expect(budget.tokens).toBe(6);
    expect(budget.canRetry()).toBe(true);
    budget.recordFailure();
    expect(budget.tokens).toBe(5); // exactly half: throttled
    expect(budget.canRetry()).toBe(false);
  });

  it('never goes below zero or above the maximum', () => {
    const budget = new RetryBudget({ maxTokens: 3 });
    for (let i = 0; i < 100; i++) budget.recordFailure();
    expect(budget.tokens).toBe(0);
    for (let i = 0; i < 1000; i++) budget.recordSuccess();
    expect(budget.tokens).toBe(3);
  });

  it('earns retries back through successes, exactly (no float drift)', () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
    for (let i = 0; i < 10; i++) budget.recordFailure();
    for (let i = 0; i < 50; i++) budget.recordSuccess();
    expect(budget.tokens).toBe(5); // 50 × 0.1, not 4.999…
    expect(budget.canRetry()).toBe(false);
    budget.recordSuccess();
    expect(budget.tokens).toBe(5.1);
    expect(budget.canRetry()).toBe(true);
  });

  it('ignores decimal places of tokenRatio beyond the third, as gRPC does', () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.5466 });
    for (let i = 0; i < 10; i++) budget.recordFailure();
    budget.recordSuccess();
    expect(budget.tokens).toBe(0.546);
  });

  it('rejects out-of-range settings', () => {
    for (const maxTokens of [0, 1001, 2.5, Number.NaN]) {
      expect(() => new RetryBudget({ maxTokens })).toThrow(/maxTokens must be 1-1000/);
    }
    for (const tokenRatio of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RetryBudget({ tokenRatio })).toThrow(/tokenRatio must be in/);
    }
  });
});
