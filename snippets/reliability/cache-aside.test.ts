import { describe, expect, it } from 'vitest';
import {
  memoryProductStore, ProductService, productRoutes, type Product,
} from './cache-aside.ts';
import { LruCache } from './lru-cache.ts';

const KETTLE: Product = { id: 1, name: 'Kettle', priceCents: 2999 };

function setup(ttlMs = 30_000) {
  const clock = { now: 0 };
  const store = memoryProductStore([KETTLE]);
  const cache = new LruCache<Readonly<Product>>(
    { maxEntries: 100, ttlMs, now: () => clock.now });
  const service = new ProductService(store, cache);
  return { clock, store, cache, service, app: productRoutes(service) };
}

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  return { gate, release };
}

describe('ProductService: cache-aside', () => {
  it('loads on a miss, then serves from the cache until the TTL is over', async () => {
    const { clock, store, service } = setup();
    expect(await service.get(1)).toEqual(KETTLE);
    expect(await service.get(1)).toEqual(KETTLE);
    expect(store.reads).toBe(1);
    clock.now = 29_999;
    await service.get(1);
    expect(store.reads).toBe(1);
    clock.now = 30_000;
    await service.get(1);
    expect(store.reads).toBe(2);
    expect(service.stats).toEqual({ hits: 2, misses: 2 });
  });

  it('a write drops the cached copy, so the next read sees it', async () => {
    const { store, service } = setup();
    await service.get(1);
    await service.update({ ...KETTLE, priceCents: 2499 });
    expect((await service.get(1))?.priceCents).toBe(2499);
    expect(store.reads).toBe(2);
  });

  it('does not cache a copy read before a write that finished first', async () => {
    const { store, service } = setup();
    const { gate, release } = deferred();
    const find = store.find;
    let held = true;
    store.find = async (id) => {
      const row = await find(id); // reads the old price ...
      if (held) { held = false; await gate; } // ... and stalls
      return row;
    };
    const slowRead = service.get(1);
    await service.update({ ...KETTLE, priceCents: 2499 }); // write + delete
    release();
    expect((await slowRead)?.priceCents).toBe(2999); // its answer is old,
    expect((await service.get(1))?.priceCents).toBe(2499); // not the cache's
  });

  it('hands out frozen copies, so a caller cannot change the cache', async () => {
    const { service } = setup();
    const product = (await service.get(1)) as Product;
    expect(() => { product.priceCents = 1; }).toThrow(TypeError);
    expect((await service.get(1))?.priceCents).toBe(2999);
  });

  it('does not cache a missing product', async () => {
    const { store, service } = setup();
    expect(await service.get(7)).toBeUndefined();
    expect(await service.get(7)).toBeUndefined();
    expect(store.reads).toBe(2);
  });
});

describe('productRoutes: Cache-Control and ETag', () => {
  const put = (body: unknown) => ({
    method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it('sends a validator and a freshness lifetime with the 200', async () => {
    const { app } = setup();
    const res = await app.request('/products/1');
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=60');
    expect(res.headers.get('ETag')).toMatch(/^"[\w-]{27}"$/);
    expect(await res.json()).toEqual(KETTLE);
  });

  it('answers a matching If-None-Match with a bodiless 304', async () => {
    const { app } = setup();
    const etag = (await app.request('/products/1')).headers.get('ETag')!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await app.request('/products/1',
        { headers: { 'If-None-Match': header } });
      expect(res.status).toBe(304);
      expect(res.headers.get('ETag')).toBe(etag);
      expect(res.headers.get('Cache-Control')).toBe('public, max-age=60');
      expect(await res.text()).toBe('');
    }
    const other = await app.request('/products/1',
      { headers: { 'If-None-Match': '"stale"' } });
    expect(other.status).toBe(200);
  });

  it('after a PUT, the old tag no longer matches: 200 with the new body', async () => {
    const { app } = setup();
    const etag = (await app.request('/products/1')).headers.get('ETag')!;
    const updated = await app.request('/products/1',
      put({ name: 'Kettle', priceCents: 2499 }));
    expect(updated.status).toBe(200);
    const res = await app.request('/products/1',
      { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).not.toBe(etag);
    expect(((await res.json()) as Product).priceCents).toBe(2499);
  });

  it.each(['0', '007', 'abc', '1e3', '-1', '12345678901', '7'])(
    'GET /products/%s is a 404 problem', async (id) => {
      const { app } = setup();
      const res = await app.request(`/products/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('Content-Type')).toBe('application/problem+json');
      expect(res.headers.get('ETag')).toBeNull();
    });

  it('rejects a bad PUT without touching the cache or the store', async () => {
    const { app, store } = setup();
    expect((await app.request('/products/1', put('{"name":'))).status).toBe(400);
    expect((await app.request('/products/1',
      put({ name: '', priceCents: -1 }))).status).toBe(422);
    expect((await app.request('/products/1',
      put({ name: 'x', priceCents: 1, admin: true }))).status).toBe(422);
    expect((await app.request('/products/9',
      put({ name: 'x', priceCents: 1 }))).status).toBe(404);
    const res = await app.request('/products/1');
    expect(((await res.json()) as Product).priceCents).toBe(2999);
    expect(store.reads).toBe(2); // the first check, and product 9
  });
});
