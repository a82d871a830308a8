/**
 * Filtering rows by a date range in PostgreSQL: a half-open [from, to)
 * range of instants on a timestamptz column, parameterized, served by a
 * B-tree index; a calendar day in a named time zone turned into such a
 * range (23 or 25 hours long on DST days); and counts per local day.
 * The wrong ways (BETWEEN, casting the column) are here too, for the tests.
 * @see https://www.postgresql.org/docs/current/datatype-datetime.html
 * @see https://www.postgresql.org/docs/current/functions-datetime.html
 */
import { z } from 'zod';
import type { Session } from './postgres-server.ts';

export const MAX_LIMIT = 1000;

export const SCHEMA = `
CREATE TABLE orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  total_cents int NOT NULL,
  created_at  timestamptz NOT NULL);
CREATE INDEX orders_created_at_idx ON orders (created_at);`;

/** Instants as RFC 3339 strings with an offset; `to` is excluded. */
export interface Range { from: string; to: string }
export interface Order { id: number; createdAt: string }

// An instant must say its offset: '2026-03-29T00:00' alone would be read
// in the session's TimeZone setting. PostgreSQL has no year 0.
const instant = z.iso.datetime({ offset: true })
  .refine((s) => !s.startsWith('0000'), 'year 0000 does not exist');

/** Quotes at most 40 characters of bad input back in an error. */
const show = (v: unknown) => JSON.stringify(String(v).slice(0, 40));

// #region half-open
export const RANGE_SQL = `
  SELECT id, created_at FROM orders
  WHERE created_at >= $1 AND created_at < $2
  ORDER BY created_at, id
  LIMIT $3`;

/** Orders created in [from, to), oldest first, at most `limit`. */
export async function ordersIn(db: Session, range: Range, limit = 100)
  : Promise<Order[]> {
  const { from, to } = checkRange(range);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new RangeError(`limit must be 1 to ${MAX_LIMIT}, got ${show(limit)}`);
  }
  const { rows } = await db.query<{ id: number | string; created_at: Date }>(
    RANGE_SQL, [from, to, limit]);
  return rows.map((r) => ({
    id: Number(r.id), createdAt: r.created_at.toISOString() }));
}

export function checkRange(range: Range): Range {
  const from = instant.safeParse(range?.from);
  const to = instant.safeParse(range?.to);
  if (!from.success || !to.success) {
    throw new RangeError('from and to must be RFC 3339 instants with an '
      + `offset, like 2026-03-29T00:00:00+01:00; got ${show(range?.from)}`
      + ` and ${show(range?.to)}`);
  }
  if (Date.parse(from.data) > Date.parse(to.data)) {
    throw new RangeError(`from (${from.data}) is after to (${to.data})`);
  }
  return { from: from.data, to: to.data };
}
// #endregion half-open

// #region local-day
/** Calendar day `day` in `zone`: [its first instant, the next day's). */
export async function localDay(db: Session, day: string, zone: string)
  : Promise<Range> {
  checkDay(day);
  await checkZone(db, zone);
  // date -> timestamp (local midnight) -> AT TIME ZONE -> timestamptz
  const { rows: [r] } = await db.query<{ from: Date; to: Date }>(
    `SELECT $1::date::timestamp AT TIME ZONE $2 AS "from",
            ($1::date + 1)::timestamp AT TIME ZONE $2 AS "to"`,
    [day, zone]);
  return { from: r!.from.toISOString(), to: r!.to.toISOString() };
}

/** IANA names the server knows; not POSIX 'UTC+3', which is 3 h west. */
export async function checkZone(db: Session, zone: string): Promise<void> {
  if (!(await zoneNames(db)).has(zone)) {
    throw new RangeError(`unknown time zone ${show(zone)}: use an IANA `
      + 'name such as Europe/Berlin');
  }
}
// #endregion local-day

export function checkDay(day: string): void {
  const ok = typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day)
    && !day.startsWith('0000')
    && new Date(Date.parse(`${day}T00:00:00Z`) || 0).toISOString()
      .startsWith(day);
  if (!ok) {
    throw new RangeError(`day must be a real date as YYYY-MM-DD, got ${show(day)}`);
  }
}

// The names change only with the server's tz data, so read them once per
// database handle rather than scanning the zone files on every request.
const known = new WeakMap<Session, Promise<Set<string>>>();
function zoneNames(db: Session): Promise<Set<string>> {
  let names = known.get(db);
  if (!names) {
    names = db.query<{ name: string }>('SELECT name FROM pg_timezone_names')
      .then(({ rows }) => new Set(rows.map((r) => r.name)));
    names.catch(() => known.delete(db)); // a failed read is retried
    known.set(db, names);
  }
  return names;
}

// #region per-day
/** Orders per calendar day in `zone`, from day `first` to `last`. */
export async function ordersPerDay(db: Session, first: string, last: string,
  zone: string): Promise<{ starts: string; orders: number }[]> {
  const from = (await localDay(db, first, zone)).from;
  const to = (await localDay(db, last, zone)).to;
  checkRange({ from, to });
  // The index finds the range; date_trunc only labels the rows it found.
  const { rows } = await db.query<{ starts: Date; orders: number }>(
    `SELECT date_trunc('day', created_at, $3) AS starts,
            count(*)::int AS orders
     FROM orders WHERE created_at >= $1 AND created_at < $2
     GROUP BY 1 ORDER BY 1`, [from, to, zone]);
  return rows.map((r) => ({
    starts: r.starts.toISOString(), orders: r.orders }));
}
// #endregion per-day

// #region wrong
// Counts a row at exactly midnight on two consecutive days:
export const BETWEEN_DAYS = `SELECT count(*)::int AS n FROM orders
  WHERE created_at BETWEEN $1::date AND $1::date + 1`;
// Misses 23:59:59.5, and reads the day in the session's TimeZone:
export const BETWEEN_LAST_SECOND = `SELECT count(*)::int AS n FROM orders
  WHERE created_at BETWEEN $1::date AND $1::date + time '23:59:59'`;
// A function of the column: no index on created_at can serve it, and
// the cast also depends on the session's TimeZone:
export const CAST_TO_DATE = `SELECT count(*)::int AS n FROM orders
  WHERE created_at::date = $1::date`;
// #endregion wrong

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const db = await openDatabase();
  await db.exec(SCHEMA);
  const zone = 'Europe/Berlin';
  for (const day of ['2026-03-28', '2026-03-29', '2026-10-25']) {
    const { from, to } = await localDay(db, day, zone);
    const hours = (Date.parse(to) - Date.parse(from)) / 3_600_000;
    console.log(`${day} in Berlin: [${from}, ${to}) ${hours} h`);
  }
  // Boundary rows around the Berlin day of 2026-03-29.
  await db.query(`INSERT INTO orders (total_cents, created_at)
    SELECT 100, t::timestamptz FROM unnest($1::text[]) t`, [[
    '2026-03-28T22:59:59.999999Z', '2026-03-28T23:00:00Z',
    '2026-03-29T12:00:00Z', '2026-03-29T21:59:59.999999Z',
    '2026-03-29T22:00:00Z', '2026-03-30T00:00:00Z']]);
  const day = await localDay(db, '2026-03-29', zone);
  console.log('Berlin 29 March, [from, to): ids',
    (await ordersIn(db, day)).map((o) => o.id).join(' '));
  const utc = await ordersIn(db,
    { from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' });
  const count = async (sql: string) =>
    (await db.query<{ n: number }>(sql, ['2026-03-29'])).rows[0]!.n;
  console.log(`UTC 29 March: half-open ${utc.length} rows, BETWEEN`,
    await count(BETWEEN_DAYS), 'rows (the next midnight too)');
  for (const d of await ordersPerDay(db, '2026-03-28', '2026-03-30', zone)) {
    console.log(`Berlin day starting ${d.starts}: ${d.orders} order(s)`);
  }
  await localDay(db, '2026-03-29', 'UTC+3').catch((e: Error) =>
    console.log('UTC+3:', e.message));
  await db.close();
}
