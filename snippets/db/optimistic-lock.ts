/**
 * Optimistic locking: every row carries a version, every write says which
 * version it read, and the UPDATE matches only that version. Over HTTP the
 * version is the ETag; the client sends it back in If-Match and a stale one
 * gets 412 (RFC 9110 §13.1.1). Q31 shows the same protocol in memory.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { parseEtags } from '../http/etag.ts';
import { MERGE_PATCH_JSON } from '../http/merge-patch.ts';
import { statusProblem } from '../http/problem.ts';
import { checkSku } from './lost-update.ts';
import type { Session } from './postgres-server.ts';

export interface Product {
  sku: string; name: string; stock: number; version: number;
}
/** What a PATCH may change; a merge patch of a flat object (RFC 7396). */
export const productPatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  stock: z.int().min(0).max(2 ** 31 - 1).optional(),
});
export type ProductPatch = z.infer<typeof productPatch>;

export type UpdateResult =
  | { kind: 'updated'; product: Product }
  | { kind: 'conflict'; current: Product }
  | { kind: 'not-found' };

const COLUMNS = 'sku, name, stock, version';

// #region conditional-update
/**
 * Applies `patch` only if the row is still at one of the `expected`
 * versions; `'*'` (If-Match: *) accepts any version.
 */
export async function updateIfVersion(db: Session, sku: string,
  expected: number[] | '*', patch: ProductPatch): Promise<UpdateResult> {
  const { name = null, stock = null } = productPatch.parse(patch);
  const { rows: [updated] } = await db.query<Product>(
    `UPDATE products SET name = coalesce($3, name),
       stock = coalesce($4, stock), version = version + 1
     WHERE sku = $1 AND ($2::int[] IS NULL OR version = ANY($2))
     RETURNING ${COLUMNS}`,
    [checkSku(sku), expected === '*' ? null : expected, name, stock]);
  if (updated) return { kind: 'updated', product: updated };
  // No row matched: tell "gone" from "changed since you read it".
  const current = await findProduct(db, sku);
  return current ? { kind: 'conflict', current } : { kind: 'not-found' };
}
// #endregion conditional-update

export async function findProduct(db: Session, sku: string) {
  const { rows: [row] } = await db.query<Product>(
    `SELECT ${COLUMNS} FROM products WHERE sku = $1`, [checkSku(sku)]);
  return row;
}

/** The ETag is the version: cheap, and it changes on every write. */
export const etagFor = (p: Product) => `"v${p.version}"`;

/**
 * The versions an If-Match names. Weak tags, tags we never issue and
 * malformed members match no version (§13.1.1 compares strongly).
 */
export function versionsFrom(ifMatch: string): number[] | '*' {
  const tags = parseEtags(ifMatch);
  if (tags.includes('*')) return '*';
  return tags.flatMap((tag) => {
    const n = Number(/^"v([1-9]\d{0,9})"$/.exec(tag)?.[1]);
    return n <= 2 ** 31 - 1 ? [n] : []; // NaN fails too
  });
}

// #region route
export function productRoutes(db: Session) {
  const app = new Hono();
  const sku = (c: Context) => c.req.param('sku') ?? '';
  const valid = (c: Context) => /^[A-Za-z0-9-]{1,64}$/.test(sku(c));
  const changed = () =>
    statusProblem(412, 'Changed since you read it: GET it again.');
  app.use('/products/:sku', bodyLimit({ maxSize: 4096,
    onError: () => statusProblem(413, 'Limit: 4096 bytes.') }));

  app.get('/products/:sku', async (c) => {
    const product = valid(c) ? await findProduct(db, sku(c)) : undefined;
    if (!product) return statusProblem(404, 'No such product.');
    return c.json(product, 200, { ETag: etagFor(product) });
  });

  app.patch('/products/:sku', async (c) => {
    if (!valid(c)) return statusProblem(404, 'No such product.');
    const ifMatch = c.req.header('If-Match');
    if (ifMatch === undefined) { // RFC 6585 §3
      return statusProblem(428, 'Send If-Match with the ETag you read.');
    }
    const expected = versionsFrom(ifMatch);
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim();
    if (type?.toLowerCase() !== MERGE_PATCH_JSON) { // RFC 5789 §2.2
      return statusProblem(415, `Send ${MERGE_PATCH_JSON}.`,
        { 'Accept-Patch': MERGE_PATCH_JSON });
    }
    const body: unknown = await c.req.json().catch(() => Symbol.for('bad'));
    const patch = productPatch.safeParse(body);
    if (!patch.success) { // the condition outranks the body (§13.2.1)
      const now = await findProduct(db, sku(c));
      if (!now) return statusProblem(404, 'No such product.');
      if (expected !== '*' && !expected.includes(now.version)) {
        return changed();
      }
      return body === Symbol.for('bad') ? statusProblem(400, 'Not JSON.')
        : statusProblem(422, 'Not a valid patch.');
    }
    const result = await updateIfVersion(db, sku(c), expected, patch.data);
    if (result.kind === 'not-found') {
      return statusProblem(404, 'No such product.');
    }
    if (result.kind === 'conflict') return changed();
    return c.json(result.product, 200, { ETag: etagFor(result.product) });
  });
  return app;
}
// #endregion route

if (import.meta.main) {
  const { openDatabase } = await import('./database.ts');
  const { PRODUCTS_SCHEMA } = await import('./lost-update.ts');
  const db = await openDatabase();
  await db.exec(PRODUCTS_SCHEMA);
  await db.query(`INSERT INTO products (sku, name, stock)
    VALUES ('mug', 'Mug', 10)`);
  const app = productRoutes(db);
  const read = await app.request('/products/mug');
  const tag = read.headers.get('ETag') ?? '';
  console.log(`GET -> ${read.status}, ETag ${tag}`);
  for (const [who, body] of [['Ana', '{"stock":7}'], ['Ben', '{"stock":12}']]) {
    const res = await app.request('/products/mug', { method: 'PATCH',
      body, headers: { 'If-Match': tag, 'Content-Type': MERGE_PATCH_JSON } });
    console.log(`${who} PATCH ${body} If-Match ${tag} -> ${res.status}`
      + (res.ok ? `, ETag ${res.headers.get('ETag')}` : ''));
  }
  console.log('stored:', JSON.stringify(await findProduct(db, 'mug')));
  await db.close();
}
