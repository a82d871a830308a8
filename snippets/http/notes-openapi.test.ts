import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemSchema, routeDrift, statusDrift, type OpenApiDocument } from './openapi-document.ts';
import { openApiProblems } from './openapi-lint.ts';
import { createNotesApi, memoryNoteStore, note, noteList, noteRoutes, type NoteStore } from './notes-openapi.ts';

type Json = Record<string, unknown>;
type Operation = Json & { operationId: string; responses: Record<string, Json & { content?: Record<string, unknown>; headers?: Json }> };

/** The only route that is served on purpose without being documented. */
const UNDOCUMENTED = ['GET /openapi.json'];

const json = (method: string, body: unknown): RequestInit => ({
  method, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
});

/** One request per documented status: the examples the contract test runs. */
const examples: [operationId: string, path: string, init: RequestInit | undefined, status: number][] = [
  ['listNotes', '/notes', undefined, 200],
  ['createNote', '/notes', json('POST', { title: 'Groceries' }), 201],
  ['createNote', '/notes', json('POST', '{"title":'), 400],
  ['createNote', '/notes', json('POST', { title: 'x'.repeat(70_000) }), 413],
  ['createNote', '/notes', { method: 'POST', body: 'title=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415],
  ['createNote', '/notes', json('POST', { title: '' }), 422],
  ['getNote', '/notes/1', undefined, 200],
  ['getNote', '/notes/2', undefined, 404],
  ['getNote', '/notes/not-a-number', undefined, 404],
  ['deleteNote', '/notes/1', { method: 'DELETE' }, 204],
  ['deleteNote', '/notes/1', { method: 'DELETE' }, 404],
];

const operationById = (doc: OpenApiDocument, id: string) =>
  Object.values(doc.paths).flatMap((item) => Object.values(item) as Operation[]).find((op) => op.operationId === id)!;

describe('the served document', () => {
  it('is served at /openapi.json as JSON, equal to the one built at startup', async () => {
    const { app, doc } = createNotesApi(memoryNoteStore());
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(doc);
  });

  it('follows the OpenAPI 3.1 rules the lint checks', () => {
    expect(openApiProblems(createNotesApi(memoryNoteStore()).doc)).toEqual([]);
  });

  it('publishes the handlers\' schemas: Note, NoteList and Problem', () => {
    const { doc } = createNotesApi(memoryNoteStore());
    expect(Object.keys(doc.components.schemas)).toEqual(['Note', 'NoteList', 'Problem']);
    expect(doc.components.schemas.Note).toEqual(JSON.parse(JSON.stringify(
      (({ $schema: _, ...rest }) => rest)(z.toJSONSchema(note) as Json))));
    expect(doc.components.schemas.NoteList).toMatchObject({
      properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Note' } } },
    });
  });

  it('documents the create body as input: body defaults, so only title is required', () => {
    const { doc } = createNotesApi(memoryNoteStore());
    const create = operationById(doc, 'createNote') as Operation & { requestBody: { content: Record<string, { schema: Json }> } };
    expect(create.requestBody.content['application/json']!.schema).toMatchObject({ required: ['title'], additionalProperties: false });
  });
});

describe('routes and document agree', () => {
  it('has a spec path for every route and a route for every spec path', () => {
    const { app, doc } = createNotesApi(memoryNoteStore());
    expect(routeDrift(app.routes, doc, UNDOCUMENTED)).toEqual({ undocumented: [], unserved: [] });
  });

  it('fails when a route is added outside the route table', () => {
    const { app, doc } = createNotesApi(memoryNoteStore());
    app.patch('/notes/:id', (c) => c.body(null, 204));
    expect(routeDrift(app.routes, doc, UNDOCUMENTED).undocumented).toEqual(['PATCH /notes/{id}']);
  });

  it('fails when the document lists an operation that is not mounted', () => {
    const { app } = createNotesApi(memoryNoteStore());
    const { doc } = createNotesApi(memoryNoteStore());
    doc.paths['/notes/{id}']!.put = { operationId: 'replaceNote', responses: { 200: { description: 'Replaced' } } };
    expect(routeDrift(app.routes, doc, UNDOCUMENTED).unserved).toEqual(['PUT /notes/{id}']);
  });
});

describe('every documented response is one the API really sends', () => {
  it('produces each documented status, and no other, across the examples', async () => {
    const { app, doc } = createNotesApi(memoryNoteStore());
    const seen: string[] = [];
    for (const [operationId, path, init, status] of examples) {
      const res = await app.request(path, init);
      expect(res.status, `${operationId} ${path}`).toBe(status);
      seen.push(`${operationId} ${res.status}`);
    }
    expect(statusDrift(doc, seen)).toEqual({ undocumented: [], unexercised: [] });
  });

  it('sends, for each example, the media type, headers and body shape it documents', async () => {
    const { app, doc } = createNotesApi(memoryNoteStore());
    const bodySchemas: Record<string, z.ZodType> = { listNotes: noteList, createNote: note, getNote: note };
    for (const [operationId, path, init] of examples) {
      const res = await app.request(path, init);
      const documented = operationById(doc, operationId).responses[String(res.status)]!;
      const [mediaType] = Object.keys(documented.content ?? {});
      const where = `${operationId} ${res.status}`;
      if (mediaType === undefined) {
        expect(await res.text(), where).toBe('');
        continue;
      }
      expect(res.headers.get('Content-Type'), where).toMatch(new RegExp(`^${mediaType.replace('+', '\\+')}`));
      const body: unknown = await res.json();
      const schema = res.status >= 400 ? problemSchema : bodySchemas[operationId]!;
      expect(schema.safeParse(body).success, where).toBe(true);
      for (const header of Object.keys(documented.headers ?? {})) {
        expect(res.headers.get(header), `${where} ${header}`).not.toBeNull();
      }
    }
  });

  it('points Location at the created note', async () => {
    const { app } = createNotesApi(memoryNoteStore());
    const res = await app.request('/notes', json('POST', { title: ' Trim me ' }));
    const created = await res.json() as { id: string; title: string; body: string };
    expect(created).toEqual({ id: '1', title: 'Trim me', body: '' });
    expect(await (await app.request(res.headers.get('Location')!)).json()).toEqual(created);
  });

  it('never sends fields the document does not list, whatever the store holds', async () => {
    const store = memoryNoteStore();
    const leaky: NoteStore = { ...store, get: (id) => {
      const found = store.get(id);
      return found && ({ ...found, authorEmail: 'ada@example.com' } as typeof found);
    } };
    const { app } = createNotesApi(leaky);
    await app.request('/notes', json('POST', { title: 'Secret author' }));
    expect(await (await app.request('/notes/1')).text()).not.toContain('authorEmail');
  });
});

describe('noteRoutes', () => {
  it('gives every operation a unique id and a summary', () => {
    const routes = noteRoutes(memoryNoteStore());
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
    for (const route of routes) expect(route.summary).not.toBe('');
  });
});
