import { describe, expect, it } from 'vitest';
import { applyCoupon, type Coupon } from './coupon.ts';
import { FIVE_OFF, SUMMER10 } from './coupon-cases.ts';

const BEFORE = new Date('2026-08-01T00:00:00Z');

describe('applyCoupon', () => {
  it('is pure: same arguments, same answer, input untouched', () => {
    const coupon = structuredClone(SUMMER10);
    const first = applyCoupon(coupon, 5000, BEFORE);
    expect(applyCoupon(coupon, 5000, BEFORE)).toEqual(first);
    expect(coupon).toEqual(SUMMER10);
  });

  it('works up to the last millisecond and not at expiresAt', () => {
    const at = (ms: number) => new Date(SUMMER10.expiresAt.getTime() + ms);
    expect(applyCoupon(SUMMER10, 5000, at(-1)).ok).toBe(true);
    expect(applyCoupon(SUMMER10, 5000, at(0))).toEqual(
      { ok: false, reason: 'expired' });
    expect(applyCoupon(SUMMER10, 5000, at(1)).ok).toBe(false);
  });

  it('reports expiry before the minimum when both apply', () => {
    expect(applyCoupon(SUMMER10, 1, SUMMER10.expiresAt)).toEqual(
      { ok: false, reason: 'expired' });
  });

  it('takes 100% off without going negative', () => {
    const all: Coupon = { ...SUMMER10, value: 100 };
    expect(applyCoupon(all, 2001, BEFORE)).toEqual(
      { ok: true, discountCents: 2001, totalCents: 0 });
  });

  it('stays exact at the largest safe subtotal', () => {
    const big = Number.MAX_SAFE_INTEGER;
    const quote = applyCoupon(FIVE_OFF, big, BEFORE);
    expect(quote).toEqual({ ok: true, discountCents: 500,
      totalCents: big - 500 });
  });

  it('rounds a percent of a huge subtotal exactly (no float error)', () => {
    const quote = applyCoupon({ ...SUMMER10, value: 97 },
      9007197670972667, BEFORE);
    expect(quote).toMatchObject({ discountCents: 8736981740843486 });
  });

  it.each([-1, 0.5, Number.NaN, Infinity, 2 ** 53])(
    'rejects subtotal %s with a RangeError naming it', (subtotal) => {
      expect(() => applyCoupon(SUMMER10, subtotal, BEFORE))
        .toThrow(/subtotalCents must be a whole number/);
    });

  it.each<[string, Partial<Coupon>, RegExp]>([
    ['percent 0', { value: 0 }, /integer 1-100: 0/],
    ['percent 101', { value: 101 }, /integer 1-100: 101/],
    ['percent 12.5', { value: 12.5 }, /integer 1-100/],
    ['fixed 0', { kind: 'fixed', value: 0 }, /whole cents > 0: 0/],
    ['fixed -5', { kind: 'fixed', value: -5 }, /whole cents > 0/],
    ['unknown kind', { kind: 'bogo' as Coupon['kind'] }, /unknown kind "bogo"/],
    ['invalid date', { expiresAt: new Date('nope') }, /not a valid date/],
    ['negative minimum', { minSubtotalCents: -1 }, /minSubtotalCents/],
  ])('rejects a coupon with %s', (_name, change, message) => {
    expect(() => applyCoupon({ ...SUMMER10, ...change }, 5000, BEFORE))
      .toThrow(message);
  });
});
