import { describe, expect, it } from 'vitest';
import { applyCoupon } from './coupon.ts';
import { couponCases } from './coupon-cases.ts';

describe('applyCoupon, table-driven', () => {
  it.each(couponCases)('$name', ({ coupon, subtotal, at, want }) => {
    expect(applyCoupon(coupon, subtotal, new Date(at))).toEqual(want);
  });

  it('has unique case names, so a failure points at one row', () => {
    const names = couponCases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
