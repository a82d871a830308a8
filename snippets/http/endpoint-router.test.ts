import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createRouter, endpoint, orderEndpoints, type Order } from './endpoint-router.ts';

const call = (api: (req: Request) => Promise<Response> | Response, method: string, path: string) =>
  api(new Request(`https://api.example${path}`, { method }));

function ordersApi() {
  const orders = new Map<string, Order>();
  return { orders, api: createRouter(orderEndpoints(orders)) };
}

describe('an endpoint is method + path', () => {
  it('routes the same path to different operations by method', async () => {
    const { api, orders } = ordersApi();
    const created = await call(api, 'POST', '/orders');
    expect(created.status).toBe(201);
    expect(created.headers.get('Location')).toBe('/orders/1');
    expect(await (await call(api, 'GET', '/orders')).json()).toEqual([{ id: '1', status: 'draft' }]);
    expect(await (await call(api, 'GET', '/orders/1')).json()).toEqual({ id: '1', status: 'draft' });
    expect((await call(api, 'DELETE', '/orders/1')).status).toBe(204);
    expect(orders.size).toBe(0);
  });

  it('passes decoded path parameters to the handler', async () => {
    const handler = vi.fn((_req: Request, p: Record<string, string>) => Response.json(p));
    const api = createRouter([endpoint({ method: 'GET', path: '/files/{name}', summary: 'A file', handler })]);
    const res = await call(api, 'GET', '/files/a%20b%2Fc');
    expect(await res.json()).toEqual({ name: 'a b/c' });
  });

  it('ignores the query string when matching', async () => {
    const { api } = ordersApi();
    expect((await call(api, 'GET', '/orders?status=draft')).status).toBe(200);
  });
});

describe('404: no resource at the path (RFC 9110 §15.5.5)', () => {
  it.each(['/order/1', '/orders/1/items', '/', '/orders/', '//orders', '/ORDERS'])(
    '%s -> 404 problem, whatever the method', async (path) => {
      const { api } = ordersApi();
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await call(api, method, path);
        expect(res.status).toBe(404);
        expect(res.headers.get('Content-Type')).toBe('application/problem+json');
        expect(res.headers.get('Allow')).toBeNull();
      }
    });

  it('answers HEAD on an unknown path with 404 and no content', async () => {
    const { api } = ordersApi();
    const res = await call(api, 'HEAD', '/nope');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });

  it('answers 404 for an id outside the path contract, before the handler runs', async () => {
    const handler = vi.fn(() => new Response('never'));
    const api = createRouter([endpoint({ method: 'GET', path: '/orders/{id}', summary: 'x',
      params: z.object({ id: z.string().regex(/^[1-9][0-9]*$/) }), handler })]);
    for (const id of ['abc', '0', '-1', '1.5', '1%20', "1'%20OR%201=1"]) {
      const res = await call(api, 'GET', `/orders/${id}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ instance: `/orders/${id}` });
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it.each(['PUT', 'PATCH', 'OPTIONS', 'HEAD', 'DELETE'])(
    'answers %s on an id outside the contract with 404, not 405 or 204', async (method) => {
      // /orders/abc names no resource, so no method can be "not allowed" on it.
      const { api } = ordersApi();
      const res = await call(api, method, '/orders/abc');
      expect(res.status).toBe(404);
      expect(res.headers.get('Allow')).toBeNull();
    });

  it('still answers 405 on an id that fits the contract', async () => {
    const { api } = ordersApi();
    expect((await call(api, 'PUT', '/orders/42')).status).toBe(405);
  });

  it('falls through to another template when the first rejects the value', async () => {
    const byName = endpoint({ method: 'GET', path: '/a/{x}/c', summary: 'x',
      params: z.object({ x: z.literal('b') }), handler: () => new Response('x') });
    const byId = endpoint({ method: 'GET', path: '/a/{y}/{z}', summary: 'y',
      params: z.object({ y: z.string(), z: z.string() }), handler: () => new Response('y') });
    const api = createRouter([byName, byId]);
    expect(await (await call(api, 'GET', '/a/b/c')).text()).toBe('x');
    expect(await (await call(api, 'GET', '/a/q/c')).text()).toBe('y');
  });

  it('checks each method\'s own contract when a path mixes them', async () => {
    const get = vi.fn(() => new Response('get'));
    const del = vi.fn(() => new Response(null, { status: 204 }));
    const api = createRouter([
      endpoint({ method: 'GET', path: '/x/{id}', summary: 'x', handler: get,
        params: z.object({ id: z.string().regex(/^\d+$/) }) }),
      endpoint({ method: 'DELETE', path: '/x/{id}', summary: 'x', handler: del }),
    ]);
    expect((await call(api, 'GET', '/x/abc')).status).toBe(404);
    expect(get).not.toHaveBeenCalled();
    expect((await call(api, 'DELETE', '/x/abc')).status).toBe(204);
  });

  it('never hands a handler an empty parameter', async () => {
    const handler = vi.fn(() => new Response('never'));
    const api = createRouter([endpoint({ method: 'GET', path: '/files/{name}', summary: 'x', handler })]);
    expect((await call(api, 'GET', '/files/')).status).toBe(404);
    expect(handler).not.toHaveBeenCalled();
  });

  it('treats a malformed percent-escape as naming nothing', async () => {
    const api = createRouter([endpoint({ method: 'GET', path: '/files/{name}', summary: 'x',
      handler: () => new Response('never') })]);
    expect((await call(api, 'GET', '/files/%E0%A4%A')).status).toBe(404);
  });

  it('answers 404 for a known id that is not there', async () => {
    const { api } = ordersApi();
    expect((await call(api, 'GET', '/orders/42')).status).toBe(404);
    expect((await call(api, 'DELETE', '/orders/42')).status).toBe(404);
  });
});

describe('405 and 501: the path exists, the method does not (§15.5.6, §15.6.2)', () => {
  it.each([['PUT', '/orders/1'], ['PATCH', '/orders/1'], ['DELETE', '/orders'], ['PUT', '/orders']])(
    '%s %s -> 405 with the resource\'s Allow', async (method, path) => {
      const { api } = ordersApi();
      const res = await call(api, method, path);
      expect(res.status).toBe(405);
      expect(res.headers.get('Allow')).toBe(path === '/orders'
        ? 'GET, HEAD, POST, OPTIONS' : 'GET, HEAD, DELETE, OPTIONS');
    });

  it('answers OPTIONS with the same Allow', async () => {
    const { api } = ordersApi();
    const res = await call(api, 'OPTIONS', '/orders/1');
    expect(res.status).toBe(204);
    expect(res.headers.get('Allow')).toBe('GET, HEAD, DELETE, OPTIONS');
  });

  it('answers an unrecognized method with 501 on a known path', async () => {
    const { api } = ordersApi();
    const res = await call(api, 'BREW', '/orders');
    expect(res.status).toBe(501);
    expect(res.headers.get('Allow')).toBeNull();
  });

  it('answers a wrong method with 405 where Hono\'s default router says 404', async () => {
    const app = new Hono();
    app.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }));
    const hono = await app.request('/orders/1', { method: 'PUT' });
    expect([hono.status, hono.headers.get('Allow')]).toEqual([404, null]);
    const { api } = ordersApi();
    const ours = await call(api, 'PUT', '/orders/1');
    expect([ours.status, ours.headers.get('Allow')])
      .toEqual([405, 'GET, HEAD, DELETE, OPTIONS']);
  });
});

describe('matching order', () => {
  const named = (path: string) => endpoint({ method: 'GET', path, summary: path,
    handler: () => new Response(path) });

  it('tries concrete paths before templated ones, whatever the table order', async () => {
    for (const table of [[named('/orders/{id}'), named('/orders/latest')],
      [named('/orders/latest'), named('/orders/{id}')]]) {
      const api = createRouter(table);
      expect(await (await call(api, 'GET', '/orders/latest')).text()).toBe('/orders/latest');
      expect(await (await call(api, 'GET', '/orders/7')).text()).toBe('/orders/{id}');
    }
  });

  it('prefers the template whose first literal comes earlier', async () => {
    const api = createRouter([named('/a/{x}/c'), named('/a/b/{y}')]);
    expect(await (await call(api, 'GET', '/a/b/c')).text()).toBe('/a/b/{y}');
  });

  it('serves the root path', async () => {
    const api = createRouter([named('/')]);
    expect((await call(api, 'GET', '/')).status).toBe(200);
    expect((await call(api, 'GET', '/x')).status).toBe(404);
  });
});

describe('the table is checked when the router is built', () => {
  const ep = (method: 'GET' | 'POST', path: string) =>
    endpoint({ method, path, summary: '', handler: () => new Response() });

  it('rejects the same method and path twice', () => {
    expect(() => createRouter([ep('GET', '/orders'), ep('GET', '/orders')])).toThrow(TypeError);
  });

  it('rejects templates that differ only in parameter names (OpenAPI: "identical")', () => {
    expect(() => createRouter([ep('GET', '/orders/{id}'), ep('POST', '/orders/{orderId}')]))
      .toThrow(/clashes/);
  });

  it.each(['orders', '/orders/', '/orders/{id', '/orders/{}', '/a/{x}/{x}', '/a//b', '/a/{x}y', '/a b'])(
    'rejects the template %s', (path) => {
      expect(() => createRouter([ep('GET', path)])).toThrow(TypeError);
    });
});
