import { describe, expect, it } from 'vitest';
import {
  BETWEEN_DAYS, BETWEEN_LAST_SECOND, CAST_TO_DATE, checkRange, localDay,
  MAX_LIMIT, ordersIn, ordersPerDay, RANGE_SQL, SCHEMA,
} from './date-range.ts';
import { explain, nodes, scans } from './explain.ts';
import type { Session } from './postgres-server.ts';
import { useDatabase } from './use-database.ts';

const db = useDatabase(SCHEMA, {
  reset: "TRUNCATE orders RESTART IDENTITY; SET TIME ZONE 'UTC'",
});

/** Inserts one order per instant, ids 1, 2, … in the order given. */
async function insert(...instants: string[]) {
  await db().query(`INSERT INTO orders (total_cents, created_at)
    SELECT 100, t::timestamptz FROM unnest($1::text[]) WITH ORDINALITY
    AS u(t, n) ORDER BY n`, [instants]);
}

const ids = async (range: { from: string; to: string }) =>
  (await ordersIn(db(), range)).map((o) => o.id);
const hours = ({ from, to }: { from: string; to: string }) =>
  (Date.parse(to) - Date.parse(from)) / 3_600_000;
const tableRows = async () => (await db().query<{ n: number }>(
  'SELECT count(*)::int AS n FROM orders')).rows[0]!.n;
const count = async (sql: string, day: string) =>
  (await db().query<{ n: number }>(sql, [day])).rows[0]!.n;

describe('a half-open range [from, to)', () => {
  it('includes from, excludes to, and keeps the microseconds before to', async () => {
    await insert('2026-03-28T23:59:59.999999Z', '2026-03-29T00:00:00Z',
      '2026-03-29T23:59:59.999999Z', '2026-03-30T00:00:00Z');
    expect(await ids({ from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' }))
      .toEqual([2, 3]);
  });

  it('puts a row on a boundary in exactly one of two adjacent ranges', async () => {
    await insert('2026-03-30T00:00:00Z');
    const day1 = await ids({ from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' });
    const day2 = await ids({ from: '2026-03-30T00:00:00Z', to: '2026-03-31T00:00:00Z' });
    expect([...day1, ...day2]).toEqual([1]);
    expect(day2).toEqual([1]);
  });

  it('compares instants, whatever offset the client wrote them in', async () => {
    await insert('2026-03-28T23:00:00Z');
    expect(await ids({ from: '2026-03-29T00:00:00+01:00',
      to: '2026-03-29T00:00:01+01:00' })).toEqual([1]);
  });

  it('returns nothing for an empty range (from = to)', async () => {
    await insert('2026-03-29T00:00:00Z');
    expect(await ids({ from: '2026-03-29T00:00:00Z', to: '2026-03-29T00:00:00Z' }))
      .toEqual([]);
  });

  it('stops at limit', async () => {
    await insert('2026-03-29T01:00:00Z', '2026-03-29T02:00:00Z', '2026-03-29T03:00:00Z');
    const rows = await ordersIn(db(),
      { from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' }, 2);
    expect(rows).toEqual([
      { id: 1, createdAt: '2026-03-29T01:00:00.000Z' },
      { id: 2, createdAt: '2026-03-29T02:00:00.000Z' }]);
  });

  it('sends the values as parameters, never as SQL text', () => {
    expect(RANGE_SQL).toMatch(/created_at >= \$1 AND created_at < \$2/);
  });

  it.each([
    ['no offset (read in the session zone)', '2026-03-29T00:00:00'],
    ['a date only', '2026-03-29'],
    ['an impossible date', '2026-02-30T00:00:00Z'],
    ['year 0', '0000-01-01T00:00:00Z'],
    ['words', 'yesterday'],
    ['SQL', "2026-03-29'; DROP TABLE orders;--"],
    ['a number', 1774742400000],
    ['empty', ''],
  ])('refuses from as %s with a RangeError', async (_name, from) => {
    const range = { from: from as string, to: '2026-03-30T00:00:00Z' };
    await expect(ordersIn(db(), range)).rejects.toThrow(
      /from and to must be RFC 3339 instants with an offset/);
    expect(await tableRows()).toBe(0);
  });

  it('refuses from after to', () => {
    expect(() => checkRange({ from: '2026-03-30T00:00:00Z', to: '2026-03-29T00:00:00Z' }))
      .toThrow('from (2026-03-30T00:00:00Z) is after to (2026-03-29T00:00:00Z)');
  });

  it('refuses from after to even when the offsets hide it', () => {
    // 00:30+01:00 is 23:30Z the day before, so this range is fine…
    expect(checkRange({ from: '2026-03-29T00:30:00+01:00', to: '2026-03-29T00:00:00Z' }))
      .toBeTruthy();
    // …and this one, 01:00Z to 00:30Z, is backwards.
    expect(() => checkRange({ from: '2026-03-29T01:00:00Z', to: '2026-03-29T01:30:00+01:00' }))
      .toThrow(/is after to/);
  });

  it('quotes at most 40 characters of bad input in the error', () => {
    const huge = 'x'.repeat(10_000);
    expect(() => checkRange({ from: huge, to: huge })).toThrow(
      new RegExp(`got "x{40}" and "x{40}"$`));
  });

  it.each([0, -1, 1.5, MAX_LIMIT + 1, Number.NaN])('refuses limit %s', async (limit) => {
    await expect(ordersIn(db(),
      { from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' }, limit))
      .rejects.toThrow(/limit must be 1 to 1000/);
  });
});

describe('a calendar day in a time zone', () => {
  it.each([
    ['Europe/Berlin', '2026-03-28', '2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', 24],
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23],
    ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25],
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', 23],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z', 25],
    ['Asia/Kolkata', '2026-03-29', '2026-03-28T18:30:00.000Z', '2026-03-29T18:30:00.000Z', 24],
    ['UTC', '2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-30T00:00:00.000Z', 24],
  ])('%s %s is [%s, %s), %d hours', async (zone, day, from, to, h) => {
    const range = await localDay(db(), day, zone);
    expect(range).toEqual({ from, to });
    expect(hours(range)).toBe(h);
  });

  it('starts at 01:00 where midnight does not exist (Santiago, 6 Sept 2026)', async () => {
    const { from } = await localDay(db(), '2026-09-06', 'America/Santiago');
    expect(from).toBe('2026-09-06T04:00:00.000Z');
    expect(localTime(from, 'America/Santiago')).toBe('2026-09-06 01:00');
  });

  it('does not depend on the session TimeZone setting', async () => {
    const before = await localDay(db(), '2026-10-25', 'Europe/Berlin');
    await db().exec("SET TIME ZONE 'Pacific/Auckland'");
    expect(await localDay(db(), '2026-10-25', 'Europe/Berlin')).toEqual(before);
  });

  // Lord Howe moves its clocks by 30 minutes; Santiago skips midnight.
  it.each(['Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe'])(
    'agrees with Intl on every day of 2026 in %s', async (zone) => {
      const days = Array.from({ length: 365 }, (_, i) =>
        new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
      let previousTo: string | undefined;
      for (const day of days) {
        const { from, to } = await localDay(db(), day, zone);
        // The first instant of the day is on it; the one before is not.
        expect(localTime(from, zone).slice(0, 10)).toBe(day);
        expect(localTime(new Date(Date.parse(from) - 1).toISOString(), zone)
          .slice(0, 10)).not.toBe(day);
        // Consecutive days tile the timeline: no gap, no overlap.
        if (previousTo) expect(from).toBe(previousTo);
        previousTo = to;
      }
    }, 60_000);

  it.each(['2026-02-30', '2026-3-29', '26-03-29', '2026-03-29T00:00', '',
    '0000-01-01', "2026-03-29'; DROP TABLE orders;--", '2026-13-01'])(
    'refuses day %j', async (day) => {
      await expect(localDay(db(), day, 'Europe/Berlin')).rejects.toThrow(
        /day must be a real date as YYYY-MM-DD/);
    });

  it.each(['Not/AZone', 'UTC+3', '+03:00', 'europe/berlin', '',
    "Europe/Berlin'; DROP TABLE orders;--", `Europe/${'A'.repeat(100)}`,
    'Europe/Berlin/../../etc'])('refuses zone %j', async (zone) => {
    await expect(localDay(db(), '2026-03-29', zone)).rejects.toThrow(
      /unknown time zone .*: use an IANA name such as Europe\/Berlin/);
    expect(await tableRows()).toBe(0);
  });

  it("accepts IANA's Etc/GMT+3, which keeps the POSIX sign: UTC-03", async () => {
    expect(await localDay(db(), '2026-03-29', 'Etc/GMT+3')).toEqual({
      from: '2026-03-29T03:00:00.000Z', to: '2026-03-30T03:00:00.000Z' });
  });

  it('reads the zone list once per handle, and again after a failed read', async () => {
    let reads = 0;
    let fail = true;
    const session: Session = { // db() with a flaky first zone-list read
      query: (sql, params) => {
        if (sql.includes('pg_timezone_names')) {
          reads++;
          if (fail) {
            fail = false;
            return Promise.reject(new Error('connection reset'));
          }
        }
        return db().query(sql, params);
      },
    };
    await expect(localDay(session, '2026-03-29', 'Europe/Berlin'))
      .rejects.toThrow('connection reset');
    for (const zone of ['Europe/Berlin', 'Asia/Kolkata', 'UTC']) {
      await localDay(session, '2026-03-29', zone);
    }
    await expect(localDay(session, '2026-03-29', 'Not/AZone'))
      .rejects.toThrow(/unknown time zone/);
    expect(reads).toBe(2);
  });

  it('refuses UTC+3 because PostgreSQL would read it as three hours west', async () => {
    // POSIX zone strings count hours west of Greenwich: UTC+3 is UTC-03.
    const { rows: [r] } = await db().query<{ t: Date }>(
      `SELECT timestamp '2026-03-29 12:00' AT TIME ZONE 'UTC+3' AS t`);
    expect(r!.t.toISOString()).toBe('2026-03-29T15:00:00.000Z');
  });
});

describe('counts per local day', () => {
  it('groups into Berlin days across the spring change, every row once', async () => {
    await insert('2026-03-27T22:59:59Z', // Berlin 27 March: outside
      '2026-03-27T23:00:00Z', // Berlin 28 March starts
      '2026-03-28T22:59:59Z', '2026-03-28T23:00:00Z', // 29 March starts
      '2026-03-29T21:59:59Z', '2026-03-29T22:00:00Z', // 30 March starts
      '2026-03-30T22:00:00Z'); // 31 March: outside
    expect(await ordersPerDay(db(), '2026-03-28', '2026-03-30', 'Europe/Berlin'))
      .toEqual([
        { starts: '2026-03-27T23:00:00.000Z', orders: 2 },
        { starts: '2026-03-28T23:00:00.000Z', orders: 2 },
        { starts: '2026-03-29T22:00:00.000Z', orders: 1 },
      ]);
  });

  it('refuses a last day before the first', async () => {
    await expect(ordersPerDay(db(), '2026-03-30', '2026-03-28', 'Europe/Berlin'))
      .rejects.toThrow(/is after to/);
  });
});

describe('the wrong ways', () => {
  it('BETWEEN two midnights counts the second midnight on both days', async () => {
    await insert('2026-03-29T12:00:00Z', '2026-03-30T00:00:00Z');
    const total = await count(BETWEEN_DAYS, '2026-03-29')
      + await count(BETWEEN_DAYS, '2026-03-30');
    expect(total).toBe(3); // two rows, three counted
  });

  it('BETWEEN … 23:59:59 misses the last second of the day', async () => {
    await insert('2026-03-29T23:59:59.5Z');
    expect(await count(BETWEEN_LAST_SECOND, '2026-03-29')).toBe(0);
    expect(await ids({ from: '2026-03-29T00:00:00Z', to: '2026-03-30T00:00:00Z' }))
      .toEqual([1]);
  });

  it('created_at::date gives a different answer in each session zone', async () => {
    await insert('2026-03-29T23:30:00Z'); // 30 March in Berlin
    expect(await count(CAST_TO_DATE, '2026-03-29')).toBe(1);
    await db().exec("SET TIME ZONE 'Europe/Berlin'");
    expect(await count(CAST_TO_DATE, '2026-03-29')).toBe(0);
  });

  it('cannot index created_at::date: the cast depends on the session zone', async () => {
    await expect(db().exec('CREATE INDEX ON orders ((created_at::date))'))
      .rejects.toThrow(/must be marked IMMUTABLE/);
  });

  it('a zone-less literal is read in the session zone', async () => {
    await db().exec("SET TIME ZONE 'America/New_York'");
    const { rows: [r] } = await db().query<{ t: Date }>(
      `SELECT '2026-03-29 00:00'::timestamptz AS t`);
    expect(r!.t.toISOString()).toBe('2026-03-29T04:00:00.000Z');
  });
});

describe('index use', () => {
  it('seeks the index for [from, to) and scans the table for ::date', async () => {
    // 20,000 orders, one every 10 minutes from 1 January 2026.
    await db().query(`INSERT INTO orders (total_cents, created_at)
      SELECT 100, timestamptz '2026-01-01 00:00Z' + i * interval '10 minutes'
      FROM generate_series(1, 20000) i`);
    await db().exec('ANALYZE orders');
    const day = await localDay(db(), '2026-03-29', 'Europe/Berlin');

    const good = await explain(db(), RANGE_SQL, [day.from, day.to, 1000]);
    expect(scans(good)).toEqual(['Index Scan using orders_created_at_idx on orders']);
    const cond = nodes(good).find((n) => n.indexCond)?.indexCond;
    expect(cond).toMatch(/created_at >= .*created_at < /);
    expect((await ordersIn(db(), day, 1000)).length).toBe(23 * 6);

    const bad = await explain(db(), CAST_TO_DATE, ['2026-03-29']);
    expect(scans(bad)).toEqual(['Seq Scan on orders']);
  });
});

/** 'YYYY-MM-DD HH:mm' of an instant in `zone`, by Intl (ICU's tz data). */
const formats = new Map<string, Intl.DateTimeFormat>();
function localTime(iso: string, zone: string): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formats.set(zone, format);
  }
  const parts = format.formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
