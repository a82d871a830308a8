import { describe, expect, it } from 'vitest';
import { createCartApp } from './set-vs-increment.ts';

const json = (method: string, body: string): RequestInit =>
  ({ method, body, headers: { 'Content-Type': 'application/json' } });

function setup() {
  const cart = new Map<string, number>();
  return { app: createCartApp(cart), cart };
}

describe('set: PUT the end state', () => {
  it.each([1, 2, 5])('leaves the same cart after %i identical deliveries', async (copies) => {
    const { app, cart } = setup();
    for (let i = 0; i < copies; i++) {
      const res = await app.request('/cart/items/tea', json('PUT', '{"quantity":2}'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ sku: 'tea', quantity: 2 });
    }
    expect(Object.fromEntries(cart)).toEqual({ tea: 2 });
  });

  it('overwrites whatever was there, so order between different values still matters', async () => {
    const { app, cart } = setup();
    await app.request('/cart/items/tea', json('PUT', '{"quantity":2}'));
    await app.request('/cart/items/tea', json('PUT', '{"quantity":5}'));
    expect(cart.get('tea')).toBe(5);
    // A delayed copy of the first request lands last and wins: idempotent
    // is not the same as safe from reordering (see If-Match, Q31).
    await app.request('/cart/items/tea', json('PUT', '{"quantity":2}'));
    expect(cart.get('tea')).toBe(2);
  });
});

describe('increment: POST a change', () => {
  it.each([[1, 1], [2, 2], [3, 3]])('adds once per delivery: %i copies -> %i', async (copies, expected) => {
    const { app, cart } = setup();
    for (let i = 0; i < copies; i++) {
      expect((await app.request('/cart/items', json('POST', '{"sku":"mug","quantity":1}'))).status).toBe(200);
    }
    expect(cart.get('mug')).toBe(expected);
  });

  it('answers each copy with the running total, so the responses differ', async () => {
    const { app } = setup();
    const first = await (await app.request('/cart/items', json('POST', '{"sku":"mug","quantity":2}'))).json();
    const second = await (await app.request('/cart/items', json('POST', '{"sku":"mug","quantity":2}'))).json();
    expect(first).toEqual({ sku: 'mug', quantity: 2 });
    expect(second).toEqual({ sku: 'mug', quantity: 4 });
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['PUT', '/cart/items/tea', json('PUT', '{"quantity":'), 400],
    ['PUT', '/cart/items/tea', json('PUT', '{"quantity":-1}'), 422],
    ['PUT', '/cart/items/tea', json('PUT', '{"quantity":1.5}'), 422],
    ['PUT', '/cart/items/tea', json('PUT', '{"quantity":2,"price":0}'), 422],
    ['PUT', '/cart/items/Tea%20Pot', json('PUT', '{"quantity":2}'), 404],
    ['PUT', '/cart/items/tea', { method: 'PUT', body: '{"quantity":2}' }, 415],
    ['POST', '/cart/items', json('POST', '{"sku":"mug","quantity":0}'), 422],
    ['POST', '/cart/items', json('POST', '{"sku":"../etc","quantity":1}'), 422],
    ['POST', '/cart/items', json('POST', '[]'), 422],
  ] as const)('%s %s -> %i', async (_method, path, init, status) => {
    const { app, cart } = setup();
    const res = await app.request(path, init);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(cart.size).toBe(0);
  });
});

describe('GET /cart', () => {
  it('shows the cart as an object of SKU to quantity', async () => {
    const { app } = setup();
    await app.request('/cart/items/tea', json('PUT', '{"quantity":2}'));
    await app.request('/cart/items', json('POST', '{"sku":"mug","quantity":1}'));
    expect(await (await app.request('/cart')).json()).toEqual({ tea: 2, mug: 1 });
  });
});
