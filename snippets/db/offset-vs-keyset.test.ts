import { describe, expect, it } from 'vitest';
import type { Cursor } from './cursor-pagination.ts';
import {
  audit, keysetPage, MAX_OFFSET, offsetPage, readAll, SCHEMA,
} from './offset-vs-keyset.ts';
import { useDatabase } from './use-database.ts';

const db = useDatabase(SCHEMA, { reset: 'TRUNCATE orders RESTART IDENTITY' });

let minute = 0;
/** n orders, each a minute newer than the last one added. */
async function add(n: number) {
  await db().query(`INSERT INTO orders (customer, total_cents, created_at)
    SELECT 'c', 100, timestamptz '2026-01-01Z' + ($1 + g) * interval '1 min'
    FROM generate_series(1, $2) g`, [minute, n]);
  minute += n;
}
async function fresh(n: number) {
  minute = 0;
  await add(n);
}
const ids = async () => (await db().query<{ id: number }>(
  'SELECT id FROM orders ORDER BY id DESC')).rows.map((r) => r.id);
const byOffset = (size: number) => (p: number | undefined) =>
  offsetPage(db(), p ?? 1, size);
const byKeyset = (size: number) => (c: Cursor | undefined) =>
  keysetPage(db(), c, size);

/** Reads to the end with `change` between pages; audits against survivors. */
async function read<P>(fetch: (at: P | undefined) =>
  Promise<{ items: number[]; next: P | undefined }>,
change: () => Promise<unknown>) {
  const before = await ids();
  const seen = await readAll(fetch, async () => { await change(); });
  const after = await ids();
  return { seen, ...audit(seen, before.filter((id) => after.includes(id))) };
}

describe('offsetPage', () => {
  it('serves page numbers from 1, newest first, and knows the last page', async () => {
    await fresh(10);
    expect(await offsetPage(db(), 1, 4)).toEqual({ items: [10, 9, 8, 7], next: 2 });
    expect(await offsetPage(db(), 2, 4)).toEqual({ items: [6, 5, 4, 3], next: 3 });
    expect(await offsetPage(db(), 3, 4)).toEqual({ items: [2, 1], next: undefined });
  });

  it('ends on a full last page without promising an empty one', async () => {
    await fresh(8);
    expect(await offsetPage(db(), 2, 4)).toEqual({ items: [4, 3, 2, 1], next: undefined });
  });

  it('answers a page past the end with no items', async () => {
    await fresh(3);
    expect(await offsetPage(db(), 5, 4)).toEqual({ items: [], next: undefined });
  });

  it.each([0, -1, 1.5, Number.NaN, 101])('refuses size %s', async (size) => {
    await expect(offsetPage(db(), 1, size)).rejects.toThrow(/size must be 1 to 100/);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses page %s', async (page) => {
      await expect(offsetPage(db(), page, 20)).rejects.toThrow(
        /page must be 1 to 501 for size 20/);
    });

  it('names a whole last page when size does not divide the cap', async () => {
    // 10,000 / 3 is not whole: page 3,334 starts at row 9,999, page 3,335
    // at row 10,002, past the cap.
    await expect(offsetPage(db(), 3335, 3)).rejects.toThrow(
      'page must be 1 to 3334 for size 3, got 3335');
    await expect(offsetPage(db(), 3334, 3)).resolves.toEqual(
      { items: [], next: undefined });
  });

  it('offers no next page that it would refuse', async () => {
    await fresh(MAX_OFFSET + 101); // more rows than the cap lets anyone see
    const last = await offsetPage(db(), 101, 100); // rows 10,001 to 10,100
    expect(last.items).toHaveLength(100);
    expect(last.next).toBeUndefined();
    await expect(offsetPage(db(), 102, 100)).rejects.toThrow(/got 102/);
  });

  it(`caps the offset at ${MAX_OFFSET} rows`, async () => {
    await fresh(1);
    await expect(offsetPage(db(), 501, 20)).resolves.toEqual(
      { items: [], next: undefined });
    await expect(offsetPage(db(), 502, 20)).rejects.toThrow(/got 502/);
  });
});

describe('keysetPage', () => {
  it("is Q45's listOrders: the same pages, and its limit check", async () => {
    await fresh(5);
    const first = await keysetPage(db(), undefined, 2);
    expect(first.items).toEqual([5, 4]);
    expect((await keysetPage(db(), first.next, 2)).items).toEqual([3, 2]);
    await expect(keysetPage(db(), undefined, 0)).rejects.toThrow(RangeError);
  });
});

describe('reading to the end while the table changes', () => {
  it('offset repeats rows when new ones arrive between pages', async () => {
    await fresh(12);
    const r = await read(byOffset(4), () => add(2));
    expect(r.repeated).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
    expect(r.skipped).toEqual([]);
  });

  it('offset skips rows when seen ones are deleted between pages', async () => {
    await fresh(12);
    const r = await read(byOffset(4), () => db().query(
      'DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)'));
    expect(r.seen).toEqual([12, 11, 10, 9, 7, 6, 5, 4, 2, 1]);
    expect(r.skipped).toEqual([8, 3]);
  });

  it.each([1, 2, 3, 4, 7])('keyset neither repeats nor skips with inserts, pages of %i',
    async (size) => {
      await fresh(12);
      const r = await read(byKeyset(size), () => add(3));
      expect(r.seen).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(r).toMatchObject({ repeated: [], skipped: [] });
    });

  it('keyset neither repeats nor skips with deletes', async () => {
    await fresh(12);
    const r = await read(byKeyset(4), () => db().query(
      'DELETE FROM orders WHERE id = (SELECT max(id) FROM orders)'));
    expect(r.seen).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(r).toMatchObject({ repeated: [], skipped: [] });
  });

  it('keyset stays exact under a seeded mix of inserts and deletes', async () => {
    let state = 42; // a small LCG: the same mix on every run
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let run = 0; run < 5; run++) {
      await db().exec('TRUNCATE orders RESTART IDENTITY');
      await fresh(30);
      const r = await read(byKeyset(1 + rand(6)), async () => {
        await add(rand(4));
        const all = await ids();
        if (all.length > 0 && rand(2) === 0) {
          await db().query('DELETE FROM orders WHERE id = $1',
            [all[rand(all.length)]]);
        }
      });
      expect(r).toMatchObject({ repeated: [], skipped: [] });
    }
  });

  it('offset never reaches the end when rows arrive as fast as pages are read', async () => {
    await fresh(8);
    let fetches = 0;
    const counted = (p: number | undefined) => {
      fetches++;
      return byOffset(4)(p);
    };
    await expect(readAll(counted, () => add(4), 50)).rejects.toThrow(
      'still no last page after 50 pages');
    expect(fetches).toBe(50);
  });
});

describe('audit', () => {
  it('lists each repeat once per extra sighting, and what was never seen', () => {
    expect(audit([5, 4, 4, 3, 4, 1], [5, 4, 3, 2, 1]))
      .toEqual({ repeated: [4, 4], skipped: [2] });
  });

  it('finds nothing wrong with an exact read', () => {
    expect(audit([3, 2, 1], [3, 2, 1])).toEqual({ repeated: [], skipped: [] });
  });
});
