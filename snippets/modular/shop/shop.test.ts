// The wired app: each module's handle runs as its own database role, so a
// query that reaches into another module's tables fails in the database,
// not only in review.
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../db/use-database.ts';
import { asRole, openShop, SHOP_MODULES, type Shop } from './shop.ts';

const db = useDatabase('SELECT 1');
let shop: Shop | undefined;
const opened = async () => (shop ??= await openShop(db()));

describe('the shop, wired', () => {
  it('places an order end to end through both modules', async () => {
    const { catalog, orders } = await opened();
    await catalog.addProduct({ id: 'lamp', name: 'Lamp', priceCents: 3900 });
    const order = await orders.placeOrder('c-1', [{ productId: 'lamp', quantity: 2 }]);
    expect(order.totalCents).toBe(7800);
    await catalog.changePrice('lamp', 4500);
    expect((await orders.getOrder(order.id))!.lines[0]!.unitPriceCents).toBe(3900);
  });

  it("stops orders from reading or joining catalog's tables", async () => {
    await opened();
    const orders = asRole(db(), 'orders_module');
    await expect(orders.query('SELECT * FROM catalog.products'))
      .rejects.toThrow('permission denied for schema catalog');
    await expect(orders.query(`SELECT 1 FROM orders.order_lines l
      JOIN catalog.products p ON p.id = l.product_id`))
      .rejects.toThrow('permission denied for schema catalog');
    expect((await orders.query('SELECT count(*) FROM orders.orders')).rows)
      .toHaveLength(1);
  });

  it("stops catalog from touching orders' tables", async () => {
    await opened();
    await expect(asRole(db(), 'catalog_module').query('DELETE FROM orders.orders'))
      .rejects.toThrow('permission denied for schema orders');
  });

  it('drops the role when its transaction ends', async () => {
    await opened();
    const who = async () => (await db().query<{ u: string }>(
      'SELECT current_user AS u')).rows[0]!.u;
    const before = await who();
    expect(before).not.toMatch(/_module$/); // no role left over from a test
    const inside = await asRole(db(), 'orders_module').query<{ u: string }>(
      'SELECT current_user AS u');
    expect(inside.rows[0]!.u).toBe('orders_module');
    expect(await who()).toBe(before);
  });

  it('rejects a role name that is not a plain identifier', () => {
    expect(() => asRole(db(), 'x; RESET ROLE')).toThrow('bad role name');
  });

  it('declares orders -> catalog and nothing else', () => {
    expect(SHOP_MODULES).toEqual({ catalog: [], orders: ['catalog'] });
  });
});
