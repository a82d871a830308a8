/**
 * An endpoint is a method plus a path template, bound to one operation with
 * a contract. The router finds the resource by path first, then the method:
 * no resource at the path is 404; a resource without that method is 405
 * with `Allow`; a method the server implements nowhere is 501.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.1
 * @see https://spec.openapis.org/oas/v3.2.0.html#paths-object
 */
import { z } from 'zod';
import {
  resource, withoutContent, type Handler, type OwnMethod,
} from './http-methods.ts';
import { statusProblem } from './problem.ts';

export type Params = Record<string, string>;

/** One operation of the API, ready for the router. */
export interface Endpoint {
  readonly method: OwnMethod;
  /** OpenAPI-style template: `/orders/{id}`. */
  readonly path: string;
  readonly summary: string;
  /** Whether these path values fit the contract; absent: any value does. */
  readonly accepts?: (params: Params) => boolean;
  readonly handle: Handler<[Params]>;
}

export const notFound = (req: Request) => {
  const path = new URL(req.url).pathname;
  return statusProblem(404, `Nothing at ${path}.`, {}, { instance: path });
};

/**
 * An endpoint whose path parameters are checked against `params` first. A
 * value outside that contract names no resource, so it gets 404, not 400.
 */
export function endpoint<S extends z.ZodType<object> = z.ZodType<Params>>(spec: {
  method: OwnMethod; path: string; summary: string; params?: S;
  handler: (req: Request, params: z.output<S>) => Response | Promise<Response>;
}): Endpoint {
  const { method, path, summary, params, handler } = spec;
  return {
    method, path, summary,
    accepts: (raw) => !params || params.safeParse(raw).success,
    handle(req, raw) {
      // Without a schema S is its default, ZodType<Params>: raw fits as is.
      if (!params) return handler(req, raw as z.output<S>);
      const parsed = params.safeParse(raw);
      return parsed.success ? handler(req, parsed.data) : notFound(req);
    },
  };
}

type Segment = { literal: string } | { param: string };
interface Route {
  segments: Segment[];
  /** Some endpoint here takes these values: the path names a resource. */
  accepts: (params: Params) => boolean;
  dispatch: Handler<[Params]>;
}

const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const LITERAL = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$/;

/** `/orders/{id}` to segments; throws on a template the router can't serve. */
function parseTemplate(path: string): Segment[] {
  if (path === '/') return [];
  if (!path.startsWith('/') || path.endsWith('/')) {
    throw new TypeError(`path "${path}" must start with / and not end with /`);
  }
  const names = new Set<string>();
  return path.slice(1).split('/').map((part) => {
    const name = PARAM.exec(part)?.[1];
    if (name !== undefined) {
      if (names.has(name)) throw new TypeError(`"${path}" repeats {${name}}`);
      names.add(name);
      return { param: name };
    }
    if (!LITERAL.test(part)) {
      throw new TypeError(`path "${path}" has a bad segment "${part}"`);
    }
    return { literal: part };
  });
}

// Two templates that differ only in parameter names are the same path.
const shape = (segments: Segment[]) =>
  segments.map((s) => ('param' in s ? '{}' : s.literal)).join('/');

function match(segments: Segment[], parts: string[]): Params | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Params = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
    } else {
      if (part === '') return undefined;
      try {
        params[segment.param] = decodeURIComponent(part);
      } catch {
        return undefined; // malformed %-escape: names nothing here
      }
    }
  }
  return params;
}

// Concrete before templated, as OpenAPI matches: /orders/latest wins
// over /orders/{id}.
const specificity = (a: Route, b: Route) => {
  for (const [i, s] of a.segments.entries()) {
    const rank = Number('param' in s) - Number('param' in b.segments[i]!);
    if (rank !== 0) return rank;
  }
  return 0;
};

/** Groups endpoints by path; each group is one resource. */
function compile(endpoints: readonly Endpoint[]): Route[] {
  const groups = new Map<string, { segments: Segment[]; eps: Endpoint[] }>();
  for (const ep of endpoints) {
    const segments = parseTemplate(ep.path);
    const key = shape(segments);
    const group = groups.get(key) ?? { segments, eps: [] };
    const clash = group.eps.find((e) => e.method === ep.method || e.path !== ep.path);
    if (clash) {
      throw new TypeError(`${ep.method} ${ep.path} clashes with ${clash.method} ${clash.path}`);
    }
    group.eps.push(ep);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ segments, eps }) => ({
    segments,
    accepts: (params: Params) =>
      eps.some((ep) => ep.accepts?.(params) ?? true),
    dispatch: resource<[Params]>(Object.fromEntries(
      eps.map((ep) => [ep.method, ep.handle]))),
  })).sort((a, b) => a.segments.length - b.segments.length || specificity(a, b));
}

// #region router
/** One handler for the whole API, built from its table of endpoints. */
export function createRouter(endpoints: readonly Endpoint[]): Handler {
  const routes = compile(endpoints);
  return async (req) => {
    const { pathname } = new URL(req.url);
    const parts = pathname === '/' ? [] : pathname.slice(1).split('/');
    for (const route of routes) {
      const params = match(route.segments, parts);
      // A resource is here if the values fit its contract (/orders/abc
      // names none); then resource() settles the method: 405 + Allow,
      // 501, HEAD and OPTIONS.
      if (params && route.accepts(params)) {
        return route.dispatch(req, params);
      }
    }
    // No resource here, whatever the method.
    const res = notFound(req);
    return req.method === 'HEAD' ? withoutContent(res) : res;
  };
}
// #endregion router

/** An order in the demo API; a real one lives in a database (Q1). */
export interface Order { id: string; status: 'draft' | 'placed' }

// #region endpoints
/** The orders API as a table: method + path + contract, then code. */
export function orderEndpoints(orders: Map<string, Order>): Endpoint[] {
  let seq = orders.size;
  const byId = z.object({ id: z.string().regex(/^[1-9][0-9]{0,9}$/) });
  return [
    endpoint({ method: 'GET', path: '/orders', summary: 'List orders',
      handler: () => Response.json([...orders.values()]) }),
    endpoint({ method: 'POST', path: '/orders', summary: 'Start an order',
      handler: () => {
        const order: Order = { id: String(++seq), status: 'draft' };
        orders.set(order.id, order);
        return Response.json(order,
          { status: 201, headers: { Location: `/orders/${order.id}` } });
      } }),
    endpoint({ method: 'GET', path: '/orders/{id}', summary: 'Get an order',
      params: byId, handler: (req, { id }) => {
        const order = orders.get(id);
        return order ? Response.json(order) : notFound(req);
      } }),
    endpoint({ method: 'DELETE', path: '/orders/{id}', summary: 'Delete it',
      params: byId, handler: (req, { id }) => orders.delete(id)
        ? new Response(null, { status: 204 }) : notFound(req) }),
  ];
}
// #endregion endpoints

if (import.meta.main) {
  const api = createRouter(orderEndpoints(new Map()));
  const calls = [
    'POST /orders', 'GET /orders/1', 'GET /orders/abc', 'GET /order/1',
    'PUT /orders/1', 'OPTIONS /orders/1', 'BREW /orders', 'DELETE /orders/1',
    'GET /orders/1',
  ];
  for (const call of calls) {
    const [method, path] = call.split(' ') as [string, string];
    const res = await api(new Request(`https://api.example${path}`, { method }));
    const text = await res.text();
    const allow = res.headers.get('Allow');
    const location = res.headers.get('Location');
    const shown = allow ? `Allow: ${allow}` : location ? `Location: ${location}`
      : text === '' ? '(no content)'
      : res.ok ? text : (JSON.parse(text) as { detail: string }).detail;
    console.log(`${call.padEnd(17)} -> ${res.status} ${shown}`);
  }
}
