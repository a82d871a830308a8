import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  OPENAPI_VERSION, openApiDocument, problemSchema, routeDrift, statusDrift, type OpenApiDocument,
} from './openapi-document.ts';
import { openApiProblems } from './openapi-lint.ts';
import { defineRoute, type Route } from './openapi-routes.ts';

type Json = Record<string, unknown>;

const widget = z.object({ id: z.string(), size: z.int().min(1) });
const widgetInput = z.strictObject({ size: z.int().min(1), colour: z.string().default('red') });

function api(register = true) {
  const named = z.registry<{ id: string }>();
  if (register) named.add(widget, { id: 'Widget' });
  const routes: Route[] = [
    defineRoute({
      method: 'post', path: '/widgets', operationId: 'createWidget', summary: 'Create', body: widgetInput,
      responses: { 201: { description: 'Created', schema: widget, headers: { Location: 'The new widget' } } },
      handle: () => ({ status: 201, body: { id: '1', size: 1 } }),
    }),
    defineRoute({
      method: 'get', path: '/widgets/{widgetId}', operationId: 'getWidget', summary: 'Get',
      params: z.object({ widgetId: z.string().regex(/^\d+$/) }),
      responses: { 200: { description: 'Found', schema: widget } },
      handle: () => ({ status: 200, body: { id: '1', size: 1 } }),
    }),
  ];
  return { routes, doc: openApiDocument({ title: 'Widgets', version: '2.0.0' }, routes, named) };
}

const operation = (doc: OpenApiDocument, path: string, method: 'get' | 'post') => doc.paths[path]![method]! as Json & {
  responses: Record<string, Json & { content?: Record<string, { schema: Json }> }>;
  requestBody?: { content: Record<string, { schema: Json }> };
  parameters?: Json[];
};

describe('openApiDocument', () => {
  it('produces a document that passes the OpenAPI 3.1 rules checked above', () => {
    const { doc } = api();
    expect(doc.openapi).toBe(OPENAPI_VERSION);
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('survives a JSON round trip unchanged (no undefined, Date or BigInt inside)', () => {
    const { doc } = api();
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('documents a request as input: fields with defaults are optional', () => {
    const schema = operation(api().doc, '/widgets', 'post').requestBody!.content['application/json']!.schema;
    expect(schema.required).toEqual(['size']);
    expect(schema.additionalProperties).toBe(false); // strictObject
    expect((schema.properties as Json).colour).toMatchObject({ type: 'string', default: 'red' });
  });

  it('documents a response as output, by $ref to a named component', () => {
    const { doc } = api();
    const created = operation(doc, '/widgets', 'post').responses['201']!;
    expect(created.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Widget' });
    expect(doc.components.schemas.Widget).toMatchObject({ type: 'object', required: ['id', 'size'] });
    expect(created.headers).toEqual({ Location: { description: 'The new widget', schema: { type: 'string' } } });
  });

  it('inlines response schemas that are not named', () => {
    const { doc } = api(false);
    const ok = operation(doc, '/widgets/{widgetId}', 'get').responses['200']!;
    expect(ok.content!['application/json']!.schema).toMatchObject({ type: 'object', required: ['id', 'size'] });
    expect(doc.components.schemas).not.toHaveProperty('Widget');
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('lists path parameters from the params schema, required, with their JSON Schema', () => {
    expect(operation(api().doc, '/widgets/{widgetId}', 'get').parameters).toEqual([
      { name: 'widgetId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } },
    ]);
  });

  it('documents the implied errors as application/problem+json', () => {
    const { doc } = api();
    const responses = operation(doc, '/widgets', 'post').responses;
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '413', '415', '422']);
    for (const code of ['400', '413', '415', '422']) {
      expect(responses[code]!.content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
    }
    expect(Object.keys(operation(doc, '/widgets/{widgetId}', 'get').responses).sort()).toEqual(['200', '404']);
  });

  it('publishes a Problem component with the RFC 9457 members', () => {
    const problem = api().doc.components.schemas.Problem!;
    expect(problem.required).toEqual(['type', 'title', 'status']);
    expect(Object.keys(problem.properties as Json)).toEqual(['type', 'title', 'status', 'detail', 'instance']);
    expect(problemSchema.safeParse({ type: 'about:blank', title: 'Not Found', status: 404, errors: [] }).success).toBe(true);
  });

  it('refuses at build time a response schema JSON Schema cannot describe', () => {
    const named = z.registry<{ id: string }>();
    named.add(z.object({ at: z.string().transform((s) => new Date(s)) }), { id: 'Event' });
    expect(() => openApiDocument({ title: 't', version: '1' }, [], named)).toThrow(/Transforms cannot be represented/);
  });
});

describe('routeDrift', () => {
  const { doc } = api();
  const served = [
    { method: 'POST', path: '/widgets' },
    { method: 'GET', path: '/widgets/:widgetId' },
  ];

  it('reports nothing when every route is documented and every operation served', () => {
    expect(routeDrift(served, doc)).toEqual({ undocumented: [], unserved: [] });
  });

  it('reports a route the document does not list', () => {
    expect(routeDrift([...served, { method: 'DELETE', path: '/widgets/:widgetId' }], doc))
      .toEqual({ undocumented: ['DELETE /widgets/{widgetId}'], unserved: [] });
  });

  it('reports a documented operation nothing serves', () => {
    expect(routeDrift(served.slice(1), doc)).toEqual({ undocumented: [], unserved: ['POST /widgets'] });
  });

  it('reads only operations from a Path Item, not its summary or shared parameters', () => {
    const withShared = structuredClone(doc);
    Object.assign(withShared.paths['/widgets/{widgetId}']!, {
      summary: 'One widget', parameters: [{ name: 'widgetId', in: 'path', required: true }],
    });
    expect(routeDrift(served, withShared)).toEqual({ undocumented: [], unserved: [] });
    expect(statusDrift(withShared, ['createWidget 201', 'createWidget 400', 'createWidget 413',
      'createWidget 415', 'createWidget 422', 'getWidget 200', 'getWidget 404']))
      .toEqual({ undocumented: [], unexercised: [] });
  });

  it('maps Hono params with a regex, :id{[0-9]+}, to {id}', () => {
    expect(routeDrift([served[0]!, { method: 'GET', path: '/widgets/:widgetId{[0-9]+}' }], doc).undocumented).toEqual([]);
  });

  it('counts middleware and catch-alls as routes unless they are ignored on purpose', () => {
    const app = new Hono();
    app.use('*', async (_c, next) => next());
    app.post('/widgets', (c) => c.body(null, 201));
    app.get('/widgets/:widgetId', (c) => c.body(null));
    app.get('/openapi.json', (c) => c.json(doc));
    expect(routeDrift(app.routes, doc).undocumented).toEqual(['ALL /*', 'GET /openapi.json']);
    expect(routeDrift(app.routes, doc, ['ALL /*', 'GET /openapi.json'])).toEqual({ undocumented: [], unserved: [] });
  });
});

describe('statusDrift', () => {
  const { doc } = api();
  const all = ['createWidget 201', 'createWidget 400', 'createWidget 413', 'createWidget 415', 'createWidget 422', 'getWidget 200', 'getWidget 404'];

  it('is empty when tests produced exactly the documented statuses', () => {
    expect(statusDrift(doc, all)).toEqual({ undocumented: [], unexercised: [] });
  });

  it('names a documented status that no test produced', () => {
    expect(statusDrift(doc, all.filter((s) => s !== 'getWidget 404')).unexercised).toEqual(['getWidget 404']);
  });

  it('names a status a test saw that the document does not promise', () => {
    expect(statusDrift(doc, [...all, 'getWidget 500']).undocumented).toEqual(['getWidget 500']);
  });

  it('counts a repeated observation once', () => {
    expect(statusDrift(doc, [...all, ...all])).toEqual({ undocumented: [], unexercised: [] });
  });
});
