import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTracing, installContextManager } from './tracing.ts';
import { startServices, tracedGet, tracedServer } from './two-services.ts';

let uninstall: () => void;
beforeAll(() => { uninstall = installContextManager(); });
afterAll(() => uninstall());

// Fresh per run: shutting a provider down also stops its exporter.
const fresh = () => ({ orders: new InMemorySpanExporter(), inventory: new InMemorySpanExporter() });
let exporters = fresh();
let close: (() => Promise<void>) | undefined;
beforeEach(() => { exporters = fresh(); });
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function run(path: string, opts: { ratio?: number; ordersTrustsCaller?: boolean;
  headers?: Record<string, string> } = {}) {
  exporters = fresh();
  const s = await startServices({ exporters, ratio: opts.ratio ?? 1,
    ordersTrustsCaller: opts.ordersTrustsCaller ?? false });
  close = s.close;
  const res = await fetch(`${s.ordersUrl}${path}`, { headers: opts.headers ?? {} });
  await res.arrayBuffer();
  const find = (list: ReadableSpan[], kind: SpanKind) => list.find((x) => x.kind === kind);
  const o = exporters.orders.getFinishedSpans();
  const i = exporters.inventory.getFinishedSpans();
  return { res, s, orders: o, inventory: i,
    server: find(o, SpanKind.SERVER), client: find(o, SpanKind.CLIENT),
    downstream: find(i, SpanKind.SERVER) };
}

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function listenOn(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const stopServer = (server: Server) => { server.closeAllConnections(); server.close(); };

/** A server that records the headers it was sent. */
async function recorder() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => { seen.push(req.headers); res.end('ok'); });
  const url = await listenOn(server);
  return { seen, url, stop: () => stopServer(server) };
}

describe('a trace across two services on loopback', () => {
  it('links server -> client -> downstream server in one trace', async () => {
    const { res, server, client, downstream, orders, inventory } = await run('/orders/7');
    expect(res.status).toBe(200);
    expect([orders.length, inventory.length]).toEqual([2, 1]);
    const traceId = server!.spanContext().traceId;
    expect(client!.spanContext().traceId).toBe(traceId);
    expect(downstream!.spanContext().traceId).toBe(traceId); // crossed the wire
    expect(server!.parentSpanContext).toBeUndefined();
    expect(client!.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    expect(downstream!.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    expect(downstream!.parentSpanContext?.isRemote).toBe(true);
    expect(server!.resource.attributes['service.name']).toBe('orders');
    expect(downstream!.resource.attributes['service.name']).toBe('inventory');
  });

  it('records the stable HTTP semantic-convention attributes and span names', async () => {
    const { server, client, downstream, s } = await run('/orders/7?debug=secret');
    expect(server!.name).toBe('GET /orders/:id');
    expect(server!.attributes).toMatchObject({
      'http.request.method': 'GET', 'url.path': '/orders/7', 'url.scheme': 'http',
      'http.route': '/orders/:id', 'http.response.status_code': 200,
      'server.address': '127.0.0.1', 'server.port': Number(new URL(s.ordersUrl).port),
    });
    expect(client!.name).toBe('GET');
    expect(client!.attributes).toMatchObject({
      'http.request.method': 'GET', 'server.address': '127.0.0.1',
      'server.port': Number(new URL(s.inventoryUrl).port),
      'url.full': `${s.inventoryUrl}/stock/sku-7`, 'http.response.status_code': 200,
    });
    expect(downstream!.name).toBe('GET /stock/:sku');
    expect(JSON.stringify([server!.attributes, client!.attributes])).not.toContain('secret');
    for (const span of [server, client, downstream]) {
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it('marks 5xx as errors on both sides; the exception is recorded where it happened', async () => {
    const { res, server, client, downstream } = await run('/orders/500');
    expect(res.status).toBe(502);
    expect(downstream!.status.code).toBe(SpanStatusCode.ERROR);
    expect(downstream!.attributes['error.type']).toBe('500');
    expect(downstream!.events.map((e) => e.name)).toEqual(['exception']);
    expect(downstream!.events[0]!.attributes?.['exception.message']).toBe('stock table unavailable');
    expect(client!.status.code).toBe(SpanStatusCode.ERROR);
    expect(client!.attributes['http.response.status_code']).toBe(500);
    expect(server!.status.code).toBe(SpanStatusCode.ERROR);
    expect(server!.attributes['http.response.status_code']).toBe(502);
  });

  it('a 404 on a server span is not an error; on the client span it is', async () => {
    const { res, server, orders, s } = await run('/nope');
    expect(res.status).toBe(404);
    expect(orders).toHaveLength(1);
    expect(server!.name).toBe('GET'); // no route matched: no template in the name
    expect(server!.attributes['http.route']).toBeUndefined();
    expect(server!.status.code).toBe(SpanStatusCode.UNSET);
    const exporter = new InMemorySpanExporter();
    const { tracer } = createTracing({ serviceName: 'probe', exporter });
    await (await tracedGet(tracer, `${s.ordersUrl}/nope`, new Set())).arrayBuffer();
    const [probe] = exporter.getFinishedSpans();
    expect(probe!.status.code).toBe(SpanStatusCode.ERROR);
    expect(probe!.attributes['error.type']).toBe('404');
  });

  it('the 500 body says nothing about the failure; the span keeps the detail', async () => {
    const { s, downstream } = await run('/orders/500');
    const res = await fetch(`${s.inventoryUrl}/stock/sku-500`);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(downstream!.events[0]!.attributes?.['exception.message']).toBe('stock table unavailable');
  });

  it('serves a route without parameters', async () => {
    const { tracer, shutdown } = createTracing({ serviceName: 'status', exporter: exporters.orders });
    const server = tracedServer(tracer, '/status', async (params) =>
      ({ status: 200, body: params }));
    const url = await listenOn(server);
    try {
      const res = await fetch(`${url}/status`);
      expect([res.status, await res.json()]).toEqual([200, {}]);
      expect(exporters.orders.getFinishedSpans()[0]!.name).toBe('GET /status');
    } finally { stopServer(server); await shutdown(); }
  });

  it('a hostile request target gets an answer, not an unhandled rejection', async () => {
    const { s } = await run('/orders/7');
    // `new URL('//', base)` throws; `//host/path` would be read as a host.
    for (const target of ['//', '//evil.example/orders/7']) {
      const res = await fetch(`${s.ordersUrl}${target}`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      expect(res.status).toBe(404);
    }
    const spans = exporters.orders.getFinishedSpans().filter((x) => x.kind === SpanKind.SERVER);
    expect(spans.map((x) => x.attributes['url.path'])).toEqual(
      ['/orders/7', '//', '//evil.example/orders/7']);
  });

  it('an unknown method is recorded as _OTHER and named HTTP', async () => {
    const { s } = await run('/orders/7');
    // PROPFIND (WebDAV): Node parses it, RFC 9110 does not define it.
    const res = await fetch(`${s.ordersUrl}/orders/7`, { method: 'PROPFIND' });
    await res.arrayBuffer();
    const span = exporters.orders.getFinishedSpans().find((x) => x.attributes['http.request.method'] === '_OTHER');
    expect(span!.name).toBe('HTTP /orders/:id');
  });

  it('the public edge forwards none of a stranger\'s context, baggage included', async () => {
    const next = await recorder();
    const { tracer, shutdown } = createTracing({ serviceName: 'edge', exporter: exporters.orders });
    // A handler that calls on without setting baggage of its own.
    const edge = tracedServer(tracer, '/go', async () => {
      await (await tracedGet(tracer, `${next.url}/next`, new Set([next.url]))).arrayBuffer();
      return { status: 200, body: 'ok' };
    }, { trustCaller: false });
    const edgeUrl = await listenOn(edge);
    try {
      const res = await fetch(`${edgeUrl}/go`, { headers: {
        traceparent: CALLER, baggage: 'user.email=ann%40example.com' } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(next.seen).toHaveLength(1);
      expect(next.seen[0]!.traceparent).not.toContain('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(next.seen[0]!.baggage).toBeUndefined();
    } finally { next.stop(); stopServer(edge); await shutdown(); }
  });

  it('a trusted caller\'s traceparent is continued', async () => {
    const { server, downstream } = await run('/orders/7', {
      ordersTrustsCaller: true, headers: { traceparent: CALLER } });
    expect(server!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(server!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(downstream!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('at the public edge a stranger\'s traceparent starts a new trace, linked to theirs', async () => {
    const { server, downstream } = await run('/orders/7', { headers: { traceparent: CALLER } });
    expect(server!.spanContext().traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(server!.parentSpanContext).toBeUndefined();
    expect(server!.links.map((l) => l.context.traceId)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
    expect(downstream!.spanContext().traceId).toBe(server!.spanContext().traceId);
  });

  it('parent-based sampling: ratio 0 records nothing new, but keeps a trusted caller\'s yes', async () => {
    const none = await run('/orders/7', { ratio: 0 });
    expect(none.res.status).toBe(200);
    expect([none.orders.length, none.inventory.length]).toEqual([0, 0]); // both agreed: not sampled
    await close!(); close = undefined;
    const kept = await run('/orders/7', { ratio: 0, ordersTrustsCaller: true,
      headers: { traceparent: CALLER } });
    expect([kept.orders.length, kept.inventory.length]).toEqual([2, 1]);
    await close!(); close = undefined;
    // A stranger cannot force sampling: its 01 flag is not trusted.
    const stranger = await run('/orders/7', { ratio: 0, headers: { traceparent: CALLER } });
    expect([stranger.orders.length, stranger.inventory.length]).toEqual([0, 0]);
  });

  it('baggage reaches the internal service', async () => {
    const { downstream } = await run('/orders/7');
    expect(downstream!.attributes['app.plan']).toBe('pro');
  });
});

describe('tracedGet', () => {
  it('sends traceparent only to internal origins', async () => {
    const { tracer, shutdown } = createTracing({ serviceName: 'orders', exporter: exporters.orders });
    const r = await recorder();
    try {
      await tracer.startActiveSpan('outer', async (outer) => {
        await (await tracedGet(tracer, `${r.url}/a?token=secret`, new Set([r.url]))).text();
        await (await tracedGet(tracer, `${r.url}/b`, new Set())).text(); // "external"
        outer.end();
      });
      expect(r.seen[0]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(r.seen[1]!.traceparent).toBeUndefined();
      expect(r.seen[1]!.baggage).toBeUndefined();
      // The id sent is the CLIENT span's, so the server's span hangs under it.
      const client = exporters.orders.getFinishedSpans().find((x) => x.attributes['url.full'] === `${r.url}/a`);
      expect(r.seen[0]!.traceparent).toContain(client!.spanContext().spanId);
      expect(JSON.stringify(client!.attributes)).not.toContain('secret');
    } finally { r.stop(); await shutdown(); }
  });

  it('a redirect from an internal service to an outside origin carries no context', async () => {
    const outside = await recorder();
    const internal = createServer((_req, res) => {
      res.writeHead(302, { location: `${outside.url}/collect` }).end();
    });
    const internalUrl = await listenOn(internal);
    const { tracer, shutdown } = createTracing({ serviceName: 'orders', exporter: exporters.orders });
    try {
      const bag = propagation.createBaggage({ plan: { value: 'pro' } });
      const res = await context.with(propagation.setBaggage(context.active(), bag),
        () => tracedGet(tracer, `${internalUrl}/stock/sku-7`, new Set([internalUrl])));
      await res.arrayBuffer();
      expect(outside.seen.map((h) => [h.traceparent, h.baggage])).toEqual([]);
      expect(res.status).toBe(302); // the caller decides whether to follow it
    } finally { outside.stop(); stopServer(internal); await shutdown(); }
  });

  it('records a network failure as an error and rethrows it', async () => {
    const { tracer } = createTracing({ serviceName: 'orders', exporter: exporters.orders });
    const r = await recorder();
    r.stop();
    await expect(tracedGet(tracer, r.url, new Set())).rejects.toThrow();
    const [span] = exporters.orders.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('TypeError');
    expect(span!.events[0]!.name).toBe('exception');
  });

  it('refuses non-http URLs', async () => {
    const { tracer } = createTracing({ serviceName: 'orders', exporter: exporters.orders });
    await expect(tracedGet(tracer, 'file:///etc/passwd', new Set())).rejects.toThrow(/only http/);
    await expect(tracedGet(tracer, 'not a url', new Set())).rejects.toThrow(TypeError);
  });
});

describe('setup', () => {
  it('rejects bad options', () => {
    const exporter = new InMemorySpanExporter();
    expect(() => createTracing({ serviceName: 'Orders Service', exporter })).toThrow(/kebab-case/);
    expect(() => createTracing({ serviceName: 'orders', exporter, ratio: 1.5 })).toThrow(/ratio/);
    expect(() => createTracing({ serviceName: 'orders', exporter, ratio: Number.NaN })).toThrow(/ratio/);
    expect(() => tracedServer(createTracing({ serviceName: 'x', exporter }).tracer, 'stock', async () => ({ status: 200, body: 1 })))
      .toThrow(/route must look like/);
  });

  it('a second context manager is refused rather than silently ignored', () => {
    expect(() => installContextManager()).toThrow(/already installed/);
  });
});
