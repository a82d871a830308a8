/**
 * The PostgreSQL CouponRepository. The schema carries rules of its own, a
 * CHECK on coupon values and a UNIQUE on (code, user_id), and a mocked
 * `query` knows none of them: the demo runs the same calls against a mock
 * and against PostgreSQL (PGlite) and prints where they part ways.
 */
import type { Queryable } from '../http/layered-route.ts';
import {
  AlreadyRedeemedError, type CouponRepository, type Redemption,
  type StoredCoupon,
} from './redeem-coupon.ts';

// #region schema
export const SCHEMA = `
CREATE TABLE coupons (
  code text PRIMARY KEY,
  kind text NOT NULL,
  value int NOT NULL,
  expires_at timestamptz NOT NULL,
  min_subtotal_cents bigint NOT NULL DEFAULT 0,
  max_redemptions int,
  CONSTRAINT coupons_value_in_range CHECK (
    (kind = 'percent' AND value BETWEEN 1 AND 100)
    OR (kind = 'fixed' AND value > 0)));
CREATE TABLE redemptions (
  code text NOT NULL REFERENCES coupons (code),
  user_id text NOT NULL,
  order_id text NOT NULL,
  discount_cents bigint NOT NULL CHECK (discount_cents >= 0),
  redeemed_at timestamptz NOT NULL,
  CONSTRAINT redemptions_one_per_user UNIQUE (code, user_id));`;
// #endregion schema

/** node-postgres and PGlite both put these on a server error. */
interface PgError { code?: string; constraint?: string }

export interface CouponStore extends CouponRepository {
  create(coupon: StoredCoupon): Promise<void>;
}

// #region store
export function couponStore(db: Queryable): CouponStore {
  return {
    async create(c) {
      await db.query(`INSERT INTO coupons VALUES ($1, $2, $3, $4, $5, $6)`,
        [c.code, c.kind, c.value, c.expiresAt, c.minSubtotalCents,
          c.maxRedemptions]);
    },
    async find(code) {
      const { rows: [row] } = await db.query<StoredCoupon>(
        `SELECT code, kind, value, expires_at AS "expiresAt",
           min_subtotal_cents::int AS "minSubtotalCents",
           max_redemptions AS "maxRedemptions"
         FROM coupons WHERE code = $1`, [code]);
      return row;
    },
    async countRedemptions(code) {
      const { rows: [row] } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM redemptions WHERE code = $1', [code]);
      return row!.n;
    },
    async recordRedemption(r: Redemption) {
      try {
        await db.query(`INSERT INTO redemptions VALUES ($1, $2, $3, $4, $5)`,
          [r.code, r.userId, r.orderId, r.discountCents, r.redeemedAt]);
      } catch (error) {
        const { code, constraint } = error as PgError;
        if (code === '23505' && constraint === 'redemptions_one_per_user') {
          throw new AlreadyRedeemedError(`${r.userId} already used ${r.code}`,
            { cause: error });
        }
        throw error;
      }
    },
  };
}
// #endregion store

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(SCHEMA);
  // #region mock-vs-real
  const mocked: Queryable = { query: async () => ({ rows: [] }) };
  const bad: StoredCoupon = { code: 'HALF', kind: 'percent', value: 150,
    expiresAt: new Date('2027-01-01T00:00:00Z'), minSubtotalCents: 0,
    maxRedemptions: null };
  const use: Redemption = { code: 'HALF', userId: 'ana', orderId: 'o-1',
    discountCents: 500, redeemedAt: new Date('2026-12-01T00:00:00Z') };
  const attempt = async (step: string, run: () => Promise<void>) => {
    try { await run(); return `${step} ok`; } catch (error) {
      const { name, code, constraint } = error as Error & PgError;
      return `${step} ${code ? `${code} ${constraint}` : name}`;
    }
  };
  for (const [label, store] of [['mock', couponStore(mocked)],
    ['PostgreSQL', couponStore(db)]] as const) {
    console.log(`${label}:`);
    console.log(' ', await attempt('create 150%:', () => store.create(bad)));
    await store.create({ ...bad, value: 50 }); // a valid one
    for (const step of ['redeem:', 'redeem again:']) {
      console.log(' ', await attempt(step, () => store.recordRedemption(use)));
    }
  }
  // #endregion mock-vs-real
  await db.close();
}
