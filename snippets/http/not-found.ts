/**
 * Four ways to say "you can't have that", on one documents API: 404 when
 * there is nothing the caller may know about, 410 when it was deleted for
 * good, 403 when the caller can see it but not do this, and 405 when the
 * resource never supports the method. Each is a catalog problem. OPTIONS,
 * and a browser's CORS preflight, are answered before authentication.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { AppError } from './error-catalog.ts';
import {
  useProblemErrors, type ErrorLog, type ProblemEnv,
} from './error-middleware.ts';

export interface Doc {
  id: string;
  title: string;
  owner: string;
  /** Users who may read the document but not delete it. */
  viewers: readonly string[];
  /** Set when the owner deletes it; the row stays as a tombstone. */
  deletedAt?: number;
}

/** What the routes need from storage; production injects a database. */
export interface DocStore {
  get(id: string): Doc | undefined;
  markDeleted(id: string, at: number): void;
}

export interface DocsDeps {
  store: DocStore;
  /** The caller's user id, or undefined; production verifies a token. */
  authenticate: (c: Context) => string | undefined;
  now: () => number;
  log: ErrorLog;
  newId?: () => string;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: readonly string[];
}

type DocsEnv = ProblemEnv & { Variables: { user: string } };

/** What `/documents/:id` supports, in the order Q3's `Allow` lists. */
const ALLOW = ['GET', 'HEAD', 'DELETE', 'OPTIONS'];

// #region lookup
/** The document, if `user` may know it exists; otherwise the same 404. */
function visible(store: DocStore, id: string, user: string): Doc {
  const doc = store.get(id);
  const mayKnow = doc?.owner === user || doc?.viewers.includes(user);
  // Not "forbidden": a 403 here would confirm the document exists
  // (RFC 9110 §15.5.4), so strangers get the 404 a missing id gets.
  if (!doc || !mayKnow) {
    throw new AppError('not-found', { detail: `No document ${id}.` });
  }
  if (doc.deletedAt !== undefined) {
    throw new AppError('gone', { detail: `Document ${id} was deleted.` });
  }
  return doc;
}
// #endregion lookup

/** Builds the app; tests drive it with `app.request()`. */
export function createDocsApp(deps: DocsDeps): Hono<DocsEnv> {
  const { store, authenticate, now } = deps;
  const app = new Hono<DocsEnv>();
  useProblemErrors(app, { log: deps.log, newId: deps.newId });

  // #region options
  // Before authentication: a CORS preflight (OPTIONS with Access-Control-
  // Request-Method) never carries credentials, so checking them here
  // would refuse every cross-origin call. Neither answer depends on the id.
  app.options('/documents/:id', async (c, next) => {
    if (c.req.header('Access-Control-Request-Method')) return next();
    return c.body(null, 204, { Allow: ALLOW.join(', ') }); // as in Q3
  });
  app.use('/documents/*', cors({ // preflights, and headers on the rest
    origin: [...(deps.corsOrigins ?? [])], // our own front ends only
    allowMethods: ['GET', 'HEAD', 'DELETE'],
    allowHeaders: ['Authorization'],
    exposeHeaders: ['X-Request-Id'],
    maxAge: 600, // seconds a browser may reuse a preflight answer
  }));
  // #endregion options

  app.use('/documents/*', async (c, next) => {
    const user = authenticate(c);
    if (!user) {
      // RFC 6750 §3: no error code when no credentials were sent at all.
      const sent = c.req.header('Authorization') !== undefined;
      throw new AppError('unauthenticated', { challenge: sent
        ? 'Bearer realm="documents", error="invalid_token"'
        : 'Bearer realm="documents"' });
    }
    c.set('user', user);
    await next();
  });

  // #region routes
  app.get('/documents/:id', (c) => {
    const doc = visible(store, c.req.param('id'), c.var.user);
    return c.json({ id: doc.id, title: doc.title });
  });

  app.delete('/documents/:id', (c) => {
    const doc = visible(store, c.req.param('id'), c.var.user);
    // A viewer already knows it exists, so 403 discloses nothing new.
    if (doc.owner !== c.var.user) {
      throw new AppError('forbidden', { detail: 'Only the owner can delete.' });
    }
    store.markDeleted(doc.id, now());
    return c.body(null, 204);
  });

  // Registered after the real routes, so only other methods land here.
  // The path exists; the method does not: 405 with Allow, never 404.
  app.all('/documents/:id', () => {
    throw new AppError('method-not-allowed', { allow: ALLOW });
  });
  // #endregion routes

  return app;
}

/** In-memory store for tests and the demo. */
export function memoryDocs(docs: readonly Doc[]): DocStore {
  const rows = new Map(docs.map((d) => [d.id, { ...d }]));
  return {
    get: (id) => rows.get(id),
    markDeleted(id, at) {
      const row = rows.get(id);
      if (row) row.deletedAt = at;
    },
  };
}

if (import.meta.main) {
  let n = 0;
  const tokens = new Map([['t-ann', 'ann'], ['t-bob', 'bob'], ['t-eve', 'eve']]);
  const app = createDocsApp({
    store: memoryDocs([
      { id: 'd1', title: 'Q3 plan', owner: 'ann', viewers: ['bob'] },
    ]),
    authenticate: (c) =>
      tokens.get(c.req.header('Authorization')?.replace(/^Bearer /, '') ?? ''),
    now: () => 1_750_000_000_000,
    log: () => {},
    newId: () => `req-${++n}`,
    corsOrigins: ['https://app.example'],
  });
  const preflight = {
    Origin: 'https://app.example', 'Access-Control-Request-Method': 'DELETE',
  };
  const calls: [string, string, string?][] = [
    ['OPTIONS', '/documents/d1'],
    ['OPTIONS', '/documents/d1', 'preflight'],
    ['GET', '/documents/d1', 'ann'],
    ['GET', '/documents/d1', 'eve'],
    ['GET', '/documents/d9', 'eve'],
    ['DELETE', '/documents/d1', 'bob'],
    ['PATCH', '/documents/d1', 'ann'],
    ['GET', '/documents/d1'],
    ['DELETE', '/documents/d1', 'ann'],
    ['GET', '/documents/d1', 'bob'],
    ['GET', '/documents/d1', 'eve'],
  ];
  for (const [method, path, who] of calls) {
    const headers = who === 'preflight' ? preflight
      : who ? { Authorization: `Bearer t-${who}` } : undefined;
    const res = await app.request(path, { method, headers });
    const text = await res.text();
    const origin = res.headers.get('Access-Control-Allow-Origin');
    const allow = res.headers.get('Allow');
    const shown = allow ? `Allow: ${allow}`
      : origin ? `Access-Control-Allow-Origin: ${origin}`
      : res.status === 401 ? `WWW-Authenticate: ${res.headers.get('WWW-Authenticate')}`
      : res.status === 204 ? '(no body)'
      : res.ok ? text : (JSON.parse(text) as { detail: string }).detail;
    const call = `${method} ${path} (${who ?? 'anonymous'})`;
    console.log(`${call.padEnd(35)}-> ${res.status} ${shown}`);
    if (method === 'GET' && path.endsWith('d9')) console.log(`  ${text}`);
  }
}
