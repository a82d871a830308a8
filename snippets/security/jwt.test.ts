import { Hono } from 'hono';
import {
  createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, SignJWT,
  UnsecuredJWT, type CryptoKey, type JWTPayload,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LIFETIME_SECONDS, requireAccessToken, signAccessToken, verifyAccessToken,
  type AccessClaims, type Issuer, type Verifier,
} from './jwt.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const ISS = 'https://auth.example.com';
const AUD = 'https://api.example.com';
let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
let other: { privateKey: CryptoKey; publicKey: CryptoKey };

beforeAll(async () => {
  keys = await generateKeyPair('ES256');
  other = await generateKeyPair('ES256');
});

const issuer = (over: Partial<Issuer> = {}): Issuer => ({
  iss: ISS, aud: AUD, privateKey: keys.privateKey, kid: 'k1', now: () => T0,
  newId: () => 'jti-1', ...over,
});
const verifier = (over: Partial<Verifier> = {}): Verifier => ({
  iss: ISS, aud: AUD, key: keys.publicKey, skewSeconds: 30, now: () => T0, ...over,
});
const at = (seconds: number) => () => T0 + seconds * 1000;
const claimsOf = (token: string): JWTPayload =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as JWTPayload;
/** Any token we choose, signed with the real key: for claim checks. */
const signRaw = (payload: JWTPayload, header: Record<string, unknown> = {}) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header })
    .sign(keys.privateKey);
const baseClaims = (): JWTPayload => ({
  iss: ISS, aud: AUD, sub: 'user_42', scope: 'notes:read', jti: 'jti-1',
  iat: T0 / 1000, nbf: T0 / 1000, exp: T0 / 1000 + LIFETIME_SECONDS,
});

describe('signAccessToken and verifyAccessToken', () => {
  it('round-trips the claims the API needs', async () => {
    const token = await signAccessToken(issuer(), 'user_42', 'notes:read');
    expect(await verifyAccessToken(token, verifier())).toEqual({
      ok: true,
      claims: { sub: 'user_42', scope: 'notes:read', jti: 'jti-1', exp: T0 / 1000 + LIFETIME_SECONDS },
    });
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(claimsOf(token)).toMatchObject({ iss: ISS, aud: AUD, nbf: T0 / 1000 });
  });

  it('refuses an empty or oversized subject when signing', async () => {
    await expect(signAccessToken(issuer(), '', 'x')).rejects.toThrow(RangeError);
    await expect(signAccessToken(issuer(), 'u'.repeat(256), 'x')).rejects.toThrow(RangeError);
  });
});

describe('an attacker\'s tokens', () => {
  it('refuses a token whose payload was edited', async () => {
    const [h, , s] = (await signAccessToken(issuer(), 'user_42', 'notes:read')).split('.');
    const forged = Buffer.from(JSON.stringify({ ...baseClaims(), sub: 'admin' })).toString('base64url');
    expect(await verifyAccessToken(`${h}.${forged}.${s}`, verifier()))
      .toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses a token whose signature was changed by one character', async () => {
    const token = await signAccessToken(issuer(), 'user_42', 'notes:read');
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    expect((await verifyAccessToken(tampered, verifier())).ok).toBe(false);
  });

  it('refuses a token signed by a key that is not the issuer\'s', async () => {
    const token = await signAccessToken(issuer({ privateKey: other.privateKey }), 'user_42', 'x');
    expect(await verifyAccessToken(token, verifier())).toEqual({ ok: false, reason: 'signature' });
  });

  it('refuses alg "none", with or without a signature part', async () => {
    const none = new UnsecuredJWT(baseClaims()).encode();
    expect(await verifyAccessToken(none, verifier())).toEqual({ ok: false, reason: 'algorithm' });
    const withSig = `${none}${(await signAccessToken(issuer(), 'u', 'x')).split('.')[2]}`;
    expect((await verifyAccessToken(withSig, verifier())).ok).toBe(false);
  });

  it('refuses key confusion: HS256 keyed with our public key, as PEM or as JWK bytes', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(keys.publicKey));
    const jwk = new TextEncoder().encode(JSON.stringify(await exportJWK(keys.publicKey)));
    for (const secret of [pem, jwk]) {
      const token = await new SignJWT(baseClaims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(secret);
      expect(await verifyAccessToken(token, verifier())).toEqual({ ok: false, reason: 'algorithm' });
    }
  });

  it('refuses an algorithm outside the allow-list even when the key set has a key for it', async () => {
    const rsa = await generateKeyPair('RS256');
    const jwks = createLocalJWKSet({ keys: [
      { ...(await exportJWK(keys.publicKey)), kid: 'k1' },
      { ...(await exportJWK(rsa.publicKey)), kid: 'r1' },
    ] });
    const token = await new SignJWT(baseClaims())
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'r1' }).sign(rsa.privateKey);
    expect(await verifyAccessToken(token, verifier({ key: jwks })))
      .toEqual({ ok: false, reason: 'algorithm' });
    const good = await signAccessToken(issuer(), 'user_42', 'x');
    expect((await verifyAccessToken(good, verifier({ key: jwks }))).ok).toBe(true);
  });

  it('refuses a token for another audience, or with no audience', async () => {
    const token = await signAccessToken(issuer({ aud: 'https://billing.example.com' }), 'u', 'x');
    expect(await verifyAccessToken(token, verifier())).toEqual({ ok: false, reason: 'claims' });
    const { aud: _aud, ...noAud } = baseClaims();
    expect(await verifyAccessToken(await signRaw(noAud), verifier()))
      .toEqual({ ok: false, reason: 'claims' });
  });

  it('refuses another issuer, a missing sub, jti, exp or iat, and the wrong typ', async () => {
    const wrongIss = await signRaw({ ...baseClaims(), iss: 'https://evil.example' });
    expect(await verifyAccessToken(wrongIss, verifier())).toEqual({ ok: false, reason: 'claims' });
    for (const claim of ['jti', 'sub', 'exp', 'iat'] as const) {
      const { [claim]: _gone, ...missing } = baseClaims();
      expect(await verifyAccessToken(await signRaw(missing), verifier()), claim)
        .toEqual({ ok: false, reason: 'claims' });
    }
    // An ID token (typ JWT) from the same issuer is not an access token.
    const idToken = await signRaw(baseClaims(), { typ: 'JWT' });
    expect(await verifyAccessToken(idToken, verifier())).toEqual({ ok: false, reason: 'claims' });
  });

  it('refuses a non-string scope', async () => {
    const token = await signRaw({ ...baseClaims(), scope: ['admin'] });
    expect(await verifyAccessToken(token, verifier())).toEqual({ ok: false, reason: 'claims' });
  });

  it('refuses garbage and oversized input without throwing', async () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', '%%%.%%%.%%%']) {
      expect(await verifyAccessToken(bad, verifier())).toEqual({ ok: false, reason: 'malformed' });
    }
    const huge = await signRaw({ ...baseClaims(), pad: 'x'.repeat(9000) });
    expect(await verifyAccessToken(huge, verifier())).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('hostile headers that reach the library before any signature check', () => {
  /** A token with any header we like and a signature that is only noise. */
  const unsigned = (header: Record<string, unknown>) => [
    Buffer.from(JSON.stringify(header)).toString('base64url'),
    Buffer.from(JSON.stringify(baseClaims())).toString('base64url'),
    Buffer.alloc(64, 7).toString('base64url'),
  ].join('.');

  it('refuses an unknown critical header parameter instead of throwing', async () => {
    const token = unsigned({ alg: 'ES256', typ: 'at+jwt', crit: ['x-evil'], 'x-evil': 1 });
    expect(await verifyAccessToken(token, verifier())).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a token without kid while two keys are published (rotation) instead of throwing', async () => {
    const next = await generateKeyPair('ES256');
    const jwks = createLocalJWKSet({ keys: [
      { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' },
      { ...(await exportJWK(next.publicKey)), kid: 'k2', alg: 'ES256' },
    ] });
    const token = unsigned({ alg: 'ES256', typ: 'at+jwt' });
    expect(await verifyAccessToken(token, verifier({ key: jwks })))
      .toEqual({ ok: false, reason: 'signature' });
    // Our own tokens name their key, so rotation does not break them.
    const good = await signAccessToken(issuer(), 'user_42', 'x');
    expect((await verifyAccessToken(good, verifier({ key: jwks }))).ok).toBe(true);
  });

  it('answers 401 invalid_token, not 500, to both through the middleware', async () => {
    const api = new Hono();
    api.use('*', requireAccessToken(verifier()));
    api.get('/', (c) => c.text('ok'));
    const token = unsigned({ alg: 'ES256', typ: 'at+jwt', crit: ['x-evil'], 'x-evil': 1 });
    const res = await api.request('/', { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api", error="invalid_token"');
  });
});

describe('time claims, with a bounded skew', () => {
  it('accepts until exp plus the skew, and not one second later', async () => {
    const token = await signAccessToken(issuer(), 'u', 'x');
    expect((await verifyAccessToken(token, verifier({ now: at(LIFETIME_SECONDS + 29) }))).ok).toBe(true);
    expect(await verifyAccessToken(token, verifier({ now: at(LIFETIME_SECONDS + 30) })))
      .toEqual({ ok: false, reason: 'expired' });
    expect(await verifyAccessToken(token, verifier({ now: at(LIFETIME_SECONDS), skewSeconds: 0 })))
      .toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token used before nbf minus the skew', async () => {
    const token = await signRaw({ ...baseClaims(), nbf: T0 / 1000 + 60, iat: T0 / 1000 + 60, exp: T0 / 1000 + 360 });
    expect(await verifyAccessToken(token, verifier())).toEqual({ ok: false, reason: 'not-yet-valid' });
    expect((await verifyAccessToken(token, verifier({ now: at(30) }))).ok).toBe(true);
  });

  it('caps a token\'s life at the lifetime from iat, whatever exp says', async () => {
    const token = await signRaw({ ...baseClaims(), exp: T0 / 1000 + 365 * 86_400 });
    expect((await verifyAccessToken(token, verifier({ now: at(LIFETIME_SECONDS) }))).ok).toBe(true);
    expect(await verifyAccessToken(token, verifier({ now: at(LIFETIME_SECONDS + 31) })))
      .toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a skew outside 0-300 seconds', async () => {
    const token = await signAccessToken(issuer(), 'u', 'x');
    for (const skewSeconds of [-1, 301, 1.5, Number.NaN]) {
      await expect(verifyAccessToken(token, verifier({ skewSeconds }))).rejects.toThrow(RangeError);
    }
  });
});

describe('revocation', () => {
  it('refuses a token whose jti is on the deny list, after checking the signature', async () => {
    const seen: string[] = [];
    const isRevoked = async (jti: string) => { seen.push(jti); return jti === 'jti-1'; };
    const token = await signAccessToken(issuer(), 'u', 'x');
    expect(await verifyAccessToken(token, verifier({ isRevoked }))).toEqual({ ok: false, reason: 'revoked' });
    const forged = await new SignJWT({ ...baseClaims(), jti: 'jti-2' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(other.privateKey);
    await verifyAccessToken(forged, verifier({ isRevoked }));
    expect(seen).toEqual(['jti-1']); // the forged token never reached the store
  });
});

describe('requireAccessToken middleware', () => {
  const app = () => {
    const api = new Hono<{ Variables: { auth: AccessClaims } }>();
    api.use('/notes/*', requireAccessToken(verifier()));
    api.get('/notes/1', (c) => c.json({ for: c.get('auth').sub }));
    return api;
  };

  it('passes the claims on for a valid token', async () => {
    const token = await signAccessToken(issuer(), 'user_42', 'notes:read');
    const res = await app().request('/notes/1', { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ for: 'user_42' });
  });

  it('accepts the scheme name in any case (RFC 9110 §11.1)', async () => {
    const token = await signAccessToken(issuer(), 'user_42', 'notes:read');
    for (const scheme of ['bearer', 'BEARER']) {
      const res = await app().request('/notes/1', { headers: { Authorization: `${scheme} ${token}` } });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('answers a bare Bearer challenge when no token is sent', async () => {
    for (const headers of [{}, { Authorization: 'Basic dTpw' }, { Authorization: '' }]) {
      const res = await app().request('/notes/1', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api"');
      expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    }
  });

  it('answers 400 invalid_request to a malformed Bearer header (RFC 6750 §3.1), as Q1 does', async () => {
    for (const bad of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer {"sub":"admin"}', `Bearer x\u00e9y`]) {
      const res = await app().request('/notes/1', { headers: { Authorization: bad } });
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api", error="invalid_request"');
      expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    }
  });

  it('answers invalid_token, the same for every failure, and never echoes the token', async () => {
    const expired = await signAccessToken(issuer({ now: at(-3600) }), 'u', 'x');
    const none = new UnsecuredJWT(baseClaims()).encode();
    const bodies = new Set<string>();
    for (const token of [expired, none]) {
      const res = await app().request('/notes/1', { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer realm="api", error="invalid_token"');
      const body = await res.text();
      expect(body).not.toContain(token.split('.')[1]);
      bodies.add(body);
    }
    expect(bodies.size).toBe(1);
  });
});
