import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { useDatabase } from '../db/use-database.ts';
import { OUTBOX_SCHEMA, type EventMessage } from '../events/outbox.ts';
import { relayOnce } from '../events/relay.ts';
import { offlineClient, type Responder, type WireRequest } from './es-mapping.ts';
import type { ProductDoc } from './es-mapping.ts';
import {
  backfill, deleteProduct, memoryElasticsearch, PRODUCTS_SCHEMA, productIndexer,
  saveProduct, swapAlias,
} from './es-sync.ts';

const T0 = Date.UTC(2026, 11, 2);
let n = 0;
const eventId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const doc = (id: string, price = 100): ProductDoc => ({ id, title: `Shoe ${id}`,
  description: 'Light', brand: 'acme', category: 'shoes', price_cents: price,
  in_stock: true, updated_at: '2026-12-02T00:00:00Z' });
const upsert = (id: string, seq: number, price = 100): EventMessage => ({
  id: eventId(), aggregateId: id, seq, type: 'ProductUpserted', version: 1,
  payload: doc(id, price) });
const removal = (id: string, seq: number): EventMessage => ({ id: eventId(),
  aggregateId: id, seq, type: 'ProductDeleted', version: 1, payload: { id } });

/** A memory Elasticsearch with one index behind the `products` alias,
 *  and a log of every request the client sent it. */
function setup(respondFirst?: (r: WireRequest) => ReturnType<Responder> | undefined) {
  const es = memoryElasticsearch();
  es.addIndex('products-v1', 'products');
  const sent: WireRequest[] = [];
  const client = offlineClient((request) => {
    sent.push(request);
    return respondFirst?.(request) ?? es.respond(request);
  });
  return { es, sent, client };
}
const price = (found: { source: unknown } | undefined) =>
  (found?.source as ProductDoc | undefined)?.price_cents;

describe('productIndexer', () => {
  it('writes each event with its sequence number as an external version', async () => {
    const { es, sent, client } = setup();
    await productIndexer(client, () => ['products'])(upsert('p1', 2));
    expect(sent).toEqual([{ method: 'PUT', path: '/products/_doc/p1',
      querystring: 'version=2&version_type=external', body: doc('p1') }]);
    expect(es.get('products', 'p1')).toEqual({ version: 2, source: doc('p1') });
  });

  it('keeps the newer document when events arrive out of order', async () => {
    const { es, client } = setup();
    const index = productIndexer(client, () => ['products']);
    await index(upsert('p1', 2, 200));
    await index(upsert('p1', 1, 100)); // late: 409 from Elasticsearch, ignored
    expect(es.get('products', 'p1')?.version).toBe(2);
    expect(price(es.get('products', 'p1'))).toBe(200);
  });

  it('treats a repeated event as done', async () => {
    const { es, client } = setup();
    const index = productIndexer(client, () => ['products']);
    const event = upsert('p1', 1);
    await index(event);
    await expect(index(event)).resolves.toBeUndefined();
    expect(es.get('products', 'p1')?.version).toBe(1);
  });

  it('deletes with a version too, so a stale upsert cannot bring the product back', async () => {
    const { es, client } = setup();
    const index = productIndexer(client, () => ['products']);
    await index(upsert('p1', 1));
    await index(removal('p1', 2));
    expect(es.get('products', 'p1')).toBeUndefined();
    await index(upsert('p1', 1)); // replayed after the delete
    expect(es.get('products', 'p1')).toBeUndefined();
    await index(removal('p9', 1)); // deleting what was never indexed: fine
  });

  it('writes to every target while a reindex runs', async () => {
    const { es, sent, client } = setup();
    es.addIndex('products-v2');
    await productIndexer(client, () => ['products-v1', 'products-v2'])(upsert('p1', 1));
    expect(sent.map((r) => r.path)).toEqual(['/products-v1/_doc/p1', '/products-v2/_doc/p1']);
    expect(es.get('products-v2', 'p1')?.version).toBe(1);
  });

  it('ignores other aggregates\' events without a request', async () => {
    const { sent, client } = setup();
    await productIndexer(client, () => ['products'])({ ...upsert('u1', 1),
      type: 'UserRegistered' });
    expect(sent).toEqual([]);
  });

  it('fails on a payload that is not a product, or not this product', async () => {
    const { sent, client } = setup();
    const index = productIndexer(client, () => ['products']);
    await expect(index({ ...upsert('p1', 1), payload: { id: 'p1' } })).rejects.toThrow(ZodError);
    await expect(index({ ...upsert('p1', 1), payload: { ...doc('p1'), role: 'admin' } }))
      .rejects.toThrow(ZodError);
    await expect(index({ ...upsert('p1', 1), aggregateId: 'p2' }))
      .rejects.toThrow('payload id mismatch');
    expect(sent).toEqual([]);
  });

  it('fails a delete when the index itself is missing, not only the document', async () => {
    const { client } = setup();
    const failure = await productIndexer(client, () => ['products-v9'])(removal('p1', 1))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.ResponseError);
    expect((failure as errors.ResponseError).statusCode).toBe(404);
  });

  it('rethrows a 409 that is not a version conflict', async () => {
    const { client } = setup(() => ({ status: 409, body: { error: {
      type: 'resource_already_exists_exception' }, status: 409 } }));
    await expect(productIndexer(client, () => ['products'])(upsert('p1', 1)))
      .rejects.toThrow(errors.ResponseError);
  });

  it('cannot stop a stale upsert once the tombstone is older than gc_deletes', async () => {
    let now = T0;
    const es = memoryElasticsearch({ now: () => now });
    es.addIndex('products-v1', 'products');
    const index = productIndexer(offlineClient(es.respond), () => ['products']);
    await index(upsert('p1', 1));
    await index(removal('p1', 2));
    now += 60_000; // exactly gc_deletes: the tombstone still holds
    await index(upsert('p1', 1));
    expect(es.get('products', 'p1')).toBeUndefined();
    now += 1; // past it: Elasticsearch has forgotten the delete
    await index(upsert('p1', 1));
    expect(es.get('products', 'p1')?.version).toBe(1); // resurrected
  });

  it.each([429, 500, 503])('rethrows a %i so the relay retries the event', async (status) => {
    const { client } = setup(() => ({ status, body: { error: { type: 'x' }, status } }));
    const failure = await productIndexer(client, () => ['products'])(upsert('p1', 1))
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.ResponseError);
    expect((failure as errors.ResponseError).statusCode).toBe(status);
  });
});

describe('the memory Elasticsearch follows the index API', () => {
  it('refuses a version without version_type=external', () => {
    const es = memoryElasticsearch();
    es.addIndex('i');
    expect(es.respond({ method: 'PUT', path: '/i/_doc/1', querystring: 'version=1',
      body: {} }).status).toBe(400);
    expect(es.respond({ method: 'PUT', path: '/i/_doc/1',
      querystring: 'version=1&version_type=external', body: {} }).status).toBe(201);
    expect(es.respond({ method: 'PUT', path: '/i/_doc/1',
      querystring: 'version=1&version_type=external', body: {} }).status).toBe(409);
  });
});

describe('outbox -> relay -> index (PGlite)', () => {
  const db = useDatabase(OUTBOX_SCHEMA + PRODUCTS_SCHEMA,
    { reset: 'TRUNCATE event_streams, event_outbox, products' });

  it('indexes committed changes and deletes in order, and marks them published', async () => {
    const { es, client } = setup();
    await db().transaction((tx) => saveProduct(tx, doc('p1', 100), eventId(), T0));
    await db().transaction((tx) => saveProduct(tx, doc('p1', 90), eventId(), T0));
    await db().transaction((tx) => saveProduct(tx, doc('p2'), eventId(), T0));
    await db().transaction((tx) => deleteProduct(tx, 'p2', eventId(), T0));
    expect(await relayOnce(db(), productIndexer(client, () => ['products']), T0)).toBe(4);
    expect(es.get('products', 'p1')).toEqual({ version: 2, source: doc('p1', 90) });
    expect(es.get('products', 'p2')).toBeUndefined();
    expect((await db().query('SELECT 1 FROM event_outbox WHERE published_at IS NULL'))
      .rows).toEqual([]);
  });

  it('leaves the events unpublished when Elasticsearch fails, and catches up later', async () => {
    let down = true;
    const { es, client } = setup(() => down
      ? { status: 503, body: { error: { type: 'unavailable' }, status: 503 } } : undefined);
    await db().transaction((tx) => saveProduct(tx, doc('p1'), eventId(), T0));
    const indexer = productIndexer(client, () => ['products']);
    await expect(relayOnce(db(), indexer, T0)).rejects.toThrow(errors.ResponseError);
    expect(es.get('products', 'p1')).toBeUndefined();
    down = false;
    expect(await relayOnce(db(), indexer, T0)).toBe(1);
    expect(es.get('products', 'p1')?.version).toBe(1);
  });

  it('stalls every product, not only its own, on an event it cannot index', async () => {
    const { es, client } = setup();
    await db().query(`INSERT INTO event_outbox (id, aggregate_id, seq, type, version,
      payload, created_at) VALUES ($1, 'p0', 1, 'ProductUpserted', 1, '{}', $2)`,
    [eventId(), new Date(T0)]);
    await db().transaction((tx) => saveProduct(tx, doc('p1'), eventId(), T0 + 1));
    const indexer = productIndexer(client, () => ['products']);
    await expect(relayOnce(db(), indexer, T0)).rejects.toThrow(ZodError);
    await expect(relayOnce(db(), indexer, T0)).rejects.toThrow(ZodError);
    expect(es.get('products', 'p1')).toBeUndefined(); // behind the poison event
  });

  it('rolls back a product change whose event is invalid', async () => {
    await expect(db().transaction((tx) => saveProduct(tx,
      { ...doc('p1'), price_cents: -5 }, eventId(), T0))).rejects.toThrow(ZodError);
    expect((await db().query('SELECT 1 FROM products')).rows).toEqual([]);
  });

  it('stores the row version the index will use', async () => {
    await db().transaction((tx) => saveProduct(tx, doc('p1'), eventId(), T0));
    await db().transaction((tx) => saveProduct(tx, doc('p1', 5), eventId(), T0));
    expect((await db().query('SELECT version FROM products')).rows).toEqual([{ version: 2 }]);
  });
});

describe('reindex: backfill and swapAlias (PGlite)', () => {
  const db = useDatabase(OUTBOX_SCHEMA + PRODUCTS_SCHEMA,
    { reset: 'TRUNCATE event_streams, event_outbox, products' });

  it('copies every product in batches, with its version', async () => {
    const { es, sent, client } = setup();
    es.addIndex('products-v2');
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      await db().transaction((tx) => saveProduct(tx, doc(id), eventId(), T0));
    }
    await db().transaction((tx) => saveProduct(tx, doc('p3', 7), eventId(), T0));
    expect(await backfill(db(), client, 'products-v2', 2)).toEqual({ indexed: 5, skipped: 0 });
    expect(sent.filter((r) => r.path === '/_bulk')).toHaveLength(3);
    expect(es.get('products-v2', 'p3')).toEqual({ version: 2, source: doc('p3', 7) });
    expect(sent[0]!.body).toEqual([
      { index: { _index: 'products-v2', _id: 'p1', version: 1, version_type: 'external' } },
      doc('p1'),
      { index: { _index: 'products-v2', _id: 'p2', version: 1, version_type: 'external' } },
      doc('p2'),
    ]);
  });

  it('loses to a newer live write, whichever lands first', async () => {
    const { es, client } = setup();
    es.addIndex('products-v2');
    await db().transaction((tx) => saveProduct(tx, doc('p1', 100), eventId(), T0));
    // The live indexer already wrote version 2 to the new index...
    await productIndexer(client, () => ['products-v2'])(upsert('p1', 2, 50));
    // ...and the backfill still reads version 1 from a lagging snapshot.
    expect(await backfill(db(), client, 'products-v2')).toEqual({ indexed: 0, skipped: 1 });
    expect(price(es.get('products-v2', 'p1'))).toBe(50);
  });

  it('stops on a bulk item that failed for another reason', async () => {
    const { client } = setup((r) => r.path === '/_bulk' ? { status: 200, body: {
      took: 1, errors: true, items: [{ index: { _index: 'products-v2', _id: 'p1',
        status: 400 } }] } } : undefined);
    await db().transaction((tx) => saveProduct(tx, doc('p1'), eventId(), T0));
    await expect(backfill(db(), client, 'products-v2')).rejects.toThrow('bulk item failed with 400');
  });

  it('stops on a bulk 409 that is not a version conflict', async () => {
    const { client } = setup((r) => r.path === '/_bulk' ? { status: 200, body: {
      took: 1, errors: true, items: [{ index: { _index: 'products-v2', _id: 'p1',
        status: 409, error: { type: 'some_other_conflict' } } }] } } : undefined);
    await db().transaction((tx) => saveProduct(tx, doc('p1'), eventId(), T0));
    await expect(backfill(db(), client, 'products-v2')).rejects.toThrow('bulk item failed with 409');
  });

  it('keeps a live delete over a backfill that read the row before it', async () => {
    const { es, client } = setup();
    es.addIndex('products-v2');
    await db().transaction((tx) => saveProduct(tx, doc('p1'), eventId(), T0));
    // The backfill reads p1 (version 1); then p1 is deleted and the dual
    // write sends the delete (version 2) to the new index first.
    const read = client.bulk.bind(client);
    let once = false;
    client.bulk = (async (...args: Parameters<typeof read>) => {
      if (!once) {
        once = true;
        await productIndexer(client, () => ['products-v2'])(removal('p1', 2));
      }
      return read(...args);
    }) as typeof client.bulk;
    expect(await backfill(db(), client, 'products-v2')).toEqual({ indexed: 0, skipped: 1 });
    expect(es.get('products-v2', 'p1')).toBeUndefined();
  });

  it('refuses a bad index name', async () => {
    const { client } = setup();
    await expect(backfill(db(), client, 'Products')).rejects.toThrow(TypeError);
  });

  it('moves the alias in one request that removes and adds', async () => {
    const { es, sent, client } = setup();
    es.addIndex('products-v2');
    await swapAlias(client, 'products', 'products-v1', 'products-v2');
    expect(sent).toEqual([{ method: 'POST', path: '/_aliases', querystring: '', body: {
      actions: [
        { remove: { index: 'products-v1', alias: 'products', must_exist: true } },
        { add: { index: 'products-v2', alias: 'products' } },
      ] } }]);
    expect(es.alias('products')).toBe('products-v2');
  });

  it('changes nothing when the alias is not where the caller thinks', async () => {
    const { es, client } = setup();
    es.addIndex('products-v2');
    es.addIndex('products-v3');
    await expect(swapAlias(client, 'products', 'products-v2', 'products-v3'))
      .rejects.toThrow(errors.ResponseError);
    expect(es.alias('products')).toBe('products-v1');
  });
});
