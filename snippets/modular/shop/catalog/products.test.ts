import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../../db/use-database.ts';
import {
  CATALOG_SCHEMA, insertProduct, retireProduct, selectProducts, updatePrice,
} from './products.ts';

const db = useDatabase(CATALOG_SCHEMA, { reset: 'TRUNCATE catalog.products' });
const lamp = { id: 'lamp', name: 'Lamp', price_cents: 3900, active: true };

describe('catalog tables', () => {
  it('keeps products in the catalog schema', async () => {
    await insertProduct(db(), lamp);
    const { rows } = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM catalog.products');
    expect(rows[0]!.n).toBe(1);
  });

  it('selects many ids in one query and leaves out unknown ones', async () => {
    await insertProduct(db(), lamp);
    await insertProduct(db(), { ...lamp, id: 'shade', name: 'Shade' });
    expect((await selectProducts(db(), ['shade', 'nope', 'lamp'])).map((r) => r.id))
      .toEqual(['lamp', 'shade']);
    expect(await selectProducts(db(), [])).toEqual([]);
  });

  it('passes ids as a parameter, so a hostile id is only a value', async () => {
    await insertProduct(db(), lamp);
    expect(await selectProducts(db(), ["lamp') OR true --"])).toEqual([]);
  });

  it('updates and retires, reporting whether the product existed', async () => {
    await insertProduct(db(), lamp);
    expect(await updatePrice(db(), 'lamp', 4500)).toBe(true);
    expect(await updatePrice(db(), 'nope', 1)).toBe(false);
    expect(await retireProduct(db(), 'lamp')).toBe(true);
    expect(await retireProduct(db(), 'nope')).toBe(false);
    expect(await selectProducts(db(), ['lamp'])).toEqual(
      [{ ...lamp, price_cents: 4500, active: false }]);
  });

  it('refuses a negative price in the table itself', async () => {
    await expect(insertProduct(db(), { ...lamp, price_cents: -1 }))
      .rejects.toThrow(/check constraint/);
  });
});
