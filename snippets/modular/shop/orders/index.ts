/**
 * The orders module's public entry. Orders depends on catalog, and only on
 * what catalog/index.ts exports: it asks for products through
 * `findProducts` and keeps a copy of what it needs on each order line.
 */
import type { Catalog } from '../catalog/index.ts';
import { insertOrder, ORDERS_SCHEMA, selectOrder, type Db } from './order-table.ts';

export { ORDERS_SCHEMA };
export type { Db };

export interface OrderLine {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Order {
  id: number;
  customerId: string;
  totalCents: number;
  lines: OrderLine[];
}

export interface Orders {
  placeOrder(customerId: string,
    lines: readonly { productId: string; quantity: number }[]): Promise<Order>;
  getOrder(id: number): Promise<Order | undefined>;
}

/** A product that does not exist or can no longer be ordered. */
export class UnknownProductError extends Error {
  readonly productId: string;
  constructor(productId: string) {
    super(`product ${productId} does not exist or is not available`);
    this.name = 'UnknownProductError';
    this.productId = productId;
  }
}

const MAX_LINES = 50;

function checkInput(customerId: unknown, lines: unknown): void {
  if (typeof customerId !== 'string' || !/^[\w-]{1,64}$/.test(customerId)) {
    throw new TypeError('customerId must be 1-64 letters, digits, _ or -');
  }
  if (!Array.isArray(lines) || lines.length === 0 || lines.length > MAX_LINES) {
    throw new RangeError(`an order needs 1-${MAX_LINES} lines`);
  }
  for (const l of lines as { quantity?: unknown }[]) {
    const q = l?.quantity;
    if (!Number.isInteger(q) || (q as number) < 1 || (q as number) > 1000) {
      throw new RangeError(`quantity must be an integer 1-1000; got ${q}`);
    }
  }
}

// #region place-order
export function createOrders(db: Db,
  catalog: Pick<Catalog, 'findProducts'>): Orders {
  async function placeOrder(customerId: string,
    lines: readonly { productId: string; quantity: number }[]) {
    checkInput(customerId, lines);
    // Ask the owner through its API, outside any transaction of ours:
    // once catalog is a service, this is a network call.
    const products =
      await catalog.findProducts(lines.map((l) => l.productId));
    const rows = lines.map((l) => {
      const p = products.get(l.productId);
      if (!p?.available) throw new UnknownProductError(l.productId);
      // What replaces the foreign key: the id, checked just now, and a
      // copy of what this order must keep even if the catalog changes.
      return { product_id: p.id, product_name: p.name,
        unit_price_cents: p.priceCents, quantity: l.quantity };
    });
    const id = await insertOrder(db, customerId, rows);
    return (await getOrder(db, id))!;
  }
  return { placeOrder, getOrder: (id) => getOrder(db, id) };
}
// #endregion place-order

async function getOrder(db: Db, id: number): Promise<Order | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new RangeError(`order id must be a positive integer; got ${id}`);
  }
  const row = await selectOrder(db, id);
  if (row === undefined) return undefined;
  return {
    id: row.id, customerId: row.customer_id, totalCents: row.total_cents,
    lines: row.lines.map((l) => ({ productId: l.product_id,
      name: l.product_name, unitPriceCents: l.unit_price_cents,
      quantity: l.quantity })),
  };
}
