/**
 * The pure core of coupon pricing: what a coupon takes off a subtotal at a
 * given instant. No clock, database or network inside: the time comes in as
 * an argument, so a unit test can name any instant it wants.
 */

export interface Coupon {
  code: string;
  /** `percent`: value is 1–100; `fixed`: value is cents off. */
  kind: 'percent' | 'fixed';
  value: number;
  /** The first instant at which the coupon no longer works. */
  expiresAt: Date;
  minSubtotalCents: number;
}

export type Quote =
  | { ok: true; discountCents: number; totalCents: number }
  | { ok: false; reason: 'expired' | 'below-minimum' };

const isCents = (n: number) => Number.isSafeInteger(n) && n >= 0;

// #region apply-coupon
/** What `coupon` takes off `subtotalCents` at `now`. Amounts in cents. */
export function applyCoupon(coupon: Coupon, subtotalCents: number,
  now: Date): Quote {
  if (!isCents(subtotalCents)) {
    throw new RangeError(
      `subtotalCents must be a whole number of cents >= 0: ${subtotalCents}`);
  }
  checkCoupon(coupon);
  if (now.getTime() >= coupon.expiresAt.getTime()) {
    return { ok: false, reason: 'expired' };
  }
  if (subtotalCents < coupon.minSubtotalCents) {
    return { ok: false, reason: 'below-minimum' };
  }
  const off = coupon.kind === 'percent'
    ? percentOf(subtotalCents, coupon.value) // rounds down
    : Math.min(coupon.value, subtotalCents); // never below zero
  return { ok: true, discountCents: off, totalCents: subtotalCents - off };
}
// #endregion apply-coupon

/** Exact even where `subtotal * percent` would pass 2^53 as a float. */
function percentOf(cents: number, percent: number): number {
  return Number((BigInt(cents) * BigInt(percent)) / 100n);
}

/** A coupon that could never be right is a bug upstream: say which field. */
function checkCoupon({ code, kind, value, expiresAt, minSubtotalCents }:
  Coupon): void {
  const bad = (what: string) =>
    new RangeError(`coupon ${JSON.stringify(code)}: ${what}`);
  if (kind === 'percent') {
    if (!Number.isInteger(value) || value < 1 || value > 100) {
      throw bad(`percent value must be an integer 1-100: ${value}`);
    }
  } else if (kind === 'fixed') {
    if (!isCents(value) || value === 0) {
      throw bad(`fixed value must be whole cents > 0: ${value}`);
    }
  } else {
    throw bad(`unknown kind ${JSON.stringify(kind)}`);
  }
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw bad('expiresAt is not a valid date');
  }
  if (!isCents(minSubtotalCents)) {
    throw bad(`minSubtotalCents must be whole cents >= 0: ${minSubtotalCents}`);
  }
}

if (import.meta.main) {
  const summer: Coupon = { code: 'SUMMER10', kind: 'percent', value: 10,
    expiresAt: new Date('2026-09-01T00:00:00Z'), minSubtotalCents: 2000 };
  for (const [subtotal, at] of [[4999, '2026-08-31T23:59:59.999Z'],
    [4999, '2026-09-01T00:00:00Z'], [1999, '2026-08-01T00:00:00Z']] as const) {
    console.log(`${subtotal} at ${at} ->`,
      JSON.stringify(applyCoupon(summer, subtotal, new Date(at))));
  }
}
