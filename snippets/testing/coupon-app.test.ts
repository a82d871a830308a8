// Integration tests: HTTP parsing, validation, the service, the SQL and the
// schema's constraints, all real; only the clock is fixed. The database is
// emptied before each test, so no test sees another's rows.
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { createCouponApp } from './coupon-app.ts';
import { couponStore, SCHEMA } from './coupon-store.ts';

const db = useDatabase(SCHEMA, { reset: 'TRUNCATE redemptions, coupons' });

async function setUp(now = '2026-08-15T12:00:00Z', maxRedemptions = 100) {
  await db().query(`INSERT INTO coupons VALUES
    ('SUMMER10', 'percent', 10, '2026-09-01T00:00:00Z', 2000, $1)`,
  [maxRedemptions]);
  const app = createCouponApp({ coupons: couponStore(db()),
    now: () => new Date(now) });
  return (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/redemptions', { method: 'POST', headers: {
      'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body) });
}
const order = { code: 'SUMMER10', userId: 'ana', orderId: 'o-1',
  subtotalCents: 5000 };
const stored = async () => (await db().query<{ user_id: string }>(
  'SELECT user_id FROM redemptions ORDER BY user_id')).rows
  .map((r) => r.user_id);

describe('POST /redemptions against PostgreSQL', () => {
  it('201 with the discount, and the row is in the table', async () => {
    const post = await setUp();
    const res = await post(order);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true, code: 'SUMMER10',
      discountCents: 500, totalCents: 4500 });
    expect(await stored()).toEqual(['ana']);
  });

  it('starts from an empty database: the last test left no row', async () => {
    expect(await stored()).toEqual([]);
  });

  it('409 on a second use, enforced by the UNIQUE constraint', async () => {
    const post = await setUp();
    expect((await post(order)).status).toBe(201);
    const res = await post({ ...order, orderId: 'o-2' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'already-redeemed' });
    expect(await stored()).toEqual(['ana']);
  });

  it('409 sold-out once the limit is used up', async () => {
    const post = await setUp(undefined, 1);
    expect((await post(order)).status).toBe(201);
    const res = await post({ ...order, userId: 'bo' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'sold-out' });
  });

  it('422 for an expired coupon, with nothing stored', async () => {
    const post = await setUp('2026-09-01T00:00:00Z');
    const res = await post(order);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ reason: 'expired' });
    expect(await stored()).toEqual([]);
  });

  it('422 with a pointer for a body that fails the schema', async () => {
    const post = await setUp();
    const res = await post({ ...order, subtotalCents: -1, admin: true });
    expect(res.status).toBe(422);
    const body = await res.json() as { errors: { pointer: string }[] };
    expect(body.errors.map((e) => e.pointer).sort())
      .toEqual(['#', '#/subtotalCents']);
  });

  it('400 for broken JSON, 415 for another media type', async () => {
    const post = await setUp();
    expect((await post('{"code":')).status).toBe(400);
    expect((await post(order, { 'Content-Type': 'text/plain' })).status)
      .toBe(415);
  });

  it('413 for a body over the 4 KiB cap, with nothing stored', async () => {
    const post = await setUp();
    const res = await post({ ...order, pad: 'x'.repeat(4 * 1024) });
    expect(res.status).toBe(413);
    expect(await stored()).toEqual([]);
  });

  it('an injection string is just an unknown code', async () => {
    const post = await setUp();
    const res = await post({ ...order, code: "SUMMER10' OR '1'='1" });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ reason: 'unknown-code' });
  });

  it('404 for another path, not a crash', async () => {
    const post = await setUp();
    expect((await post(order)).status).toBe(201);
    const app = createCouponApp({ coupons: couponStore(db()),
      now: () => new Date() });
    expect((await app.request('/redemption', { method: 'POST' })).status)
      .toBe(404);
  });
});
