/**
 * The composition root of the sample modular monolith: the one place that
 * knows every module. It runs each module's migration, gives each module a
 * database handle that can touch only that module's schema, and passes the
 * catalog's public API to orders. Modules never import this file.
 */
import type { PGlite } from '@electric-sql/pglite';
import { CATALOG_SCHEMA, createCatalog, type Catalog } from './catalog/index.ts';
import { createOrders, ORDERS_SCHEMA, type Db, type Orders } from './orders/index.ts';

// #region modules
/** Each module and the modules it may call: checked by boundaries.ts. */
export const SHOP_MODULES = {
  catalog: [],
  orders: ['catalog'],
} as const satisfies Record<string, readonly string[]>;
// #endregion modules

export interface Shop {
  catalog: Catalog;
  orders: Orders;
}

const ROLE = /^[a-z][a-z0-9_]{0,62}$/;

// #region wiring
/** A handle whose every statement runs as the module's own role. */
export function asRole(db: PGlite, role: string): Db {
  if (!ROLE.test(role)) throw new TypeError(`bad role name ${role}`);
  const transaction: Db['transaction'] = (fn) =>
    db.transaction(async (tx) => {
      await tx.exec(`SET LOCAL ROLE ${role}`); // ends with the transaction
      return fn(tx);
    });
  const query: Db['query'] = (sql, p) => transaction((tx) => tx.query(sql, p));
  return { transaction, query };
}

/** The owner's role gets its schema; no role gets another module's. */
function ownSchema(module: string): string {
  return `CREATE ROLE ${module}_module NOLOGIN;
    GRANT USAGE ON SCHEMA ${module} TO ${module}_module;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA ${module}
      TO ${module}_module;`;
}

export async function openShop(db: PGlite): Promise<Shop> {
  await db.exec(CATALOG_SCHEMA + ownSchema('catalog'));
  await db.exec(ORDERS_SCHEMA + ownSchema('orders'));
  const catalog = createCatalog(asRole(db, 'catalog_module'));
  const orders = createOrders(asRole(db, 'orders_module'), catalog);
  return { catalog, orders };
}
// #endregion wiring

if (import.meta.main) {
  const { openDatabase } = await import('../../db/database.ts');
  const db = await openDatabase();
  try {
    const { catalog, orders } = await openShop(db);
    await catalog.addProduct({ id: 'desk-lamp', name: 'Desk lamp', priceCents: 3900 });
    await catalog.addProduct({ id: 'shade', name: 'Shade', priceCents: 1200 });
    const order = await orders.placeOrder('c-42', [
      { productId: 'desk-lamp', quantity: 2 }, { productId: 'shade', quantity: 1 },
    ]);
    const lines = order.lines.map((l) => `${l.quantity} x ${l.name} @ ${l.unitPriceCents}`);
    console.log(`order ${order.id}: ${lines.join(' + ')} = ${order.totalCents}`);

    await catalog.changePrice('desk-lamp', 4500);
    const again = await orders.getOrder(order.id);
    console.log(`catalog now sells desk-lamp at 4500; order ${order.id} ` +
      `still says ${again?.lines[0]?.unitPriceCents}`);

    await catalog.retire('shade');
    await orders.placeOrder('c-42', [{ productId: 'shade', quantity: 1 }])
      .catch((e: Error) => console.log(`${e.name}: ${e.message}`));

    await asRole(db, 'orders_module').query(
      `SELECT l.product_id, p.name FROM orders.order_lines l
       JOIN catalog.products p ON p.id = l.product_id`)
      .catch((e: Error) => console.log(`orders joins catalog's table: ${e.message}`));
  } finally {
    await db.close();
  }
}
