/**
 * Cache-aside (lazy loading) in front of a slow store, and the HTTP side of
 * caching on the same route: `Cache-Control` says how long any cache may
 * reuse the response, the `ETag` lets it revalidate for a bodiless 304
 * (RFC 9111 §5.2.2.1, RFC 9110 §8.8.3, §13.1.2). The answer to Q25; Q76
 * takes the same idea to a shared Redis cache under heavy traffic.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { etagOf, ifNoneMatchHits } from '../http/etag.ts';
import { bodyOrProblem } from '../http/json-body.ts';
import { statusProblem } from '../http/problem.ts';
import { LruCache } from './lru-cache.ts';

export interface Product { id: number; name: string; priceCents: number }

/** The system of record: a database table in production. */
export interface ProductStore {
  find(id: number): Promise<Product | undefined>;
  save(product: Product): Promise<void>;
}

// #region cache-aside
export class ProductService {
  readonly #store: ProductStore;
  readonly #cache: LruCache<Readonly<Product>>;
  #writes = 0; // bumped by every update, checked by loads in flight
  readonly stats = { hits: 0, misses: 0 };

  constructor(store: ProductStore, cache: LruCache<Readonly<Product>>) {
    this.#store = store;
    this.#cache = cache;
  }

  async get(id: number): Promise<Readonly<Product> | undefined> {
    const key = `product:${id}`;
    const cached = this.#cache.get(key);
    if (cached) {
      this.stats.hits++;
      return cached;
    }
    this.stats.misses++;
    const writesBefore = this.#writes;
    const found = await this.#store.find(id);
    const product = found && Object.freeze({ ...found }); // shared: read-only
    // A write during the load may have made this copy old: don't store it.
    if (product && writesBefore === this.#writes) {
      this.#cache.set(key, product);
    }
    return product;
  }

  /** Write the store first, then drop the cached copy. */
  async update(product: Product): Promise<void> {
    await this.#store.save(product);
    this.#writes++;
    this.#cache.delete(`product:${product.id}`);
  }
}
// #endregion cache-aside

const productInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  priceCents: z.number().int().min(0).max(100_000_000),
});

/** Positive integer ids only: anything else names no product. */
function parseId(raw: string): number | undefined {
  return /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : undefined;
}

// #region http-cache
export function productRoutes(service: ProductService, maxAge = 60): Hono {
  const app = new Hono();
  const notFound = () => statusProblem(404, 'No such product.');

  app.get('/products/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const product = id === undefined ? undefined : await service.get(id);
    if (!product) return notFound();
    const etag = etagOf(product);
    c.header('ETag', etag);
    // Any cache, browser or CDN, may reuse this for maxAge seconds
    // without asking; after that it revalidates with If-None-Match.
    c.header('Cache-Control', `public, max-age=${maxAge}`);
    if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) {
      return c.body(null, 304); // same ETag and Cache-Control, no body
    }
    return c.json(product);
  });

  app.put('/products/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    if (id === undefined || !(await service.get(id))) return notFound();
    const input = await bodyOrProblem(c.req.raw, productInput);
    if (input instanceof Response) return input;
    const product = { id, ...input };
    await service.update(product); // invalidates our copy, not theirs
    return c.json(product);
  });
  return app;
}
// #endregion http-cache

/** An in-memory store that counts its reads, for tests and the demo. */
export function memoryProductStore(seed: Product[] = []) {
  const rows = new Map(seed.map((p) => [p.id, { ...p }]));
  const store = {
    reads: 0,
    async find(id: number) {
      store.reads++;
      const row = rows.get(id);
      return row && { ...row };
    },
    async save(product: Product) { rows.set(product.id, { ...product }); },
  };
  return store;
}

if (import.meta.main) {
  let now = 0;
  const store = memoryProductStore([{ id: 1, name: 'Kettle', priceCents: 2999 }]);
  const cache = new LruCache<Readonly<Product>>(
    { maxEntries: 1000, ttlMs: 30_000, now: () => now });
  const service = new ProductService(store, cache);
  const app = productRoutes(service);
  const get = (etag?: string) => app.request('/products/1',
    { headers: etag ? { 'If-None-Match': etag } : {} });

  const first = await get();
  const etag = first.headers.get('ETag')!;
  console.log('GET      ', first.status, first.headers.get('Cache-Control'),
    `db reads: ${store.reads}`);
  const again = await get(etag);
  console.log('GET + tag', again.status, `db reads: ${store.reads}`);
  await app.request('/products/1', { method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Kettle', priceCents: 2499 }) });
  const changed = await get(etag);
  console.log('after PUT', changed.status, await changed.text(),
    `db reads: ${store.reads}`);
  now += 30_000;
  await get();
  console.log('TTL over ', `db reads: ${store.reads}`, service.stats);
}
