/**
 * One route that does every job a backend server owes a request: give it an
 * id, authenticate the caller, authorize the action, validate the input,
 * enforce a business rule, persist, answer with the right status, and leave
 * one structured log line behind.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { describeError } from './error-log.ts';
import { bodyOrProblem } from './json-body.ts';
import { statusProblem } from './problem.ts';

export interface Principal { userId: string }
/** Resolves a bearer token to its user, or null; JWT checks plug in (Q43). */
export type VerifyToken = (token: string) => Promise<Principal | null>;
/** The slice of pino's API the app uses, so pino drops in unchanged. */
export interface Logger {
  info(fields: Record<string, unknown>): void;
  error(fields: Record<string, unknown>): void;
}
/** The slice of a PostgreSQL client the app uses: PGlite fits as is, and
 *  node-postgres through a few lines (the tests run both). */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}
export interface Db extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}
export interface AppDeps {
  db: Db;
  verifyToken: VerifyToken;
  logger: Logger;
  newRequestId: () => string; // crypto.randomUUID in production
  now: () => number; // milliseconds, for the duration field
  maxOpenTasks?: number;
}
export interface Task {
  id: number; projectId: string; title: string; done: boolean; createdBy: string;
}
type Env = { Variables: { requestId: string; user: Principal } };

export const SCHEMA = `
CREATE TABLE projects (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE memberships (
  project_id text NOT NULL REFERENCES projects (id),
  user_id    text NOT NULL,
  role       text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (project_id, user_id));
CREATE TABLE tasks (
  id         int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects (id),
  title      text NOT NULL,
  done       boolean NOT NULL DEFAULT false,
  created_by text NOT NULL);`;

/** RFC 6750 §2.1 b64token; anything else after "Bearer" is malformed. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

type Credentials =
  | { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string };

/** Reads `Authorization`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function readBearer(header: string | undefined): Credentials {
  const match = /^(\S+)(?: +(.*))?$/.exec(header ?? '');
  if (!match || match[1]!.toLowerCase() !== 'bearer') return { kind: 'none' };
  const token = match[2] ?? '';
  return B64TOKEN.test(token) ? { kind: 'token', token } : { kind: 'malformed' };
}

/** Project ids are short ASCII; anything else (`%00`, say) names nothing. */
const PROJECT_ID = /^[\w-]{1,64}$/;

// One line of well-formed text: PostgreSQL text cannot hold NUL, and a lone
// surrogate would be stored as U+FFFD without a word.
const taskInput = z.strictObject({
  title: z.string().trim().min(1).max(200).refine(
    (s) => s.isWellFormed() && !/\p{Cc}/u.test(s), 'must be one line of text'),
});

/** Builds the app; tests drive it with `app.request()`, no socket needed. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { db, verifyToken, logger, newRequestId, now } = deps;
  const maxOpen = deps.maxOpenTasks ?? 100;
  const app = new Hono<Env>();

  // #region envelope
  // Every request gets an id and leaves exactly one log line, even a 500.
  app.use(async (c, next) => {
    const requestId = newRequestId();
    const started = now();
    c.set('requestId', requestId);
    await next();
    c.header('X-Request-Id', requestId);
    logger[c.error ? 'error' : 'info']({
      msg: 'request', requestId, method: c.req.method,
      path: new URL(c.req.url).pathname, // as sent: %0d%0a stays encoded
      status: c.res.status, durationMs: now() - started,
      userId: c.var.user?.userId, err: c.error && describeError(c.error),
    }); // no token, body, query or error message: they can hold secrets
  });

  app.onError((_err, c) => statusProblem(500,
    `Something failed on our side; quote ${c.var.requestId}.`));
  app.notFound((c) => statusProblem(404, `Nothing at ${c.req.path}.`));
  // #endregion envelope

  // #region authenticate
  const challenge = (error?: string) => ({ 'WWW-Authenticate': error
    ? `Bearer realm="tasks", error="${error}"` : 'Bearer realm="tasks"' });

  app.use('/projects/*', async (c, next) => {
    const credentials = readBearer(c.req.header('Authorization'));
    if (credentials.kind === 'none') { // no error code: RFC 6750 §3.1
      return statusProblem(401, 'Send a bearer token.', challenge());
    }
    if (credentials.kind === 'malformed') {
      return statusProblem(400, 'The Authorization header is malformed.',
        challenge('invalid_request'));
    }
    const user = await verifyToken(credentials.token);
    if (!user) {
      return statusProblem(401, 'The token is invalid or expired.',
        challenge('invalid_token'));
    }
    c.set('user', user);
    await next();
  });
  // #endregion authenticate

  // #region route
  app.post('/projects/:id/tasks', async (c) => {
    const projectId = c.req.param('id');
    const { userId } = c.var.user;

    // Authorize: outsiders get the same 404 as a missing project (Q30),
    // and so does an id outside the contract, like %00.
    const { rows: [member] } = PROJECT_ID.test(projectId)
      ? await db.query<{ role: string }>(
        'SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2',
        [projectId, userId])
      : { rows: [] };
    if (!member) return statusProblem(404, `No project ${projectId}.`);
    if (member.role === 'viewer') {
      return statusProblem(403, 'Viewers cannot add tasks.');
    }

    const input = await bodyOrProblem(c.req.raw, taskInput, 16 * 1024);
    if (input instanceof Response) return input; // 415, 413, 400 or 422

    // Rule and write in one transaction, serialized by a row lock: under
    // READ COMMITTED two creates could otherwise both see a free slot.
    const task = await db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE',
        [projectId]);
      const { rows: [open] } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks
         WHERE project_id = $1 AND NOT done`, [projectId]);
      if (open!.n >= maxOpen) return null;
      const { rows: [row] } = await tx.query<Task>(
        `INSERT INTO tasks (project_id, title, created_by) VALUES ($1, $2, $3)
         RETURNING id, project_id AS "projectId", title, done,
                   created_by AS "createdBy"`,
        [projectId, input.title, userId]);
      return row!;
    });
    if (!task) {
      return statusProblem(409,
        `The project has ${maxOpen} open tasks; close one first.`);
    }

    c.header('Location',
      `/projects/${encodeURIComponent(projectId)}/tasks/${task.id}`);
    return c.json(task, 201);
  });
  app.all('/projects/:id/tasks', () =>
    statusProblem(405, 'Send POST to add a task.', { Allow: 'POST' }));
  // #endregion route

  return app;
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(`${SCHEMA} INSERT INTO projects VALUES ('p1', 'Launch');
    INSERT INTO memberships VALUES ('p1', 'ana', 'editor'), ('p1', 'bo', 'viewer');`);
  const lines: string[] = [];
  const log = (level: string) => (f: object) =>
    lines.push(JSON.stringify({ level, ...f }));
  let seq = 0, clock = 0;
  const app = createApp({ db, maxOpenTasks: 2, logger: { info: log('info'),
    error: log('error') }, newRequestId: () => `req-${++seq}`,
    now: () => (clock += 4), verifyToken: async (t) =>
      (['ana', 'bo', 'cy'].includes(t) ? { userId: t } : null) });
  for (const [label, token, title] of [['no token', '', 'Launch post'],
    ['unknown token', 'zed', 'Launch post'], ['not a member', 'cy', 'Launch post'],
    ['viewer', 'bo', 'Launch post'], ['blank title', 'ana', '  '],
    ['created', 'ana', 'Launch post'], ['created', 'ana', 'Book venue'],
    ['over the limit', 'ana', 'One more']]) {
    const res = await app.request('/projects/p1/tasks', { method: 'POST',
      body: JSON.stringify({ title }), headers: { 'Content-Type': 'application/json',
        ...(token && { Authorization: `Bearer ${token}` }) } });
    const header = ['Location', 'WWW-Authenticate'].find((h) => res.headers.has(h));
    const shown = header ? `${header}: ${res.headers.get(header)}`
      : ((await res.json()) as { detail: string }).detail;
    console.log(`${label!.padEnd(15)}-> ${res.status} ${shown}`);
  }
  console.log(lines[5]);
  await db.close();
}
