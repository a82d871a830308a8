/**
 * The request methods as typed data (RFC 9110 §9.2, RFC 5789 §2), and the
 * per-resource handler that data drives: OPTIONS answered with `Allow`, HEAD
 * answered as GET without content, a method the resource lacks refused with
 * 405, and a method the server does not implement at all refused with 501.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9
 */
import { statusProblem } from './problem.ts';

// #region table
/** What a method promises, whatever resource it is sent to. */
export interface MethodProperties {
  /** Read-only by definition: the client asks for no state change. */
  readonly safe: boolean;
  /** Sending it twice has the same intended effect as sending it once. */
  readonly idempotent: boolean;
  /** `yes`: reusable by default; `explicit`: only with explicit freshness
   *  and a matching Content-Location, which few caches implement. */
  readonly cacheable: 'yes' | 'explicit' | 'no';
}

// Row order is the order `Allow` lists them in.
export const METHODS = {
  GET:     { safe: true,  idempotent: true,  cacheable: 'yes' },
  HEAD:    { safe: true,  idempotent: true,  cacheable: 'yes' },
  POST:    { safe: false, idempotent: false, cacheable: 'explicit' },
  PUT:     { safe: false, idempotent: true,  cacheable: 'no' },
  PATCH:   { safe: false, idempotent: false, cacheable: 'explicit' },
  DELETE:  { safe: false, idempotent: true,  cacheable: 'no' },
  OPTIONS: { safe: true,  idempotent: true,  cacheable: 'no' },
  TRACE:   { safe: true,  idempotent: true,  cacheable: 'no' },
  CONNECT: { safe: false, idempotent: false, cacheable: 'no' },
} as const satisfies Record<string, MethodProperties>;

export type Method = keyof typeof METHODS;

/** Case-sensitive, as method names are (§9.1): `patch` is not PATCH. */
export const isMethod = (name: string): name is Method =>
  Object.hasOwn(METHODS, name);
// #endregion table

/** A request handler; `A` carries extras such as path parameters. */
export type Handler<A extends unknown[] = []> =
  (req: Request, ...args: A) => Response | Promise<Response>;

/**
 * Methods a resource implements itself. HEAD and OPTIONS are derived;
 * TRACE echoes requests (credentials included) and CONNECT is for proxies,
 * so no resource here implements either.
 */
export type OwnMethod = Exclude<Method, 'HEAD' | 'OPTIONS' | 'TRACE' | 'CONNECT'>;
const OWN: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NOWHERE: readonly string[] = ['TRACE', 'CONNECT'];

/** The same status and headers without content, as a HEAD response needs. */
export async function withoutContent(res: Response): Promise<Response> {
  await res.body?.cancel(); // release whatever produced the body
  return new Response(null, { status: res.status, headers: res.headers });
}

const refuse = (status: 405 | 501, detail: string, headers = {}) =>
  statusProblem(status, detail, headers);

// #region resource
/** One handler for one resource, from a handler per method it supports. */
export function resource<A extends unknown[] = []>(
  handlers: Partial<Record<OwnMethod, Handler<A>>>): Handler<A> {
  const own = Object.keys(handlers);
  const bad = own.find((m) => !OWN.includes(m)
    || typeof handlers[m as OwnMethod] !== 'function');
  if (bad !== undefined || own.length === 0) {
    throw new TypeError(`resource() takes a function per method in `
      + `${OWN.join(', ')}; got ${bad ?? 'none'}`);
  }
  // HEAD comes with GET; OPTIONS always works.
  const allowed = (Object.keys(METHODS) as Method[]).filter((m) =>
    m === 'OPTIONS' || own.includes(m === 'HEAD' ? 'GET' : m));
  const allow = allowed.join(', ');

  return async (req, ...args) => {
    const { method } = req;
    // §9.1: 501 for a method the server does not implement anywhere
    // (unknown, or TRACE and CONNECT); 405 for one it does, but not here.
    if (!isMethod(method) || NOWHERE.includes(method)) {
      return refuse(501, `This server does not implement ${method}.`);
    }
    if (method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { Allow: allow } });
    }
    // Every allowed method but OPTIONS is an own method or HEAD.
    const key = (method === 'HEAD' ? 'GET' : method) as OwnMethod;
    const handler = allowed.includes(method) ? handlers[key] : undefined;
    const res = handler ? await handler(req, ...args)
      : refuse(405, `${method} is not supported here.`, { Allow: allow });
    return method === 'HEAD' ? withoutContent(res) : res;
  };
}
// #endregion resource

if (import.meta.main) {
  const pick = (flag: 'safe' | 'idempotent') => (Object.keys(METHODS) as Method[])
    .filter((m) => METHODS[m][flag]).join(' ');
  console.log(`safe:       ${pick('safe')}`);
  console.log(`idempotent: ${pick('idempotent')}`);

  const doc = resource({
    GET: () => Response.json({ id: 7, title: 'Draft' }),
    PUT: () => new Response(null, { status: 204 }),
  });
  const url = 'https://api.example/docs/7';
  for (const method of ['OPTIONS', 'GET', 'HEAD', 'DELETE', 'patch', 'BREW']) {
    const res = await doc(new Request(url, { method }));
    const bytes = (await res.arrayBuffer()).byteLength;
    const allow = res.headers.get('Allow');
    const shown = allow ? `Allow: ${allow}` : res.headers.get('Content-Type');
    console.log(`${method.padEnd(7)} -> ${res.status} ${shown ?? '-'}`
      + ` (${bytes} bytes)`);
  }
}
