/**
 * The two common ways to page a list, side by side on Q45's orders table:
 * page numbers (LIMIT/OFFSET) and keyset pagination through Q45's cursor
 * module, plus a reader that walks to the last page while the table
 * changes and reports which rows it saw twice and which it never saw.
 * @see https://www.postgresql.org/docs/current/queries-limit.html
 */
import type { PGlite } from '@electric-sql/pglite';
import { listOrders, MAX_LIMIT, SCHEMA, type Cursor, type Order }
  from './cursor-pagination.ts';

export { SCHEMA };

type Db = Pick<PGlite, 'query'>;

/** Deeper than this, OFFSET reads too many rows only to throw them away. */
export const MAX_OFFSET = 10_000;

// #region offset-page
/** Page `page` (from 1) of `size` orders, newest first. */
export async function offsetPage(db: Db, page: number, size: number) {
  if (!Number.isInteger(size) || size < 1 || size > MAX_LIMIT) {
    throw new RangeError(`size must be 1 to ${MAX_LIMIT}, got ${size}`);
  }
  const lastPage = Math.floor(MAX_OFFSET / size) + 1;
  if (!Number.isInteger(page) || page < 1 || page > lastPage) {
    throw new RangeError(
      `page must be 1 to ${lastPage} for size ${size}, got ${page}`);
  }
  const offset = (page - 1) * size;
  // "Skip `offset` rows, return the next `size`": a count, not a place.
  const { rows } = await db.query<{ id: number; created_at: Date }>(
    `SELECT id, created_at FROM orders
     ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`,
    [size + 1, offset]);
  const items = rows.slice(0, size).map((r) => r.id);
  const more = rows.length > size && page < lastPage; // never a refused page
  return { items, next: more ? page + 1 : undefined };
}
// #endregion offset-page

/** Q45's keyset page, in the same shape: ids and where to go next. */
export async function keysetPage(db: Db, after: Cursor | undefined,
  size: number) {
  const page = await listOrders(db, size, after);
  return { items: page.items.map((o: Order) => o.id), next: page.next };
}

// #region read-all
type Page<P> = { items: number[]; next: P | undefined };

/** Follows `next` to the last page, running `between` between fetches. */
export async function readAll<P>(fetch: (at: P | undefined) =>
  Promise<Page<P>>, between?: () => Promise<void>, maxPages = 1000) {
  const seen: number[] = [];
  let at: P | undefined;
  for (let pages = 1; ; pages++) {
    const page = await fetch(at);
    seen.push(...page.items);
    if (page.next === undefined) return seen;
    if (pages === maxPages) {
      throw new Error(`still no last page after ${maxPages} pages`);
    }
    at = page.next;
    await between?.();
  }
}

/** What a reader got wrong, against the rows that were there all along. */
export function audit(seen: number[], expected: number[]) {
  const repeated = seen.filter((id, i) => seen.indexOf(id) !== i);
  const skipped = expected.filter((id) => !seen.includes(id));
  return { repeated, skipped };
}
// #endregion read-all

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(SCHEMA);
  let minute = 0; // each new order one minute after the one before
  const add = (n: number) => db.query(`INSERT INTO orders
      (customer, total_cents, created_at)
    SELECT 'c', 100, timestamptz '2026-01-01Z' + ($1 + g) * interval '1 min'
    FROM generate_series(1, $2) g`, [(minute += n) - n, n]);
  const ids = async () => (await db.query<{ id: number }>(
    'SELECT id FROM orders ORDER BY id DESC')).rows.map((r) => r.id);
  const changes = {
    'two new orders arrive': () => add(2),
    'the newest order is deleted': () => db.query(
      'DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)'),
  };
  const list = (xs: number[]) => xs.join(' ') || 'none';

  console.log('12 orders, read in pages of 4, newest first');
  for (const [what, change] of Object.entries(changes)) {
    console.log(`after each page ${what}:`);
    for (const style of ['offset', 'keyset'] as const) {
      await db.exec('TRUNCATE orders RESTART IDENTITY');
      minute = 0;
      await add(12);
      const before = await ids();
      const seen = style === 'offset'
        ? await readAll<number>((p) => offsetPage(db, p ?? 1, 4),
          async () => { await change(); })
        : await readAll<Cursor>((c) => keysetPage(db, c, 4),
          async () => { await change(); });
      const after = await ids();
      const { repeated, skipped } = audit(seen,
        before.filter((id) => after.includes(id)));
      console.log(`  ${style}: ${seen.length} rows read, repeated `
        + `${list(repeated)}; skipped ${list(skipped)}`);
    }
  }
  await db.close();
}
