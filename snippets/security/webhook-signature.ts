/**
 * Webhook signing and verification in the Standard Webhooks format: the
 * sender signs `id.timestamp.body` with HMAC-SHA256 and sends `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64> …]`.
 * Verification never throws for anything a caller sends; it returns a typed
 * reason. It throws only for bad configuration (secrets, tolerance).
 *
 * It answers "is this authentic and fresh?", not "is this new?": a copy of
 * a valid delivery verifies again. Whether the id was already handled is
 * the receiver's question (see webhook-receiver.ts and replay-cache.ts).
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * 5 minutes, the default of Stripe's and of the Standard Webhooks libraries.
 * Stripe's libraries apply it only to old timestamps; Standard Webhooks'
 * also reject timestamps that far ahead, and so does this module.
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Standard Webhooks asks for at least 24 random bytes of key. */
export const MIN_KEY_BYTES = 24;
const MAX_SIGNATURE_HEADER = 2048;
// No "." in ids: `a.1` + `2.x` and `a` + `1.2.x` would sign the same bytes.
const ID = /^[\w-]{1,255}$/;
const SECONDS = /^\d{1,15}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type VerifyFailure =
  | 'missing-header' | 'malformed' | 'stale' | 'future'
  | 'bad-signature';

export type VerifyResult =
  | {
    ok: true; id: string; timestamp: number;
    /** The last second (Unix) at which a copy of this could still pass. */
    freshUntil: number;
  }
  | { ok: false; reason: VerifyFailure };

type Body = string | Uint8Array;

export interface SignInput {
  id: string;
  /** Unix time in seconds when this attempt is sent. */
  timestamp: number;
  /** The exact bytes that will go on the wire. */
  body: Body;
  secret: string;
}

export interface VerifyInput {
  headers: Headers;
  /** The request body as received: bytes, never re-serialized JSON. */
  rawBody: Body;
  /** Current secret first; the previous one too while rotating. */
  secrets: readonly string[];
  /** Current Unix time in seconds. */
  now: () => number;
  toleranceSeconds?: number;
}

// #region sign
/**
 * HMAC key bytes for a configured secret: `whsec_<base64>` carries raw key
 * bytes (the Standard Webhooks format); any other string is used as UTF-8.
 */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith('whsec_') ? secret.slice(6) : null;
  if (b64 !== null && !BASE64.test(b64)) {
    throw new TypeError('secret: the part after "whsec_" must be base64');
  }
  const key = b64 === null
    ? Buffer.from(secret, 'utf8')
    : Buffer.from(b64, 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new RangeError(
      `secret: needs ${MIN_KEY_BYTES}+ bytes of key, got ${key.length}`);
  }
  return key;
}

function hmac(key: Buffer, id: string, ts: string, body: Body): Buffer {
  return createHmac('sha256', key)
    .update(`${id}.${ts}.`)
    .update(body) // the bytes on the wire, exactly
    .digest();
}

/** Signs one attempt; returns a `webhook-signature` entry `v1,<base64>`. */
export function signWebhook(input: SignInput): string {
  const { id, timestamp, body, secret } = input;
  if (!ID.test(id)) throw new TypeError(`id must match ${ID}, got "${id}"`);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`timestamp must be Unix seconds, got ${timestamp}`);
  }
  const mac = hmac(secretKey(secret), id, String(timestamp), body);
  return `v1,${mac.toString('base64')}`;
}
// #endregion sign

// #region verify
/**
 * Checks a delivery. Whatever the caller sends yields a typed reason, never
 * an exception; only bad configuration (secrets, tolerance) throws.
 */
export function verifyWebhook(input: VerifyInput): VerifyResult {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isSafeInteger(tolerance) || tolerance <= 0) {
    throw new RangeError(`toleranceSeconds must be > 0, got ${tolerance}`);
  }
  const keys = secretKeys(input.secrets);

  const id = input.headers.get('webhook-id');
  const ts = input.headers.get('webhook-timestamp');
  const header = input.headers.get('webhook-signature');
  if (!id || !ts || !header) return fail('missing-header');
  if (!ID.test(id) || !SECONDS.test(ts)) return fail('malformed');
  const signatures = parseSignatures(header);
  if (signatures.length === 0) return fail('malformed');

  // Cheap checks first: the timestamp is signed, so forging it won't help.
  // Stripe's libraries make only the first check; like the Standard
  // Webhooks libraries, we also refuse timestamps too far in the future.
  const timestamp = Number(ts);
  const age = input.now() - timestamp;
  if (age > tolerance) return fail('stale');
  if (age < -tolerance) return fail('future');

  const valid = keys.some((key) => {
    const expected = hmac(key, id, ts, input.rawBody);
    return signatures.some((sig) =>
      sig.length === expected.length && timingSafeEqual(sig, expected));
  });
  if (!valid) return fail('bad-signature');
  return { ok: true, id, timestamp, freshUntil: timestamp + tolerance };
}

/** `v1,<base64>` entries, space-separated; other schemes are skipped. */
function parseSignatures(header: string): Buffer[] {
  if (header.length > MAX_SIGNATURE_HEADER) return [];
  return header.split(' ')
    .filter((e) => e.length > 3 && e.startsWith('v1,'))
    .map((e) => e.slice(3))
    .filter((b64) => BASE64.test(b64))
    .map((b64) => Buffer.from(b64, 'base64'));
}
// #endregion verify

/** Keys for a secret list; throws when the list is empty or a secret bad. */
export function secretKeys(secrets: readonly string[]): Buffer[] {
  if (secrets.length === 0) throw new RangeError('secrets: the list is empty');
  return secrets.map(secretKey);
}

function fail(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason };
}

if (import.meta.main) {
  const secret = 'whsec_' + Buffer.from('demo key: 32 bytes of secret!!!!')
    .toString('base64');
  const oldSecret = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
  let clock = 1_750_000_000;
  const body = '{"type":"invoice.paid","data":{"invoice":"in_42"}}';

  const deliver = (label: string, id: string, sent: number, opts: {
    body?: string; signWith?: string; secrets?: string[];
  } = {}) => {
    const sig = signWebhook({
      id, timestamp: sent, body, secret: opts.signWith ?? secret });
    const headers = new Headers({ 'webhook-id': id,
      'webhook-timestamp': String(sent), 'webhook-signature': sig });
    const r = verifyWebhook({ headers, rawBody: opts.body ?? body,
      secrets: opts.secrets ?? [secret], now: () => clock });
    console.log(`${label.padEnd(26)} -> ${r.ok ? 'ok' : r.reason}`);
  };

  deliver('valid delivery', 'msg_1', clock);
  deliver('tampered body', 'msg_2', clock,
    { body: body.replace('in_42', 'in_43') });
  deliver('re-serialized JSON', 'msg_3', clock,
    { body: JSON.stringify(JSON.parse(body), null, 1) });
  deliver('same delivery again', 'msg_1', clock);
  deliver('wrong secret', 'msg_4', clock, { signWith: oldSecret });
  deliver('old secret, still listed', 'msg_5', clock,
    { signWith: oldSecret, secrets: [secret, oldSecret] });
  clock += 301;
  deliver('stale (sent 301 s ago)', 'msg_6', clock - 301);
  deliver('future (301 s ahead)', 'msg_7', clock + 301);
}
