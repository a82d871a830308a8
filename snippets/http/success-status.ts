/**
 * A small notes API where each success status means something different:
 * 200 carries a representation (with a validator and cache controls), 201
 * names what was created, 202 promises work later, 204 says "done, nothing
 * to add". Failures are 4xx with an RFC 9457 problem body, never a 200
 * with an error inside; a 404 comes from the shared error catalog.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.3
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from './error-catalog.ts';
import {
  useProblemErrors, type ErrorLog, type ProblemEnv,
} from './error-middleware.ts';
import { etagOf, ifMatchHolds, ifNoneMatchHits } from './etag.ts';
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

/** Thrown, so the shared error middleware sends the catalog's 404. */
const notFound = (c: Context) =>
  new AppError('not-found', { detail: `Nothing at ${c.req.path}.` });

// #region representation
/**
 * A 200 for GET (Hono derives HEAD from it) with a strong ETag and
 * explicit cache controls; a 304 when the client's copy is current, a
 * 412 when the client asked for a version that is no longer current.
 */
function representation(c: Context, value: unknown): Response {
  const etag = etagOf(value); // the same bytes always get the same tag
  c.header('ETag', etag);
  // A 200 is heuristically cacheable: say what caches may do instead.
  // no-cache = store it, but revalidate before every reuse.
  c.header('Cache-Control', 'no-cache');
  // Preconditions in RFC 9110 §13.2.2 order: If-Match, then If-None-Match.
  if (!ifMatchHolds(c.req.header('If-Match'), etag)) {
    return statusProblem(412, 'The note no longer has that ETag.');
  }
  if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) {
    return c.body(null, 304); // keeps ETag and Cache-Control (§15.4.5)
  }
  const body = JSON.stringify(value);
  // Set here, so a HEAD response states the length a GET would send.
  c.header('Content-Length', String(Buffer.byteLength(body)));
  return c.body(body, 200, { 'Content-Type': 'application/json' });
}
// #endregion representation

/** True when a `Prefer` header (RFC 7240 §4.2) asks for `return=minimal`. */
function prefersMinimal(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((p) =>
    p.split(';')[0]!.replace(/["\s]/g, '').toLowerCase() === 'return=minimal');
}

export interface NotesDeps {
  store: NoteStore;
  exports: ExportQueue;
  /** Where failed requests are logged (see error-middleware.ts). */
  log: ErrorLog;
  newId?: () => string;
}

/** Builds the app; `app.request()` drives it in tests without a socket. */
export function createApp(deps: NotesDeps): Hono<ProblemEnv> {
  const { store, exports } = deps;
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: deps.log, newId: deps.newId });

  // A search that matches nothing still succeeded: 200 with an empty list.
  app.get('/notes', (c) =>
    representation(c, { items: store.list(c.req.query('q') ?? '') }));

  // Hono answers HEAD from this GET handler, with the body dropped.
  app.get('/notes/:id', (c) => {
    const note = store.get(c.req.param('id'));
    if (!note) throw notFound(c);
    return representation(c, note);
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
    if (!note) throw notFound(c);
    if (prefersMinimal(c.req.header('Prefer'))) {
      c.header('Preference-Applied', 'return=minimal');
      return c.body(null, 204);
    }
    return c.json(note); // 200: the state as stored, after normalizing
  });

  app.delete('/notes/:id', (c) => {
    if (!store.remove(c.req.param('id'))) throw notFound(c);
    return c.body(null, 204);
  });
  // #endregion update-delete

  // #region accepted
  app.post('/notes/:id/exports', (c) => {
    const noteId = c.req.param('id');
    if (!store.get(noteId)) throw notFound(c);
    const job = exports.enqueue(noteId);
    c.header('Location', `/exports/${job.id}`); // the status monitor
    return c.json(job, 202);
  });

  app.get('/exports/:id', (c) => {
    const job = exports.get(c.req.param('id'));
    if (!job) throw notFound(c);
    // The state changes under this URI; a cache must not guess freshness.
    c.header('Cache-Control', 'no-store');
    return c.json(job);
  });
  // #endregion accepted

  return app; // unknown paths: the middleware's catalog 404
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
  const app = createApp({ store: memoryStore(), exports: memoryQueue(),
    log: () => {} });
  let etag = ''; // from the last response that carried one
  const json = (method: string, body: string, extra = {}): RequestInit => ({
    method, body, headers: { 'Content-Type': 'application/json', ...extra },
  });
  const calls: [string, string, (() => RequestInit)?][] = [
    ['POST /notes', '/notes', () => json('POST', '{"title":"  Draft "}')],
    ['GET /notes/1', '/notes/1'],
    ['GET /notes/1 (If-None-Match)', '/notes/1',
      () => ({ headers: { 'If-None-Match': etag } })],
    ['GET /notes/1 (stale If-Match)', '/notes/1',
      () => ({ headers: { 'If-Match': '"stale"' } })],
    ['HEAD /notes/1', '/notes/1', () => ({ method: 'HEAD' })],
    ['GET /notes?q=zzz', '/notes?q=zzz'],
    ['PUT /notes/1', '/notes/1', () => json('PUT', '{"title":"Final"}')],
    ['PUT /notes/1 (Prefer: return=minimal)', '/notes/1',
      () => json('PUT', '{"title":"Final"}', { Prefer: 'return=minimal' })],
    ['POST /notes/1/exports', '/notes/1/exports', () => ({ method: 'POST' })],
    ['DELETE /notes/1', '/notes/1', () => ({ method: 'DELETE' })],
    ['GET /notes/1', '/notes/1'],
    ['POST /notes (empty title)', '/notes', () => json('POST', '{"title":""}')],
    ['POST /notes (broken JSON)', '/notes', () => json('POST', '{"title":')],
  ];
  for (const [label, path, init] of calls) {
    const res = await app.request(path, init?.());
    const text = await res.text();
    const location = res.headers.get('Location');
    const length = res.headers.get('Content-Length');
    const detail = () => (JSON.parse(text) as { detail: string }).detail;
    const shown = location ? `Location: ${location}`
      : text !== '' ? (res.ok ? text : detail())
      : length ? `(no body), Content-Length: ${length}` : '(no body)';
    console.log(`${label} -> ${res.status} ${shown}`);
    if (res.status === 200 && res.headers.has('ETag')) {
      etag = res.headers.get('ETag')!;
      const cache = res.headers.get('Cache-Control');
      if (label.startsWith('GET /notes/')) {
        console.log(`  ETag: ${etag}, Cache-Control: ${cache}`);
      }
    }
  }
}
