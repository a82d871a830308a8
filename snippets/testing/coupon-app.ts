/**
 * The coupon service behind HTTP: Hono parses and validates the request,
 * redeemCoupon decides, couponStore talks to PostgreSQL. Its integration
 * test (coupon-app.test.ts) drives all three through `app.request()`
 * against a real database, emptied before each test.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { bodyOrProblem } from '../http/json-body.ts';
import { statusProblem } from '../http/problem.ts';
import {
  type CouponRepository, redeemCoupon, type RedeemResult,
} from './redeem-coupon.ts';

const redeemInput = z.strictObject({
  code: z.string().max(64),
  userId: z.string().regex(/^[\w-]{1,64}$/),
  orderId: z.string().regex(/^[\w-]{1,64}$/),
  subtotalCents: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

type Refusal = Extract<RedeemResult, { ok: false }>['reason'];
const REFUSALS: Record<Refusal, [number, string]> = {
  'unknown-code': [422, 'No such coupon.'],
  'expired': [422, 'The coupon has expired.'],
  'below-minimum': [422, 'The order is below the coupon minimum.'],
  'already-redeemed': [409, 'You have already used this coupon.'],
  'sold-out': [409, 'The coupon has run out.'],
};

// #region app
export function createCouponApp(deps: {
  coupons: CouponRepository; now: () => Date;
}): Hono {
  const app = new Hono();
  app.post('/redemptions', async (c) => {
    const input = await bodyOrProblem(c.req.raw, redeemInput, 4 * 1024);
    if (input instanceof Response) return input; // 400, 413, 415 or 422
    const result = await redeemCoupon(deps, input);
    if (!result.ok) {
      const [status, detail] = REFUSALS[result.reason];
      return statusProblem(status, detail, {}, { reason: result.reason });
    }
    return c.json(result, 201);
  });
  return app;
}
// #endregion app

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { couponStore, SCHEMA } = await import('./coupon-store.ts');
  const db = await openDatabase();
  await db.exec(`${SCHEMA} INSERT INTO coupons VALUES
    ('SUMMER10', 'percent', 10, '2026-09-01T00:00:00Z', 2000, 100)`);
  const app = createCouponApp({ coupons: couponStore(db),
    now: () => new Date('2026-08-15T12:00:00Z') });
  // #region over-http
  const post = (body: unknown) => app.request('/redemptions', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) });
  const order = { code: 'summer10', userId: 'ana', orderId: 'o-1',
    subtotalCents: 5000 };
  for (const body of [order, { ...order, orderId: 'o-2' },
    { ...order, userId: 'bo', subtotalCents: -1 }]) {
    const res = await post(body);
    const json = (await res.json()) as { detail?: string };
    console.log(res.status, json.detail ?? JSON.stringify(json));
  }
  const { rows } = await db.query('SELECT code, user_id FROM redemptions');
  console.log('stored:', JSON.stringify(rows));
  // #endregion over-http
  await db.close();
}
