/**
 * A fake CouponRepository: a working implementation kept in two Maps. Unlike
 * a mock it has behaviour, including the uniqueness rule the database
 * enforces, and it passes the same contract tests as the PostgreSQL store
 * (coupon-repository-contract.ts), which is what makes it safe to trust.
 */
import {
  AlreadyRedeemedError, type CouponRepository, type Redemption,
  type StoredCoupon,
} from './redeem-coupon.ts';

// #region fake
export class InMemoryCoupons implements CouponRepository {
  readonly #coupons = new Map<string, StoredCoupon>();
  readonly #redemptions = new Map<string, Redemption>(); // key: code + user

  constructor(coupons: StoredCoupon[] = []) {
    for (const c of coupons) this.#coupons.set(c.code, structuredClone(c));
  }
  async find(code: string) {
    const found = this.#coupons.get(code);
    return found && structuredClone(found); // callers can't edit our copy
  }
  async countRedemptions(code: string) {
    return this.redemptions().filter((r) => r.code === code).length;
  }
  async recordRedemption(redemption: Redemption) {
    const key = JSON.stringify([redemption.code, redemption.userId]);
    if (this.#redemptions.has(key)) throw new AlreadyRedeemedError(key);
    if (!this.#coupons.has(redemption.code)) { // like a foreign key
      throw new Error(`no coupon ${redemption.code}`);
    }
    this.#redemptions.set(key, structuredClone(redemption));
  }
  /** For assertions: what is stored, in insertion order. */
  redemptions(): Redemption[] {
    return [...this.#redemptions.values()].map((r) => structuredClone(r));
  }
}
// #endregion fake
