import { createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { LIFETIME_SECONDS, verifyAccessToken } from '../security/jwt.ts';
import { authenticate, makeDummyHash } from '../security/login.ts';
import { hashPassword } from '../security/password-hash.ts';
import { AUTH_SCHEMA, createUser } from '../security/user-store.ts';
import { createAuthApp, JWKS_PATH, serveOnLoopback } from './auth-service.ts';
import { createKeyRing, newSigningKey, PROPAGATION_MS, type KeyRing } from './jwks.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const ISS = 'https://auth.example.com';
const AUD = 'https://users.example.com';
const ANN = '00000000-0000-4000-8000-000000000001';
const PW = 'correct horse battery staple';
const db = useDatabase(AUTH_SCHEMA, { reset: 'TRUNCATE users CASCADE' });

let now = T0;
let ring: KeyRing;
let server: Awaited<ReturnType<typeof serveOnLoopback>>;
let annHash: string;
let checks = 0; // password checks the service ran
beforeAll(async () => {
  let dummyHash: string;
  [annHash, dummyHash] = await Promise.all([hashPassword(PW), makeDummyHash()]);
  ring = createKeyRing(await newSigningKey('2026-11'), () => now);
  // The auth service's own database: Q29's authenticate over it.
  const app = createAuthApp({ iss: ISS, usersAud: AUD, ring, now: () => now,
    authenticate: (email, password) => {
      checks++;
      return authenticate(db(), email, password, { dummyHash });
    } });
  server = await serveOnLoopback(app.fetch);
});
beforeEach(async () => {
  checks = 0;
  await createUser(db(), { id: ANN, email: 'ann@example.com', passwordHash: annHash,
    createdAt: new Date(T0) });
});
afterAll(() => server.close());

const post = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  fetch(`${server.url}/login`, { method: 'POST', headers, body });
const login = (email: string, password: string) => post(JSON.stringify({ email, password }));

describe('POST /login over real HTTP', () => {
  it('returns a short-lived token for the users service, signed by the current key', async () => {
    const res = await login('ann@example.com', PW);
    expect(res.status).toBe(200);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    const body = await res.json() as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: LIFETIME_SECONDS });
    expect(decodeProtectedHeader(body.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: '2026-11' });
    const verified = await verifyAccessToken(body.access_token, { iss: ISS, aud: AUD,
      key: createLocalJWKSet(ring.jwks()), skewSeconds: 0, now: () => now });
    expect(verified).toMatchObject({ ok: true, claims: { sub: ANN, scope: 'profile:read profile:write' } });
  });

  it('keeps signing with the current key while the next one is only published', async () => {
    ring.publish(await newSigningKey('2026-12'));
    const first = await (await login('ann@example.com', PW)).json() as { access_token: string };
    expect(decodeProtectedHeader(first.access_token).kid).toBe('2026-11');
    now = T0 + PROPAGATION_MS;
    ring.promote();
    const second = await (await login('ann@example.com', PW)).json() as { access_token: string };
    expect(decodeProtectedHeader(second.access_token).kid).toBe('2026-12');
  });

  it('answers a wrong password and an unknown email alike, without echoing either', async () => {
    const wrong = await login('ann@example.com', 'Correct horse battery staple');
    const unknown = await login('bob@example.com', PW);
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(a).not.toMatch(/horse|bob|ann/i);
  });

  it('rejects bad input before any password check', async () => {
    expect((await post('{"email":')).status).toBe(400);
    expect((await post('{"email":"a@b.c","password":"x","admin":true}')).status).toBe(422);
    expect((await post(JSON.stringify({ email: 'a@b.c', password: 'p'.repeat(5000) }))).status).toBe(413);
    expect((await post('email=a', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('{"email":"a@b.c","email":"ann@example.com","password":"x"}')).status).toBe(400);
    expect(checks).toBe(0);
  });
});

describe('GET /jwks.json over real HTTP', () => {
  it('publishes public keys only, cacheable by shared caches', async () => {
    const res = await fetch(`${server.url}${JWKS_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const { keys } = await res.json() as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
    }
  });

  it('does not serve unknown paths or other methods on the JWKS path', async () => {
    expect((await fetch(`${server.url}/jwks.json/extra`)).status).toBe(404);
    expect((await fetch(`${server.url}${JWKS_PATH}`, { method: 'POST' })).status).toBe(404);
  });
});
