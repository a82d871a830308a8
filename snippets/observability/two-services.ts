/**
 * One trace across two HTTP services on loopback. `orders` answers
 * GET /orders/:id by calling `inventory` at GET /stock/:sku. Each
 * service has its own tracer (./tracing.ts). The server wrapper
 * extracts the caller's W3C context and opens a SERVER span; the
 * client wrapper opens a CLIENT span and injects it into the outgoing
 * headers, so inventory's span becomes its child. Attribute names and
 * status rules follow the stable HTTP semantic conventions. Real
 * services get this from instrumentation packages; it is written out
 * here to show what they do.
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 */
import {
  context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace,
  type Span, type Tracer,
} from '@opentelemetry/api';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTracing, propagator } from './tracing.ts';

export interface Reply { status: number; body: unknown }
export type Handler = (params: Record<string, string>) => Promise<Reply>;

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE',
  'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);
const headerGetter = {
  keys: (h: IncomingMessage['headers']) => Object.keys(h),
  get: (h: IncomingMessage['headers'], key: string) => h[key],
};

// #region server
/** Serves one route; `trustCaller: false` at the public edge. */
export function tracedServer(tracer: Tracer, route: string,
  handle: Handler, { trustCaller = true } = {}): Server {
  const pattern = routePattern(route);
  return createServer(async (req, res) => {
    // Appended, not resolved: `new URL('//', base)` throws, and
    // `//evil.example/x` would be read as a host.
    const url = URL.parse(`http://localhost${req.url ?? '/'}`);
    if (!url) return void res.writeHead(400).end();
    const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : '_OTHER';
    const caller = propagator.extract(ROOT_CONTEXT, req.headers, headerGetter);
    const callerSpan = trace.getSpanContext(caller);
    // A stranger's context is linked, not continued: its ids and its
    // sampled flag are not ours to trust.
    const parent = trustCaller ? caller : ROOT_CONTEXT;
    const links = !trustCaller && callerSpan ? [{ context: callerSpan }] : [];
    const host = URL.parse(`http://${req.headers.host ?? ''}`);
    const match = pattern.exec(url.pathname);
    const params = match ? { ...match.groups } : undefined;
    // Name: method and route template, never the raw path (cardinality).
    const name = method === '_OTHER' ? 'HTTP' : method;
    await tracer.startActiveSpan(params ? `${name} ${route}` : name, {
      kind: SpanKind.SERVER, links, attributes: {
        'http.request.method': method, 'url.path': url.pathname,
        'url.scheme': 'http', ...(params ? { 'http.route': route } : {}),
        ...(host ? { 'server.address': host.hostname,
          'server.port': Number(host.port) || 80 } : {}),
      },
    }, parent, async (span) => {
      let reply: Reply = { status: 404, body: { error: 'not found' } };
      try {
        if (params) reply = await handle(params);
      } catch (err) {
        span.recordException(err as Error); // type, message, stack
        span.setAttribute('error.type', (err as Error).name);
        reply = { status: 500, body: { error: 'internal error' } };
      }
      finishSpan(span, reply.status, 'server');
      res.writeHead(reply.status, { 'content-type': 'application/json' })
        .end(JSON.stringify(reply.body));
    });
  });
}
// #endregion server

// #region client
/** GET a URL inside a CLIENT span; context goes to `internal` only. */
export async function tracedGet(tracer: Tracer, url: string,
  internal: ReadonlySet<string>): Promise<Response> {
  const target = new URL(url);
  if (!/^https?:$/.test(target.protocol)) {
    throw new TypeError(`only http(s) URLs: ${target.protocol}`);
  }
  return tracer.startActiveSpan('GET', { kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': 'GET', 'server.address': target.hostname,
      'server.port': Number(target.port) || defaultPort(target),
      'url.full': target.origin + target.pathname, // no query, no secrets
    } }, async (span) => {
    const headers = new Headers();
    if (internal.has(target.origin)) { // baggage must not leave home
      propagator.inject(context.active(), headers,
        { set: (h, key, value) => h.set(key, value) });
    }
    try {
      // Not followed: a redirect could carry the headers anywhere, and
      // each request it leads to deserves its own span.
      const res = await fetch(target, { headers, redirect: 'manual' });
      finishSpan(span, res.status, 'client');
      return res;
    } catch (err) {
      span.recordException(err as Error);
      span.setAttribute('error.type', (err as Error).name);
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw err;
    }
  });
}

/** Server spans fail on 5xx only: a 404 is the client's mistake. */
function finishSpan(span: Span, status: number, side: 'server' | 'client') {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500 || (side === 'client' && status >= 400)) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
// #endregion client

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

/** `/stock/:sku` -> a RegExp with a named group per parameter. */
function routePattern(route: string): RegExp {
  if (!/^(\/([a-z]+|:[a-z]+))+$/.test(route)) {
    throw new TypeError(`route must look like /stock/:sku, got ${route}`);
  }
  return new RegExp(`^${route.replace(/:([a-z]+)/g, '(?<$1>[A-Za-z0-9_-]{1,64})')}$`);
}

// #region services
export interface ServicesOptions {
  exporters: { orders: SpanExporter; inventory: SpanExporter };
  ratio?: number;
  /** Whether orders continues a trace sent by whoever calls it. */
  ordersTrustsCaller?: boolean;
}

export async function startServices({ exporters, ratio = 1,
  ordersTrustsCaller = false }: ServicesOptions) {
  const inv = createTracing({ serviceName: 'inventory', ratio,
    exporter: exporters.inventory });
  const inventory = tracedServer(inv.tracer, '/stock/:sku', async ({ sku }) => {
    const plan = propagation.getActiveBaggage()?.getEntry('plan')?.value;
    trace.getActiveSpan()?.setAttribute('app.plan', plan ?? 'unknown');
    if (sku === 'sku-500') throw new Error('stock table unavailable');
    return { status: 200, body: { sku, available: 3 } };
  });
  const inventoryUrl = await listen(inventory);
  const ord = createTracing({ serviceName: 'orders', ratio,
    exporter: exporters.orders });
  const internal = new Set([new URL(inventoryUrl).origin]);
  const orders = tracedServer(ord.tracer, '/orders/:id', async ({ id }) => {
    // Baggage: a low-cardinality, non-personal value for later hops.
    const bag = propagation.createBaggage({ plan: { value: 'pro' } });
    const res = await context.with(propagation.setBaggage(
      context.active(), bag), () =>
      tracedGet(ord.tracer, `${inventoryUrl}/stock/sku-${id}`, internal));
    if (!res.ok) return { status: 502, body: { error: 'inventory failed' } };
    return { status: 200, body: { id, stock: await res.json() } };
  }, { trustCaller: ordersTrustsCaller });
  const ordersUrl = await listen(orders);
  return {
    ordersUrl, inventoryUrl,
    async close() {
      for (const server of [orders, inventory]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await Promise.all([ord.shutdown(), inv.shutdown()]);
    },
  };
}
// #endregion services

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}


if (import.meta.main) {
  const { InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
  const { installContextManager } = await import('./tracing.ts');
  const uninstall = installContextManager();
  const exporters = { orders: new InMemorySpanExporter(),
    inventory: new InMemorySpanExporter() };
  const services = await startServices({ exporters });
  for (const id of ['7', '500']) {
    const res = await fetch(`${services.ordersUrl}/orders/${id}`);
    console.log(`GET /orders/${id} -> ${res.status}`);
    await res.arrayBuffer();
  }
  const spans = [...exporters.orders.getFinishedSpans(),
    ...exporters.inventory.getFinishedSpans()];
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const depth = (id?: string): number =>
    id === undefined ? 0 : 1 + depth(byId.get(id)?.parentSpanContext?.spanId);
  const traces = [...new Set(spans.map((s) => s.spanContext().traceId))];
  spans.sort((a, b) => traces.indexOf(a.spanContext().traceId)
    - traces.indexOf(b.spanContext().traceId)
    || depth(a.spanContext().spanId) - depth(b.spanContext().spanId));
  const label = new Map(spans.map((s) => [s.spanContext().spanId,
    `${s.resource.attributes['service.name']} ${s.name}`]));
  for (const s of spans) {
    const parent = s.parentSpanContext?.spanId;
    console.log(`trace ${traces.indexOf(s.spanContext().traceId) + 1}: ${
      label.get(s.spanContext().spanId)} [${
      SpanKind[s.kind]}] status ${s.attributes['http.response.status_code']}`
      + `${s.status.code === SpanStatusCode.ERROR ? ' ERROR' : ''}, parent: ${
        parent ? label.get(parent) : 'none'}`);
  }
  await services.close(); // flushes, then empties the exporters
  uninstall();
}
