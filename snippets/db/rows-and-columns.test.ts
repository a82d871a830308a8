import { describe, expect, it } from 'vitest';
import { lockWaitSeen, waitsForLock, type Session } from './postgres-server.ts';
import {
  alterTable, priceList, productBySku, toColumns, toRows,
} from './rows-and-columns.ts';
import { PRODUCTS } from './table-basics.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const SEED = `INSERT INTO products (sku, name, price_cents, stock) VALUES
  ('MUG-1', 'Mug', 900, 12), ('PEN-1', 'Pen', 150, 40), ('CAP-1', 'Cap', 1500, 0)`;
const RESET = `DROP TABLE IF EXISTS products; ${PRODUCTS}; ${SEED}`;

describe('toColumns and toRows', () => {
  const rows = [{ sku: 'MUG-1', price: 900 }, { sku: 'PEN-1', price: 150 }];

  it('hold the same data, one array per column', () => {
    const columns = toColumns(['sku', 'price'], rows);
    expect(columns).toEqual({ sku: ['MUG-1', 'PEN-1'], price: [900, 150] });
    expect(toRows(columns)).toEqual(rows);
    expect(toColumns(['sku'], [])).toEqual({ sku: [] });
    expect(toRows({})).toEqual([]);
  });

  it('keeps nulls in their place', () => {
    const columns = toColumns(['a', 'b'], [{ a: null, b: 1 }, { a: 2, b: null }]);
    expect(columns).toEqual({ a: [null, 2], b: [1, null] });
  });

  it('refuses rows that do not all have the same columns', () => {
    expect(() => toColumns(['sku', 'price'], [...rows, { sku: 'X' }]))
      .toThrow('row 2 does not have exactly the columns sku, price');
    expect(() => toColumns(['sku'], rows)).toThrow('row 0');
    expect(() => toColumns(['sku', 'cost'], rows)).toThrow('row 0');
    expect(() => toColumns([], rows)).toThrow('non-empty list of unique');
    expect(() => toColumns(['sku', 'sku'], rows)).toThrow('unique');
    expect(() => toRows({ a: [1, 2], b: [1] })).toThrow('same number');
  });

  it('is not fooled by a row named after Object.prototype', () => {
    expect(() => toColumns(['sku'], [{ toString: 'x' }])).toThrow('row 0');
    const out = toColumns(['__proto__'], [JSON.parse('{"__proto__": 1}')]);
    expect(out['__proto__']).toEqual([1]);
    expect(({} as Record<string, unknown>)['0']).toBeUndefined();
  });
});

describe('selecting columns and rows (PGlite)', () => {
  const db = useDatabase(PRODUCTS, { reset: RESET });

  it('a column question reads every row, two columns of each', async () => {
    expect(await priceList(db())).toEqual([
      { sku: 'CAP-1', price_cents: 1500 }, { sku: 'MUG-1', price_cents: 900 },
      { sku: 'PEN-1', price_cents: 150 }]);
  });

  it('a row question reads one row, by a parameter', async () => {
    expect(await productBySku(db(), 'PEN-1')).toEqual(
      { sku: 'PEN-1', name: 'Pen', price_cents: 150, stock: 40 });
    expect(await productBySku(db(), 'NOPE')).toBeUndefined();
    expect(await productBySku(db(), `' OR '1'='1`)).toBeUndefined();
  });

  it('named columns keep their shape when a column is added; * does not',
    async () => {
      const star = async () => Object.keys((await db().query(
        'SELECT * FROM products LIMIT 1')).rows[0]!);
      expect(await star()).toHaveLength(6);
      await alterTable(db(), 'products',
        'ALTER TABLE products ADD COLUMN notes text');
      expect(await star()).toHaveLength(7);
      expect(Object.keys((await priceList(db()))[0]!))
        .toEqual(['sku', 'price_cents']);
      expect(Object.keys((await productBySku(db(), 'MUG-1'))!))
        .toEqual(['sku', 'name', 'price_cents', 'stock']);
    });
});

describe('alterTable: which ADD COLUMN rewrites the table (PGlite)', () => {
  const db = useDatabase(PRODUCTS, { reset: RESET });
  const add = (column: string) => alterTable(db(), 'products',
    `ALTER TABLE products ADD COLUMN ${column}`);
  const missing = async (column: string) => (await db().query<{ m: boolean }>(
    `SELECT atthasmissing AS m FROM pg_attribute
     WHERE attrelid = 'products'::regclass AND attname = $1`, [column]))
    .rows[0]!.m;

  it('a constant default is metadata only: old rows read it back', async () => {
    expect(await add(`status text NOT NULL DEFAULT 'active'`))
      .toEqual({ rewrote: false });
    expect(await missing('status')).toBe(true); // kept in pg_attribute
    const { rows } = await db().query<{ status: string }>(
      'SELECT status FROM products');
    expect(rows.map((r) => r.status)).toEqual(['active', 'active', 'active']);
  });

  it('no default (NULL) is metadata only too', async () => {
    expect(await add('notes text')).toEqual({ rewrote: false });
  });

  it('now() is stable, not volatile: no rewrite, one value for every old row',
    async () => {
      expect(await add('added_at timestamptz DEFAULT now()'))
        .toEqual({ rewrote: false });
      const { rows } = await db().query<{ n: number }>(
        'SELECT count(DISTINCT added_at)::int AS n FROM products');
      expect(rows[0]!.n).toBe(1);
    });

  it('a volatile default rewrites the table, computing it per row',
    async () => {
      expect(await add('seen_at timestamptz DEFAULT clock_timestamp()'))
        .toEqual({ rewrote: true });
      expect(await add('token uuid DEFAULT gen_random_uuid()'))
        .toEqual({ rewrote: true });
      const { rows } = await db().query<{ n: number }>(
        'SELECT count(DISTINCT token)::int AS n FROM products');
      expect(rows[0]!.n).toBe(3);
      expect(await missing('token')).toBe(false);
    });

  it('an identity column rewrites the table', async () => {
    expect(await add('seq int GENERATED ALWAYS AS IDENTITY'))
      .toEqual({ rewrote: true });
  });

  it('refuses bad arguments before touching the table', async () => {
    await expect(alterTable(db(), 'products', 'DROP TABLE products'))
      .rejects.toThrow('not an ALTER TABLE');
    for (const lockTimeoutMs of [0, -1, 1.5, 60_001, Number.NaN]) {
      await expect(alterTable(db(), 'products',
        'ALTER TABLE products ADD COLUMN x int', { lockTimeoutMs }))
        .rejects.toThrow(RangeError);
    }
    await expect(alterTable(db(), 'nope',
      'ALTER TABLE nope ADD COLUMN x int')).rejects.toThrow('"nope"');
    await db().query('CREATE VIEW cheap AS SELECT sku FROM products');
    await expect(alterTable(db(), 'cheap', 'ALTER TABLE cheap RENAME sku TO s'))
      .rejects.toThrow('cheap has no data file');
    expect(Object.keys((await db().query('SELECT * FROM cheap')).rows[0]!))
      .toEqual(['sku']); // the transaction rolled back
  });
});

describe('alterTable on a real server: cheap is not lock-free', () => {
  const { db, server } = useServerDatabase(PRODUCTS, { reset: RESET });

  /** A transaction that has read products and stays open until release(). */
  async function openReader() {
    const client = await db().pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT count(*) FROM products');
    let open = true;
    return async () => {
      if (!open) return;
      open = false;
      await client.query('COMMIT');
      client.release();
    };
  }

  /**
   * Resolves once a statement containing `text` is waiting for a lock. A
   * deadline, not a count of polls: on a busy runner the later read may
   * need a while to open its connection.
   */
  async function waiting(on: Session, text: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const queries = await lockWaitSeen(on, { timeoutMs });
      if (queries.some((q) => q.includes(text))) return queries;
    }
    throw new Error(`${text} never waited within ${timeoutMs} ms`);
  }

  /** What `op` settled with, or 'still waiting' after `ms` (a failing test). */
  async function within(op: Promise<unknown>, ms: number) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise((resolve) => {
      timer = setTimeout(resolve, ms, 'still waiting');
    });
    try {
      const settled = op.then(() => 'done', (e: unknown) => e);
      return await Promise.race([settled, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('ADD COLUMN waits for an open reader, and later reads queue behind it',
    async () => {
      const release = await openReader();
      const other = server().pool(2); // stop() ends it
      try {
        const alter = alterTable(other, 'products',
          'ALTER TABLE products ADD COLUMN notes text', { lockTimeoutMs: 60_000 });
        expect((await waitsForLock(db(), alter)).join())
          .toContain('ADD COLUMN notes');
        const read = other.query('SELECT sku FROM products /* later read */');
        expect(await waiting(db(), 'later read')).toHaveLength(2);
        await release();
        expect(await alter).toEqual({ rewrote: false });
        expect((await read).rows).toHaveLength(3);
      } finally {
        await release();
      }
    });

  it('lock_timeout makes it give up with 55P03 and frees the queue',
    async () => {
      const release = await openReader();
      try {
        const error = await within(alterTable(db(), 'products',
          'ALTER TABLE products ADD COLUMN notes text', { lockTimeoutMs: 50 }),
        5_000); // without lock_timeout it would wait for the reader forever
        expect((error as { code?: string }).code).toBe('55P03');
        const { rows } = await db().query('SELECT sku FROM products');
        expect(rows).toHaveLength(3);
      } finally {
        await release();
      }
      const { rows } = await db().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.columns
         WHERE table_name = 'products' AND column_name = 'notes'`);
      expect(rows[0]!.n).toBe(0);
    });
});
