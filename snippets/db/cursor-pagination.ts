/**
 * Keyset ("cursor") pagination for GET /orders: a stable sort on
 * (created_at, id), an opaque cursor naming the last row served, a bounded
 * limit, and the next page advertised in a Link header.
 * @see https://www.rfc-editor.org/rfc/rfc8288#section-3
 * @see https://www.postgresql.org/docs/current/queries-limit.html
 */
import { Hono } from 'hono';
import type { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';
import { statusProblem } from '../http/problem.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

type Db = Pick<PGlite, 'query'>;
export interface Order {
  id: number; customer: string; totalCents: number; createdAt: string;
}

// Millisecond precision on purpose: the cursor carries created_at through
// a JavaScript Date, which has no microseconds. timestamptz(6) would let
// rows that differ below 1 ms fall between two pages.
export const SCHEMA = `
CREATE TABLE orders (
  id          int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer    text NOT NULL,
  total_cents int NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now());
CREATE INDEX orders_created_at_id ON orders (created_at, id);`;

// #region cursor
/** Where the previous page ended: the sort key of its last row. */
export interface Cursor { createdAt: string; id: number }

const cursorJson = z.strictObject({
  // What toISOString() produces; PostgreSQL has no year 0, so no 0000.
  t: z.iso.datetime({ precision: 3 }).refine((t) => !t.startsWith('0000')),
  id: z.number().int().positive().max(2 ** 31 - 1),
});

/** The opaque string a client sends back to get the following page. */
export function encodeCursor({ createdAt, id }: Cursor): string {
  return Buffer.from(JSON.stringify({ t: createdAt, id }))
    .toString('base64url');
}

/** The position in `raw`, or undefined for anything this API didn't mint. */
export function decodeCursor(raw: string): Cursor | undefined {
  // Node's base64 decoder skips bad characters; check the alphabet first.
  if (raw.length > 100 || !/^[A-Za-z0-9_-]+$/.test(raw)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = cursorJson.safeParse(json);
  return parsed.success
    ? { createdAt: parsed.data.t, id: parsed.data.id }
    : undefined;
}
// #endregion cursor

// #region query
/** One page in (created_at, id) order, newest first, after `after`. */
export function pageQuery(limit: number, after?: Cursor) {
  // Row comparison matches the index order, so Postgres seeks to the
  // cursor instead of reading and discarding the rows before it.
  const seek = after ? 'WHERE (created_at, id) < ($2, $3)' : '';
  return {
    sql: `SELECT id, customer, total_cents, created_at FROM orders ${seek}
          ORDER BY created_at DESC, id DESC LIMIT $1`,
    params: after ? [limit + 1, after.createdAt, after.id] : [limit + 1],
  };
}

interface Row { id: number; customer: string; total_cents: number;
  created_at: Date }

/** A page of orders, and the cursor after its last row if more follow. */
export async function listOrders(db: Db, limit: number, after?: Cursor) {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new RangeError(`limit must be 1 to ${MAX_LIMIT}, got ${limit}`);
  }
  const { sql, params } = pageQuery(limit, after);
  const { rows } = await db.query<Row>(sql, params);
  // The extra row only says whether another page exists.
  const items: Order[] = rows.slice(0, limit).map((r) => ({
    id: r.id, customer: r.customer, totalCents: r.total_cents,
    createdAt: r.created_at.toISOString(),
  }));
  const last = items.at(-1);
  const next: Cursor | undefined = rows.length > limit && last
    ? { createdAt: last.createdAt, id: last.id } : undefined;
  return { items, next };
}
// #endregion query

/** OFFSET paging, kept for contrast: the demo and tests show it drifting. */
export async function listOrdersByOffset(db: Db, limit: number, offset: number) {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM orders ORDER BY created_at DESC, id DESC
     LIMIT $1 OFFSET $2`, [limit, offset]);
  return rows.map((r) => r.id);
}

const badRequest = (detail: string) => statusProblem(400, detail);

// #region endpoint
const pageParams = z.object({
  limit: z.string().regex(/^\d{1,3}$/).transform(Number)
    .pipe(z.number().min(1).max(MAX_LIMIT)).default(DEFAULT_LIMIT),
  cursor: z.string().optional(),
});

export function createApp(db: Db): Hono {
  const app = new Hono();
  app.get('/orders', async (c) => {
    const query = pageParams.safeParse(c.req.query());
    if (!query.success) {
      return badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}.`);
    }
    const { limit, cursor } = query.data;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) {
      return badRequest('cursor is not one this API issued; '
        + 'start again from the first page.');
    }
    const page = await listOrders(db, limit, after);
    const nextCursor = page.next ? encodeCursor(page.next) : null;
    if (nextCursor) {
      // A relative reference resolves against the request URI (RFC 8288
      // §3.1); other query parameters carry over unchanged.
      const next = new URL(c.req.url);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('cursor', nextCursor);
      c.header('Link', `<${next.pathname}${next.search}>; rel="next"`);
    }
    return c.json({ items: page.items, nextCursor });
  });
  return app;
}
// #endregion endpoint

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(SCHEMA);
  const add = (n: number, from: string) => db.query(
    `INSERT INTO orders (customer, total_cents, created_at)
     SELECT 'c' || g, g * 100, $2::timestamptz + g * interval '1 minute'
     FROM generate_series(1, $1) g`, [n, from]);
  await add(7, '2025-06-01T09:00:00Z');
  const app = createApp(db);
  const ids = (b: unknown) => (b as { items: Order[] }).items.map((o) => o.id);

  const first = await app.request('/orders?limit=3');
  const link = first.headers.get('Link')!;
  const page1 = ids(await first.json());
  console.log('page 1         ', page1.join(' '));
  console.log('Link:', link);
  await add(2, '2025-06-01T10:00:00Z');
  console.log('+ orders 8 and 9 arrive');
  const second = await app.request(/<([^>]+)>/.exec(link)![1]!);
  console.log('keyset page 2  ', ids(await second.json()).join(' '));
  const byOffset = await listOrdersByOffset(db, 3, 3);
  const repeated = byOffset.filter((id) => page1.includes(id));
  console.log('offset page 2  ', byOffset.join(' '),
    `  (${repeated.join(' and ')} repeated)`);
  const bad = await app.request('/orders?cursor=bm90LWEtY3Vyc29y');
  console.log('bad cursor     ', bad.status, bad.headers.get('Content-Type'));
  await db.close();
}
