import { describe, expect, it } from 'vitest';
import { redeemCoupon } from './redeem-coupon.ts';
import { INPUT, redeemCases, world } from './redeem-coupon-cases.ts';

describe('redeemCoupon, table-driven', () => {
  it.each(redeemCases)('$name', async ({ given, input, want, stored }) => {
    const { deps, repo, seeded } = world(given);
    await seeded;
    expect(await redeemCoupon(deps, { ...INPUT, ...input })).toEqual(want);
    expect(await repo.countRedemptions('SUMMER10')).toBe(stored);
  });

  it('stores what it charged, stamped with the injected clock', async () => {
    const { deps, repo } = world({ at: '2026-08-20T09:30:00Z' });
    await redeemCoupon(deps, INPUT);
    expect(repo.redemptions()).toEqual([{ code: 'SUMMER10', userId: 'ana',
      orderId: 'o-1', discountCents: 500,
      redeemedAt: new Date('2026-08-20T09:30:00Z') }]);
  });
});
