/**
 * One route that does every job a backend server owes a request: give it an
 * id, authenticate the caller, authorize the action, validate the input,
 * enforce a business rule, persist, answer with the right status, and leave
 * one structured log line behind.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';
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
export interface AppDeps {
  db: Pick<PGlite, 'query' | 'transaction'>;
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

const taskInput = z.strictObject({ title: z.string().trim().min(1).max(200) });

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
      msg: 'request', requestId, method: c.req.method, path: c.req.path,
      status: c.res.status, durationMs: now() - started,
      userId: c.var.user?.userId, err: c.error?.message,
    }); // ids and outcomes only: no token, no body (OWASP)
  });

  app.onError((_err, c) => statusProblem(500,
    `Something failed on our side; quote ${c.var.requestId}.`));
  // #endregion envelope

  // #region authenticate
  const challenge = (error?: string) => ({ 'WWW-Authenticate': error
    ? `Bearer realm="tasks", error="${error}"` : 'Bearer realm="tasks"' });

  app.use('/projects/*', async (c, next) => {
    const credentials = readBearer(c.req.header('Authorization'));
    if (credentials.kind === 'none') { // no error code: RFC 6750 §3
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
  const limitBody = bodyLimit({ maxSize: 16 * 1024, onError: () =>
    statusProblem(413, 'A task body is at most 16 KiB.') });

  app.post('/projects/:id/tasks', limitBody, async (c) => {
    const projectId = c.req.param('id');
    const { userId } = c.var.user;

    // Authorize: outsiders get the same 404 as a missing project (Q30).
    const { rows: [member] } = await db.query<{ role: string }>(
      'SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2',
      [projectId, userId]);
    if (!member) return statusProblem(404, `No project ${projectId}.`);
    if (member.role === 'viewer') {
      return statusProblem(403, 'Viewers cannot add tasks.');
    }

    const input = await bodyOrProblem(c.req.raw, taskInput); // 415/400/422
    if (input instanceof Response) return input;

    // Rule and write in one transaction; the row lock queues concurrent
    // creates, so two requests cannot both take the last slot.
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
