/**
 * The catalog module's public entry: the only file other modules import.
 * It exports behaviour and plain data types, never the tables, the row
 * types or the SQL, so catalog can change its storage (or move behind an
 * HTTP API) without any caller changing.
 */
import {
  CATALOG_SCHEMA, insertProduct, retireProduct, selectProducts, updatePrice,
  type Sql,
} from './products.ts';

export { CATALOG_SCHEMA };
export type { Sql };

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_IDS = 100;

function checkId(id: unknown): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new TypeError(`product id must match ${ID}; got ${JSON.stringify(id)}`);
  }
  return id;
}

const MAX_PRICE = 2 ** 31 - 1; // the column is a PostgreSQL integer

function checkPrice(cents: unknown): number {
  const ok = Number.isInteger(cents) && (cents as number) >= 0;
  if (!ok || (cents as number) > MAX_PRICE) {
    throw new RangeError('price must be a whole number of cents ' +
      `0-${MAX_PRICE}; got ${cents}`);
  }
  return cents as number;
}

// #region public-api
/** What other modules see of a product: data, not a table row. */
export interface ProductView {
  id: string;
  name: string;
  priceCents: number;
  available: boolean;
}

export interface Catalog {
  addProduct(p: { id: string; name: string; priceCents: number }):
    Promise<void>;
  /** Many ids in one call (no N+1); unknown ids are absent from the map. */
  findProducts(ids: readonly string[]): Promise<Map<string, ProductView>>;
  changePrice(id: string, priceCents: number): Promise<void>;
  retire(id: string): Promise<void>; // never deleted: orders keep the id
}
// #endregion public-api

export function createCatalog(sql: Sql): Catalog {
  return {
    async findProducts(ids) {
      if (ids.length > MAX_IDS) {
        throw new RangeError(`at most ${MAX_IDS} ids per call`);
      }
      const rows = await selectProducts(sql, [...new Set(ids.map(checkId))]);
      return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name,
        priceCents: r.price_cents, available: r.active }]));
    },
    async addProduct({ id, name, priceCents }) {
      if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
        throw new TypeError('product name must be 1-200 characters');
      }
      await insertProduct(sql, {
        id: checkId(id), name, price_cents: checkPrice(priceCents), active: true,
      });
    },
    async changePrice(id, priceCents) {
      if (!await updatePrice(sql, checkId(id), checkPrice(priceCents))) {
        throw new Error(`no product ${id}`);
      }
    },
    async retire(id) {
      if (!await retireProduct(sql, checkId(id))) {
        throw new Error(`no product ${id}`);
      }
    },
  };
}
