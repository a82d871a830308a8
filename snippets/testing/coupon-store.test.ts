import { describe, expect, it, vi } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  CONTRACT_COUPON, couponRepositoryContract,
} from './coupon-repository-contract.ts';
import { couponStore, SCHEMA } from './coupon-store.ts';
import type { Queryable } from '../http/layered-route.ts';
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

const bad = { ...CONTRACT_COUPON, value: 150 };

// Each row runs the same steps twice: on a `query` mocked to resolve with no
// rows, where they pass, and on PostgreSQL, where they fail.
describe('what a mocked query hides', () => {
  it.each<[string, (db: Queryable) => Promise<unknown>, object]>([
    ['a second redemption by the same user',
      (db) => redeemTwice(couponStore(db)),
      { name: 'AlreadyRedeemedError',
        cause: { code: '23505', constraint: 'redemptions_one_per_user' } }],
    ['a 150% coupon', (db) => couponStore(db).create(bad),
      { code: '23514', constraint: 'coupons_value_in_range' }],
    ['a redemption of a coupon that does not exist',
      (db) => couponStore(db).recordRedemption(use), { code: '23503' }],
    ['SQL that does not parse',
      (db) => db.query('SELEC count(*) FROM redemptions'), { code: '42601' }],
  ])('%s: passes on the mock, fails on PostgreSQL', async (_, steps, error) => {
    const query = vi.fn().mockResolvedValue({ rows: [] });
    await steps({ query }); // resolves: the mock agrees with anything
    expect(query).toHaveBeenCalled();
    await expect(steps(db())).rejects.toMatchObject(error);
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

  it('maps only its own constraint: another unique violation passes through',
    async () => {
      // A later index (one redemption per order) also raises 23505; it must
      // not come back as "you already used this coupon".
      await db().exec(`CREATE UNIQUE INDEX redemptions_one_per_order
        ON redemptions (order_id)`);
      try {
        const store = couponStore(db());
        await store.create(CONTRACT_COUPON);
        await store.recordRedemption(use);
        const error = await store.recordRedemption({ ...use, userId: 'bo' })
          .catch((e: unknown) => e);
        expect(error).not.toBeInstanceOf(AlreadyRedeemedError);
        expect(error).toMatchObject({ code: '23505',
          constraint: 'redemptions_one_per_order' });
      } finally {
        await db().exec('DROP INDEX redemptions_one_per_order');
      }
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
