import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from './openapi-document.ts';
import { openApiProblems } from './openapi-lint.ts';

type Json = Record<string, unknown>;

/** A small valid document, written by hand so the checker is tested alone. */
function valid(): OpenApiDocument {
  return {
    openapi: '3.1.2',
    info: { title: 'Widgets', version: '1.0.0' },
    paths: {
      '/widgets': {
        post: {
          operationId: 'createWidget',
          requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { 201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Widget' } } } } },
        },
      },
      '/widgets/{widgetId}': {
        get: {
          operationId: 'getWidget',
          parameters: [{ name: 'widgetId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'Found' }, default: { description: 'Error' } },
        },
      },
    },
    components: { schemas: { Widget: { type: 'object' } } },
  };
}

const get = (doc: OpenApiDocument) => doc.paths['/widgets/{widgetId}']!.get! as Json & { parameters: Json[]; responses: Record<string, Json> };
const post = (doc: OpenApiDocument) => doc.paths['/widgets']!.post! as Json & { responses: Record<string, Json> };

describe('openApiProblems', () => {
  it('finds nothing wrong with a valid document', () => {
    expect(openApiProblems(valid())).toEqual([]);
  });

  it.each<[string, (d: OpenApiDocument) => void, RegExp]>([
    ['a 3.0 version string', (d) => { d.openapi = '3.0.3'; }, /not 3\.1\.x/],
    ['a missing info.version', (d) => { d.info.version = ''; }, /info\.title and info\.version/],
    ['a path without a leading slash', (d) => { d.paths.widgets = d.paths['/widgets']!; delete d.paths['/widgets']; }, /must start with \//],
    ['a template without its parameter', (d) => { get(d).parameters = []; }, /must match \{widgetId\}/],
    ['a parameter with no template', (d) => { get(d).parameters.push({ name: 'other', in: 'path', required: true }); }, /must match/],
    ['an optional path parameter', (d) => { get(d).parameters[0]!.required = false; }, /must be required/],
    ['a duplicate parameter', (d) => { get(d).parameters.push({ name: 'q', in: 'query' }, { name: 'q', in: 'query' }); }, /duplicate parameters/],
    ['a duplicate operationId', (d) => { get(d).operationId = 'createWidget'; }, /not unique/],
    ['a body on GET', (d) => { get(d).requestBody = {}; }, /no defined meaning/],
    ['no responses', (d) => { get(d).responses = {}; }, /at least one response/],
    ['a bad status key', (d) => { get(d).responses['2000'] = { description: 'x' }; }, /not a status code/],
    ['a response without description', (d) => { delete post(d).responses['201']!.description; }, /description is required/],
    ['a dangling $ref', (d) => { delete d.components.schemas.Widget; }, /unresolved \$ref #\/components\/schemas\/Widget/],
    ['a $ref to an inherited property name', (d) => { get(d).responses['200']!.content = { 'application/json': { schema: { $ref: '#/components/schemas/constructor' } } }; }, /unresolved \$ref #\/components\/schemas\/constructor/],
    ['a $defs ref', (d) => { get(d).responses['200']!.content = { 'application/json': { schema: { $ref: '#/$defs/Widget' } } }; }, /unresolved \$ref #\/\$defs\/Widget/],
    ['a bad component name', (d) => { d.components.schemas['Wid get'] = {}; }, /not allowed/],
    ['a component with $id', (d) => { d.components.schemas.Widget = { $id: '#/components/schemas/Widget' }; }, /\$schema or \$id/],
  ])('flags %s', (_name, edit, message) => {
    const doc = valid();
    edit(doc);
    const problems = openApiProblems(doc);
    expect(problems.join('\n')).toMatch(message);
  });

  it('reads Path Item fields: shared parameters and a summary are not operations', () => {
    const doc = valid();
    const item = doc.paths['/widgets/{widgetId}']! as Json;
    item.summary = 'One widget';
    item.parameters = get(doc).parameters;
    delete (get(doc) as Json).parameters;
    expect(openApiProblems(doc)).toEqual([]);
    (item.parameters as Json[])[0]!.required = false;
    expect(openApiProblems(doc)).toEqual(['GET /widgets/{widgetId}: path parameter "widgetId" must be required']);
  });

  it('lets an operation override a shared parameter rather than duplicate it', () => {
    const doc = valid();
    const item = doc.paths['/widgets/{widgetId}']! as Json;
    item.parameters = [{ name: 'widgetId', in: 'path', required: true, schema: { type: 'integer' } }];
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('accepts range keys like 4XX', () => {
    const doc = valid();
    get(doc).responses['4XX'] = { description: 'Client error' };
    expect(openApiProblems(doc)).toEqual([]);
  });

  it('reports every problem, not just the first', () => {
    const doc = valid();
    doc.openapi = '2.0';
    get(doc).operationId = 'createWidget';
    expect(openApiProblems(doc)).toHaveLength(2);
  });
});
