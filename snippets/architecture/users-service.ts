/**
 * The users service: it owns profile data (its own store, no shared
 * database) and trusts an access token only after verifying it with a
 * public key fetched from the auth service's JWKS URL, cached by jose's
 * createRemoteJWKSet. It never calls the auth service per request.
 * @see https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md
 */
import { Hono } from 'hono';
import {
  createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey,
} from 'jose';
import { statusProblem } from '../http/problem.ts';
import {
  requireAccessToken, type AccessClaims, type Verifier,
} from '../security/jwt.ts';
import { VERIFIER_CACHE_MS } from './jwks.ts';

/** The auth service could not be reached for keys: a 503, not a 401. */
export class KeysUnavailableError extends Error {
  override name = 'KeysUnavailableError';
}

// #region remote-keys
export interface RemoteKeysOptions {
  jwksUrl: URL; // https in production; plain http only on loopback
  timeoutMs?: number; // one fetch; a slow auth service must not hang us
  cooldownMs?: number; // at most one refetch per cooldown on a new kid
}

/** jose's cached JWKS lookup, with "no keys" told apart from "bad kid". */
export function remoteKeys({ jwksUrl, timeoutMs = 2_000,
  cooldownMs = 30_000 }: RemoteKeysOptions): JWTVerifyGetKey {
  const loopback = ['127.0.0.1', '[::1]', 'localhost'];
  if (jwksUrl.protocol !== 'https:'
    && !(jwksUrl.protocol === 'http:' && loopback.includes(jwksUrl.hostname))) {
    throw new TypeError(`JWKS URL must be https: ${jwksUrl.origin}`);
  }
  const jwks = createRemoteJWKSet(jwksUrl, {
    timeoutDuration: timeoutMs,
    cooldownDuration: cooldownMs,
    cacheMaxAge: VERIFIER_CACHE_MS, // then refetch, even if kids match
  });
  let failedAt = -Infinity; // jose's cooldown only counts successes
  return async (header, token) => {
    if (Date.now() - failedAt < cooldownMs) { // rest a failing endpoint
      const cached = jwks.fresh ? jwks.jwks() : undefined;
      if (!cached) throw new KeysUnavailableError('JWKS unavailable');
      return createLocalJWKSet(cached)(header, token); // never fetches
    }
    try {
      return await jwks(header, token);
    } catch (error) {
      // The token's fault: no such kid (after one refetch), two keys
      // match, an alg a JWK Set cannot hold. Q43's verify maps these.
      if (error instanceof errors.JWKSNoMatchingKey
        || error instanceof errors.JWKSMultipleMatchingKeys
        || error instanceof errors.JOSENotSupported) throw error;
      // Ours: timeout, refused connection, non-200, malformed set.
      failedAt = Date.now();
      throw new KeysUnavailableError('JWKS unavailable', { cause: error });
    }
  };
}
// #endregion remote-keys

// #region users-app
export interface Profile { id: string; displayName: string }
/** The users service's own store; the auth service cannot reach it. */
export interface ProfileStore { get(id: string): Promise<Profile | undefined> }

export function createUsersApp(verifier: Verifier, profiles: ProfileStore) {
  const app = new Hono<{ Variables: { auth: AccessClaims } }>();
  app.use('/users/*', requireAccessToken(verifier)); // Q43: 400/401
  app.get('/users/me', async (c) => {
    const { sub, scope } = c.get('auth');
    if (!scope.split(' ').includes('profile:read')) {
      return statusProblem(403, 'The token lacks profile:read.',
        { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' });
    }
    const profile = await profiles.get(sub);
    return profile ? c.json(profile) : statusProblem(404, 'No profile.');
  });
  app.onError((error) => error instanceof KeysUnavailableError
    ? statusProblem(503, 'Cannot check tokens now.', { 'Retry-After': '5' })
    : statusProblem(500));
  return app;
}
// #endregion users-app

/** A Map behind the store interface, for the demo and tests. */
export function memoryProfiles(rows: Profile[]): ProfileStore {
  const byId = new Map(rows.map((p) => [p.id, p]));
  return { get: async (id) => byId.get(id) };
}

if (import.meta.main) {
  const { createAuthApp, serveOnLoopback, JWKS_PATH } = await import('./auth-service.ts');
  const { createKeyRing, newSigningKey } = await import('./jwks.ts');
  const { signAccessToken } = await import('../security/jwt.ts');
  const now = () => Date.now();
  const [iss, aud] = ['https://auth.example.com', 'https://users.example.com'];
  const ring = createKeyRing(await newSigningKey('2026-11'), now);
  const authApp = createAuthApp({ iss, usersAud: aud, ring, now,
    // Stands in for Q29's authenticate over the auth database.
    authenticate: async (email) => email === 'ann@example.com'
      ? { ok: true, userId: 'user_42' } : { ok: false } });
  let fetches = 0;
  const auth = await serveOnLoopback((req) => {
    if (new URL(req.url).pathname === JWKS_PATH) fetches++;
    return authApp.fetch(req);
  });
  const verifier: Verifier = { iss, aud, skewSeconds: 30, now,
    key: remoteKeys({ jwksUrl: new URL(auth.url + JWKS_PATH) }) };
  const users = await serveOnLoopback(createUsersApp(verifier,
    memoryProfiles([{ id: 'user_42', displayName: 'Ann' }])).fetch);
  const call = async (label: string, token?: string) => {
    const res = await fetch(`${users.url}/users/me`,
      { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const body = (await res.json()) as { displayName?: string };
    console.log(`${label.padEnd(36)} ${res.status} ${(body.displayName ?? '').padEnd(4)}`
      + ` JWKS fetches: ${fetches}`);
  };
  const login = await fetch(`${auth.url}/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'ann@example.com', password: 'x' }) });
  const { access_token: token } = (await login.json()) as { access_token: string };
  await call('no token', undefined);
  await call('token signed by 2026-11', token);
  await call('same token again', token);
  const stranger = await newSigningKey('evil');
  await call('unknown kid "evil" (in cooldown)', await signAccessToken({ iss, aud,
    privateKey: stranger.privateKey, kid: stranger.kid, now }, 'user_42', 'profile:read'));
  await auth.close();
  await call('auth service down; cached keys', token);
  await users.close();
}
