// The orders module tested on its own: catalog is replaced by a fake that
// implements the same public API, as a module test in Spring Modulith
// would stub the modules it depends on.
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../../db/use-database.ts';
import type { Catalog, ProductView } from '../catalog/index.ts';
import { createOrders, ORDERS_SCHEMA, UnknownProductError } from './index.ts';

const db = useDatabase(ORDERS_SCHEMA,
  { reset: 'TRUNCATE orders.orders, orders.order_lines RESTART IDENTITY' });

function fakeCatalog(...products: ProductView[]) {
  const calls: string[][] = [];
  const catalog: Pick<Catalog, 'findProducts'> = {
    async findProducts(ids) {
      calls.push([...ids]);
      return new Map(products.filter((p) => ids.includes(p.id)).map((p) => [p.id, p]));
    },
  };
  return { catalog, calls, products };
}
const lamp: ProductView = { id: 'lamp', name: 'Lamp', priceCents: 3900, available: true };
const shade: ProductView = { id: 'shade', name: 'Shade', priceCents: 1200, available: true };
const orderCount = async () => (await db().query<{ n: number }>(
  'SELECT count(*)::int AS n FROM orders.orders')).rows[0]!.n;

describe('placing an order through the catalog API', () => {
  it('asks the catalog once for all lines and copies name and price', async () => {
    const { catalog, calls } = fakeCatalog(lamp, shade);
    const order = await createOrders(db(), catalog).placeOrder('c-1',
      [{ productId: 'lamp', quantity: 2 }, { productId: 'shade', quantity: 1 }]);
    expect(calls).toEqual([['lamp', 'shade']]);
    expect(order).toEqual({ id: 1, customerId: 'c-1', totalCents: 9000, lines: [
      { productId: 'lamp', name: 'Lamp', unitPriceCents: 3900, quantity: 2 },
      { productId: 'shade', name: 'Shade', unitPriceCents: 1200, quantity: 1 }] });
  });

  it('keeps the price it was sold at when the catalog changes later', async () => {
    const fake = fakeCatalog({ ...lamp });
    const orders = createOrders(db(), fake.catalog);
    const { id } = await orders.placeOrder('c-1', [{ productId: 'lamp', quantity: 1 }]);
    fake.products[0]!.priceCents = 9999;
    fake.products[0]!.name = 'Renamed';
    expect((await orders.getOrder(id))!.lines[0]).toMatchObject(
      { name: 'Lamp', unitPriceCents: 3900 });
  });

  it.each([
    ['unknown', fakeCatalog(lamp)],
    ['retired', fakeCatalog(lamp, { ...shade, available: false })],
  ])('refuses an %s product and writes nothing', async (_, { catalog }) => {
    const placing = createOrders(db(), catalog).placeOrder('c-1',
      [{ productId: 'lamp', quantity: 1 }, { productId: 'shade', quantity: 1 }]);
    await expect(placing).rejects.toThrow(UnknownProductError);
    await expect(placing).rejects.toMatchObject({ productId: 'shade' });
    expect(await orderCount()).toBe(0);
  });

  it('writes nothing when the catalog call fails', async () => {
    const down = { findProducts: async () => { throw new Error('catalog down'); } };
    await expect(createOrders(db(), down).placeOrder('c-1',
      [{ productId: 'lamp', quantity: 1 }])).rejects.toThrow('catalog down');
    expect(await orderCount()).toBe(0);
  });

  it.each([
    ['', [{ productId: 'lamp', quantity: 1 }], /customerId/],
    ['c 1; DROP', [{ productId: 'lamp', quantity: 1 }], /customerId/],
    ['c-1', [], /1-50 lines/],
    ['c-1', Array.from({ length: 51 }, () => ({ productId: 'lamp', quantity: 1 })), /1-50 lines/],
    ['c-1', [{ productId: 'lamp', quantity: 0 }], /quantity/],
    ['c-1', [{ productId: 'lamp', quantity: 1.5 }], /quantity/],
    ['c-1', [{ productId: 'lamp', quantity: 1001 }], /quantity/],
    ['c-1', [null], /quantity/],
  ])('rejects bad input %# before asking the catalog', async (customer, lines, message) => {
    const { catalog, calls } = fakeCatalog(lamp);
    await expect(createOrders(db(), catalog).placeOrder(customer, lines as never))
      .rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('getOrder checks the id and returns undefined when there is none', async () => {
    const orders = createOrders(db(), fakeCatalog().catalog);
    expect(await orders.getOrder(42)).toBeUndefined();
    await expect(orders.getOrder(0)).rejects.toThrow(RangeError);
    await expect(orders.getOrder(1.5)).rejects.toThrow(RangeError);
  });
});
