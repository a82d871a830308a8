import { describe, expect, it } from 'vitest';
import {
  createApp, decodeCursor, DEFAULT_LIMIT, encodeCursor, listOrders, listOrdersByOffset,
  MAX_LIMIT, pageQuery, SCHEMA, type Order,
} from './cursor-pagination.ts';
import { useDatabase } from './use-database.ts';

interface Page { items: Order[]; nextCursor: string | null }

const db = useDatabase(SCHEMA, { reset: 'TRUNCATE orders RESTART IDENTITY' });

/** n orders, `stepMs` apart, starting after `from` (0 = all at one instant). */
async function seed(n: number, from = '2025-06-01T09:00:00Z', stepMs = 60_000) {
  await db().query(
    `INSERT INTO orders (customer, total_cents, created_at)
     SELECT 'c' || g, g, $2::timestamptz + g * $3 * interval '1 millisecond'
     FROM generate_series(1, $1) g`, [n, from, stepMs]);
}

async function allIds(): Promise<number[]> {
  const { rows } = await db().query<{ id: number }>(
    'SELECT id FROM orders ORDER BY created_at DESC, id DESC');
  return rows.map((r) => r.id);
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const nextLink = (res: Response) =>
  /^<([^>]+)>; rel="next"$/.exec(res.headers.get('Link') ?? '')?.[1];

/** Follows Link headers to the end; `between` runs before each next fetch. */
async function walk(path: string, between?: (page: number) => Promise<void>) {
  const app = createApp(db());
  const pages: number[][] = [];
  for (let url: string | undefined = path; url;) {
    const res = await app.request(url);
    expect(res.status).toBe(200);
    pages.push(((await res.json()) as Page).items.map((o) => o.id));
    url = nextLink(res);
    if (url && between) await between(pages.length);
  }
  return pages;
}

describe('the cursor', () => {
  const cursor = { createdAt: '2025-06-01T09:05:00.000Z', id: 5 };

  it('round-trips and uses only unpadded base64url', () => {
    const raw = encodeCursor(cursor);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw)).toEqual(cursor);
  });

  it.each([
    ['empty', ''],
    ['outside the alphabet', 'eyJ0Ijoi!'],
    ['standard base64 with padding', 'eyJ0IjoiYSJ9+/=='],
    ['not JSON', b64url('hello')],
    ['a JSON array', b64url('[1,2]')],
    ['JSON null', b64url('null')],
    ['missing id', b64url('{"t":"2025-06-01T09:05:00.000Z"}')],
    ['negative id', b64url('{"t":"2025-06-01T09:05:00.000Z","id":-5}')],
    ['zero id', b64url('{"t":"2025-06-01T09:05:00.000Z","id":0}')],
    ['fractional id', b64url('{"t":"2025-06-01T09:05:00.000Z","id":1.5}')],
    ['id as a string', b64url('{"t":"2025-06-01T09:05:00.000Z","id":"5"}')],
    ['id past int4', b64url('{"t":"2025-06-01T09:05:00.000Z","id":2147483648}')],
    ['not a timestamp', b64url('{"t":"yesterday","id":5}')],
    ['an impossible date', b64url('{"t":"2025-02-30T09:05:00.000Z","id":5}')],
    ['seconds only', b64url('{"t":"2025-06-01T09:05:00Z","id":5}')],
    ['an offset', b64url('{"t":"2025-06-01T11:05:00.000+02:00","id":5}')],
    ['an extra key', b64url('{"t":"2025-06-01T09:05:00.000Z","id":5,"x":1}')],
    ['SQL in the timestamp', b64url('{"t":"2025\'; DROP TABLE orders;--","id":5}')],
    ['full-width digits in the year', b64url('{"t":"\uff12\uff10\uff12\uff15-06-01T09:05:00.000Z","id":5}')],
    ['hour 24', b64url('{"t":"2025-06-01T24:00:00.000Z","id":5}')],
    ['year 0, which PostgreSQL rejects', b64url('{"t":"0000-01-01T00:00:00.000Z","id":5}')],
    // Well-formed JSON padded with spaces: only the length cap refuses it.
    ['too long', b64url(`{"t":"2025-06-01T09:05:00.000Z",${' '.repeat(40)}"id":5}`)],
  ])('rejects %s', (_name, raw) => {
    expect(decodeCursor(raw)).toBeUndefined();
  });

  it('checks the alphabet itself, because Node decodes around junk', () => {
    const junk = `${encodeCursor(cursor)}!$`;
    expect(Buffer.from(junk, 'base64url').toString('utf8'))
      .toBe(JSON.stringify({ t: cursor.createdAt, id: cursor.id }));
    expect(decodeCursor(junk)).toBeUndefined();
  });

  it.each([
    ['truncated', (s: string) => s.slice(0, -3)],
    ['first character changed', (s: string) => `A${s.slice(1)}`],
    ['a character appended', (s: string) => `${s}!`],
  ])('rejects a real cursor that was %s', (_name, tamper) => {
    expect(decodeCursor(tamper(encodeCursor(cursor)))).toBeUndefined();
  });
});

describe('GET /orders: limit and cursor validation', () => {
  it(`serves ${DEFAULT_LIMIT} items when limit is absent`, async () => {
    await seed(25);
    const res = await createApp(db()).request('/orders');
    expect(((await res.json()) as Page).items).toHaveLength(DEFAULT_LIMIT);
  });

  it(`accepts limit up to ${MAX_LIMIT}`, async () => {
    await seed(MAX_LIMIT + 5, undefined, 1);
    const res = await createApp(db()).request(`/orders?limit=${MAX_LIMIT}`);
    expect(((await res.json()) as Page).items).toHaveLength(MAX_LIMIT);
  });

  it.each(['0', '-1', String(MAX_LIMIT + 1), '1000', 'abc', '1.5', '', '1e2',
    '%201', '10abc', '+5', '0x10', '%D9%A1%D9%A0' /* Arabic-Indic 10 */])('refuses limit=%j with a 400 problem', async (limit) => {
    const res = await createApp(db()).request(`/orders?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject(
      { status: 400, title: 'Bad Request', detail: expect.stringContaining('limit') });
  });

  it.each(['garbage', 'eyJ0IjoiYSJ9', b64url('{"t":"x","id":1}'), '',
    b64url('{"t":"0000-01-01T00:00:00.000Z","id":1}')])(
    'refuses cursor=%j with a 400 problem', async (cursor) => {
      await seed(3);
      const res = await createApp(db()).request(`/orders?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('Content-Type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject(
        { status: 400, detail: expect.stringContaining('cursor') });
    });

  it.each([0, -1, 1.5, Number.NaN, MAX_LIMIT + 1])(
    'refuses limit %s in listOrders itself, not only at the endpoint', async (limit) => {
      await expect(listOrders(db(), limit)).rejects.toThrow(RangeError);
    });

  it('treats a forged but well-formed cursor as a position, nothing more', async () => {
    await seed(5);
    const forged = encodeCursor({ createdAt: '2025-06-01T09:03:00.000Z', id: 3 });
    const res = await createApp(db()).request(`/orders?cursor=${forged}`);
    expect(((await res.json()) as Page).items.map((o) => o.id)).toEqual([2, 1]);
  });
});

describe('GET /orders: the page and its Link header', () => {
  it('links to the next page with a relative URI and rel="next"', async () => {
    await seed(5);
    const res = await createApp(db()).request('/orders?limit=2');
    const page = (await res.json()) as Page;
    expect(page.items.map((o) => o.id)).toEqual([5, 4]);
    expect(res.headers.get('Link')).toBe(
      `</orders?limit=2&cursor=${page.nextCursor}>; rel="next"`);
    expect(decodeCursor(page.nextCursor!)).toEqual(
      { createdAt: '2025-06-01T09:04:00.000Z', id: 4 });
  });

  it('keeps other query parameters and the default limit in the link', async () => {
    await seed(DEFAULT_LIMIT + 1);
    const res = await createApp(db()).request('/orders?view=compact');
    expect(nextLink(res)).toMatch(
      new RegExp(`^/orders\\?view=compact&limit=${DEFAULT_LIMIT}&cursor=`));
  });

  it('sends no Link and a null cursor on the last page', async () => {
    await seed(3);
    const res = await createApp(db()).request('/orders?limit=5');
    expect(res.headers.get('Link')).toBeNull();
    expect(((await res.json()) as Page).nextCursor).toBeNull();
  });

  it('knows a full last page is the last: no empty page after it', async () => {
    await seed(4);
    expect(await walk('/orders?limit=2')).toEqual([[4, 3], [2, 1]]);
  });

  it('answers an empty collection with 200 and no items', async () => {
    const res = await createApp(db()).request('/orders');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [], nextCursor: null });
  });

  it('serializes each order with an ISO 8601 timestamp', async () => {
    await seed(1);
    const res = await createApp(db()).request('/orders');
    expect(((await res.json()) as Page).items).toEqual([
      { id: 1, customer: 'c1', totalCents: 1,
        createdAt: '2025-06-01T09:01:00.000Z' }]);
  });
});

describe('a stable sort on (created_at, id)', () => {
  it('breaks timestamp ties by id, so equal timestamps never split badly', async () => {
    await seed(7, undefined, 0); // all seven at the same instant
    expect(await walk('/orders?limit=3')).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
  });

  it('rounds sub-millisecond inputs, so the cursor is exact', async () => {
    await db().query(
      `INSERT INTO orders (customer, total_cents, created_at) VALUES
         ('a', 1, '2025-06-01T09:00:00.123100Z'),
         ('b', 1, '2025-06-01T09:00:00.123400Z'),
         ('c', 1, '2025-06-01T09:00:00.123300Z')`);
    expect((await walk('/orders?limit=1')).flat()).toEqual([3, 2, 1]);
  });
});

describe('writes between page fetches', () => {
  it('neither repeats nor skips a row when newer rows arrive', async () => {
    await seed(25);
    const before = await allIds();
    let minute = 0;
    const pages = await walk('/orders?limit=10', async () => {
      await seed(3, `2025-06-02T0${minute++}:00:00Z`);
    });
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(before);
  });

  it('picks up a late row that sorts ahead of the cursor, exactly once', async () => {
    await seed(10);
    const pages = await walk('/orders?limit=4', async (page) => {
      if (page === 1) {
        await db().query(`INSERT INTO orders (customer, total_cents, created_at)
          VALUES ('late', 1, '2025-06-01T09:00:30Z')`); // older than all
      }
    });
    expect(pages.flat()).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 11]);
  });

  it('carries on when the row under the cursor is deleted', async () => {
    await seed(6);
    const pages = await walk('/orders?limit=2', async (page) => {
      if (page === 1) await db().query('DELETE FROM orders WHERE id = 5');
    });
    expect(pages).toEqual([[6, 5], [4, 3], [2, 1]]);
  });

  it('OFFSET, by contrast, repeats rows after an insert', async () => {
    await seed(6);
    const first = await listOrdersByOffset(db(), 3, 0);
    await seed(2, '2025-06-02T00:00:00Z');
    const second = await listOrdersByOffset(db(), 3, 3);
    expect(first).toEqual([6, 5, 4]);
    expect(second).toEqual([5, 4, 3]);
  });

  it('OFFSET, by contrast, skips a row after a delete', async () => {
    await seed(6);
    const first = await listOrdersByOffset(db(), 3, 0);
    await db().query('DELETE FROM orders WHERE id = 6');
    const second = await listOrdersByOffset(db(), 3, 3);
    expect([...first, ...second]).toEqual([6, 5, 4, 2, 1]); // 3 never shown
  });
});

describe('cost: OFFSET reads what it skips, a cursor seeks', () => {
  interface PlanNode {
    'Node Type': string; 'Actual Rows': number; 'Index Cond'?: string;
    Plans?: PlanNode[];
  }
  const scanOf = (node: PlanNode): PlanNode =>
    node['Node Type'].includes('Scan') ? node : scanOf(node.Plans![0]!);

  async function explain(sql: string, params: unknown[]) {
    const { rows } = await db().query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    return scanOf(rows[0]!['QUERY PLAN'][0]!.Plan);
  }

  it('reads offset + limit rows for OFFSET and limit + 1 for a cursor', async () => {
    await seed(5_000, undefined, 1_000);
    await db().exec('ANALYZE orders');
    const offset = await explain(
      `SELECT id FROM orders ORDER BY created_at DESC, id DESC
       LIMIT 20 OFFSET 4000`, []);
    expect(offset['Actual Rows']).toBeGreaterThanOrEqual(4_020);

    // The same page by cursor: the row just above it is id 1000.
    const { rows: [at] } = await db().query<{ created_at: Date }>(
      'SELECT created_at FROM orders WHERE id = 1000');
    const { sql, params } = pageQuery(20,
      { createdAt: at!.created_at.toISOString(), id: 1000 });
    const keyset = await explain(sql, params);
    expect(keyset['Actual Rows']).toBe(21);
    expect(keyset['Node Type']).toMatch(/Index/);
    expect(keyset['Index Cond']).toContain('ROW(created_at, id) <');
  });
});
