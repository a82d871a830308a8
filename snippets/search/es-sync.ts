/**
 * Keeping the search index in step with PostgreSQL, the source of truth.
 * A product change and its outbox event commit together (Q69's outbox.ts);
 * the relay hands each event to `productIndexer`, which writes it with the
 * event's per-product sequence number as an external version, so a late or
 * repeated event can never overwrite a newer document. A mapping change
 * is a new index, filled by `backfill` and switched in by `swapAlias`.
 * @see https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-index
 * @see https://www.elastic.co/docs/manage-data/data-store/aliases
 */
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import type { Db, Queryable } from '../db/idempotency-keys.ts';
import { appendEvent, type EventMessage } from '../events/outbox.ts';
import type { Publish } from '../events/relay.ts';
import { checkIndexName, type ProductDoc, type Responder } from './es-mapping.ts';

export const PRODUCTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS products (
  id      text  PRIMARY KEY,
  doc     jsonb NOT NULL,
  version int   NOT NULL  -- the seq of the product's latest event
);`;

const Product = z.object({
  id: z.string().regex(/^[\w-]{1,64}$/),
  title: z.string().min(1).max(300),
  description: z.string().max(10_000),
  brand: z.string().min(1).max(64),
  category: z.string().min(1).max(64),
  price_cents: z.number().int().min(0),
  in_stock: z.boolean(),
  updated_at: z.iso.datetime(),
}).strict();

/** Writes the row and its event in the caller's transaction. */
export async function saveProduct(tx: Queryable, doc: ProductDoc,
  eventId: string, now: number): Promise<number> {
  const product = Product.parse(doc);
  const { seq } = await appendEvent(tx, { aggregateId: product.id,
    type: 'ProductUpserted', version: 1, payload: product }, eventId, now);
  await tx.query(`INSERT INTO products (id, doc, version) VALUES ($1, $2, $3)
    ON CONFLICT (id) DO UPDATE SET doc = $2, version = $3`,
  [product.id, JSON.stringify(product), seq]);
  return seq;
}

export async function deleteProduct(tx: Queryable, id: string,
  eventId: string, now: number): Promise<number> {
  const { seq } = await appendEvent(tx, { aggregateId: id,
    type: 'ProductDeleted', version: 1, payload: { id } }, eventId, now);
  await tx.query('DELETE FROM products WHERE id = $1', [id]);
  return seq;
}

/** A version conflict: the index holds this version or a newer one.
 *  Another 409, or a 404 for a missing index, is a real failure. */
const VERSION_CONFLICT = 'version_conflict_engine_exception';
const errorBody = (e: unknown) => e instanceof errors.ResponseError
  ? e.body as { result?: string; error?: { type?: string } } | undefined
  : undefined;
const isConflict = (e: unknown) =>
  errorBody(e)?.error?.type === VERSION_CONFLICT;
/** The document was absent (the index exists): Elasticsearch answers 404
 *  with `result: not_found`, and still records the delete's version. */
const isNotFound = (e: unknown) => errorBody(e)?.result === 'not_found';

// #region indexer
/**
 * The relay's publish callback. `targets` is usually [the alias]; during a
 * reindex it is [old index, new index], so neither misses a change.
 */
export function productIndexer(client: Client,
  targets: () => string[]): Publish {
  return async (event: EventMessage) => {
    if (event.type !== 'ProductUpserted' && event.type !== 'ProductDeleted') {
      return; // another aggregate's event: not ours to index
    }
    const id = event.aggregateId;
    const versioned = { id, version: event.seq,
      version_type: 'external' as const }; // applied only if newer
    const doc = event.type === 'ProductUpserted'
      ? Product.parse(event.payload) : undefined; // a bad one stops here
    if (doc && doc.id !== id) throw new TypeError('payload id mismatch');
    for (const index of targets()) {
      try {
        if (doc) await client.index({ index, ...versioned, document: doc });
        else await client.delete({ index, ...versioned });
      } catch (error) {
        if (isConflict(error)) continue; // stale or repeated: ignore
        if (isNotFound(error)) continue; // deleting an absent document
        throw error; // anything else fails the relay round: it retries
      }
    }
  };
}
// #endregion indexer

// #region reindex
/** Copies every product with its version: older than a live write loses. */
export async function backfill(db: Db, client: Client, index: string,
  batch = 500): Promise<{ indexed: number; skipped: number }> {
  checkIndexName(index);
  let after = '';
  let indexed = 0;
  let skipped = 0;
  for (;;) {
    const { rows } = await db.query<{ id: string; doc: ProductDoc;
      version: number }>(`SELECT id, doc, version FROM products
      WHERE id > $1 ORDER BY id LIMIT $2`, [after, batch]);
    if (rows.length === 0) return { indexed, skipped };
    const operations = rows.flatMap((r) => [
      { index: { _index: index, _id: r.id, version: r.version,
        version_type: 'external' as const } }, r.doc]);
    const result = await client.bulk({ operations });
    for (const item of result.items) {
      const status = item.index?.status ?? 0;
      if (item.index?.error?.type === VERSION_CONFLICT) {
        skipped++; // a live event got there first
      }
      else if (status >= 200 && status < 300) indexed++;
      else throw new Error(`bulk item failed with ${status}`);
    }
    after = rows.at(-1)!.id;
  }
}

/** One atomic request: searches see the old index or the new, never none. */
export async function swapAlias(client: Client, alias: string,
  from: string, to: string) {
  const actions: estypes.IndicesUpdateAliasesAction[] = [
    // must_exist: if `from` is not behind the alias, fail the whole list
    { remove: { index: checkIndexName(from), alias, must_exist: true } },
    { add: { index: checkIndexName(to), alias } },
  ];
  return client.indices.updateAliases({ actions });
}
// #endregion reindex

interface Stored {
  version: number;
  source: unknown | null; // null: deleted, a tombstone
  at: number; // when it was written
}

/**
 * Just enough of Elasticsearch's document, bulk and alias APIs, in memory,
 * for the tests and the demo: external versioning as the index API
 * documents it (write only if the version is greater than the stored one,
 * else 409), deletes that keep their version as a tombstone for
 * `index.gc_deletes` (60 s by default) and forget it after, and alias
 * actions applied all or nothing (as with `must_exist: true`).
 */
export function memoryElasticsearch({ now = () => 0, gcDeletesMs = 60_000 }
  : { now?: () => number; gcDeletesMs?: number } = {}) {
  const indices = new Map<string, Map<string, Stored>>();
  const aliases = new Map<string, string>();
  const resolve = (name: string) => aliases.get(name) ?? name;
  const conflict = { status: 409, body: { error: {
    type: VERSION_CONFLICT }, status: 409 } };

  function write(op: 'index' | 'delete', target: string, id: string,
    version: number, versionType: unknown, source?: unknown) {
    if (versionType !== 'external' || !Number.isSafeInteger(version)) {
      return { status: 400, body: { error: {
        type: 'action_request_validation_exception' }, status: 400 } };
    }
    const docs = indices.get(resolve(target));
    if (!docs) return { status: 404, body: { error: {
      type: 'index_not_found_exception' }, status: 404 } };
    const stored = docs.get(id);
    const current = stored?.source === null
      && now() - stored.at > gcDeletesMs ? undefined : stored; // expired
    if (current && version <= current.version) return conflict;
    docs.set(id, { version, source: op === 'index' ? source : null,
      at: now() });
    const found = current !== undefined && current.source !== null;
    const status = op === 'delete' && !found ? 404
      : op === 'index' && !found ? 201 : 200;
    return { status, body: { _index: resolve(target), _id: id,
      _version: version, result: op === 'delete'
        ? (found ? 'deleted' : 'not_found')
        : (found ? 'updated' : 'created') } };
  }

  const respond: Responder = ({ method, path, querystring, body }) => {
    const query = new URLSearchParams(querystring);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'PUT' && parts.length === 1) {
      indices.set(parts[0]!, new Map());
      return { status: 200, body: { acknowledged: true,
        shards_acknowledged: true, index: parts[0] } };
    }
    if (parts[1] === '_doc' && parts.length === 3) {
      return write(method === 'DELETE' ? 'delete' : 'index', parts[0]!,
        parts[2]!, Number(query.get('version')), query.get('version_type'),
        body);
    }
    if (method === 'POST' && parts[0] === '_bulk') {
      const lines = body as Record<string, Record<string, unknown>>[];
      const items = [];
      for (let i = 0; i < lines.length; i++) {
        const action = lines[i]!;
        const op = 'index' in action ? 'index' : 'delete';
        const meta = action[op]!;
        const source = op === 'index' ? lines[++i] : undefined;
        const r = write(op, String(meta._index), String(meta._id),
          Number(meta.version), meta.version_type, source);
        items.push({ [op]: { _index: meta._index, _id: meta._id,
          status: r.status, ...('error' in r.body ? { error: r.body.error }
            : {}) } });
      }
      return { status: 200, body: { took: 1, items,
        errors: items.some((it) => Object.values(it)[0]!.status >= 300) } };
    }
    if (method === 'POST' && parts[0] === '_aliases') {
      const next = new Map(aliases);
      for (const action of (body as estypes.IndicesUpdateAliasesRequest)
        .actions ?? []) {
        if (action?.remove) {
          const { alias, index } = action.remove;
          if (next.get(String(alias)) !== index) {
            return { status: 404, body: { error: {
              type: 'aliases_not_found_exception' }, status: 404 } };
          }
          next.delete(String(alias));
        }
        if (action?.add) {
          const { alias, index } = action.add;
          if (!indices.has(String(index))) return { status: 404, body: {
            error: { type: 'index_not_found_exception' }, status: 404 } };
          next.set(String(alias), String(index));
        }
      }
      aliases.clear();
      for (const [k, v] of next) aliases.set(k, v);
      return { status: 200, body: { acknowledged: true, errors: false } };
    }
    return { status: 400, body: { error: { type: 'unsupported_in_fake',
      reason: `${method} ${path}` }, status: 400 } };
  };

  return {
    respond,
    /** The live document behind a name (alias or index), or undefined. */
    get(name: string, id: string) {
      const stored = indices.get(resolve(name))?.get(id);
      return stored?.source == null ? undefined
        : { version: stored.version, source: stored.source };
    },
    alias(name: string) { return aliases.get(name); },
    addIndex(name: string, alias?: string) {
      indices.set(name, new Map());
      if (alias) aliases.set(alias, name);
    },
  };
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { OUTBOX_SCHEMA } = await import('../events/outbox.ts');
  const { relayOnce } = await import('../events/relay.ts');
  const { offlineClient } = await import('./es-mapping.ts');
  const db = await openDatabase();
  await db.exec(OUTBOX_SCHEMA + PRODUCTS_SCHEMA);
  const es = memoryElasticsearch();
  es.addIndex('products-v1', 'products');
  const client = offlineClient(es.respond);
  const now = Date.UTC(2026, 11, 2);
  let n = 0;
  const eventId = () =>
    `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const product = (id: string, price: number): ProductDoc => ({ id,
    title: 'Trail running shoe', description: 'Grippy and light',
    brand: 'acme', category: 'shoes', price_cents: price, in_stock: true,
    updated_at: new Date(now).toISOString() });
  const save = (id: string, price: number) => db.transaction((tx) =>
    saveProduct(tx, product(id, price), eventId(), now));
  const show = (index: string, id: string) => {
    const doc = es.get(index, id);
    return doc ? `${id} v${doc.version} ${(doc.source as ProductDoc)
      .price_cents}` : `${id} absent`;
  };

  // #region sync-demo
  await save('p1', 8900); // each change commits with its event: seq 1
  await save('p1', 7900); // seq 2
  await save('p2', 4500);
  const toAlias = productIndexer(client, () => ['products']);
  await relayOnce(db, toAlias, now);
  console.log('indexed:', show('products', 'p1'), '|', show('products', 'p2'));

  // A copy of p1's first event arrives late (a replay, a slow retry).
  const { rows: [first] } = await db.query<{ id: string; payload: unknown }>(
    `SELECT id, payload FROM event_outbox
     WHERE aggregate_id = 'p1' AND seq = 1`);
  await toAlias({ id: first!.id, aggregateId: 'p1', seq: 1,
    type: 'ProductUpserted', version: 1, payload: first!.payload });
  console.log('after the late copy:', show('products', 'p1'));

  // A new mapping: products-v2 gets live events and a backfill.
  es.addIndex('products-v2');
  const toBoth = productIndexer(client,
    () => ['products-v1', 'products-v2']);
  await save('p1', 6900); // seq 3, published before the backfill reaches p1
  await relayOnce(db, toBoth, now);
  console.log('backfill:', await backfill(db, client, 'products-v2'));
  await swapAlias(client, 'products', 'products-v1', 'products-v2');
  console.log(`products -> ${es.alias('products')}:`,
    show('products', 'p1'), '|', show('products', 'p2'));
  // #endregion sync-demo
  await db.close();
}
