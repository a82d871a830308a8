import { Hono, type Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, it } from 'vitest';
import { AppError, CATALOG, typeUri, type ErrorCode } from './error-catalog.ts';
import {
  useProblemErrors, type ErrorLogEntry, type ProblemEnv,
} from './error-middleware.ts';
import { PROBLEM_JSON } from './problem.ts';
import { createLogger, errorLogTo } from '../observability/logger.ts';
import {
  logFields, requestContext,
} from '../observability/request-context.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  requestId: string;
}

// The load balancer in front of the app; @hono/node-server exposes the
// peer address as c.env.incoming.socket.remoteAddress.
const EDGE = '10.0.0.5';
const peer = (address: string) =>
  ({ incoming: { socket: { remoteAddress: address } } });
const fromTrustedEdge = (c: Context) =>
  c.env?.incoming?.socket?.remoteAddress === EDGE;

/** An app with the middleware installed, a fixed id sequence and a log. */
function setup(options: { trustEdge?: boolean } = {}) {
  const logged: ErrorLogEntry[] = [];
  let n = 0;
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: (e) => logged.push(e), newId: () => `req-${++n}`,
    ...(options.trustEdge ? { fromTrustedEdge } : {}) });
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

// The log may hold stack frames and paths, never data from a message.
const SECRETS = ['SELECT', 'ann@example.com', 'argon2id', 'password_hash',
  'hunter2', 's3cret'];
function expectNoSecretIn(logged: ErrorLogEntry[]) {
  const text = JSON.stringify(logged);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
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
      path: '/notes/7', route: '/notes/:id', status: 404, code: 'not-found' }]);
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

  it('log their cause by class and code, never its message', async () => {
    const { app, logged } = setup();
    app.post('/users', () => {
      throw new AppError('conflict', { detail: 'That email is taken.',
        cause: Object.assign(new Error(`duplicate key: ${SECRET_SQL}`),
          { code: '23505' }) });
    });
    const res = await app.request('/users', { method: 'POST' });
    const text = await res.text();
    expectNoLeak(text);
    expect(JSON.parse(text)).toMatchObject({ detail: 'That email is taken.' });
    expect(logged[0]?.error?.cause).toMatchObject({ name: 'Error', code: '23505' });
    expectNoSecretIn(logged);
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

  it.each(throwers)('%s -> a log entry without the secret', async (_, fail) => {
    const { app, logged } = setup();
    app.get('/orders', () => fail());
    await app.request('/orders');
    expect(logged).toHaveLength(1);
    expectNoSecretIn(logged);
  });

  it('log what is safe under the id the client got', async () => {
    const { app, logged } = setup();
    app.get('/orders/:id', () => {
      throw new Error('load failed', { cause: new Error(SECRET_SQL) });
    });
    const res = await app.request('/orders/42');
    const { requestId } = (await res.json()) as Problem;
    expect(logged).toHaveLength(1);
    const [line] = logged;
    expect(line).toMatchObject({ level: 'error', requestId, method: 'GET',
      path: '/orders/42', route: '/orders/:id', status: 500, code: 'internal' });
    expect(line?.error?.name).toBe('Error');
    expect(line?.error?.frames?.[0]).toMatch(/^at .*error-middleware\.test\.ts:\d+/);
    expect(line?.error?.cause?.name).toBe('Error');
    expect(JSON.stringify(line)).not.toContain('load failed');
    expectNoSecretIn(logged);
  });

  it('keep a message that imitates stack frames out of the frames', async () => {
    const { app, logged } = setup();
    app.get('/x', () => {
      throw new Error('boom\n    at hunter2 (postgres://app:s3cret@db:5432/app)');
    });
    await app.request('/x');
    expect(logged[0]?.error?.frames?.length).toBeGreaterThan(0);
    expectNoSecretIn(logged);
  });

  it('describe the error that was thrown even when its getters throw', async () => {
    const { app, logged } = setup();
    class PaymentError extends Error {
      get code(): string { throw new Error(SECRET_SQL); }
    }
    app.get('/x', () => { throw new PaymentError(SECRET_SQL); });
    const res = await app.request('/x');
    expect(res.status).toBe(500);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.error?.name).toBe('PaymentError');
    expectNoSecretIn(logged);
  });

  it('log a thrown non-Error as its type alone', async () => {
    const { app, logged } = setup();
    app.get('/x', () => { throw { password: 'hunter2' }; });
    await app.request('/x');
    expect(logged[0]?.error?.cause).toEqual({ name: 'object' });
    expectNoSecretIn(logged);
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
  it('become the catalog problem, keeping WWW-Authenticate from bearerAuth', async () => {
    const { app, logged } = setup();
    app.use('/api/*', bearerAuth({ token: 'correct-token', realm: 'api' }));
    app.get('/api/me', (c) => c.text('me'));
    const res = await app.request('/api/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
    expect(await problemOf(res)).toMatchObject({
      type: typeUri('unauthenticated'), title: 'Authentication required' });
    expect(logged[0]).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  // One status, one type: a client keys on `type`, so a 401 from Hono and
  // a 401 from our own code must not look like two different problems.
  const codes = Object.keys(CATALOG) as ErrorCode[];
  it.each(codes)('share the type and title of AppError(%s)', async (code) => {
    const { app } = setup();
    const { status } = CATALOG[code];
    app.get('/ours', () => {
      throw new AppError(code, { challenge: 'Bearer', allow: ['GET'] } as never);
    });
    app.get('/hono', () => {
      // What Hono's bearerAuth does: a 401 comes with its challenge.
      const res = new Response(null, { headers: {
        'WWW-Authenticate': 'Bearer realm="api"', Allow: 'GET' } });
      throw new HTTPException(status as ContentfulStatusCode, { res });
    });
    const ours = await problemOf(await app.request('/ours'));
    const hono = await problemOf(await app.request('/hono'));
    expect(hono.status).toBe(status);
    expect([hono.type, hono.title]).toEqual([ours.type, ours.title]);
  });

  // RFC 9110 §15.5.2 and §15.5.6: MUSTs that AppError enforces too.
  it.each([[401, 'WWW-Authenticate'], [405, 'Allow']])(
    'treat a %s without %s as a bug: a generic 500', async (status) => {
      const { app, logged } = setup();
      app.get('/x', () => {
        throw new HTTPException(status as ContentfulStatusCode);
      });
      const res = await app.request('/x');
      expect(res.status).toBe(500);
      expect(await problemOf(res)).toMatchObject({ type: typeUri('internal') });
      expect(logged[0]).toMatchObject({ level: 'error', status: 500,
        error: { name: 'HTTPException' } });
    });

  it('answer a status the catalog lacks (bodyLimit: 413) as about:blank', async () => {
    const { app } = setup();
    app.post('/upload', bodyLimit({ maxSize: 8 }), (c) => c.text('ok'));
    const res = await app.request('/upload', { method: 'POST', body: 'x'.repeat(64) });
    expect(await problemOf(res)).toMatchObject({ status: 413,
      type: 'about:blank', title: 'Content Too Large' });
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
    expect(await problemOf(res)).toMatchObject({ status: 400,
      type: typeUri('malformed-request') });
  });

  it('log a 5xx with its frames, not its message', async () => {
    const { app, logged } = setup();
    app.get('/slow', () => {
      throw new HTTPException(504, { message: 'db at postgres://app:s3cret@db' });
    });
    const res = await app.request('/slow');
    expect(res.status).toBe(504);
    expect(logged[0]).toMatchObject({ level: 'error', code: 'about:blank' });
    expect(logged[0]?.error?.frames?.length).toBeGreaterThan(0);
    expectNoSecretIn(logged);
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
  const boom = () => { throw new Error('boom'); };

  it("ignore a client's X-Request-Id and mint a fresh one", async () => {
    const { app, logged } = setup();
    app.get('/x', boom);
    const res = await app.request('/x', { headers: { 'X-Request-Id': 'edge-7f3a' } });
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
    expect(((await res.json()) as Problem).requestId).toBe('req-1');
    expect(logged[0]?.requestId).toBe('req-1');
  });

  it('reuse a well-formed id from the trusted edge in header, body and log', async () => {
    const { app, logged } = setup({ trustEdge: true });
    app.get('/x', boom);
    const res = await app.request('/x',
      { headers: { 'X-Request-Id': 'edge-7f3a' } }, peer(EDGE));
    expect(res.headers.get('X-Request-Id')).toBe('edge-7f3a');
    expect(((await res.json()) as Problem).requestId).toBe('edge-7f3a');
    expect(logged[0]?.requestId).toBe('edge-7f3a');
  });

  it('ignore the header from any other peer, even with the option set', async () => {
    const { app } = setup({ trustEdge: true });
    app.get('/x', boom);
    const res = await app.request('/x',
      { headers: { 'X-Request-Id': 'edge-7f3a' } }, peer('203.0.113.9'));
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
  });

  // CR and LF cannot get this far: Headers (and Node's HTTP parser) refuse
  // them. request-id.test.ts checks the format rule against them directly.
  it.each([
    ['10 KB', 'x'.repeat(10_240)],
    ['129 characters', 'x'.repeat(129)],
    ['non-ASCII', 'caf\u00e9-42'],
    ['markup', '<script>'],
    ['a space', 'a b'],
    ['JSON breakout', 'id"}'],
    ['empty', ''],
  ])('replace a malformed id from the edge (%s) with a fresh one', async (_, bad) => {
    const { app, logged } = setup({ trustEdge: true });
    app.get('/x', boom);
    const res = await app.request('/x', { headers: { 'X-Request-Id': bad } },
      peer(EDGE));
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

describe('one request id middleware (Q52)', () => {
  /** pino lines, parsed, from a logger whose mixin adds the ids. */
  function pinoApp(installContextFirst: boolean) {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ service: 't', mixin: logFields,
      destination: { write: (s: string) => { lines.push(JSON.parse(s)); } } });
    let n = 0;
    const app = new Hono<ProblemEnv>();
    if (installContextFirst) {
      app.use(requestContext({ newId: () => `app-${++n}` }));
    }
    useProblemErrors(app, { log: errorLogTo(logger),
      newId: () => `err-${++n}` });
    app.get('/orders/:id', () => {
      logger.info('loading order'); // deep code: no `c`, no child logger
      throw new Error(SECRET_SQL);
    });
    return { app, lines };
  }

  it('gives every log line of a failed request the id the client got',
    async () => {
      const { app, lines } = pinoApp(false);
      const res = await app.request('/orders/42');
      const id = res.headers.get('X-Request-Id');
      expect(id).toBe('err-1');
      expect(lines.map((l) => l.msg))
        .toEqual(['loading order', 'request failed']);
      const traceIds = new Set(lines.map((l) => l.traceId));
      expect(traceIds.size).toBe(1);
      for (const line of lines) {
        expect(line).toMatchObject({ requestId: id });
        expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
      }
      expectNoLeak(JSON.stringify(lines.map(({ error, ...l }) => l)));
      // Frames may name files; nothing may come from the message.
      for (const secret of SECRETS) {
        expect(JSON.stringify(lines)).not.toContain(secret);
      }
    });

  it('adds no second id when the app installed the context first',
    async () => {
      const { app, lines } = pinoApp(true);
      const res = await app.request('/orders/42');
      expect(res.headers.get('X-Request-Id')).toBe('app-1');
      expect((await res.json() as Problem).requestId).toBe('app-1');
      expect(lines.map((l) => l.requestId)).toEqual(['app-1', 'app-1']);
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
    expectNoSecretIn(logged);
  });

  it('logs the path as sent, so an encoded CR LF cannot forge a log line', async () => {
    const { app, logged } = setup();
    await app.request('/x%0d%0a{"level":"info"}');
    expect(logged[0]?.path).toBe('/x%0d%0a%7B%22level%22:%22info%22%7D');
    expect(logged[0]?.path).not.toMatch(/[\r\n"]/);
  });

  it('still answers when the log sink throws', async () => {
    const app = new Hono<ProblemEnv>();
    useProblemErrors(app, { log: () => { throw new Error('disk full'); } });
    app.get('/x', () => { throw new Error(SECRET_SQL); });
    const res = await app.request('/x');
    expect(res.status).toBe(500);
    expectNoLeak(await res.text());
  });
});

describe('unknown routes', () => {
  // A literal `../` would be resolved by the URL parser before the app saw
  // it; encoded slashes keep the traversal attempt in one path segment.
  const TRAVERSAL = '/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd';

  it('get the catalog 404 for a traversal attempt, which they never echo', async () => {
    const { app, logged } = setup();
    app.get('/known', (c) => c.text('ok'));
    const res = await app.request(TRAVERSAL);
    // The attempt reached the app unresolved: the log shows what was sent.
    expect(logged[0]).toMatchObject({ level: 'info', status: 404,
      path: TRAVERSAL });
    expect(res.status).toBe(404);
    const body = await problemOf(res);
    expect(body).toMatchObject({ type: typeUri('not-found') });
    for (const echo of ['passwd', '..', '%2e', 'files']) {
      expect(JSON.stringify(body)).not.toContain(echo);
    }
  });
});
