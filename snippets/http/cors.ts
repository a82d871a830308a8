/**
 * CORS for an API with Hono's own `cors()` middleware, behind a policy that
 * refuses the configurations browsers reject or attackers exploit: origins
 * that are not exact serialized origins, `null`, `*` with credentials, and
 * an empty header list (which makes `cors()` echo any requested header).
 *
 * CORS decides which other origins' scripts may READ a response. It is not
 * access control: the server still receives and runs every simple request,
 * whatever its origin, so authenticate and authorize as usual (and defend
 * cookie-authenticated endpoints against CSRF).
 *
 * `corsCheck` and `preflightAllows` are the browser's side, written from the
 * Fetch standard, so tests can judge this server's answers the way Chromium
 * does; tests/e2e/cors.spec.ts shows Chromium itself doing it.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** Chromium caps a preflight's cache life at 2 hours, Firefox at 24. */
export const CHROMIUM_MAX_AGE_CAP = 7200;
export const FIREFOX_MAX_AGE_CAP = 86_400;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface CorsPolicy {
  /** Exact origins, `https://app.example.com`: scheme, host, port if any. */
  allowedOrigins: readonly string[];
  /** Methods a preflight may approve; GET, HEAD, POST need none. */
  allowMethods: readonly string[];
  /** Request headers a preflight may approve, e.g. `Content-Type`. */
  allowHeaders: readonly string[];
  /** Response headers scripts may read beyond the safelisted ones. */
  exposeHeaders?: readonly string[];
  /** Let the browser send cookies and read the credentialed response. */
  credentials?: boolean;
  /** Seconds a browser may cache the preflight; Chromium caps at 7200. */
  maxAgeSeconds?: number;
}

// #region policy
/**
 * Hono's `cors()` configured from a checked policy. Every mistake below
 * throws at startup, so a bad deploy fails before it serves a request.
 */
export function corsMiddleware(policy: CorsPolicy): MiddlewareHandler {
  const origins = new Set(policy.allowedOrigins.map(exactOrigin));
  if (origins.size === 0) throw new RangeError('allowedOrigins is empty');
  const methods = policy.allowMethods.map((m) => token(m, 'method'));
  const headers = policy.allowHeaders.map((h) => token(h, 'header'));
  if (headers.length === 0) {
    // With no list, cors() echoes whatever the preflight asks for.
    throw new RangeError('allowHeaders: list the request headers you accept');
  }
  const maxAge = policy.maxAgeSeconds ?? 600;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0
    || maxAge > FIREFOX_MAX_AGE_CAP) {
    throw new RangeError(`maxAgeSeconds must be 0-86400, got ${maxAge}`);
  }
  return cors({
    // Exact string match against the Origin header: no prefix, suffix or
    // regex test that `https://app.example.com.evil.net` could pass.
    origin: (origin) => (origins.has(origin) ? origin : null),
    allowMethods: methods,
    allowHeaders: headers,
    exposeHeaders: (policy.exposeHeaders ?? []).map((h) => token(h, 'header')),
    credentials: policy.credentials ?? false,
    maxAge,
  });
}

/** `https://App.example.com/` is a URL, not an origin: say what to write. */
function exactOrigin(entry: string): string {
  if (entry === '*' || entry === 'null') {
    throw new RangeError(`allowedOrigins: "${entry}" is not allowed; ` +
      'list exact origins (sandboxed iframes and file: pages send "null")');
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new RangeError(`allowedOrigins: "${entry}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`allowedOrigins: "${entry}" is not http(s)`);
  }
  if (url.origin !== entry) {
    throw new RangeError(
      `allowedOrigins: "${entry}" must be written "${url.origin}"`);
  }
  return entry;
}
// #endregion policy

function token(value: string, what: string): string {
  if (!TOKEN.test(value)) throw new RangeError(`not a ${what} name: "${value}"`);
  return value;
}

// #region browser-check
/** The request as the browser sees it. */
export interface CorsRequest {
  /** The serialized origin of the page that called fetch(). */
  origin: string;
  credentials: 'omit' | 'same-origin' | 'include';
}

/** Fetch standard, "CORS check": may the page read this response? */
export function corsCheck(req: CorsRequest, res: Headers): boolean {
  const allowOrigin = res.get('Access-Control-Allow-Origin');
  if (allowOrigin === null) return false;
  if (req.credentials !== 'include' && allowOrigin === '*') return true;
  if (allowOrigin !== req.origin) return false; // byte for byte
  if (req.credentials !== 'include') return true;
  return res.get('Access-Control-Allow-Credentials') === 'true';
}

/**
 * "CORS-preflight fetch": the preflight passes the CORS check with an ok
 * status and covers the method and every non-safelisted header.
 */
export function preflightAllows(req: CorsRequest & {
  method: string; headers: readonly string[];
}, res: Response): boolean {
  if (!corsCheck(req, res.headers) || res.status < 200 || res.status > 299) {
    return false;
  }
  const list = (name: string) => (res.headers.get(name) ?? '')
    .split(',').map((v) => v.trim()).filter((v) => v !== '');
  const wildcard = req.credentials !== 'include'; // "*" counts only then
  const methods = list('Access-Control-Allow-Methods');
  const methodOk = ['GET', 'HEAD', 'POST'].includes(req.method)
    || methods.includes(req.method) || (wildcard && methods.includes('*'));
  const names = list('Access-Control-Allow-Headers')
    .map((h) => h.toLowerCase());
  const headerOk = (h: string) => names.includes(h.toLowerCase())
    // `*` never covers Authorization, with or without credentials.
    || (wildcard && names.includes('*') && h.toLowerCase() !== 'authorization');
  return methodOk && req.headers.every(headerOk);
}
// #endregion browser-check

if (import.meta.main) {
  let handled = 0;
  const app = new Hono();
  app.use('/api/*', corsMiddleware({
    allowedOrigins: ['https://app.example.com'],
    allowMethods: ['GET', 'PUT', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization'],
    credentials: true, maxAgeSeconds: 7200,
  }));
  app.put('/api/notes/7', (c) => { handled++; return c.json({ id: 7 }); });

  const show = async (label: string, origin: string, init: RequestInit) => {
    const res = await app.request('/api/notes/7',
      { ...init, headers: { Origin: origin, ...init.headers } });
    const acao = res.headers.get('Access-Control-Allow-Origin') ?? '(none)';
    console.log(`${label.padEnd(28)} ${res.status}  Allow-Origin: ${acao}`);
    return res;
  };
  const preflight = {
    method: 'OPTIONS', headers: {
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type',
    },
  };
  const res = await show('preflight from the app', 'https://app.example.com',
    preflight);
  for (const name of ['Allow-Methods', 'Allow-Credentials', 'Max-Age']) {
    const value = res.headers.get(`Access-Control-${name}`);
    console.log(`${''.padEnd(33)} ${name}: ${value}`);
  }
  console.log(`${''.padEnd(33)} Vary: ${res.headers.get('Vary')}`);
  await show('preflight from a look-alike',
    'https://app.example.com.evil.net', preflight);
  await show('PUT from the app', 'https://app.example.com',
    { method: 'PUT', headers: { 'Content-Type': 'application/json' },
      body: '{}' });
  console.log(`the handler ran ${handled} time: preflights never reach it`);
}
