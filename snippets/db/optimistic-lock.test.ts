import { describe, expect, it } from 'vitest';
import { MERGE_PATCH_JSON } from '../http/merge-patch.ts';
import { PRODUCTS_SCHEMA } from './lost-update.ts';
import {
  findProduct, productRoutes, updateIfVersion, versionsFrom,
} from './optimistic-lock.ts';
import { waitsForLock } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const RESET = `TRUNCATE products;
  INSERT INTO products (sku, name, stock) VALUES ('mug', 'Mug', 10);`;

const patch = (app: ReturnType<typeof productRoutes>, body: string,
  headers: Record<string, string>, sku = 'mug') =>
  app.request(`/products/${sku}`, { method: 'PATCH', body,
    headers: { 'Content-Type': MERGE_PATCH_JSON, ...headers } });

describe('versionsFrom', () => {
  it('reads our strong tags, a list, and *', () => {
    expect(versionsFrom('"v3"')).toEqual([3]);
    expect(versionsFrom('"v3", "v4"')).toEqual([3, 4]);
    expect(versionsFrom('*')).toBe('*');
  });

  it('matches nothing for weak, foreign, huge or malformed tags', () => {
    for (const header of ['W/"v3"', '"3"', '"v0"', '"v03"', 'v3',
      '"v99999999999"', '"v1e3"', '', '"v3']) {
      expect(versionsFrom(header), header).toEqual([]);
    }
  });
});


describe('on a real server, two connections', () => {
  const { db } = useServerDatabase(PRODUCTS_SCHEMA, { reset: RESET });

  it('of two writes from the same version, the second waits, re-checks and matches nothing', async () => {
    let open!: () => void;
    const go = new Promise<void>((resolve) => { open = resolve; });
    let updated!: () => void;
    const done = new Promise<void>((resolve) => { updated = resolve; });
    const first = db().transaction(async (tx) => {
      const result = await updateIfVersion(tx, 'mug', [1], { stock: 7 });
      updated();
      await go; // still uncommitted
      return result;
    });
    await done;
    const second = updateIfVersion(db(), 'mug', [1], { stock: 12 });
    expect((await waitsForLock(db(), second)).join()).toMatch(/UPDATE products/);
    open();
    expect((await first).kind).toBe('updated');
    expect(await second).toEqual({ kind: 'conflict',
      current: { sku: 'mug', name: 'Mug', stock: 7, version: 2 } });
  });

  it('two clients PATCH with the same ETag at once: one 200, one 412', async () => {
    const app = productRoutes(db());
    const tag = (await app.request('/products/mug')).headers.get('ETag')!;
    const [a, b] = await Promise.all([
      patch(app, '{"stock":7}', { 'If-Match': tag }),
      patch(app, '{"stock":12}', { 'If-Match': tag }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? 7 : 12;
    expect(await findProduct(db(), 'mug')).toMatchObject(
      { stock: winner, version: 2 });
  });
});

describe('the HTTP route on PGlite', () => {
  const db = useDatabase(PRODUCTS_SCHEMA, { reset: RESET });

  it('GET gives the version as a strong ETag', async () => {
    const res = await productRoutes(db()).request('/products/mug');
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe('"v1"');
    expect(await res.json()).toEqual(
      { sku: 'mug', name: 'Mug', stock: 10, version: 1 });
  });

  it('a PATCH with the current tag applies and returns the next tag', async () => {
    const res = await patch(productRoutes(db()), '{"name":"Big mug"}',
      { 'If-Match': '"v1"' });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe('"v2"');
    expect(await findProduct(db(), 'mug')).toEqual(
      { sku: 'mug', name: 'Big mug', stock: 10, version: 2 });
  });

  it('a stale, weak or made-up tag gets 412 and writes nothing', async () => {
    const app = productRoutes(db());
    await patch(app, '{"stock":9}', { 'If-Match': '"v1"' });
    for (const tag of ['"v1"', 'W/"v2"', '"v3"', '"bogus"', 'garbage']) {
      const res = await patch(app, '{"stock":1}', { 'If-Match': tag });
      expect(res.status, tag).toBe(412);
    }
    expect(await findProduct(db(), 'mug')).toMatchObject(
      { stock: 9, version: 2 });
  });

  it('a list holding the current tag, or *, applies', async () => {
    const app = productRoutes(db());
    expect((await patch(app, '{"stock":8}',
      { 'If-Match': '"v7", "v1"' })).status).toBe(200);
    expect((await patch(app, '{"stock":6}', { 'If-Match': '*' })).status)
      .toBe(200);
    expect(await findProduct(db(), 'mug')).toMatchObject(
      { stock: 6, version: 3 });
  });

  it('no If-Match is 428: an unconditional write could lose an update', async () => {
    const res = await patch(productRoutes(db()), '{"stock":1}', {});
    expect(res.status).toBe(428);
    expect(await findProduct(db(), 'mug')).toMatchObject({ stock: 10 });
  });

  it('refuses bad bodies, media types and missing products', async () => {
    const app = productRoutes(db());
    const ok = { 'If-Match': '"v1"' };
    expect((await patch(app, '{"stock":-1}', ok)).status).toBe(422);
    expect((await patch(app, '{"stock":1.5}', ok)).status).toBe(422);
    expect((await patch(app, '{"price":1}', ok)).status).toBe(422);
    expect((await patch(app, '{"name":null}', ok)).status).toBe(422);
    expect((await patch(app, 'not json', ok)).status).toBe(400);
    expect((await patch(app, `{"name":"${'x'.repeat(5000)}"}`, ok)).status)
      .toBe(413);
    expect((await app.request('/products/mug', { method: 'PATCH',
      body: '{"stock":1}', headers: { ...ok, 'Content-Type':
        'application/json' } })).status).toBe(415);
    expect((await patch(app, '{"stock":1}', ok, 'nope')).status).toBe(404);
    expect((await patch(app, '{"stock":1}', ok, 'a%27b')).status).toBe(404);
    expect((await app.request('/products/nope')).status).toBe(404);
    expect(await findProduct(db(), 'mug')).toMatchObject(
      { stock: 10, version: 1 });
  });

  it('reads the media type case-insensitively; a 415 names the format', async () => {
    const app = productRoutes(db());
    const res = await patch(app, '{"stock":8}', { 'If-Match': '"v1"',
      'Content-Type': 'Application/Merge-Patch+JSON ; charset=utf-8' });
    expect(res.status).toBe(200); // RFC 9110 §8.3.1: case-insensitive
    const refused = await patch(app, '{"stock":7}', { 'If-Match': '"v2"',
      'Content-Type': 'application/json' });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('Accept-Patch')).toBe(MERGE_PATCH_JSON);
  });

  it('a stale tag outranks a bad body: 412, as in Q31 (RFC 9110 §13.2.1)', async () => {
    const app = productRoutes(db());
    await patch(app, '{"stock":9}', { 'If-Match': '"v1"' });
    const stale = { 'If-Match': '"v1"' };
    expect((await patch(app, '{"stock":-1}', stale)).status).toBe(412);
    expect((await patch(app, 'not json', stale)).status).toBe(412);
    expect((await patch(app, '{"stock":-1}', stale, 'nope')).status).toBe(404);
    const current = { 'If-Match': '"v2"' };
    expect((await patch(app, '{"stock":-1}', current)).status).toBe(422);
    expect((await patch(app, 'not json', current)).status).toBe(400);
    expect(await findProduct(db(), 'mug')).toMatchObject(
      { stock: 9, version: 2 });
  });

  it('updateIfVersion validates its input itself', async () => {
    await expect(updateIfVersion(db(), 'mug', [1], { stock: -5 }))
      .rejects.toThrow();
    await expect(updateIfVersion(db(), "x' --", [1], {}))
      .rejects.toThrow(TypeError);
  });
});
