/**
 * A notes API described by the zod schemas it validates with: the router,
 * the validation and `GET /openapi.json` all come from one route table.
 * @see https://spec.openapis.org/oas/v3.1.2.html
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { openApiDocument, routeDrift } from './openapi-document.ts';
import { defineRoute, mountRoutes, type Route } from './openapi-routes.ts';

// #region schemas
/** Schemas registered here become `components.schemas` in the document. */
export const schemas = z.registry<{ id: string }>();

const noteId = z.string().regex(/^[1-9][0-9]{0,18}$/)
  .meta({ description: '64-bit integer id, as a string' });

export const note = z.object({
  id: noteId,
  title: z.string().min(1).max(200),
  body: z.string().max(10_000),
}).register(schemas, { id: 'Note' });

export const noteList = z.object({ items: z.array(note) })
  .register(schemas, { id: 'NoteList' });

// Requests are strict: an unknown field is a client bug, not a no-op.
export const noteInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(10_000).default(''),
});
// #endregion schemas

export type Note = z.output<typeof note>;

/** Storage the handlers need; production injects a database. */
export interface NoteStore {
  list(): Note[];
  get(id: string): Note | undefined;
  insert(input: z.output<typeof noteInput>): Note;
  remove(id: string): boolean;
}

const byId = z.object({ id: noteId });

export function noteRoutes(store: NoteStore): Route[] {
  return [
    defineRoute({
      method: 'get', path: '/notes', operationId: 'listNotes',
      summary: 'List notes',
      responses: { 200: { description: 'All notes', schema: noteList } },
      handle: () => ({ status: 200, body: { items: store.list() } }),
    }),
    defineRoute({
      method: 'post', path: '/notes', operationId: 'createNote',
      summary: 'Create a note', body: noteInput,
      responses: { 201: { description: 'Created', schema: note,
        headers: { Location: 'URL of the new note' } } },
      handle: ({ body }) => {
        const created = store.insert(body);
        return { status: 201, body: created,
          headers: { Location: `/notes/${created.id}` } };
      },
    }),
    // #region route
    defineRoute({
      method: 'get', path: '/notes/{id}', operationId: 'getNote',
      summary: 'Get a note', params: byId,
      responses: { 200: { description: 'The note', schema: note },
        404: { description: 'No note with this id' } },
      handle: ({ params }) => {
        const found = store.get(params.id);
        return found ? { status: 200, body: found }
          : { status: 404, detail: `No note ${params.id}.` };
      },
    }),
    // #endregion route
    defineRoute({
      method: 'delete', path: '/notes/{id}', operationId: 'deleteNote',
      summary: 'Delete a note', params: byId,
      responses: { 204: { description: 'Deleted' },
        404: { description: 'No note with this id' } },
      handle: ({ params }) => store.remove(params.id)
        ? { status: 204 } : { status: 404, detail: `No note ${params.id}.` },
    }),
  ];
}

// #region serve
/** The app and its document, built once: a schema that cannot be
 * described in JSON Schema fails here, at startup, not on a request. */
export function createNotesApi(store: NoteStore) {
  const routes = noteRoutes(store);
  const doc = openApiDocument(
    { title: 'Notes API', version: '1.0.0' }, routes, schemas);
  const app = new Hono();
  mountRoutes(app, routes);
  app.get('/openapi.json', (c) => c.json(doc));
  return { app, doc };
}
// #endregion serve

/** In-memory store with sequential ids, so tests and the demo repeat. */
export function memoryNoteStore(): NoteStore {
  const notes = new Map<string, Note>();
  let seq = 0;
  return {
    list: () => [...notes.values()],
    get: (id) => notes.get(id),
    insert(input) {
      const created = { id: String(++seq), ...input };
      notes.set(created.id, created);
      return created;
    },
    remove: (id) => notes.delete(id),
  };
}

if (import.meta.main) {
  const { app, doc } = createNotesApi(memoryNoteStore());
  const served = await (await app.request('/openapi.json')).json() as
    typeof doc;
  for (const [path, item] of Object.entries(served.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const codes = Object.keys(op.responses as object).join(' ');
      console.log(`${method.toUpperCase().padEnd(6)} ${path.padEnd(11)} `
        + `${String(op.operationId).padEnd(10)} ${codes}`);
    }
  }
  console.log('components:', Object.keys(served.components.schemas).join(', '));
  const ignore = ['GET /openapi.json'];
  console.log('drift:', JSON.stringify(routeDrift(app.routes, doc, ignore)));
  const patched = createNotesApi(memoryNoteStore());
  patched.app.get('/notes/export', (c) => c.text('todo')); // added by hand
  console.log('after a hand-added route:',
    JSON.stringify(routeDrift(patched.app.routes, patched.doc, ignore)));
}
