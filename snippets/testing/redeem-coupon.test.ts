import { describe, expect, it, vi } from 'vitest';
import { InMemoryCoupons } from './in-memory-coupons.ts';
import { CONTRACT_COUPON } from './coupon-repository-contract.ts';
import {
  type CouponRepository, redeemCoupon, type RedeemDeps,
} from './redeem-coupon.ts';
import { INPUT, world } from './redeem-coupon-cases.ts';

describe('redeemCoupon', () => {
  it('reads the clock once, so every rule sees one instant', async () => {
    const now = vi.fn()
      .mockReturnValueOnce(new Date('2026-08-31T23:59:59.999Z'))
      .mockReturnValue(new Date('2026-09-01T00:00:00Z'));
    const repo = new InMemoryCoupons([CONTRACT_COUPON]);
    const result = await redeemCoupon({ coupons: repo, now }, INPUT);
    expect(result.ok).toBe(true);
    expect(repo.redemptions()[0]!.redeemedAt)
      .toEqual(new Date('2026-08-31T23:59:59.999Z'));
  });

  it('oversells the last use when two calls interleave (check, then act)',
    async () => {
      // Both calls count before either records: each sees 1 of 2 used.
      // Documents the race the page warns about; the fix belongs in storage.
      const { deps, repo, seeded } = world({ usedBy: ['bo'] });
      await seeded;
      let counted = 0;
      let release = () => {};
      const bothCounted = new Promise<void>((r) => { release = r; });
      const gated: CouponRepository = {
        find: (code) => repo.find(code),
        countRedemptions: async (code) => {
          const n = await repo.countRedemptions(code);
          if (++counted === 2) release();
          await bothCounted;
          return n;
        },
        recordRedemption: (r) => repo.recordRedemption(r),
      };
      const racing = { ...deps, coupons: gated };
      const results = await Promise.all([redeemCoupon(racing, INPUT),
        redeemCoupon(racing, { ...INPUT, userId: 'cy', orderId: 'o-2' })]);
      expect(results.map((r) => r.ok)).toEqual([true, true]);
      expect(await repo.countRedemptions('SUMMER10')).toBe(3); // limit: 2
    });

  it('lets an infrastructure failure through instead of a business answer',
    async () => {
      const { repo } = world();
      const failing: CouponRepository = {
        find: (code) => repo.find(code),
        countRedemptions: (code) => repo.countRedemptions(code),
        recordRedemption: () => Promise.reject(new Error('connection lost')),
      };
      await expect(redeemCoupon({ coupons: failing,
        now: () => new Date('2026-08-15T00:00:00Z') }, INPUT))
        .rejects.toThrow('connection lost');
    });

  it('does not touch the repository for a malformed code', async () => {
    // A stub that fails the test on any call: here, and only here, the
    // interaction is the behaviour (no query for garbage input).
    const untouchable = new Proxy({} as CouponRepository, { get: () => () => {
      throw new Error('repository used');
    } });
    const deps: RedeemDeps = { coupons: untouchable, now: () => new Date(0) };
    await expect(redeemCoupon(deps, { ...INPUT, code: 'no spaces!' }))
      .resolves.toEqual({ ok: false, reason: 'unknown-code' });
  });

  it.each([
    [{ userId: '' }, /userId/], [{ userId: 'a'.repeat(65) }, /userId/],
    [{ orderId: 'o 1' }, /orderId/], [{ code: 'A'.repeat(65) }, /code/],
    [{ subtotalCents: -1 }, /subtotalCents/],
    [{ subtotalCents: 10.5 }, /subtotalCents/],
  ])('rejects bad input %o before anything else', async (change, message) => {
    const { deps, repo } = world();
    await expect(redeemCoupon(deps, { ...INPUT, ...change }))
      .rejects.toThrow(message);
    expect(repo.redemptions()).toEqual([]);
  });

  it('works with a real clock too (fake timers set the system time)',
    async () => {
      vi.useFakeTimers({ now: new Date('2026-08-15T00:00:00Z') });
      try {
        const repo = new InMemoryCoupons([CONTRACT_COUPON]);
        const deps = { coupons: repo, now: () => new Date() };
        expect((await redeemCoupon(deps, INPUT)).ok).toBe(true);
        vi.setSystemTime(new Date('2026-09-01T00:00:00Z'));
        expect(await redeemCoupon(deps, { ...INPUT, userId: 'bo' }))
          .toEqual({ ok: false, reason: 'expired' });
      } finally {
        vi.useRealTimers();
      }
    });
});
