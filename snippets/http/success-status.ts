/**
 * A small notes API where each success status means something different:
 * 200 carries a representation, 201 names what was created, 202 promises
 * work later, 204 says "done, nothing to add". Failures are 4xx with an
 * RFC 9457 problem body, never a 200 with an error inside.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.3
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { bodyOrProblem } from './json-body.ts';
import { statusProblem } from './problem.ts';

export interface Note { id: string; title: string; body: string }
export type NoteInput = Omit<Note, 'id'>;

/** What the handlers need from storage; production injects a database. */
export interface NoteStore {
  list(query: string): Note[];
  get(id: string): Note | undefined;
  insert(input: NoteInput): Note;
  replace(id: string, input: NoteInput): Note | undefined;
  remove(id: string): boolean;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';
export interface ExportJob { id: string; noteId: string; state: JobState }

/** Hands slow work to a worker; the request only records that it was asked. */
export interface ExportQueue {
  enqueue(noteId: string): ExportJob;
  get(jobId: string): ExportJob | undefined;
}

const noteInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(10_000).default(''),
});

const notFound = (c: Context) =>
  statusProblem(404, `Nothing at ${c.req.path}.`);

/** True when a `Prefer` header (RFC 7240 §4.2) asks for `return=minimal`. */
function prefersMinimal(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((p) =>
    p.split(';')[0]!.replace(/["\s]/g, '').toLowerCase() === 'return=minimal');
}

/** Builds the app; `app.request()` drives it in tests without a socket. */
export function createApp(deps: { store: NoteStore; exports: ExportQueue }) {
  const { store, exports } = deps;
  const app = new Hono();

  // A search that matches nothing still succeeded: 200 with an empty list.
  app.get('/notes', (c) =>
    c.json({ items: store.list(c.req.query('q') ?? '') }));

  // Hono answers HEAD from this GET handler, with the body dropped.
  app.get('/notes/:id', (c) => {
    const note = store.get(c.req.param('id'));
    return note ? c.json(note) : notFound(c);
  });

  // #region create
  app.post('/notes', async (c) => {
    const input = await bodyOrProblem(c.req.raw, noteInput);
    if (input instanceof Response) return input;
    const note = store.insert(input);
    // Without Location, the client must take the target URI (/notes)
    // to be the resource created (RFC 9110 §15.3.2).
    c.header('Location', `/notes/${note.id}`);
    return c.json(note, 201);
  });
  // #endregion create

  // #region update-delete
  // Ids are server-assigned, so PUT only replaces; PUT-to-create would
  // owe the client a 201 (RFC 9110 §9.3.4).
  app.put('/notes/:id', async (c) => {
    const input = await bodyOrProblem(c.req.raw, noteInput);
    if (input instanceof Response) return input;
    const note = store.replace(c.req.param('id'), input);
    if (!note) return notFound(c);
    if (prefersMinimal(c.req.header('Prefer'))) {
      c.header('Preference-Applied', 'return=minimal');
      return c.body(null, 204);
    }
    return c.json(note); // 200: the state as stored, after normalizing
  });

  app.delete('/notes/:id', (c) =>
    store.remove(c.req.param('id')) ? c.body(null, 204) : notFound(c));
  // #endregion update-delete

  // #region accepted
  app.post('/notes/:id/exports', (c) => {
    const noteId = c.req.param('id');
    if (!store.get(noteId)) return notFound(c);
    const job = exports.enqueue(noteId);
    c.header('Location', `/exports/${job.id}`); // the status monitor
    return c.json(job, 202);
  });

  app.get('/exports/:id', (c) => {
    const job = exports.get(c.req.param('id'));
    if (!job) return notFound(c);
    // The state changes under this URI; a cache must not guess freshness.
    c.header('Cache-Control', 'no-store');
    return c.json(job);
  });
  // #endregion accepted

  app.notFound(notFound);
  return app;
}

/** In-memory store with sequential ids, so tests and the demo repeat. */
export function memoryStore(): NoteStore {
  const notes = new Map<string, Note>();
  let seq = 0;
  return {
    list: (query) => [...notes.values()].filter((n) =>
      n.title.toLowerCase().includes(query.toLowerCase())),
    get: (id) => notes.get(id),
    insert(input) {
      const note = { id: String(++seq), ...input };
      notes.set(note.id, note);
      return note;
    },
    replace(id, input) {
      if (!notes.has(id)) return undefined;
      const note = { id, ...input };
      notes.set(id, note);
      return note;
    },
    remove: (id) => notes.delete(id),
  };
}

/** In-memory queue; a real one is a jobs table or a broker (see Q60). */
export function memoryQueue(): ExportQueue {
  const jobs = new Map<string, ExportJob>();
  let seq = 0;
  return {
    enqueue(noteId) {
      const job: ExportJob = { id: `exp-${++seq}`, noteId, state: 'queued' };
      jobs.set(job.id, job);
      return job;
    },
    get: (id) => jobs.get(id),
  };
}

if (import.meta.main) {
  const app = createApp({ store: memoryStore(), exports: memoryQueue() });
  const json = (method: string, body: string, extra = {}): RequestInit => ({
    method, body, headers: { 'Content-Type': 'application/json', ...extra },
  });
  const calls: [string, string, RequestInit?][] = [
    ['POST /notes', '/notes', json('POST', '{"title":"  Draft "}')],
    ['GET /notes/1', '/notes/1'],
    ['HEAD /notes/1', '/notes/1', { method: 'HEAD' }],
    ['GET /notes?q=zzz', '/notes?q=zzz'],
    ['PUT /notes/1', '/notes/1', json('PUT', '{"title":"Final"}')],
    ['PUT /notes/1 (Prefer: return=minimal)', '/notes/1',
      json('PUT', '{"title":"Final"}', { Prefer: 'return=minimal' })],
    ['POST /notes/1/exports', '/notes/1/exports', { method: 'POST' }],
    ['DELETE /notes/1', '/notes/1', { method: 'DELETE' }],
    ['GET /notes/1', '/notes/1'],
    ['POST /notes (empty title)', '/notes', json('POST', '{"title":""}')],
    ['POST /notes (broken JSON)', '/notes', json('POST', '{"title":')],
  ];
  for (const [label, path, init] of calls) {
    const res = await app.request(path, init);
    const text = await res.text();
    const location = res.headers.get('Location');
    const detail = () => (JSON.parse(text) as { detail: string }).detail;
    const shown = location ? `Location: ${location}`
      : text === '' ? '(no body)' : res.ok ? text : detail();
    console.log(`${label} -> ${res.status} ${shown}`);
  }
}
