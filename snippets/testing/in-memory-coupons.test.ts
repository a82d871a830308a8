import { describe, expect, it } from 'vitest';
import {
  CONTRACT_COUPON, couponRepositoryContract,
} from './coupon-repository-contract.ts';
import { InMemoryCoupons } from './in-memory-coupons.ts';

couponRepositoryContract('InMemoryCoupons',
  async (coupons) => new InMemoryCoupons(coupons));

describe('InMemoryCoupons', () => {
  it('hands out copies: editing a found coupon changes nothing stored',
    async () => {
      const repo = new InMemoryCoupons([CONTRACT_COUPON]);
      const found = (await repo.find('SUMMER10'))!;
      found.value = 100;
      found.expiresAt.setFullYear(2100);
      expect(await repo.find('SUMMER10')).toEqual(CONTRACT_COUPON);
    });

  it('does not confuse users whose ids would join to the same key',
    async () => {
      const repo = new InMemoryCoupons([{ ...CONTRACT_COUPON, code: 'AB' },
        { ...CONTRACT_COUPON, code: 'A' }]);
      const base = { orderId: 'o', discountCents: 1, redeemedAt: new Date(0) };
      await repo.recordRedemption({ ...base, code: 'AB', userId: 'C' });
      await repo.recordRedemption({ ...base, code: 'A', userId: 'BC' });
      expect(repo.redemptions()).toHaveLength(2);
    });
});
