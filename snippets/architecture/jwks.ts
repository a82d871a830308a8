/**
 * The auth service's signing keys and the JWK Set it publishes
 * (RFC 7517 §5). A key is published before it signs, signs until the next
 * one takes over, and stays published until every token it signed has
 * expired, so a verifier never meets a `kid` it cannot find.
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { LIFETIME_SECONDS, MAX_SKEW_SECONDS } from '../security/jwt.ts';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey; // never leaves the auth service
  publicJwk: JWK; // kty, crv, x, y, kid, alg, use: what verifiers get
}

/** A fresh ES256 key pair, its public half as a JWK (RFC 7517 §4). */
export async function newSigningKey(kid: string): Promise<SigningKey> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(kid)) {
    throw new RangeError(`kid must be 1-64 of [A-Za-z0-9_-], got "${kid}"`);
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const { kty, crv, x, y } = await exportJWK(publicKey); // no "d"
  return { kid, privateKey,
    publicJwk: { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' } };
}

// #region timing
/** Cache-Control max-age of the JWKS response, for a CDN or proxy. */
export const JWKS_MAX_AGE_SECONDS = 300;
/** How long a verifier keeps a fetched set (jose's cacheMaxAge). */
export const VERIFIER_CACHE_MS = 10 * 60_000;
/** A published key may sign once every cache has had time to see it. */
export const PROPAGATION_MS = JWKS_MAX_AGE_SECONDS * 1000 + VERIFIER_CACHE_MS;
/** A key that stopped signing stays until its last token has expired. */
export const TOKEN_ACCEPT_MS = (LIFETIME_SECONDS + MAX_SKEW_SECONDS) * 1000;
// #endregion timing

// #region key-ring
type Entry = SigningKey & { publishedAt: number; retiredAt?: number };

/** Publish, promote, prune: each step refuses to run too early. */
export function createKeyRing(first: SigningKey, now: () => number) {
  // Nobody has cached a set yet, so the first key may sign at once.
  let current: Entry = { ...first, publishedAt: now() };
  let next: Entry | undefined;
  let retired: Entry[] = [];
  const used = new Set([first.kid]); // a kid is never reused, even pruned
  return {
    /** Step 1: publish the next key; it does not sign yet. */
    publish(key: SigningKey): void {
      if (next) throw new Error(`key ${next.kid} is already waiting`);
      if (used.has(key.kid)) throw new Error(`kid ${key.kid} reused`);
      used.add(key.kid);
      next = { ...key, publishedAt: now() };
    },
    /** Step 2: sign with it, once every verifier can have fetched it. */
    promote(): void {
      if (!next) throw new Error('publish a key before promoting one');
      const wait = next.publishedAt + PROPAGATION_MS - now();
      if (wait > 0) throw new Error(`promote ${next.kid} in ${wait} ms`);
      retired.push({ ...current, retiredAt: now() });
      [current, next] = [next, undefined];
    },
    /** Step 3: drop old keys whose last token can no longer verify. */
    prune(): string[] {
      const gone = retired
        .filter((k) => now() >= k.retiredAt! + TOKEN_ACCEPT_MS);
      retired = retired.filter((k) => !gone.includes(k));
      return gone.map((k) => k.kid);
    },
    signingKey: (): SigningKey => current,
    /** The JWK Set document (RFC 7517 §5): public halves only. */
    jwks: (): { keys: JWK[] } => ({
      keys: [current, ...(next ? [next] : []), ...retired]
        .map((k) => ({ ...k.publicJwk })),
    }),
  };
}
export type KeyRing = ReturnType<typeof createKeyRing>;
// #endregion key-ring

// #region publish
/** Private or secret members: RFC 7518 §6, and `priv` of ML-DSA keys. */
const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

/** GET /jwks.json: cacheable, and public keys only. */
export function jwksResponse(ring: KeyRing): Response {
  const body = ring.jwks();
  if (body.keys.some((key) => PRIVATE.some((m) => m in key))) {
    throw new Error('private key in JWKS');
  }
  return new Response(JSON.stringify(body), { headers: {
    'Content-Type': 'application/jwk-set+json', // registered by RFC 7517
    'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
  } });
}
// #endregion publish

if (import.meta.main) {
  const t0 = Date.UTC(2026, 11, 2, 9, 0, 0);
  let now = t0;
  const min = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const ring = createKeyRing(await newSigningKey('2026-11'), () => now);
  const show = (step: string) => console.log(`${min(now)}  ${step.padEnd(24)}`
    + ` signs: ${ring.signingKey().kid}  published: ${
      ring.jwks().keys.map((k) => k.kid).join(', ')}`);
  show('start');
  ring.publish(await newSigningKey('2026-12'));
  show('publish 2026-12');
  now += 60_000;
  try { ring.promote(); } catch (e) { console.log(`${min(now)}  refused: ${(e as Error).message}`); }
  now = t0 + PROPAGATION_MS;
  ring.promote();
  show('promote 2026-12');
  now += TOKEN_ACCEPT_MS - 1000;
  console.log(`${min(now)}  prune removes: [${ring.prune().join(', ')}]`);
  now += 1000;
  console.log(`${min(now)}  prune removes: [${ring.prune().join(', ')}]`);
  show('after prune');
}
