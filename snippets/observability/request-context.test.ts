import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import {
  currentContext, logFields, propagatingFetch, requestContext,
  type RequestContextOptions,
} from './request-context.ts';
import type { RandomBytes } from './traceparent.ts';

// The load balancer in front of the app; @hono/node-server exposes the
// peer address as c.env.incoming.socket.remoteAddress.
const EDGE = '10.0.0.5';
const fromTrustedEdge = (c: Context) =>
  c.env?.incoming?.socket?.remoteAddress === EDGE;
const via = (remoteAddress: string) =>
  ({ incoming: { socket: { remoteAddress } } });

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = `00-${TRACE}-00f067aa0ba902b7-01`;

function counting(): RandomBytes {
  let n = 0;
  return (size) => Uint8Array.from({ length: size }, () => ++n % 256);
}

/** An app whose one route reports the context it ran in. */
function app(options: RequestContextOptions = {}) {
  const a = new Hono<{ Variables: RequestIdVariables }>();
  a.use(requestContext({ randomBytes: counting(), ...options }));
  a.get('/', async (c) => {
    await Promise.resolve(); // the context survives an await
    return c.json({ var: c.var.requestId, ...currentContext() });
  });
  return a;
}

interface Seen {
  var: string; requestId: string; tracestate?: string;
  trace: { traceId: string; parentId: string; flags: number };
}
async function seen(res: Response): Promise<Seen> {
  const body = await res.json() as Seen;
  expect(res.headers.get('X-Request-Id')).toBe(body.requestId);
  expect(body.var).toBe(body.requestId);
  return body;
}

/** A logger with the ids mixin, keeping its lines parsed. */
function logged() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 't', mixin: logFields,
    destination: { write: (s: string) => { lines.push(JSON.parse(s)); } } });
  return { lines, logger };
}

describe('request ids', () => {
  it('mint one when none is sent, a UUID by default', async () => {
    expect((await seen(await app({ newId: () => 'new-1' }).request('/')))
      .requestId).toBe('new-1');
    expect((await seen(await app().request('/'))).requestId)
      .toMatch(/^[0-9a-f-]{36}$/);
  });

  it("ignore a client's id when no edge is trusted", async () => {
    const res = await app({ newId: () => 'new-1' })
      .request('/', { headers: { 'X-Request-Id': 'chosen-by-client' } });
    expect((await seen(res)).requestId).toBe('new-1');
  });

  it('keep a well-formed id from the trusted edge only', async () => {
    const a = app({ newId: () => 'new-1', fromTrustedEdge });
    const headers = { 'X-Request-Id': 'lb-42' };
    expect((await seen(await a.request('/', { headers }, via(EDGE))))
      .requestId).toBe('lb-42');
    expect((await seen(await a.request('/', { headers },
      via('198.51.100.7')))).requestId).toBe('new-1');
  });

  it('mint a fresh id when the edge sends a malformed one', async () => {
    const a = app({ newId: () => 'new-1', fromTrustedEdge });
    for (const bad of ['x'.repeat(10_240), 'caf\u00e9', '', 'a b']) {
      const res = await a.request('/',
        { headers: { 'X-Request-Id': bad } }, via(EDGE));
      expect((await seen(res)).requestId).toBe('new-1');
    }
  });

  it('keep the first id when installed twice', async () => {
    let n = 0;
    const a = new Hono<{ Variables: RequestIdVariables }>();
    a.use(requestContext({ newId: () => `outer-${++n}` }));
    a.use(requestContext({ newId: () => `inner-${++n}` }));
    a.get('/', (c) => c.text(currentContext()?.requestId ?? 'none'));
    const res = await a.request('/');
    expect(await res.text()).toBe('outer-1');
    expect(res.headers.get('X-Request-Id')).toBe('outer-1');
  });

  it("apply its rule even after another middleware set an id", async () => {
    // Hono's own requestId() keeps whatever id the client sends.
    const { lines, logger } = logged();
    const a = new Hono<{ Variables: RequestIdVariables }>();
    a.use(requestId());
    a.use(requestContext({ newId: () => 'new-1' }));
    a.get('/', (c) => { logger.info('x'); return c.text(c.var.requestId); });
    const res = await a.request('/',
      { headers: { 'X-Request-Id': 'chosen-by-client' } });
    expect(await res.text()).toBe('new-1');
    expect(res.headers.get('X-Request-Id')).toBe('new-1');
    expect(lines[0]).toMatchObject({ requestId: 'new-1' });
  });
});

describe('trace context', () => {
  it("continues a trusted caller's trace under a new span id", async () => {
    const res = await app({ fromTrustedEdge })
      .request('/', { headers: { traceparent: CALLER } }, via(EDGE));
    expect((await seen(res)).trace).toEqual({ traceId: TRACE,
      parentId: '0102030405060708', flags: 1 });
  });

  it("starts a new trace for a stranger's traceparent", async () => {
    const res = await app({ fromTrustedEdge }).request('/',
      { headers: { traceparent: CALLER, tracestate: 'congo=t61rcWkgMzE' } },
      via('198.51.100.7'));
    const body = await seen(res);
    expect(body.trace.traceId).toBe('0102030405060708090a0b0c0d0e0f10');
    expect(body.trace.flags).toBe(2); // not sampled: the caller can't ask
    expect(body.tracestate).toBeUndefined();
  });

  it('starts a new trace when a trusted traceparent is invalid', async () => {
    for (const bad of [CALLER.toUpperCase(), `00-${'0'.repeat(32)}-`
      + '00f067aa0ba902b7-01', `${CALLER},${CALLER}`]) {
      const res = await app({ fromTrustedEdge }).request('/',
        { headers: { traceparent: bad, tracestate: 'rojo=1' } }, via(EDGE));
      const body = await seen(res);
      expect(body.trace.traceId).not.toBe(TRACE);
      expect(body.tracestate).toBeUndefined(); // §3.3: only with a parent
    }
  });

  it('passes tracestate on unchanged, up to 512 printable characters',
    async () => {
      const request = async (tracestate: string) => seen(
        await app({ fromTrustedEdge }).request('/',
          { headers: { traceparent: CALLER, tracestate } }, via(EDGE)));
      const ok = `rojo=00f067aa0ba902b7,congo=${'t'.repeat(484)}`;
      expect(ok).toHaveLength(512);
      expect((await request(ok)).tracestate).toBe(ok);
      expect((await request(`${ok}x`)).tracestate).toBeUndefined();
      expect((await request('rojo=1\u00e9')).tracestate).toBeUndefined();
    });
});

describe('log lines', () => {
  it('carry the ids of their own request, even when requests interleave',
    async () => {
      const { lines, logger } = logged();
      // Deep code: it gets no context and no child logger, only `logger`.
      const chargeCard = async (gate: Promise<void>) => {
        logger.info('charging');
        await gate;
        logger.info('charged');
      };
      let open!: () => void;
      const gate = new Promise<void>((resolve) => { open = resolve; });
      let n = 0;
      const a = new Hono();
      a.use(requestContext({ newId: () => `req-${++n}` }));
      a.get('/slow', async (c) => { await chargeCard(gate); return c.text(''); });
      a.get('/fast', async (c) => {
        await chargeCard(Promise.resolve()); return c.text('');
      });
      // req-1 stops between its two lines; req-2 runs start to end; then
      // req-1 resumes. A "current request" global would now say req-2.
      const slow = a.request('/slow');
      await a.request('/fast');
      open();
      await slow;
      expect(lines.map((l) => `${l.requestId} ${l.msg}`)).toEqual([
        'req-1 charging', 'req-2 charging', 'req-2 charged', 'req-1 charged',
      ]);
      const trace = (id: string) =>
        new Set(lines.filter((l) => l.requestId === id).map((l) => l.traceId));
      expect(trace('req-1').size).toBe(1);
      expect(trace('req-2').size).toBe(1);
      expect([...trace('req-1')][0]).not.toBe([...trace('req-2')][0]);
    });

  it('leave no context behind in the code that ran the request',
    async () => {
      const { lines, logger } = logged();
      await app({ newId: () => 'req-1' }).request('/');
      logger.info('after the request');
      expect(currentContext()).toBeUndefined();
      expect(lines[0]).not.toHaveProperty('requestId');
    });

  it('carry no request fields outside a request', () => {
    const { lines, logger } = logged();
    logger.info('listening');
    expect(logFields()).toEqual({});
    expect(lines[0]).not.toHaveProperty('requestId');
  });

  it('let a field given in the call win over the mixin, without a duplicate',
    async () => {
      const raw: string[] = [];
      const logger = createLogger({ service: 't', mixin: logFields,
        destination: { write: (s: string) => { raw.push(s); } } });
      const a = new Hono();
      a.use(requestContext({ newId: () => 'req-1' }));
      a.get('/', (c) => {
        logger.info({ requestId: 'other' }, 'x');
        return c.text('');
      });
      await a.request('/');
      expect(raw[0]?.match(/"requestId":"[^"]*"/g))
        .toEqual(['"requestId":"other"']);
    });
});

describe('propagatingFetch', () => {
  function recorder() {
    const sent: Request[] = [];
    const send: typeof fetch = async (input) => {
      sent.push(input as Request);
      return new Response('ok');
    };
    return { sent, send };
  }

  async function inRequest(run: () => Promise<unknown>) {
    const a = new Hono();
    a.use(requestContext({ newId: () => 'req-1', randomBytes: counting(),
      fromTrustedEdge: () => true }));
    a.get('/', async (c) => { await run(); return c.text(''); });
    await a.request('/', { headers: { traceparent: CALLER,
      tracestate: 'congo=t61rcWkgMzE' } });
  }

  it('sends our span as the parent, and the request id, to our services',
    async () => {
      const { sent, send } = recorder();
      const call = propagatingFetch(['https://billing.internal:8443'], send);
      await inRequest(() => call('https://billing.internal:8443/charge',
        { method: 'POST', body: '{}' }));
      const h = sent[0]!.headers;
      expect(h.get('traceparent'))
        .toBe(`00-${TRACE}-0102030405060708-01`);
      expect(h.get('tracestate')).toBe('congo=t61rcWkgMzE');
      expect(h.get('x-request-id')).toBe('req-1');
      expect(sent[0]!.method).toBe('POST');
    });

  it('sends none of them elsewhere, even if the caller copied them in',
    async () => {
      const { sent, send } = recorder();
      const call = propagatingFetch(['https://billing.internal'], send);
      await inRequest(async () => {
        await call('https://api.partner.example/quote', { headers: {
          traceparent: CALLER, tracestate: 'congo=x', 'X-Request-Id': 'req-1',
        } });
        // Same host, another port or scheme: another origin.
        await call('http://billing.internal/charge');
        await call('https://billing.internal:8443/charge');
      });
      for (const r of sent) {
        for (const name of ['traceparent', 'tracestate', 'x-request-id']) {
          expect(r.headers.has(name)).toBe(false);
        }
      }
    });

  it('judges the origin, not how the URL starts', async () => {
    const { sent, send } = recorder();
    const call = propagatingFetch(['https://billing.internal'], send);
    await inRequest(async () => {
      // fetch refuses a URL with credentials in it before anything is sent
      await expect(call('https://billing.internal@evil.example/charge'))
        .rejects.toThrow(/credentials/);
      await call('https://billing.internal.evil.example/charge');
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.has('traceparent')).toBe(false);
  });

  describe('over real HTTP, on loopback', () => {
    // Two servers on 127.0.0.1: another port is another origin. Billing
    // (ours) answers with a redirect to the partner (not ours).
    const partnerSaw: IncomingHttpHeaders[] = [];
    const partner = createServer((req, res) => {
      partnerSaw.push(req.headers);
      res.end('quote');
    });
    const billing = createServer((_req, res) => {
      res.writeHead(302, { location: `${urlOf(partner)}/quote` }).end();
    });
    const urlOf = (server: typeof partner) =>
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    beforeAll(async () => {
      for (const server of [partner, billing]) {
        await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      }
    });
    afterAll(() => { partner.close(); billing.close(); });

    it('does not carry the ids through a redirect to another origin',
      async () => {
        // Node's fetch follows a redirect to another origin dropping only
        // Authorization, Proxy-Authorization and Cookie: ours would stay.
        const call = propagatingFetch([urlOf(billing)]);
        let status = 0;
        await inRequest(async () => {
          const res = await call(`${urlOf(billing)}/charge`);
          status = res.status;
          const location = res.headers.get('location');
          if (location !== null) await call(location); // the caller decides
        });
        expect(partnerSaw).toHaveLength(1);
        for (const name of ['traceparent', 'tracestate', 'x-request-id']) {
          expect(partnerSaw[0]).not.toHaveProperty(name);
        }
        expect(status).toBe(302);
      });
  });

  it('sends nothing outside a request', async () => {
    const { sent, send } = recorder();
    await propagatingFetch(['https://billing.internal'], send)(
      'https://billing.internal/charge');
    expect(sent[0]!.headers.has('traceparent')).toBe(false);
  });

  it('refuses an origin that is not an http(s) URL', () => {
    for (const bad of ['billing.internal', 'file:///etc', '']) {
      expect(() => propagatingFetch([bad]))
        .toThrow(/internal origin must be an http\(s\) URL/);
    }
  });
});
