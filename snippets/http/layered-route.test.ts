import { setTimeout as wait } from 'node:timers/promises';
import type { Session } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createApp, readBearer, SCHEMA, type Db, type Principal,
} from './layered-route.ts';

interface Problem {
  type: string; title: string; status: number; detail: string;
  errors?: { pointer: string; detail: string }[];
}

const db = useDatabase(SCHEMA, { reset: `
  TRUNCATE tasks, memberships, projects RESTART IDENTITY;
  INSERT INTO projects VALUES ('p1', 'Launch'), ('p2', 'Hiring');
  INSERT INTO memberships VALUES
    ('p1', 'olga', 'owner'), ('p1', 'ed', 'editor'), ('p1', 'vic', 'viewer'),
    ('p2', 'otto', 'owner');` });
let logs: { level: string; fields: Record<string, unknown> }[];
let verified: string[];
let seq: number;

const TOKENS: Record<string, string> = {
  't-owner': 'olga', 't-editor': 'ed', 't-viewer': 'vic', 't-outsider': 'otto',
};

beforeEach(() => {
  logs = [];
  verified = [];
  seq = 0;
});

function app(opts: { maxOpenTasks?: number; db?: Db;
  verify?: (t: string) => Promise<Principal | null> } = {}) {
  let clock = 1_000;
  return createApp({
    db: opts.db ?? db(),
    maxOpenTasks: opts.maxOpenTasks ?? 3,
    newRequestId: () => `req-${++seq}`,
    now: () => (clock += 5),
    verifyToken: opts.verify ?? (async (token) => {
      verified.push(token);
      return TOKENS[token] ? { userId: TOKENS[token] } : null;
    }),
    logger: {
      info: (fields) => logs.push({ level: 'info', fields }),
      error: (fields) => logs.push({ level: 'error', fields }),
    },
  });
}

function post(target: ReturnType<typeof app>, opts: {
  auth?: string | null; body?: string; type?: string; project?: string;
} = {}) {
  const headers: Record<string, string> = {
    'Content-Type': opts.type ?? 'application/json',
  };
  const auth = opts.auth === undefined ? 'Bearer t-editor' : opts.auth;
  if (auth !== null) headers.Authorization = auth;
  const project = encodeURIComponent(opts.project ?? 'p1');
  return target.request(`/projects/${project}/tasks`, {
    method: 'POST', headers, body: opts.body ?? '{"title":"Ship it"}',
  });
}

async function taskCount(project = 'p1') {
  const { rows } = await db().query<{ n: number }>(
    'SELECT count(*)::int AS n FROM tasks WHERE project_id = $1', [project]);
  return rows[0]!.n;
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body).toMatchObject({ type: 'about:blank', status });
  expect(body.detail).toEqual(expect.any(String));
  return body;
}

describe('readBearer', () => {
  it.each([
    ['Bearer abc.DEF-123_~+/=', 'abc.DEF-123_~+/='],
    ['bearer abc', 'abc'],
    ['BEARER   abc', 'abc'],
  ])('accepts %j', (header, token) => {
    expect(readBearer(header)).toEqual({ kind: 'token', token });
  });

  it.each([undefined, '', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearerabc'])(
    'treats %j as no credentials', (header) => {
      expect(readBearer(header)).toEqual({ kind: 'none' });
    });

  it.each(['Bearer', 'Bearer ', 'Bearer a b', 'Bearer tok!', 'Bearer =abc',
    'Bearer a=b'])('treats %j as malformed', (header) => {
    expect(readBearer(header)).toEqual({ kind: 'malformed' });
  });
});

describe('the happy path', () => {
  it('creates the task: 201, Location, the stored row as the body', async () => {
    const res = await post(app(), { body: '{"title":"  Ship it "}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe('/projects/p1/tasks/1');
    expect(await res.json()).toEqual({
      id: 1, projectId: 'p1', title: 'Ship it', done: false, createdBy: 'ed',
    });
    const { rows } = await db().query('SELECT title, created_by FROM tasks');
    expect(rows).toEqual([{ title: 'Ship it', created_by: 'ed' }]);
  });

  it('takes the creator from the token, never from the body', async () => {
    const res = await post(app(),
      { body: '{"title":"x","createdBy":"olga"}' });
    await expectProblem(res, 422);
    expect(await taskCount()).toBe(0);
  });
});

describe('authentication', () => {
  it('answers a missing token with 401 and a bare Bearer challenge', async () => {
    const res = await post(app(), { auth: null });
    await expectProblem(res, 401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="tasks"');
    expect(verified).toEqual([]);
  });

  it('treats another scheme like no credentials', async () => {
    const res = await post(app(), { auth: 'Basic dXNlcjpwYXNz' });
    await expectProblem(res, 401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="tasks"');
  });

  it('answers a malformed header with 400 invalid_request', async () => {
    const res = await post(app(), { auth: 'Bearer two tokens' });
    await expectProblem(res, 400);
    expect(res.headers.get('WWW-Authenticate'))
      .toBe('Bearer realm="tasks", error="invalid_request"');
    expect(verified).toEqual([]);
  });

  it('answers an unknown token with 401 invalid_token', async () => {
    const res = await post(app(), { auth: 'Bearer t-forged' });
    await expectProblem(res, 401);
    expect(res.headers.get('WWW-Authenticate'))
      .toBe('Bearer realm="tasks", error="invalid_token"');
    expect(verified).toEqual(['t-forged']);
    expect(await taskCount()).toBe(0);
  });

  it('runs before validation: an anonymous bad body still gets 401', async () => {
    await expectProblem(await post(app(), { auth: null, body: '{' }), 401);
  });
});

describe('authorization', () => {
  it('gives an outsider the same 404 as a project that does not exist', async () => {
    const target = app();
    const outsider = await expectProblem(
      await post(target, { auth: 'Bearer t-outsider' }), 404);
    const missing = await expectProblem(
      await post(target, { project: 'p9' }), 404);
    expect(outsider.title).toBe(missing.title);
    expect(outsider.detail).toBe('No project p1.');
    expect(missing.detail).toBe('No project p9.');
    expect(await taskCount()).toBe(0);
  });

  it('refuses a viewer with 403', async () => {
    await expectProblem(await post(app(), { auth: 'Bearer t-viewer' }), 403);
    expect(await taskCount()).toBe(0);
  });

  it('runs before validation: an outsider learns nothing from a bad body', async () => {
    const res = await post(app(), { auth: 'Bearer t-outsider', body: '{' });
    await expectProblem(res, 404);
  });

  it('lets owners and editors in', async () => {
    const target = app();
    expect((await post(target, { auth: 'Bearer t-owner' })).status).toBe(201);
    expect((await post(target, { auth: 'Bearer t-editor' })).status).toBe(201);
  });

  it('keeps SQL out of the query text: an injected id matches nothing', async () => {
    const res = await post(app(), { project: "p1' OR '1'='1" });
    await expectProblem(res, 404);
    expect(await taskCount()).toBe(0);
  });

  it.each(['%00', 'p1%00', '%ED%A0%80', '%FF', 'x'.repeat(65)])(
    'answers 404, not a 500, for the project id %s', async (raw) => {
      // PostgreSQL text cannot hold NUL: the query itself would throw.
      const res = await app().request(`/projects/${raw}/tasks`, {
        method: 'POST', body: '{"title":"x"}',
        headers: { 'Content-Type': 'application/json',
          Authorization: 'Bearer t-editor' },
      });
      await expectProblem(res, 404);
      expect(logs[0]?.level).toBe('info');
    });
});

describe('validation', () => {
  it.each([
    ['broken JSON', { body: '{"title":' }, 400],
    ['empty body', { body: '' }, 400],
    ['a form post', { type: 'application/x-www-form-urlencoded',
      body: 'title=x' }, 415],
    ['blank title', { body: '{"title":"   "}' }, 422],
    ['title too long', { body: JSON.stringify({ title: 'x'.repeat(201) }) }, 422],
    ['wrong type', { body: '{"title":7}' }, 422],
    ['not an object', { body: '["title"]' }, 422],
  ] as const)('%s -> %i, nothing stored', async (_name, opts, status) => {
    await expectProblem(await post(app(), opts), status);
    expect(await taskCount()).toBe(0);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a line break', 'a\r\nb'],
    ['a lone surrogate, stored as U+FFFD otherwise', 'a\ud800b'],
  ])('refuses a title with %s: 422, nothing stored', async (_name, title) => {
    const res = await post(app(), { body: JSON.stringify({ title }) });
    const { errors = [] } = await expectProblem(res, 422);
    expect(errors.map((e) => e.pointer)).toEqual(['#/title']);
    expect(await taskCount()).toBe(0);
  });

  it('names the failing field in a 422', async () => {
    const res = await post(app(), { body: '{"title":""}' });
    const { errors = [] } = await expectProblem(res, 422);
    expect(errors.map((e) => e.pointer)).toEqual(['#/title']);
  });

  it('refuses an oversized body with 413 before parsing it', async () => {
    const body = JSON.stringify({ title: 'x', pad: 'y'.repeat(20_000) });
    await expectProblem(await post(app(), { body }), 413);
  });

  it('stores an injection string as plain text', async () => {
    const title = "'); DROP TABLE tasks; --";
    const res = await post(app(), { body: JSON.stringify({ title }) });
    expect(res.status).toBe(201);
    const { rows } = await db().query<{ title: string }>('SELECT title FROM tasks');
    expect(rows).toEqual([{ title }]);
  });
});

describe('the business rule: at most N open tasks per project', () => {
  it('answers 409 once the project is full, and stores nothing', async () => {
    const target = app({ maxOpenTasks: 2 });
    expect((await post(target)).status).toBe(201);
    expect((await post(target)).status).toBe(201);
    const body = await expectProblem(await post(target), 409);
    expect(body.detail).toContain('2 open tasks');
    expect(await taskCount()).toBe(2);
  });

  it('counts only open tasks', async () => {
    const target = app({ maxOpenTasks: 1 });
    expect((await post(target)).status).toBe(201);
    expect((await post(target)).status).toBe(409);
    await db().query('UPDATE tasks SET done = true');
    expect((await post(target)).status).toBe(201);
  });

  it('counts per project', async () => {
    const target = app({ maxOpenTasks: 1 });
    expect((await post(target)).status).toBe(201);
    const other = await post(target, { auth: 'Bearer t-outsider', project: 'p2' });
    expect(other.status).toBe(201);
  });

  // Races: see "on a real PostgreSQL server" below. PGlite serializes
  // transactions, so a race test here would pass without the lock.
});

describe('the envelope: request id, one log line, safe 500s', () => {
  it('logs one structured line per request with the outcome', async () => {
    const res = await post(app());
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
    expect(logs).toEqual([{ level: 'info', fields: {
      msg: 'request', requestId: 'req-1', method: 'POST',
      path: '/projects/p1/tasks', status: 201, durationMs: 5,
      userId: 'ed', err: undefined,
    } }]);
  });

  it('logs rejected requests too, without a user before authentication', async () => {
    const target = app();
    await post(target, { auth: null });
    await post(target, { auth: 'Bearer t-viewer' });
    expect(logs.map((l) => [l.fields.status, l.fields.userId]))
      .toEqual([[401, undefined], [403, 'vic']]);
  });

  it('never writes the token or the body into the log', async () => {
    const target = app();
    await post(target, { body: '{"title":"secret plans"}' });
    await post(target, { auth: 'Bearer t-forged' });
    const text = JSON.stringify(logs);
    expect(text).not.toContain('t-editor');
    expect(text).not.toContain('t-forged');
    expect(text).not.toContain('secret plans');
  });

  it('turns a crash into a 500 that names the request and hides the cause', async () => {
    const target = app({ verify: async () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:5432');
    } });
    const res = await post(target);
    const body = await expectProblem(res, 500);
    expect(body.detail).toContain('req-1');
    expect(JSON.stringify(body)).not.toContain('10.0.3.7');
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'error', fields: {
      requestId: 'req-1', status: 500, err: { name: 'Error' },
    } });
  });

  it('logs a crash by class, code and frames, never by message', async () => {
    // A driver or verifier message can quote the token, SQL values or a
    // connection string: none of that belongs in the log (OWASP).
    const crash = Object.assign(new Error(
      'token t-editor refused by postgres://app:s3cret@10.0.3.7/tasks'),
    { code: 'ECONNREFUSED' });
    const target = app({ verify: async () => { throw crash; } });
    await expectProblem(await post(target), 500);
    const text = JSON.stringify(logs);
    expect(text).not.toContain('t-editor');
    expect(text).not.toContain('s3cret');
    expect(logs[0]?.fields.err).toMatchObject({ name: 'Error', code: 'ECONNREFUSED' });
  });

  it('keeps a code only when it looks like one', async () => {
    const crash = Object.assign(new Error('x'), { code: 'Bearer t-editor' });
    const target = app({ verify: async () => { throw crash; } });
    await post(target);
    expect(logs[0]?.fields.err).toMatchObject({ name: 'Error' });
    expect(logs[0]?.fields.err).not.toHaveProperty('code');
    expect(JSON.stringify(logs)).not.toContain('t-editor');
  });

  it('never logs the query string, where tokens can travel', async () => {
    await app().request('/projects/p1/tasks?access_token=t-editor', {
      method: 'POST', body: '{"title":"x"}',
      headers: { 'Content-Type': 'application/json',
        Authorization: 'Bearer t-editor' },
    });
    expect(logs[0]?.fields.path).toBe('/projects/p1/tasks');
    expect(JSON.stringify(logs)).not.toContain('t-editor');
  });

  it('logs the path as sent, so an encoded CR LF cannot forge a line', async () => {
    await app().request('/projects/p1%0d%0aINFO%20forged/tasks', {
      method: 'POST', body: '{"title":"x"}',
      headers: { 'Content-Type': 'application/json',
        Authorization: 'Bearer t-editor' },
    });
    expect(logs[0]?.fields.path).toBe('/projects/p1%0d%0aINFO%20forged/tasks');
  });

  it('answers another method on the route with 405 and Allow', async () => {
    const res = await app().request('/projects/p1/tasks',
      { headers: { Authorization: 'Bearer t-editor' } });
    await expectProblem(res, 405);
    expect(res.headers.get('Allow')).toBe('POST');
  });

  it('answers an unknown path with a problem, not plain text', async () => {
    const res = await app().request('/nowhere');
    await expectProblem(res, 404);
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
  });

  it('gives every request its own id', async () => {
    const target = app();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await post(target)).headers.get('X-Request-Id'));
    }
    expect(ids).toEqual(['req-1', 'req-2', 'req-3']);
  });
});

/**
 * PGlite runs one session at a time, so a race test on it passes with or
 * without the row lock. This one runs the same app on a real PostgreSQL
 * server, one connection per request, and fails without it.
 */
describe('on a real PostgreSQL server', () => {
  const { db: pool } = useServerDatabase(SCHEMA, { connections: 12 });

  it('lets exactly the limit through when eight creates race', async () => {
    await pool().exec(`TRUNCATE tasks, memberships, projects RESTART IDENTITY;
      INSERT INTO projects VALUES ('p1', 'Launch');
      INSERT INTO memberships VALUES ('p1', 'ed', 'editor')`);
    // Hold every INSERT at the door: each request has read the count (or
    // is queued behind the row lock) before any of them can write.
    const gate = await pool().pool.connect();
    await gate.query('BEGIN; LOCK TABLE tasks IN SHARE MODE');
    const target = app({ maxOpenTasks: 3, db: pool() });
    let finished = 0;
    const pending = Promise.all(Array.from({ length: 8 }, (_, i) =>
      Promise.resolve(post(target, { body: JSON.stringify({ title: `t${i}` }) }))
        .finally(() => { finished += 1; })));
    try {
      await untilBlocked(pool(), 8, () => finished);
    } finally { // open the gate even on failure, or stop() waits forever
      await gate.query('COMMIT');
      gate.release();
    }
    const statuses = (await pending).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    const { rows } = await pool().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tasks');
    expect(rows[0]!.n).toBe(3);
  });
});

/**
 * Waits until `n` sessions wait on a lock: then every request has read the
 * count or queued for the row lock. Fails fast if one finished instead, and
 * after 10 s, well inside the test's timeout, so the failure says why.
 */
async function untilBlocked(db: Session, n: number, finished: () => number) {
  const deadline = Date.now() + 10_000;
  let waiting = 0;
  while (Date.now() < deadline) {
    if (finished() > 0) {
      throw new Error(`${finished()} request(s) finished before the gate opened`);
    }
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n
      FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
    waiting = rows[0]!.n;
    if (waiting === n) return;
    await wait(10);
  }
  throw new Error(`expected ${n} sessions waiting on a lock, saw ${waiting}`);
}
