import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { AppError } from './error-catalog.ts';
import {
  describe as describeError, useProblemErrors, type ErrorLogEntry,
  type ProblemEnv,
} from './error-middleware.ts';
import { PROBLEM_JSON } from './problem.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  requestId: string;
}

/** An app with the middleware installed, a fixed id sequence and a log. */
function setup() {
  const logged: ErrorLogEntry[] = [];
  let n = 0;
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: (e) => logged.push(e), newId: () => `req-${++n}` });
  return { app, logged };
}

async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(res.status);
  expect(body.requestId).toBe(res.headers.get('X-Request-Id'));
  return body;
}

// What a leak looks like: the message, SQL, stack frames, paths, secrets.
const SECRET_SQL = "SELECT * FROM users WHERE email = 'ann@example.com' "
  + "AND password_hash = '$argon2id$v=19$m=19456'";
function expectNoLeak(text: string) {
  for (const fragment of ['SELECT', 'ann@example.com', 'argon2id', 'users',
    '    at ', '.ts:', 'node_modules', 'postgres://', 'hunter2']) {
    expect(text).not.toContain(fragment);
  }
}

describe('expected errors (AppError)', () => {
  it('become their catalog problem with the request id', async () => {
    const { app, logged } = setup();
    app.get('/notes/:id', (c) => {
      throw new AppError('not-found', { detail: `No note ${c.req.param('id')}.` });
    });
    const res = await app.request('/notes/7');
    expect(res.status).toBe(404);
    expect(await problemOf(res)).toEqual({
      type: 'https://api.example.com/problems/not-found', title: 'Not found',
      status: 404, detail: 'No note 7.', requestId: 'req-1',
    });
    expect(logged).toEqual([{ level: 'info', requestId: 'req-1', method: 'GET',
      path: '/notes/7', status: 404, code: 'not-found' }]);
  });

  it('keep their required headers', async () => {
    const { app } = setup();
    app.get('/limited', () => {
      throw new AppError('rate-limited', { retryAfter: 30 });
    });
    const res = await app.request('/limited');
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('30');
  });

  it('log their cause but never send it', async () => {
    const { app, logged } = setup();
    app.post('/users', () => {
      throw new AppError('conflict', { detail: 'That email is taken.',
        cause: new Error(`duplicate key: ${SECRET_SQL}`) });
    });
    const res = await app.request('/users', { method: 'POST' });
    const text = await res.text();
    expectNoLeak(text);
    expect(JSON.parse(text)).toMatchObject({ detail: 'That email is taken.' });
    expect(logged[0]?.error?.cause?.message).toContain(SECRET_SQL);
  });

  it('work when thrown from middleware, before any route', async () => {
    const { app } = setup();
    app.use('/admin/*', async () => {
      throw new AppError('forbidden', { detail: 'Admins only.' });
    });
    app.get('/admin/stats', (c) => c.text('never'));
    expect((await app.request('/admin/stats')).status).toBe(403);
  });
});

describe('unexpected errors', () => {
  const throwers: [string, () => never | Promise<never>][] = [
    ['an Error with SQL and secrets', () => { throw new Error(SECRET_SQL); }],
    ['a rejected promise', async () => { throw new TypeError(SECRET_SQL); }],
    ['a wrapped cause', () => {
      throw new Error('load failed', { cause: new Error(SECRET_SQL) });
    }],
    ['an error claiming a 4xx status', () => {
      throw Object.assign(new Error(SECRET_SQL), { status: 400, expose: true });
    }],
    ['a string', () => { throw SECRET_SQL; }],
    ['a plain object', () => { throw { password: 'hunter2', sql: SECRET_SQL }; }],
    ['null', () => { throw null; }],
    ['undefined', () => { throw undefined; }],
  ];

  it.each(throwers)('%s -> a generic 500 that leaks nothing', async (_, fail) => {
    const { app } = setup();
    app.get('/orders', () => fail());
    const res = await app.request('/orders');
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expectNoLeak(text);
    expect(await problemOf(res)).toEqual({
      type: 'https://api.example.com/problems/internal', title: 'Internal error',
      status: 500, requestId: 'req-1',
      detail: 'Something failed on our side. Quote the request id to support.',
    });
  });

  it('log everything under the id the client got', async () => {
    const { app, logged } = setup();
    app.get('/orders', () => {
      throw new Error('load failed', { cause: new Error(SECRET_SQL) });
    });
    const res = await app.request('/orders');
    const { requestId } = (await res.json()) as Problem;
    expect(logged).toHaveLength(1);
    const [line] = logged;
    expect(line).toMatchObject({ level: 'error', requestId, method: 'GET',
      path: '/orders', status: 500, code: 'internal' });
    expect(line?.error?.message).toBe('load failed');
    expect(line?.error?.stack).toContain('error-middleware.test.ts');
    expect(line?.error?.cause?.message).toBe(SECRET_SQL);
  });

  it('log a thrown non-Error as what it was', async () => {
    const { app, logged } = setup();
    app.get('/x', () => { throw { password: 'hunter2' }; });
    await app.request('/x');
    expect(logged[0]?.error?.cause).toMatchObject({ name: 'object' });
    expect(logged[0]?.error?.cause?.message).toContain('hunter2');
  });

  it('send no body to HEAD, but the same status and id', async () => {
    const { app } = setup();
    app.get('/orders', () => { throw new Error(SECRET_SQL); });
    const res = await app.request('/orders', { method: 'HEAD' });
    expect(res.status).toBe(500);
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
    expect(await res.text()).toBe('');
  });
});

describe("Hono's own HTTPExceptions", () => {
  it('keep the status and WWW-Authenticate from bearerAuth', async () => {
    const { app } = setup();
    app.use('/api/*', bearerAuth({ token: 'correct-token', realm: 'api' }));
    app.get('/api/me', (c) => c.text('me'));
    const res = await app.request('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
    expect(await problemOf(res)).toMatchObject({ type: 'about:blank',
      title: 'Unauthorized' });
  });

  it('answer an oversized body from bodyLimit with 413 Content Too Large', async () => {
    const { app } = setup();
    app.post('/upload', bodyLimit({ maxSize: 8 }), (c) => c.text('ok'));
    const res = await app.request('/upload', { method: 'POST', body: 'x'.repeat(64) });
    expect(await problemOf(res)).toMatchObject({ status: 413,
      title: 'Content Too Large' });
  });

  it('drop the message text and unknown headers', async () => {
    const { app } = setup();
    app.get('/x', () => {
      throw new HTTPException(400, { message: SECRET_SQL, res: new Response(
        SECRET_SQL, { headers: { 'X-Debug-Sql': 'select 1', 'Retry-After': '5' } }) });
    });
    const res = await app.request('/x');
    expectNoLeak(await res.clone().text());
    expect(res.headers.get('X-Debug-Sql')).toBeNull();
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(await problemOf(res)).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('log a 5xx with its stack', async () => {
    const { app, logged } = setup();
    app.get('/slow', () => { throw new HTTPException(504, { message: 'upstream' }); });
    const res = await app.request('/slow');
    expect(res.status).toBe(504);
    expect(logged[0]).toMatchObject({ level: 'error', code: 'about:blank' });
    expect(logged[0]?.error?.message).toBe('upstream');
  });

  it('treat a status outside 400-599 as a bug', async () => {
    const { app } = setup();
    app.get('/x', () => { throw new HTTPException(200 as never, { message: SECRET_SQL }); });
    const res = await app.request('/x');
    expect(res.status).toBe(500);
    expectNoLeak(await res.text());
  });
});

describe('request ids', () => {
  it('reuse a well-formed incoming X-Request-Id in header, body and log', async () => {
    const { app, logged } = setup();
    app.get('/x', () => { throw new Error('boom'); });
    const res = await app.request('/x', { headers: { 'X-Request-Id': 'edge-7f3a' } });
    expect(res.headers.get('X-Request-Id')).toBe('edge-7f3a');
    expect(((await res.json()) as Problem).requestId).toBe('edge-7f3a');
    expect(logged[0]?.requestId).toBe('edge-7f3a');
  });

  it.each(['<script>', 'a b', 'id"}', 'x'.repeat(256)])(
    'replace a malformed incoming id (%s) with a fresh one', async (bad) => {
      const { app, logged } = setup();
      app.get('/x', () => { throw new Error('boom'); });
      const res = await app.request('/x', { headers: { 'X-Request-Id': bad } });
      expect(res.headers.get('X-Request-Id')).toBe('req-1');
      expect(logged[0]?.requestId).toBe('req-1');
    });

  it('differ per request and ride on successful responses too', async () => {
    const { app } = setup();
    app.get('/ok', (c) => c.text('ok'));
    const a = await app.request('/ok');
    const b = await app.request('/ok');
    expect([a.headers.get('X-Request-Id'), b.headers.get('X-Request-Id')])
      .toEqual(['req-1', 'req-2']);
  });
});

describe('logging', () => {
  it('writes nothing for a success and one entry per failure', async () => {
    const { app, logged } = setup();
    app.get('/ok', (c) => c.text('ok'));
    app.get('/bad', () => { throw new AppError('gone'); });
    await app.request('/ok');
    await app.request('/bad');
    await app.request('/bad');
    expect(logged.map((e) => e.requestId)).toEqual(['req-2', 'req-3']);
  });

  it('keeps the query string, and what it carries, out of the log', async () => {
    const { app, logged } = setup();
    app.get('/reset', () => { throw new Error('boom'); });
    await app.request('/reset?token=s3cret-reset-token');
    expect(logged[0]?.path).toBe('/reset');
    expect(JSON.stringify({ ...logged[0], error: undefined })).not.toContain('s3cret');
  });

  it('still answers when the log sink throws', async () => {
    const app = new Hono<ProblemEnv>();
    useProblemErrors(app, { log: () => { throw new Error('disk full'); } });
    app.get('/x', () => { throw new Error(SECRET_SQL); });
    const res = await app.request('/x');
    expect(res.status).toBe(500);
    expectNoLeak(await res.text());
  });

  it('survives a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    let depth = 0;
    for (let d = describeError(a); d.cause; d = d.cause) depth++;
    expect(depth).toBe(5);
  });
});

describe('unknown routes', () => {
  it('get the catalog 404, not a text body', async () => {
    const { app, logged } = setup();
    app.get('/known', (c) => c.text('ok'));
    const res = await app.request('/nope/../../etc/passwd');
    expect(res.status).toBe(404);
    const body = await problemOf(res);
    expect(body).toMatchObject({ type: 'https://api.example.com/problems/not-found' });
    expect(JSON.stringify(body)).not.toContain('passwd');
    expect(logged[0]).toMatchObject({ level: 'info', status: 404 });
  });
});
