import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { accessLog, createLogger, errorLogTo, type Logger } from './logger.ts';
import { requestContext } from './request-context.ts';

type Line = Record<string, unknown>;

/** A logger writing into an array, as stdout would get it. */
function capture(options: { level?: string } = {}) {
  const raw: string[] = [];
  const logger = createLogger({ service: 'orders', ...options,
    now: () => Date.parse('2026-12-02T09:00:00Z'),
    destination: { write: (s: string) => { raw.push(s); } } });
  const lines = () => raw.map((s) => JSON.parse(s) as Line);
  return { logger, raw, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and service', () => {
    const { logger, raw, lines } = capture();
    logger.info({ orderId: 'ord-1' }, 'order placed');
    expect(raw).toHaveLength(1);
    expect(raw[0]?.endsWith('}\n')).toBe(true);
    expect(lines()[0]).toEqual({ level: 'info',
      time: '2026-12-02T09:00:00.000Z', service: 'orders',
      orderId: 'ord-1', msg: 'order placed' });
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('detail');
    logger.info('routine');
    logger.warn('odd');
    logger.error('failed');
    expect(lines().map((l) => l.level)).toEqual(['warn', 'error']);
    expect(logger.isLevelEnabled('debug')).toBe(false);
  });

  it('refuses an unknown level with the list of good ones', () => {
    for (const bad of ['verbose', 'INFO', '']) {
      expect(() => capture({ level: bad }))
        .toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug');
    }
  });

  it('escapes CR and LF, so a value cannot forge a second line', () => {
    const { logger, raw, lines } = capture();
    logger.info({ path: '/x\r\n{"level":"fatal"}' }, 'a\nb');
    expect(raw).toHaveLength(1);
    expect(raw[0]?.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(lines()[0]).toMatchObject({ path: '/x\r\n{"level":"fatal"}' });
  });
});

describe('redaction', () => {
  const SECRET = 'tok_live_abc123';

  it.each([
    ['a top-level key', { password: SECRET }],
    ['a key one level down', { body: { token: SECRET } }],
    ['a header object', { headers: { authorization: `Bearer ${SECRET}` } }],
    ['a hyphenated key', { headers: { 'set-cookie': `sid=${SECRET}` } }],
  ])('censors %s', (_, fields) => {
    const { logger, raw } = capture();
    logger.info(fields, 'x');
    expect(raw[0]).not.toContain(SECRET);
    expect(raw[0]).toContain('[Redacted]');
  });

  it('censors an object interpolated with %o', () => {
    const { logger, raw } = capture();
    logger.info('retrying %o', { token: SECRET });
    expect(raw[0]).not.toContain(SECRET);
  });

  it('censors child logger bindings too', () => {
    const { logger, raw } = capture();
    logger.child({ token: SECRET }).info('x');
    expect(raw[0]).not.toContain(SECRET);
  });

  it('keeps the fields around a secret', () => {
    const { logger, lines } = capture();
    logger.info({ body: { orderId: 'ord-1', token: SECRET } }, 'x');
    expect(lines()[0]?.body).toEqual({ orderId: 'ord-1', token: '[Redacted]' });
  });

  // What redaction does NOT catch: it matches key paths, nothing else.
  it.each([
    ['a message string', (l: Logger) => l.info(`login with token=${SECRET}`)],
    ['a key inside an array', (l: Logger) =>
      l.info({ users: [{ apiKey: SECRET }] }, 'x')],
    ['a key two levels down', (l: Logger) =>
      l.info({ req: { body: { token: SECRET } } }, 'x')],
    ['a key in another case', (l: Logger) =>
      l.info({ headers: { Authorization: SECRET } }, 'x')],
    ['a key nobody listed', (l: Logger) => l.info({ ssn: SECRET }, 'x')],
    ['JSON inside a string', (l: Logger) =>
      l.info({ raw: JSON.stringify({ token: SECRET }) }, 'x')],
  ])('does not catch %s', (_, log) => {
    const { logger, raw } = capture();
    log(logger);
    expect(raw[0]).toContain(SECRET);
  });
});

describe('errors', () => {
  const leaky = () => Object.assign(
    new Error("insert failed for 'ann@example.com' token=s3cret"),
    { code: '23505' });

  it.each([
    ['logger.error(err)', (l: Logger) => l.error(leaky())],
    ['logger.error({ err })', (l: Logger) => l.error({ err: leaky() })],
    ['logger.error({ err }, msg)', (l: Logger) =>
      l.error({ err: leaky() }, 'insert failed')],
    ['logger.error(err, msg)', (l: Logger) => l.error(leaky(), 'insert failed')],
  ])('%s logs class, code and frames, never the message', (_, log) => {
    const { logger, raw, lines } = capture();
    log(logger);
    expect(raw[0]).not.toContain('ann@example.com');
    expect(raw[0]).not.toContain('s3cret');
    const err = lines()[0]?.err as { name: string; code: string;
      frames: string[] };
    expect(err).toMatchObject({ name: 'Error', code: '23505' });
    expect(err.frames[0]).toMatch(/^at /);
  });

  it('describes an Error under any key, not only err', () => {
    const { logger, raw, lines } = capture();
    // node-postgres puts the duplicate value in an enumerable field.
    const error = Object.assign(leaky(),
      { detail: 'Key (email)=(ann@example.com) already exists.' });
    const fields = { error, orderId: 'ord-1' };
    logger.error(fields, 'insert failed');
    expect(raw[0]).not.toContain('ann@example.com');
    expect(lines()[0]).toMatchObject({ orderId: 'ord-1',
      error: { name: 'Error', code: '23505' } });
    expect(fields.error).toBe(error); // the caller's object is left alone
  });

  it('keeps only the type of a thrown value that is no Error', () => {
    const { logger, raw, lines } = capture();
    logger.error({ err: `connect failed: password=${'hunter2'}` }, 'x');
    expect(raw[0]).not.toContain('hunter2');
    expect(lines()[0]?.err).toEqual({ name: 'string' });
  });

  it('leaves a message given with other fields alone', () => {
    const { logger, lines } = capture();
    logger.warn({ orderId: 'ord-1' });
    logger.warn({ orderId: 'ord-1' }, 'slow');
    expect(lines().map((l) => l.msg)).toEqual([undefined, 'slow']);
  });
});

describe('accessLog', () => {
  function app(logger: Logger) {
    let t = 1000;
    const a = new Hono<{ Variables: { requestId: string; log: Logger } }>();
    a.use(requestContext({ newId: () => 'req-7' }));
    a.use(accessLog(logger, () => (t += 25)));
    a.get('/orders/:id', (c) => {
      c.var.log.info({ orderId: c.req.param('id') }, 'loading');
      return c.json({});
    });
    a.get('/boom', (c) => c.json({}, 503));
    a.get('/missing', (c) => c.json({}, 404));
    return a;
  }

  it('stamps the request id on every line the handler writes', async () => {
    const { logger, lines } = capture();
    await app(logger).request('/orders/42?token=s3cret');
    expect(lines()).toEqual([
      expect.objectContaining({ requestId: 'req-7', orderId: '42',
        msg: 'loading' }),
      expect.objectContaining({ requestId: 'req-7', level: 'info',
        method: 'GET', route: '/orders/:id', status: 200, ms: 25,
        msg: 'request done' }),
    ]);
    // The route pattern is logged, never the URL with its query.
    expect(JSON.stringify(lines())).not.toContain('s3cret');
  });

  it('logs 5xx as error and 4xx as info', async () => {
    const { logger, lines } = capture();
    await app(logger).request('/boom');
    await app(logger).request('/missing');
    expect(lines().map((l) => `${l.status} ${l.level}`))
      .toEqual(['503 error', '404 info']);
  });
});

describe('errorLogTo', () => {
  it("writes Q33's entries at their level, without a second level key",
    () => {
      const { logger, raw, lines } = capture();
      const log = errorLogTo(logger);
      log({ level: 'error', requestId: 'req-1', method: 'GET', path: '/x',
        route: '/x', status: 500, code: 'internal' });
      log({ level: 'info', requestId: 'req-2', method: 'GET', path: '/y',
        route: '/y', status: 404, code: 'not-found' });
      expect(raw[0]?.match(/"level"/g)).toHaveLength(1);
      expect(lines().map((l) => `${l.level} ${l.status} ${l.msg}`))
        .toEqual(['error 500 request failed', 'info 404 request failed']);
    });
});
