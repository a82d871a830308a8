/**
 * One request's identity, available to every function the request runs,
 * without passing it down: the request id (kept from a trusted edge,
 * minted otherwise) and its place in a W3C trace. AsyncLocalStorage
 * keeps it across every await and callback started inside the request.
 * Log lines get it through a pino mixin (logFields), outgoing calls to
 * our own services through propagatingFetch. This is the only request
 * id middleware: the error middleware (../http/error-middleware.ts)
 * installs this one, so logs, problems and headers share one id.
 * @see https://nodejs.org/api/async_context.html#class-asynclocalstorage
 * @see https://www.w3.org/TR/trace-context/#processing-model
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { chooseRequestId, type RequestIdOptions } from '../http/request-id.ts';
import {
  continueTrace, formatTraceparent, parseTraceparent, startTrace,
  type RandomBytes, type TraceParent,
} from './traceparent.ts';

export interface RequestContext {
  readonly requestId: string;
  /** Our operation in the trace: `parentId` is our span id. */
  readonly trace: TraceParent;
  /** A trusted caller's vendor state, passed on unchanged. */
  readonly tracestate?: string;
}

export interface RequestContextOptions extends RequestIdOptions {
  /** Source of trace and span ids; tests pass a fixed one. */
  randomBytes?: RandomBytes;
}

/** tracestate up to this size is passed on; longer is dropped (§3.3.1.5). */
const MAX_TRACESTATE = 512;
const PRINTABLE = /^[\x20-\x7e]*$/;

// #region context
const storage = new AsyncLocalStorage<RequestContext>();
const handled = new WeakSet<object>(); // requests that already have one

/** The running request's context; undefined outside a request. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Sets `c.var.requestId`, X-Request-Id, and the context for `next`. */
export function requestContext({ newId, randomBytes,
  fromTrustedEdge = () => false }: RequestContextOptions = {},
): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    // Installed twice (app and error middleware): the first one wins.
    // Not `c.var.requestId`: other middleware set that from the client.
    if (handled.has(c)) return next();
    handled.add(c);
    const trusted = fromTrustedEdge(c);
    const requestId =
      chooseRequestId(c.req.header('X-Request-Id'), trusted, newId);
    // A stranger's traceparent is ignored: we start our own trace.
    const caller = trusted
      ? parseTraceparent(c.req.header('traceparent')) : undefined;
    const trace = caller ? continueTrace(caller, randomBytes)
      : startTrace(randomBytes);
    const state = caller ? c.req.header('tracestate') : undefined;
    const tracestate = state && state.length <= MAX_TRACESTATE
      && PRINTABLE.test(state) ? state : undefined;
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    await storage.run({ requestId, trace, tracestate }, next);
  };
}
// #endregion context

// #region log-fields
/** A pino `mixin`: the ids on every line logged during a request. */
export function logFields(): Record<string, string> {
  const ctx = storage.getStore();
  if (ctx === undefined) return {}; // startup, timers, jobs: no request
  return { requestId: ctx.requestId, traceId: ctx.trace.traceId,
    spanId: ctx.trace.parentId };
}
// #endregion log-fields

// #region propagate
const CONTEXT_HEADERS = ['traceparent', 'tracestate', 'x-request-id'];

/**
 * `fetch` that sends the current ids to our own services only. Other
 * origins get none of them, even if the caller copied them in.
 */
export function propagatingFetch(internalOrigins: readonly string[],
  send: typeof fetch = fetch): typeof fetch {
  const internal = new Set(internalOrigins.map(originOf));
  return async (input, init) => {
    const request = new Request(input, init);
    for (const name of CONTEXT_HEADERS) request.headers.delete(name);
    const ctx = storage.getStore();
    if (!ctx || !internal.has(new URL(request.url).origin)) {
      return send(request);
    }
    request.headers.set('traceparent', formatTraceparent(ctx.trace));
    if (ctx.tracestate) request.headers.set('tracestate', ctx.tracestate);
    request.headers.set('X-Request-Id', ctx.requestId);
    // fetch would carry these headers through a redirect to any origin:
    // the 3xx comes back instead, and calling its Location re-checks.
    return send(request.redirect === 'follow'
      ? new Request(request, { redirect: 'manual' }) : request);
  };
}
// #endregion propagate

function originOf(value: string): string {
  const url = URL.parse(value);
  if (url === null || !/^https?:$/.test(url.protocol)) {
    throw new TypeError(`internal origin must be an http(s) URL: ${value}`);
  }
  return url.origin;
}

if (import.meta.main) {
  const { Hono } = await import('hono');
  let n = 0; // fixed "random" bytes and ids, so the demo prints the same
  const randomBytes: RandomBytes = (size) =>
    Uint8Array.from({ length: size }, () => ++n % 256);
  const seen: string[] = [];
  const send: typeof fetch = async (req) => {
    const r = req as Request;
    seen.push(`${r.url} traceparent=${r.headers.get('traceparent')}`
      + ` x-request-id=${r.headers.get('x-request-id')}`);
    return new Response('ok');
  };
  const call = propagatingFetch(['http://billing.internal'], send);
  const app = new Hono();
  app.use(requestContext({ randomBytes, newId: () => 'req-1',
    fromTrustedEdge: () => true }));
  app.get('/checkout', async (c) => {
    await call('http://billing.internal/charge', { method: 'POST' });
    await call('https://api.partner.example/quote');
    return c.text('done');
  });
  const res = await app.request('/checkout', { headers: {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  } });
  console.log(`X-Request-Id: ${res.headers.get('X-Request-Id')}`);
  for (const line of seen) console.log(line);
}
