import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { LIFETIME_SECONDS, MAX_SKEW_SECONDS, signAccessToken, verifyAccessToken } from '../security/jwt.ts';
import {
  createKeyRing, JWKS_MAX_AGE_SECONDS, jwksResponse, newSigningKey, PROPAGATION_MS,
  TOKEN_ACCEPT_MS, VERIFIER_CACHE_MS, type SigningKey,
} from './jwks.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const clock = () => { let t = T0; return { now: () => t, set: (ms: number) => { t = ms; } }; };
const kids = (ring: ReturnType<typeof createKeyRing>) => ring.jwks().keys.map((k) => k.kid);

describe('newSigningKey', () => {
  it('publishes only the public members, labeled for one algorithm and use', async () => {
    const key = await newSigningKey('2026-12');
    expect(Object.keys(key.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: '2026-12', alg: 'ES256', use: 'sig' });
    expect(key.privateKey.type).toBe('private');
  });

  it('refuses a kid that is empty, too long or has other characters', async () => {
    for (const kid of ['', 'k'.repeat(65), '../keys', 'a b', 'k"}']) {
      await expect(newSigningKey(kid)).rejects.toThrow(RangeError);
    }
    await expect(newSigningKey('k'.repeat(64))).resolves.toBeDefined();
  });
});

describe('timing constants', () => {
  it('waits out both the HTTP cache and the verifier cache before signing', () => {
    expect(PROPAGATION_MS).toBe(JWKS_MAX_AGE_SECONDS * 1000 + VERIFIER_CACHE_MS);
    expect(VERIFIER_CACHE_MS).toBe(600_000); // jose's default cacheMaxAge
  });

  it('keeps a retired key for a token lifetime plus the largest skew', () => {
    expect(TOKEN_ACCEPT_MS).toBe((LIFETIME_SECONDS + MAX_SKEW_SECONDS) * 1000);
  });
});

describe('createKeyRing: publish, promote, prune', () => {
  it('lets the first key sign at once and publishes it', async () => {
    const c = clock();
    const ring = createKeyRing(await newSigningKey('a'), c.now);
    expect(ring.signingKey().kid).toBe('a');
    expect(kids(ring)).toEqual(['a']);
  });

  it('publishes the next key without signing with it', async () => {
    const c = clock();
    const ring = createKeyRing(await newSigningKey('a'), c.now);
    ring.publish(await newSigningKey('b'));
    expect(ring.signingKey().kid).toBe('a');
    expect(kids(ring)).toEqual(['a', 'b']);
  });

  it('refuses to promote until the propagation time has passed, to the millisecond', async () => {
    const c = clock();
    const ring = createKeyRing(await newSigningKey('a'), c.now);
    c.set(T0 + 5_000);
    ring.publish(await newSigningKey('b'));
    c.set(T0 + 5_000 + PROPAGATION_MS - 1);
    expect(() => ring.promote()).toThrow('promote b in 1 ms');
    expect(ring.signingKey().kid).toBe('a');
    c.set(T0 + 5_000 + PROPAGATION_MS);
    ring.promote();
    expect(ring.signingKey().kid).toBe('b');
    expect(kids(ring)).toEqual(['b', 'a']); // the old key is still published
  });

  it('keeps the old key until its last token has expired, then drops it', async () => {
    const c = clock();
    const ring = createKeyRing(await newSigningKey('a'), c.now);
    ring.publish(await newSigningKey('b'));
    const promotedAt = T0 + PROPAGATION_MS;
    c.set(promotedAt);
    ring.promote();
    c.set(promotedAt + TOKEN_ACCEPT_MS - 1);
    expect(ring.prune()).toEqual([]);
    expect(kids(ring)).toEqual(['b', 'a']);
    c.set(promotedAt + TOKEN_ACCEPT_MS);
    expect(ring.prune()).toEqual(['a']);
    expect(kids(ring)).toEqual(['b']);
  });

  it('a token signed just before promotion still verifies against the published set', async () => {
    const c = clock();
    const a = await newSigningKey('a');
    const ring = createKeyRing(a, c.now);
    ring.publish(await newSigningKey('b'));
    const promotedAt = T0 + PROPAGATION_MS;
    c.set(promotedAt - 1000);
    const issuer = { iss: 'https://auth', aud: 'https://users', now: c.now };
    const old = await signAccessToken({ ...issuer, privateKey: a.privateKey, kid: 'a' }, 'u1', 's');
    c.set(promotedAt);
    ring.promote();
    const prune = promotedAt + (LIFETIME_SECONDS + 30) * 1000 - 1001; // last ms it can verify
    c.set(prune);
    ring.prune();
    const verify = (token: string) => verifyAccessToken(token, {
      iss: issuer.iss, aud: issuer.aud, key: createLocalJWKSet(ring.jwks()), skewSeconds: 30, now: c.now });
    expect((await verify(old)).ok).toBe(true);
    const fresh = await signAccessToken({ ...issuer, privateKey: ring.signingKey().privateKey,
      kid: ring.signingKey().kid }, 'u1', 's');
    expect((await verify(fresh)).ok).toBe(true);
  });

  it('refuses a second pending key, a reused kid and a promotion with nothing published', async () => {
    const c = clock();
    const ring = createKeyRing(await newSigningKey('a'), c.now);
    expect(() => ring.promote()).toThrow('publish a key before promoting one');
    await expect(newSigningKey('a').then((k) => ring.publish(k))).rejects.toThrow('kid a reused');
    ring.publish(await newSigningKey('b'));
    await expect(newSigningKey('c').then((k) => ring.publish(k))).rejects.toThrow('key b is already waiting');
    c.set(T0 + PROPAGATION_MS);
    ring.promote();
    // A retired or pruned kid cannot come back: a cached old JWK would match it.
    await expect(newSigningKey('a').then((k) => ring.publish(k))).rejects.toThrow('kid a reused');
    c.set(T0 + PROPAGATION_MS + TOKEN_ACCEPT_MS);
    expect(ring.prune()).toEqual(['a']);
    await expect(newSigningKey('a').then((k) => ring.publish(k))).rejects.toThrow('kid a reused');
    await expect(newSigningKey('b').then((k) => ring.publish(k))).rejects.toThrow('kid b reused');
  });

  it('hands out copies: editing the document does not edit the ring', async () => {
    const ring = createKeyRing(await newSigningKey('a'), clock().now);
    const doc = ring.jwks();
    doc.keys[0]!.kid = 'evil';
    doc.keys.push({ kty: 'oct' });
    expect(kids(ring)).toEqual(['a']);
  });
});

describe('jwksResponse', () => {
  it('serves the set as application/jwk-set+json with a shared-cache lifetime', async () => {
    const ring = createKeyRing(await newSigningKey('a'), clock().now);
    const res = jwksResponse(ring);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/jwk-set+json');
    expect(res.headers.get('Cache-Control')).toBe(`public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    const body = await res.json() as { keys: Record<string, unknown>[] };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).not.toHaveProperty('d');
  });

  it('refuses to publish a key with a private member', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const leaked: SigningKey = { kid: 'x', privateKey,
      publicJwk: { ...(await exportJWK(privateKey)), kid: 'x' } };
    expect(leaked.publicJwk.d).toBeDefined();
    const ring = createKeyRing(leaked, clock().now);
    expect(() => jwksResponse(ring)).toThrow('private key in JWKS');
  });

  it('refuses every private member, not only "d": RSA primes, a symmetric "k"', async () => {
    const key = await newSigningKey('x');
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']) {
      const leaked: SigningKey = { ...key, publicJwk: { ...key.publicJwk, [member]: 'secret' } };
      expect(() => jwksResponse(createKeyRing(leaked, clock().now)), member)
        .toThrow('private key in JWKS');
    }
  });
});
