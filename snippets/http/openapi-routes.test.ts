import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, mountRoutes, responsesOf, type Route } from './openapi-routes.ts';

const item = z.object({ id: z.string(), name: z.string() });
const input = z.strictObject({ name: z.string().min(1) });

/** A tiny API whose store hands back more than the contract allows. */
function setup(overrides: { leaky?: boolean; broken?: boolean } = {}) {
  const rows = new Map([['1', { id: '1', name: 'first', ownerEmail: 'a@example.com' }]]);
  const handled: string[] = []; // ids the getItem handler was called with
  const routes: Route[] = [
    defineRoute({
      method: 'get', path: '/items/{id}', operationId: 'getItem', summary: 'Get',
      params: z.object({ id: z.string().regex(/^\d+$/) }),
      responses: { 200: { description: 'The item', schema: item }, 404: { description: 'No such item' } },
      handle: ({ params }) => {
        handled.push(params.id);
        const row = rows.get(params.id);
        if (!row) return { status: 404 };
        if (overrides.broken) return { status: 200, body: { id: row.id } as z.input<typeof item> };
        return { status: 200, body: row };
      },
    }),
    defineRoute({
      method: 'put', path: '/items/{id}', operationId: 'putItem', summary: 'Replace',
      params: z.object({ id: z.string().regex(/^\d+$/) }), body: input,
      responses: { 204: { description: 'Replaced' }, 409: { description: 'Locked' } },
      handle: ({ params, body }) => {
        if (params.id === '9') return { status: 409, detail: 'Item 9 is locked.', headers: { 'Retry-After': '5' } };
        rows.set(params.id, { id: params.id, name: body.name, ownerEmail: '' });
        return { status: 204 };
      },
    }),
  ];
  const errors: unknown[] = [];
  const app = new Hono();
  app.onError((error, c) => {
    errors.push(error);
    return c.text('Internal Server Error', 500);
  });
  mountRoutes(app, routes);
  return { app, routes, rows, errors, handled };
}

const json = (body: unknown): RequestInit => ({
  method: 'PUT', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
});

describe('mountRoutes', () => {
  it('turns the OpenAPI template /items/{id} into the Hono route /items/:id', () => {
    const { app } = setup();
    expect(app.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /items/:id', 'PUT /items/:id']);
  });

  it('encodes the reply through the response schema, dropping undocumented fields', async () => {
    const { app } = setup();
    const res = await app.request('/items/1');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ id: '1', name: 'first' });
    expect(body).not.toContain('ownerEmail');
  });

  it('never sends a reply that breaks its own schema: that is a 500', async () => {
    const { app, errors } = setup({ broken: true });
    const res = await app.request('/items/1');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('"id":"1"');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(z.ZodError);
  });

  it('answers a path parameter that fails its schema with a 404 problem', async () => {
    const { app, handled } = setup();
    const res = await app.request('/items/abc');
    expect(handled).toEqual([]); // the handler never saw "abc"
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'No such item' });
  });

  it('uses the handler detail when there is one, else the documented description', async () => {
    const { app } = setup();
    expect(await (await app.request('/items/7')).json()).toMatchObject({ detail: 'No such item' });
    const locked = await app.request('/items/9', json({ name: 'x' }));
    expect(locked.status).toBe(409);
    expect(locked.headers.get('Retry-After')).toBe('5');
    expect(await locked.json()).toMatchObject({ title: 'Conflict', detail: 'Item 9 is locked.' });
  });

  it('sends 204 with no body and no content type', async () => {
    const { app, rows } = setup();
    const res = await app.request('/items/2', json({ name: 'second' }));
    expect(res.status).toBe(204);
    expect(res.headers.get('Content-Type')).toBeNull();
    expect(await res.text()).toBe('');
    expect(rows.get('2')?.name).toBe('second');
  });

  it.each([
    ['malformed JSON', { method: 'PUT', body: '{', headers: { 'Content-Type': 'application/json' } }, 400],
    ['a form body', { method: 'PUT', body: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415],
    ['an unknown field', json({ name: 'x', admin: true }), 422],
    ['an empty name', json({ name: '' }), 422],
  ])('rejects %s before the handler runs', async (_name, init, status) => {
    const { app, rows } = setup();
    const res = await app.request('/items/3', init as RequestInit);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(rows.has('3')).toBe(false);
  });
});

describe('responsesOf', () => {
  it('adds the statuses the wrapper can send, and only those', () => {
    const { routes } = setup();
    const [get, put] = routes as [Route, Route];
    expect(Object.keys(responsesOf(get))).toEqual(['200', '404']);
    expect(Object.keys(responsesOf(put)).sort()).toEqual(['204', '400', '404', '409', '413', '415', '422']);
  });

  it("keeps the route's own description over the implied one", () => {
    const { routes } = setup();
    expect(responsesOf(routes[0]!)[404]?.description).toBe('No such item');
    expect(responsesOf(routes[1]!)[404]?.description).toBe('No resource at this path');
  });

  it('implies nothing for a route without params or body', () => {
    const route = defineRoute({
      method: 'get', path: '/ping', operationId: 'ping', summary: 'Ping',
      responses: { 204: { description: 'Up' } }, handle: () => ({ status: 204 }),
    });
    expect(Object.keys(responsesOf(route))).toEqual(['204']);
  });
});

describe('defineRoute types (checked by tsc over this file)', () => {
  it('rejects a status the route does not document, and a missing body', () => {
    const routes = [
      defineRoute({
        method: 'get', path: '/a', operationId: 'a', summary: 'A',
        responses: { 200: { description: 'ok', schema: item } },
        // @ts-expect-error 404 is not in `responses`
        handle: () => ({ status: 404 }),
      }),
      defineRoute({
        method: 'get', path: '/b', operationId: 'b', summary: 'B',
        responses: { 200: { description: 'ok', schema: item } },
        // @ts-expect-error a 200 with a schema needs a body
        handle: () => ({ status: 200 }),
      }),
      defineRoute({
        method: 'get', path: '/c', operationId: 'c', summary: 'C',
        responses: { 200: { description: 'ok', schema: item } },
        // @ts-expect-error the body must match the documented schema
        handle: () => ({ status: 200, body: { id: 1 } }),
      }),
    ];
    expect(routes).toHaveLength(3);
  });
});
