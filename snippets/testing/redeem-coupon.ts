/**
 * A service function: redeem a coupon for an order. It owns the business
 * rules and the order they apply in; the repository owns storage and the
 * one rule only storage can enforce under concurrency (one redemption per
 * user and coupon). Both the clock and the repository are passed in, so a
 * unit test runs it with a fixed instant and an in-memory fake.
 */
import { applyCoupon, type Coupon } from './coupon.ts';

export interface StoredCoupon extends Coupon {
  /** null: no limit. */
  maxRedemptions: number | null;
}
export interface Redemption {
  code: string; userId: string; orderId: string;
  discountCents: number; redeemedAt: Date;
}
/** Thrown by recordRedemption when this user already redeemed the code. */
export class AlreadyRedeemedError extends Error {
  override name = 'AlreadyRedeemedError';
}

// #region ports
export interface CouponRepository {
  find(code: string): Promise<StoredCoupon | undefined>;
  countRedemptions(code: string): Promise<number>;
  /** Throws AlreadyRedeemedError if (code, userId) is already stored. */
  recordRedemption(redemption: Redemption): Promise<void>;
}
export interface RedeemDeps {
  coupons: CouponRepository;
  now: () => Date; // () => new Date() in production
}
// #endregion ports

export interface RedeemInput {
  code: string; userId: string; orderId: string; subtotalCents: number;
}
export type RedeemResult =
  | { ok: true; code: string; discountCents: number; totalCents: number }
  | { ok: false; reason: 'unknown-code' | 'expired' | 'below-minimum'
      | 'sold-out' | 'already-redeemed' };

const CODE = /^[A-Z0-9-]{3,32}$/;
const ID = /^[\w-]{1,64}$/;

// #region redeem
export async function redeemCoupon({ coupons, now }: RedeemDeps,
  input: RedeemInput): Promise<RedeemResult> {
  checkInput(input);
  const code = input.code.trim().toUpperCase(); // " summer10" is SUMMER10
  const coupon = CODE.test(code) ? await coupons.find(code) : undefined;
  if (!coupon) return { ok: false, reason: 'unknown-code' };

  const redeemedAt = now(); // read once: every rule sees the same instant
  const quote = applyCoupon(coupon, input.subtotalCents, redeemedAt);
  if (!quote.ok) return quote;
  if (coupon.maxRedemptions !== null
    && await coupons.countRedemptions(code) >= coupon.maxRedemptions) {
    return { ok: false, reason: 'sold-out' };
  }
  try {
    await coupons.recordRedemption({ code, userId: input.userId,
      orderId: input.orderId, discountCents: quote.discountCents,
      redeemedAt });
  } catch (error) {
    if (error instanceof AlreadyRedeemedError) {
      return { ok: false, reason: 'already-redeemed' };
    }
    throw error; // a lost connection is not a business answer
  }
  return { ok: true, code, discountCents: quote.discountCents,
    totalCents: quote.totalCents };
}
// #endregion redeem

/** Input the caller should have validated: a bug, so throw and say which. */
function checkInput({ code, userId, orderId, subtotalCents }:
  RedeemInput): void {
  if (typeof code !== 'string' || code.length > 64) {
    throw new TypeError('code must be a string of at most 64 characters');
  }
  if (!ID.test(userId)) throw new TypeError('userId must match [\\w-]{1,64}');
  if (!ID.test(orderId)) {
    throw new TypeError('orderId must match [\\w-]{1,64}');
  }
  if (!Number.isSafeInteger(subtotalCents) || subtotalCents < 0) {
    throw new RangeError(
      `subtotalCents must be a whole number of cents >= 0: ${subtotalCents}`);
  }
}
