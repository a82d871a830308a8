import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../../db/use-database.ts';
import { CATALOG_SCHEMA, createCatalog } from './index.ts';

const db = useDatabase(CATALOG_SCHEMA, { reset: 'TRUNCATE catalog.products' });
const lamp = { id: 'desk-lamp', name: 'Desk lamp', priceCents: 3900 };

describe('the catalog public API', () => {
  it('returns plain views, not table rows', async () => {
    const catalog = createCatalog(db());
    await catalog.addProduct(lamp);
    const found = await catalog.findProducts(['desk-lamp', 'desk-lamp', 'nope']);
    expect([...found.entries()]).toEqual([['desk-lamp',
      { id: 'desk-lamp', name: 'Desk lamp', priceCents: 3900, available: true }]]);
  });

  it('answers many ids with one query', async () => {
    let queries = 0;
    const counting = { query: (sql: string, p?: unknown[]) => {
      queries++;
      return db().query(sql, p) as never;
    } };
    const catalog = createCatalog(counting);
    await catalog.findProducts(['a', 'b', 'c', 'd']);
    expect(queries).toBe(1);
  });

  it('changes prices and retires products, never deleting them', async () => {
    const catalog = createCatalog(db());
    await catalog.addProduct(lamp);
    await catalog.changePrice('desk-lamp', 2 ** 31 - 1); // the largest allowed
    await catalog.changePrice('desk-lamp', 4500);
    await catalog.retire('desk-lamp');
    expect((await catalog.findProducts(['desk-lamp'])).get('desk-lamp'))
      .toMatchObject({ priceCents: 4500, available: false });
    await expect(catalog.changePrice('nope', 1)).rejects.toThrow('no product nope');
    await expect(catalog.retire('nope')).rejects.toThrow('no product nope');
  });

  it.each([
    [{ ...lamp, id: 'Desk Lamp' }, /product id must match/],
    [{ ...lamp, id: 'x'.repeat(65) }, /product id must match/],
    [{ ...lamp, name: ' ' }, /name must be 1-200/],
    [{ ...lamp, name: 'n'.repeat(201) }, /name must be 1-200/],
    [{ ...lamp, priceCents: -1 }, /whole number of cents/],
    [{ ...lamp, priceCents: 9.99 }, /whole number of cents/],
    [{ ...lamp, priceCents: 2 ** 31 }, /whole number of cents/], // integer column
  ])('rejects a bad product %#', async (input, message) => {
    await expect(createCatalog(db()).addProduct(input)).rejects.toThrow(message);
  });

  it('rejects bad or too many ids before touching the database', async () => {
    const none = { query: () => { throw new Error('queried'); } };
    const catalog = createCatalog(none);
    await expect(catalog.findProducts(["x' OR 1=1"])).rejects.toThrow(TypeError);
    await expect(catalog.findProducts(Array.from({ length: 101 }, (_, i) => `p${i}`)))
      .rejects.toThrow('at most 100 ids');
    expect(await catalog.findProducts([]).catch(String)).toBeInstanceOf(Map);
  });
});
