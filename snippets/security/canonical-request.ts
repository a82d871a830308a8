/**
 * The canonical form of an HTTP request that request-signing.ts signs,
 * modelled on AWS Signature Version 4's canonical request: one line per
 * part, each encoded the same way on both sides, so that the client and
 * the server hash the same bytes for the same request however a library
 * or proxy happened to order, escape or space it.
 *
 * No line can contain a newline: the method is a token, the path and query
 * are percent-encoded here, header values cannot hold one (the `Headers`
 * class refuses them) and the body is represented by its SHA-256. So no two
 * different requests share a canonical form.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash } from 'node:crypto';

export interface RequestParts {
  method: string;
  /** Path and query as sent: `/v1/orders?limit=10&status=open`. */
  target: string;
  headers: Headers;
  /** The body bytes exactly as received ('' when there is none). */
  body: string | Uint8Array;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_TARGET = 8192;

/** Thrown for a request that has no canonical form. */
export class CanonicalError extends Error {}

// #region canonical
/**
 * `signedHeaders` is the server's policy, not the client's choice: the
 * verifier decides what must be covered, so nothing can be left out.
 */
export function canonicalRequest(req: RequestParts,
  signedHeaders: readonly string[]): string {
  if (!TOKEN.test(req.method)) throw new CanonicalError('bad method');
  if (req.target.length > MAX_TARGET || !req.target.startsWith('/')) {
    throw new CanonicalError('target must be an origin-form path');
  }
  const q = req.target.indexOf('?');
  const path = q === -1 ? req.target : req.target.slice(0, q);
  const query = q === -1 ? '' : req.target.slice(q + 1);
  const names = [...signedHeaders].map((h) => h.toLowerCase()).sort();
  return [
    req.method, // case-sensitive: `post` is not `POST`
    canonicalPath(path),
    canonicalQuery(query),
    ...names.map((name) => `${name}:${headerValue(req.headers, name)}`),
    names.join(';'),
    sha256Hex(req.body),
  ].join('\n');
}

/** Each segment decoded, then encoded again one way; no dot segments. */
function canonicalPath(path: string): string {
  return path.split('/').map((segment) => {
    const decoded = decode(segment);
    if (decoded === '.' || decoded === '..') {
      throw new CanonicalError('dot segments are not allowed');
    }
    return encode(decoded);
  }).join('/');
}

/**
 * Pairs decoded as the application will read them (a `+` is a space, as
 * URLSearchParams has it), encoded again, sorted by name. The values of a
 * repeated name keep their order (the sort is stable): `?to=a&to=b` and
 * `?to=b&to=a` mean different things to code that reads the first one.
 */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  const form = (s: string) => encode(decode(s.replaceAll('+', ' ')));
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    return [form(name), form(value)] as const;
  })
    .sort(([n1], [n2]) => compare(n1, n2))
    .map(([name, value]) => `${name}=${value}`).join('&');
}

/** Trimmed, inner runs of spaces collapsed; a missing header is an error. */
function headerValue(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (value === null) throw new CanonicalError(`missing header: ${name}`);
  return value.trim().replace(/\s+/g, ' ');
}
// #endregion canonical

/** RFC 3986 unreserved characters stay; every other byte becomes %XX. */
export function encode(text: string): string {
  if (!text.isWellFormed()) {
    throw new CanonicalError('not well-formed Unicode (lone surrogate)');
  }
  return encodeURIComponent(text).replace(/[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new CanonicalError('malformed percent-encoding');
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // code units, not the locale
}

export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

if (import.meta.main) {
  const headers = new Headers({
    Host: 'api.example.com', 'Content-Type': 'application/json',
    'X-Key-Id': 'k_2026_11', 'X-Timestamp': '1764669600',
    'X-Nonce': 'c2lnbmVkLW9uY2U',
  });
  const signed = ['host', 'content-type', 'x-key-id', 'x-timestamp',
    'x-nonce'];
  const one = canonicalRequest({ method: 'POST', headers,
    target: '/v1/orders/a%2Fb?status=open&limit=10&tag=new%20user',
    body: '{"sku":"A-1","qty":2}' }, signed);
  console.log(one);
  const two = canonicalRequest({ method: 'POST', headers,
    target: '/v1/orders/a%2fb?tag=new+user&limit=10&status=open',
    body: '{"sku":"A-1","qty":2}' }, signed);
  console.log(`\nsame request, other order and escaping: ${one === two}`);
}
