import { describe, expect, it, vi } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  CONTRACT_COUPON, couponRepositoryContract,
} from './coupon-repository-contract.ts';
import { couponStore, SCHEMA } from './coupon-store.ts';
import { AlreadyRedeemedError, type Redemption } from './redeem-coupon.ts';

// A fresh (emptied) database per test: the contract's duplicate test goes
// on querying after an expected error, which a rolled-back-transaction
// test could not (see rollback-per-test.test.ts).
const db = useDatabase(SCHEMA, { reset: 'TRUNCATE redemptions, coupons' });

couponRepositoryContract('couponStore on PostgreSQL', async (coupons) => {
  const store = couponStore(db());
  for (const coupon of coupons) await store.create(coupon);
  return store;
});

const use: Redemption = { code: 'SUMMER10', userId: 'ana', orderId: 'o-1',
  discountCents: 500, redeemedAt: new Date('2026-08-01T12:00:00Z') };

// The same steps against a mocked `query` and against PostgreSQL.
async function redeemTwice(store: ReturnType<typeof couponStore>) {
  await store.create(CONTRACT_COUPON);
  await store.recordRedemption(use);
  await store.recordRedemption({ ...use, orderId: 'o-2' });
}

describe('what a mocked query hides', () => {
  it('a mock lets the same user redeem twice (the test passes)', async () => {
    const query = vi.fn().mockResolvedValue({ rows: [] });
    await expect(redeemTwice(couponStore({ query }))).resolves.toBeUndefined();
    expect(query).toHaveBeenCalledTimes(3);
  });

  it('PostgreSQL refuses the second redemption', async () => {
    await expect(redeemTwice(couponStore(db())))
      .rejects.toBeInstanceOf(AlreadyRedeemedError);
  });

  it('a mock accepts a 150% coupon; the CHECK constraint does not',
    async () => {
      const bad = { ...CONTRACT_COUPON, value: 150 };
      const query = vi.fn().mockResolvedValue({ rows: [] });
      await expect(couponStore({ query }).create(bad)).resolves.toBeUndefined();
      await expect(couponStore(db()).create(bad)).rejects.toMatchObject(
        { code: '23514', constraint: 'coupons_value_in_range' });
    });

  it('a mock answers SQL that PostgreSQL cannot parse', async () => {
    const query = vi.fn().mockResolvedValue({ rows: [{ n: 0 }] });
    const typo = 'SELEC count(*) FROM redemptions';
    await expect(query(typo)).resolves.toEqual({ rows: [{ n: 0 }] });
    await expect(db().query(typo)).rejects.toMatchObject({ code: '42601' });
  });
});

describe('couponStore', () => {
  it('passes other errors through: a missing coupon is a foreign key error',
    async () => {
      const error = await couponStore(db()).recordRedemption(use)
        .catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(AlreadyRedeemedError);
      expect(error).toMatchObject({ code: '23503' });
    });

  it('keeps the database error as the cause of AlreadyRedeemedError',
    async () => {
      const error = await redeemTwice(couponStore(db())).catch((e) => e);
      expect(error.cause).toMatchObject({ code: '23505',
        constraint: 'redemptions_one_per_user' });
    });

  it('stores a discount of 0 but not a negative one', async () => {
    const store = couponStore(db());
    await store.create(CONTRACT_COUPON);
    await store.recordRedemption({ ...use, discountCents: 0 });
    await expect(store.recordRedemption({ ...use, userId: 'bo',
      discountCents: -1 })).rejects.toMatchObject({ code: '23514' });
  });

  it('reads an unlimited coupon back with maxRedemptions null', async () => {
    const store = couponStore(db());
    await store.create({ ...CONTRACT_COUPON, maxRedemptions: null });
    expect(await store.find('SUMMER10')).toMatchObject(
      { maxRedemptions: null, minSubtotalCents: 2000 });
  });
});
