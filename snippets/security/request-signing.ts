/**
 * Signed API requests: the client signs the canonical request (method,
 * path, sorted query, selected headers, body hash; canonical-request.ts)
 * together with a key id, a timestamp and a nonce, using HMAC-SHA256 and a
 * secret it shares with the server. The server recomputes the signature
 * over what it received, compares in constant time, rejects timestamps
 * outside a window in either direction, and records the nonce before the
 * handler runs, so a captured request cannot be played again.
 *
 * Unlike webhook ids (Q97, replay-cache.ts), a nonce is never released and
 * never evicted: a client retry signs again with a new nonce, so a repeated
 * nonce is always a copy, and a forgotten live nonce reopens a captured
 * request.
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-7.2.2
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { statusProblem } from '../http/problem.ts';
import {
  CanonicalError, canonicalRequest, type RequestParts,
} from './canonical-request.ts';

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const MIN_SECRET_BYTES = 32;
/** Covered on every request; the server's policy, never the client's. */
export const SIGNED_HEADERS = ['host', 'x-key-id', 'x-nonce', 'x-timestamp'];
const ALGORITHM = 'REQ1-HMAC-SHA256'; // versions the scheme itself
const KEY_ID = /^[\w-]{1,64}$/;
const NONCE = /^[\w-]{16,128}$/;
const SECONDS = /^\d{1,15}$/;
const HEX_MAC = /^[0-9a-f]{64}$/;

export type Keys = ReadonlyMap<string, Uint8Array>;
export type Failure = 'missing-header' | 'malformed' | 'unknown-key'
  | 'stale' | 'future' | 'bad-signature';
export type Verified =
  | { ok: true; keyId: string; nonce: string; freshUntil: number }
  | { ok: false; reason: Failure };

// #region sign
export interface SignInput {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  keyId: string;
  secret: Uint8Array;
  /** Unix seconds when this attempt is sent; a retry signs again. */
  now: number;
  /** Fresh for every attempt: 16+ random bytes, base64url. */
  nonce: string;
  signedHeaders?: readonly string[];
}

/**
 * The request's headers plus `x-key-id`, `-timestamp`, `-nonce` and
 * `-signature`.
 */
export function signRequest(input: SignInput): Headers {
  checkSecret(input.secret);
  const url = new URL(input.url);
  const headers = new Headers(input.headers);
  headers.set('host', url.host);
  headers.set('x-key-id', input.keyId);
  headers.set('x-timestamp', String(input.now));
  headers.set('x-nonce', input.nonce);
  const canonical = canonicalRequest({ method: input.method, headers,
    target: url.pathname + url.search, body: input.body ?? '' },
  input.signedHeaders ?? SIGNED_HEADERS);
  headers.set('x-signature', mac(input.secret, canonical).toString('hex'));
  return headers;
}

function mac(secret: Uint8Array, canonical: string): Buffer {
  return createHmac('sha256', secret)
    .update(`${ALGORITHM}\n${canonical}`).digest();
}
// #endregion sign

// #region verify
export interface VerifyOptions {
  keys: Keys;
  /** Current Unix time in seconds. */
  now: () => number;
  toleranceSeconds?: number;
  signedHeaders?: readonly string[];
}

/** Never throws for what a client sends: every failure is a reason. */
export function verifyRequest(req: RequestParts,
  opts: VerifyOptions): Verified {
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const get = (name: string) => req.headers.get(name);
  const [keyId, ts, nonce, sig] = ['x-key-id', 'x-timestamp', 'x-nonce',
    'x-signature'].map(get);
  if (!keyId || !ts || !nonce || !sig) return fail('missing-header');
  if (!KEY_ID.test(keyId) || !SECONDS.test(ts) || !NONCE.test(nonce)
    || !HEX_MAC.test(sig)) return fail('malformed');
  const secret = opts.keys.get(keyId); // the key id picks the secret
  if (secret === undefined) return fail('unknown-key');

  // Both directions: a clock running fast must not mint long-lived requests.
  const age = opts.now() - Number(ts);
  if (age > tolerance) return fail('stale');
  if (age < -tolerance) return fail('future');

  let canonical: string;
  try {
    canonical = canonicalRequest(req, opts.signedHeaders ?? SIGNED_HEADERS);
  } catch (error) {
    if (error instanceof CanonicalError) return fail('malformed');
    throw error;
  }
  const expected = mac(secret, canonical);
  const given = Buffer.from(sig, 'hex');
  // timingSafeEqual throws on unequal lengths; the regex fixed it at 32.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail('bad-signature');
  }
  return { ok: true, keyId, nonce, freshUntil: Number(ts) + tolerance };
}
// #endregion verify

/** Secrets are random bytes; a short or missing one fails at startup. */
export function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(`secret: needs ${MIN_SECRET_BYTES}+ random bytes`);
  }
}

function fail(reason: Failure): Verified {
  return { ok: false, reason };
}

// #region nonces
/** Where nonces live: in one process, or Redis `SET NX`, or a table. */
export interface NonceStore {
  /**
   * Records `key` until `until` (Unix seconds) and says whether it was
   * new. Atomic: of two calls with one key, exactly one gets true.
   */
  add(key: string, until: number): boolean | Promise<boolean>;
}

/**
 * Nonces in one process. When full of live ones it throws (the request is
 * refused) instead of evicting one: any key holder can send enough signed
 * requests to fill it, and an evicted nonce lets its captured request in.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #until = new Map<string, number>();
  readonly #now: () => number;
  readonly #max: number;

  constructor({ now, maxEntries = 100_000 }: {
    now: () => number; maxEntries?: number;
  }) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be 1 or more, got ${maxEntries}`);
    }
    this.#now = now;
    this.#max = maxEntries;
  }

  add(key: string, until: number): boolean {
    const now = this.#now();
    const known = this.#until.get(key);
    if (known !== undefined && known >= now) return false; // a copy
    if (this.#until.size >= this.#max) this.#forgetStale(now);
    if (this.#until.size >= this.#max) {
      throw new Error('nonce store full: refusing rather than forgetting');
    }
    this.#until.set(key, until);
    return true;
  }

  #forgetStale(now: number): void {
    for (const [key, until] of this.#until) {
      if (until < now) this.#until.delete(key); // its timestamp is stale
    }
  }
}

export interface GuardOptions extends VerifyOptions {
  nonces: NonceStore;
  maxBodyBytes?: number;
  /** Our logs get the reason; the client gets the same 403 for all. */
  onReject?: (reason: Failure | 'replay', keyId: string | null) => void;
}

export type Signed = { Variables: { keyId: string } };

/** Two middlewares: a body size cap, then the check. Spread them in use(). */
export function requireSignature(opts: GuardOptions):
  MiddlewareHandler<Signed>[] {
  for (const secret of opts.keys.values()) checkSecret(secret);
  const limit = bodyLimit({ maxSize: opts.maxBodyBytes ?? 1024 * 1024,
    onError: () => statusProblem(413) });
  return [limit, async (c, next) => {
    const url = new URL(c.req.url);
    const headers = new Headers(c.req.raw.headers);
    headers.set('host', url.host);
    const result = verifyRequest({ method: c.req.method, headers,
      target: url.pathname + url.search,
      body: new Uint8Array(await c.req.arrayBuffer()) }, opts);
    if (!result.ok) {
      opts.onReject?.(result.reason, null);
      const unreadable = result.reason === 'missing-header'
        || result.reason === 'malformed';
      return reject(unreadable ? 400 : 403);
    }
    // Stored before the handler runs, and awaited: a copy sent at the same
    // moment finds it, and nothing runs for a nonce we failed to store.
    const key = `${result.keyId}:${result.nonce}`;
    if (!await opts.nonces.add(key, result.freshUntil)) {
      opts.onReject?.('replay', result.keyId);
      return reject(403);
    }
    c.set('keyId', result.keyId);
    await next();
  }];
}
// #endregion nonces

function reject(status: 400 | 403): Response {
  return statusProblem(status, 'The request signature was not accepted.');
}

if (import.meta.main) {
  const { Hono } = await import('hono');
  const { randomBytes } = await import('node:crypto');
  let clock = 1_764_669_600;
  const secret = new Uint8Array(32).fill(7); // demo only: use randomBytes
  let logged = '';
  const keys = new Map([['k_2026_11', secret]]);
  const app = new Hono<Signed>();
  app.use('/v1/*', ...requireSignature({ keys, now: () => clock,
    nonces: new MemoryNonceStore({ now: () => clock }),
    onReject: (reason) => { logged = reason; } }));
  app.post('/v1/orders', (c) => c.json({ by: c.get('keyId') }, 201));

  const body = '{"sku":"A-1","qty":2}';
  const sign = (at: number) => signRequest({ method: 'POST', keyId: 'k_2026_11',
    url: 'http://localhost/v1/orders?src=app', body, secret, now: at,
    nonce: randomBytes(16).toString('base64url') });
  const send = async (label: string, headers: Headers, init: {
    body?: string; target?: string } = {}) => {
    const res = await app.request(init.target ?? '/v1/orders?src=app',
      { method: 'POST', headers, body: init.body ?? body });
    console.log(`${label.padEnd(22)} -> ${res.status} ${logged}`.trimEnd());
    logged = '';
  };
  const signed = sign(clock);
  await send('signed request', signed);
  await send('same request again', signed);
  await send('body changed', sign(clock), { body: body.replace('2', '200') });
  await send('query changed', sign(clock), { target: '/v1/orders?src=evil' });
  await send('signed 301 s ago', sign(clock - 301));
  await send('signed 301 s ahead', sign(clock + 301));
  clock += 60;
  await send('retry, signed again', sign(clock));
}
