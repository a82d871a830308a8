/**
 * End to end: a real auth service and a real users service, each on its
 * own loopback port; the users service learns keys only by fetching the
 * JWKS over HTTP. jose's JWKS cache reads Date.now(), so only Date is
 * faked: sockets and timeouts run on real timers.
 */
import { exportSPKI, importJWK, SignJWT, type CryptoKey } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signAccessToken, type Verifier } from '../security/jwt.ts';
import { createAuthApp, JWKS_PATH, serveOnLoopback } from './auth-service.ts';
import {
  createKeyRing, newSigningKey, PROPAGATION_MS, TOKEN_ACCEPT_MS, VERIFIER_CACHE_MS,
  type KeyRing, type SigningKey,
} from './jwks.ts';
import {
  createUsersApp, KeysUnavailableError, memoryProfiles, remoteKeys,
} from './users-service.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const ISS = 'https://auth.example.com';
const AUD = 'https://users.example.com';
const COOLDOWN_MS = 20_000; // not jose's default (30 s): proves it is passed on

type Server = Awaited<ReturnType<typeof serveOnLoopback>>;
let ring: KeyRing;
let auth: Server;
let users: Server;
let jwksFetches: number;
/** How the JWKS endpoint behaves: normal, a 500, or never answering. */
let jwksMode: 'up' | 'error' | 'hang';

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  ring = createKeyRing(await newSigningKey('2026-11'), Date.now);
  jwksFetches = 0;
  jwksMode = 'up';
  const authApp = createAuthApp({ iss: ISS, usersAud: AUD, ring, now: Date.now,
    authenticate: async (email) => email === 'ann@example.com'
      ? { ok: true, userId: 'user_42' } : { ok: false } });
  auth = await serveOnLoopback(async (req) => {
    if (new URL(req.url).pathname === JWKS_PATH) {
      jwksFetches++;
      if (jwksMode === 'error') return new Response('oops', { status: 500 });
      if (jwksMode === 'hang') return new Promise<Response>(() => {});
    }
    return authApp.fetch(req);
  });
  users = await startUsers(auth.url);
});

afterEach(async () => {
  await users.close();
  await auth.close();
  vi.useRealTimers();
});

function startUsers(authUrl: string, timeoutMs = 2_000) {
  const verifier: Verifier = { iss: ISS, aud: AUD, skewSeconds: 30, now: Date.now,
    key: remoteKeys({ jwksUrl: new URL(authUrl + JWKS_PATH), timeoutMs, cooldownMs: COOLDOWN_MS }) };
  return serveOnLoopback(createUsersApp(verifier,
    memoryProfiles([{ id: 'user_42', displayName: 'Ann' }])).fetch);
}

const at = (ms: number) => vi.setSystemTime(T0 + ms);
const sign = (key: SigningKey, over: { aud?: string; sub?: string; scope?: string } = {}) =>
  signAccessToken({ iss: ISS, aud: over.aud ?? AUD, privateKey: key.privateKey, kid: key.kid,
    now: Date.now }, over.sub ?? 'user_42', over.scope ?? 'profile:read');
const me = async (token?: string) => {
  const res = await fetch(`${users.url}/users/me`,
    { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: await res.json() as Record<string, unknown> };
};
const loginToken = async () => {
  const res = await fetch(`${auth.url}/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'ann@example.com', password: 'x' }) });
  return (await res.json() as { access_token: string }).access_token;
};

describe('login at the auth service, then call the users service', () => {
  it('serves the profile for a token the auth service issued', async () => {
    const res = await me(await loginToken());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'user_42', displayName: 'Ann' });
    expect(jwksFetches).toBe(1);
  });

  it('fetches the JWKS once and verifies later tokens from its cache', async () => {
    for (let i = 0; i < 5; i++) expect((await me(await loginToken())).status).toBe(200);
    expect(jwksFetches).toBe(1);
  });

  it('answers 401 without a token, for another audience or issuer, and after expiry; 403 without the scope', async () => {
    const key = ring.signingKey();
    expect((await me()).status).toBe(401);
    expect((await me(await sign(key, { aud: 'https://billing.example.com' }))).status).toBe(401);
    const other = await signAccessToken({ iss: 'https://evil.example.com', aud: AUD,
      privateKey: key.privateKey, kid: key.kid, now: Date.now }, 'user_42', 'profile:read');
    expect((await me(other)).status).toBe(401); // right key, wrong issuer
    const token = await sign(key);
    at((300 + 31) * 1000);
    expect((await me(token)).status).toBe(401);
    at(0);
    const narrow = await me(await sign(key, { scope: 'profile:write' }));
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await me(await sign(key, { sub: 'user_7' }))).status).toBe(404);
  });

  it('rejects an HS256 token keyed with the published public key, without fetching', async () => {
    const publicKey = ring.jwks().keys[0]!;
    const pem = new TextEncoder().encode(await exportSPKI(await importJWK(publicKey, 'ES256') as CryptoKey));
    const forged = await new SignJWT({ scope: 'profile:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: publicKey.kid! })
      .setIssuer(ISS).setAudience(AUD).setSubject('user_42').setJti('j')
      .setIssuedAt().setExpirationTime('5m').sign(pem);
    expect((await me(forged)).status).toBe(401);
    expect(jwksFetches).toBe(0); // the algorithm allow-list ran first
  });
});

describe('key rotation without downtime', () => {
  it('publish, wait, promote: old and new tokens both verify, with no refetch on the new kid', async () => {
    const oldKey = ring.signingKey();
    expect((await me(await sign(oldKey))).status).toBe(200); // users caches {2026-11}
    ring.publish(await newSigningKey('2026-12')); // step 1
    at(PROPAGATION_MS - 60_000);
    const oldToken = await sign(oldKey); // signed one minute before promotion
    expect((await me(oldToken)).status).toBe(200);
    const fetchesBefore = jwksFetches; // the 10-minute cache refetched by now
    expect(fetchesBefore).toBe(2);
    at(PROPAGATION_MS);
    ring.promote(); // step 2
    const newToken = await loginToken();
    expect((await me(newToken)).status).toBe(200);
    expect((await me(oldToken)).status).toBe(200); // still within its lifetime
    expect(jwksFetches).toBe(fetchesBefore); // the new kid was already known
    at(PROPAGATION_MS + TOKEN_ACCEPT_MS);
    expect(ring.prune()).toEqual(['2026-11']); // step 3
    expect((await me(await loginToken())).status).toBe(200);
  });

  it('signing with a key before verifiers have it fails until one rate-limited refetch', async () => {
    expect((await me(await sign(ring.signingKey()))).status).toBe(200); // cached at T0
    const next = await newSigningKey('2026-12');
    ring.publish(next);
    const early = await sign(next); // skipping the wait: the mistake
    at(COOLDOWN_MS - 1);
    expect((await me(early)).status).toBe(401); // in cooldown: no refetch
    expect((await me(early)).status).toBe(401);
    expect(jwksFetches).toBe(1);
    at(COOLDOWN_MS);
    expect((await me(early)).status).toBe(200); // one refetch finds it
    expect(jwksFetches).toBe(2);
  });

  it('a flood of unknown kids costs one refetch per cooldown, not one per token', async () => {
    expect((await me(await sign(ring.signingKey()))).status).toBe(200);
    at(COOLDOWN_MS);
    const strangers = await Promise.all(['x1', 'x2', 'x3', 'x4', 'x5'].map(newSigningKey));
    const statuses = [];
    for (const key of strangers) statuses.push((await me(await sign(key))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(jwksFetches).toBe(2); // the first unknown kid refetched; the rest waited
    at(2 * COOLDOWN_MS);
    expect((await me(await sign(strangers[0]!))).status).toBe(401);
    expect(jwksFetches).toBe(3);
  });
});

describe('when the JWKS endpoint is down', () => {
  it('keeps verifying with cached keys until cacheMaxAge, then answers 503, and recovers', async () => {
    const token = await loginToken();
    expect((await me(token)).status).toBe(200);
    jwksMode = 'error';
    at(VERIFIER_CACHE_MS - 1);
    const fresh = await sign(ring.signingKey());
    expect((await me(fresh)).status).toBe(200); // the cache is still fresh
    expect(jwksFetches).toBe(1);
    at(VERIFIER_CACHE_MS);
    const stale = await me(await sign(ring.signingKey()));
    expect(stale.status).toBe(503); // not 401: the token may be fine
    expect(stale.headers.get('retry-after')).toBe('5');
    expect(JSON.stringify(stale.body)).not.toContain('oops');
    jwksMode = 'up';
    expect((await me(await sign(ring.signingKey()))).status).toBe(503); // resting
    at(VERIFIER_CACHE_MS + COOLDOWN_MS);
    expect((await me(await sign(ring.signingKey()))).status).toBe(200);
  });

  it('does not refetch for every unknown kid while the endpoint fails', async () => {
    expect((await me(await sign(ring.signingKey()))).status).toBe(200);
    jwksMode = 'error';
    at(COOLDOWN_MS);
    const strangers = await Promise.all(['y1', 'y2', 'y3', 'y4'].map(newSigningKey));
    for (const key of strangers) expect((await me(await sign(key))).status).not.toBe(200);
    expect(jwksFetches).toBe(2); // one failed refetch, then a rest of one cooldown
    expect((await me(await sign(ring.signingKey()))).status).toBe(200); // cache still fresh
    at(VERIFIER_CACHE_MS);
    expect((await me(await sign(ring.signingKey()))).status).toBe(503); // stale: tries
    expect((await me(await sign(ring.signingKey()))).status).toBe(503);
    expect(jwksFetches).toBe(3); // stale and resting: 503 without another fetch
    at(VERIFIER_CACHE_MS + COOLDOWN_MS);
    jwksMode = 'up';
    expect((await me(await sign(ring.signingKey()))).status).toBe(200);
    expect(jwksFetches).toBe(4);
  });

  it('answers 503 when the auth service is gone and the cache is empty', async () => {
    await auth.close();
    const key = ring.signingKey();
    const res = await me(await sign(key));
    expect(res.status).toBe(503);
  });

  it('gives up on a JWKS fetch that hangs after its timeout', async () => {
    await users.close();
    users = await startUsers(auth.url, 50);
    jwksMode = 'hang';
    const token = await sign(ring.signingKey());
    const started = performance.now(); // Date is faked; this clock is not
    const res = await me(token);
    expect(res.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1_000); // jose's default is 5 s
  });
});

describe('remoteKeys', () => {
  it('refuses a plain-http JWKS URL off loopback', () => {
    expect(() => remoteKeys({ jwksUrl: new URL('http://auth.example.com/jwks.json') }))
      .toThrow(TypeError);
    expect(() => remoteKeys({ jwksUrl: new URL('http://10.0.0.5/jwks.json') })).toThrow(TypeError);
    expect(() => remoteKeys({ jwksUrl: new URL('file:///etc/passwd') })).toThrow(TypeError);
    expect(() => remoteKeys({ jwksUrl: new URL('https://auth.example.com/jwks.json') })).not.toThrow();
    expect(() => remoteKeys({ jwksUrl: new URL('http://127.0.0.1:1/jwks.json') })).not.toThrow();
  });

  it('passes an unknown kid through as jose\'s error, for a 401', async () => {
    const { errors } = await import('jose');
    const keys = remoteKeys({ jwksUrl: new URL(auth.url + JWKS_PATH) });
    await expect(keys({ alg: 'ES256', kid: 'nope' }, { payload: '', signature: '' }))
      .rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('reports an unreachable key set as KeysUnavailableError', async () => {
    await auth.close();
    const keys = remoteKeys({ jwksUrl: new URL(auth.url + JWKS_PATH), timeoutMs: 200 });
    await expect(keys({ alg: 'ES256', kid: 'k' }, { payload: '', signature: '' }))
      .rejects.toBeInstanceOf(KeysUnavailableError);
  });
});
