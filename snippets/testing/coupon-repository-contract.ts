/**
 * Contract tests every CouponRepository must pass: the in-memory fake and
 * the PostgreSQL store run the same ones. A fake that passes them behaves
 * like the real thing where the service can tell, so unit tests that use
 * it prove something. Tests only: it registers Vitest tests, so no demo may
 * import it.
 */
import { describe, expect, it } from 'vitest';
import {
  AlreadyRedeemedError, type CouponRepository, type Redemption,
  type StoredCoupon,
} from './redeem-coupon.ts';

export const CONTRACT_COUPON: StoredCoupon = {
  code: 'SUMMER10', kind: 'percent', value: 10,
  expiresAt: new Date('2026-09-01T00:00:00Z'), minSubtotalCents: 2000,
  maxRedemptions: 2,
};
const use = (userId: string): Redemption => ({ code: 'SUMMER10', userId,
  orderId: `o-${userId}`, discountCents: 500,
  redeemedAt: new Date('2026-08-01T12:00:00Z') });

// #region contract
export function couponRepositoryContract(name: string,
  make: (coupons: StoredCoupon[]) => Promise<CouponRepository>): void {
  describe(`${name} keeps the CouponRepository contract`, () => {
    it('finds a coupon as it was stored, and nothing for other codes',
      async () => {
        const repo = await make([CONTRACT_COUPON]);
        expect(await repo.find('SUMMER10')).toEqual(CONTRACT_COUPON);
        expect(await repo.find('summer10')).toBeUndefined();
      });
    it('counts redemptions per code', async () => {
      const repo = await make([CONTRACT_COUPON]);
      await repo.recordRedemption(use('ana'));
      await repo.recordRedemption(use('bo'));
      expect(await repo.countRedemptions('SUMMER10')).toBe(2);
      expect(await repo.countRedemptions('OTHER')).toBe(0);
    });
    it('refuses a second redemption by the same user', async () => {
      const repo = await make([CONTRACT_COUPON]);
      await repo.recordRedemption(use('ana'));
      await expect(repo.recordRedemption({ ...use('ana'), orderId: 'o-2' }))
        .rejects.toBeInstanceOf(AlreadyRedeemedError);
      expect(await repo.countRedemptions('SUMMER10')).toBe(1);
    });
    it('refuses a redemption of a code that does not exist', async () => {
      const repo = await make([]);
      await expect(repo.recordRedemption(use('ana'))).rejects.toThrow();
      await expect(repo.recordRedemption(use('ana'))).rejects.not
        .toBeInstanceOf(AlreadyRedeemedError);
    });
  });
}
// #endregion contract
