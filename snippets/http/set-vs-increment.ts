/**
 * Two ways to change a cart line. "Set the quantity to 2" can arrive twice
 * and still mean 2; "add 1" arriving twice means 2 when the customer asked
 * for 1. A lost response, a client retry or a redelivered message makes
 * every request arrive twice sooner or later, so the difference matters.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { bodyOrProblem } from './json-body.ts';
import { statusProblem } from './problem.ts';

const sku = z.string().regex(/^[a-z0-9-]{1,40}$/);
const setLine = z.strictObject({ quantity: z.int().min(0).max(99) });
const addLine = z.strictObject({ sku, quantity: z.int().min(1).max(99) });

/** A cart API; `cart` maps SKU to quantity and is injected for tests. */
export function createCartApp(cart = new Map<string, number>()) {
  const app = new Hono();

  app.get('/cart', (c) => c.json(Object.fromEntries(cart)));

  // #region set-vs-increment
  // Set: the body is the end state. One copy or five, the line says 2.
  app.put('/cart/items/:sku', async (c) => {
    const id = sku.safeParse(c.req.param('sku'));
    if (!id.success) return statusProblem(404, 'No such product.');
    const input = await bodyOrProblem(c.req.raw, setLine);
    if (input instanceof Response) return input;
    cart.set(id.data, input.quantity);
    return c.json({ sku: id.data, quantity: input.quantity });
  });

  // Increment: the body is a change relative to what is there now,
  // so every copy that arrives adds again.
  app.post('/cart/items', async (c) => {
    const input = await bodyOrProblem(c.req.raw, addLine);
    if (input instanceof Response) return input;
    const quantity = (cart.get(input.sku) ?? 0) + input.quantity;
    cart.set(input.sku, quantity);
    return c.json({ sku: input.sku, quantity });
  });
  // #endregion set-vs-increment

  return app;
}

if (import.meta.main) {
  const cart = new Map<string, number>();
  const app = createCartApp(cart);
  const json = (method: string, body: string): RequestInit =>
    ({ method, body, headers: { 'Content-Type': 'application/json' } });
  const twice = async (label: string, path: string, init: RequestInit) => {
    // The same request delivered twice: a retry after a lost response.
    for (let i = 0; i < 2; i++) await app.request(path, init);
    console.log(`${label}, delivered twice -> cart ${JSON.stringify(
      Object.fromEntries(cart))}`);
  };
  await twice('PUT /cart/items/tea {"quantity":2}', '/cart/items/tea',
    json('PUT', '{"quantity":2}'));
  await twice('POST /cart/items {"sku":"mug","quantity":1}', '/cart/items',
    json('POST', '{"sku":"mug","quantity":1}'));
}
