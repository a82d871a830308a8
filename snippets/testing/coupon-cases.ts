/**
 * The table that drives applyCoupon's unit test (coupon-cases.test.ts runs
 * one Vitest test per row). It lives in a module of its own so the answer
 * page can show it: each row is an example a reviewer can read and argue
 * with, and a new edge case is one more line.
 */
import type { Coupon, Quote } from './coupon.ts';

export const SUMMER10: Coupon = {
  code: 'SUMMER10', kind: 'percent', value: 10,
  expiresAt: new Date('2026-09-01T00:00:00Z'), minSubtotalCents: 2000,
};
export const FIVE_OFF: Coupon = {
  code: 'FIVEOFF', kind: 'fixed', value: 500,
  expiresAt: new Date('2026-09-01T00:00:00Z'), minSubtotalCents: 0,
};

export interface CouponCase {
  name: string; coupon: Coupon; subtotal: number; at: string; want: Quote;
}

// #region cases
const BEFORE = '2026-08-31T23:59:59.999Z'; // 1 ms before expiry
const AT_EXPIRY = '2026-09-01T00:00:00.000Z';

export const couponCases: CouponCase[] = [
  { name: '10% of 50.00', coupon: SUMMER10, subtotal: 5000, at: BEFORE,
    want: { ok: true, discountCents: 500, totalCents: 4500 } },
  { name: 'rounds the discount down', coupon: SUMMER10, subtotal: 4999,
    at: BEFORE, want: { ok: true, discountCents: 499, totalCents: 4500 } },
  { name: 'minimum is inclusive', coupon: SUMMER10, subtotal: 2000,
    at: BEFORE, want: { ok: true, discountCents: 200, totalCents: 1800 } },
  { name: 'one cent under the minimum', coupon: SUMMER10, subtotal: 1999,
    at: BEFORE, want: { ok: false, reason: 'below-minimum' } },
  { name: 'expired at the exact instant', coupon: SUMMER10, subtotal: 5000,
    at: AT_EXPIRY, want: { ok: false, reason: 'expired' } },
  { name: 'fixed amount never goes below 0', coupon: FIVE_OFF, subtotal: 300,
    at: BEFORE, want: { ok: true, discountCents: 300, totalCents: 0 } },
  { name: 'empty cart', coupon: FIVE_OFF, subtotal: 0, at: BEFORE,
    want: { ok: true, discountCents: 0, totalCents: 0 } },
];
// #endregion cases
