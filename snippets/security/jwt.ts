/**
 * JWT access tokens with `jose`: ES256 signatures, one algorithm per key,
 * explicit typing, and every claim the verifier relies on checked against
 * an injected clock with a bounded skew (RFC 7519, RFC 8725, RFC 9068).
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import {
  errors, jwtVerify, SignJWT, type CryptoKey, type JWTVerifyGetKey,
} from 'jose';
import { readBearer } from '../http/layered-route.ts';
import { statusProblem } from '../http/problem.ts';

// #region config
/** The one algorithm our keys sign with: an allow-list, not a default. */
export const ALGORITHMS = ['ES256'] as const;
/** Explicit type (RFC 8725 §3.11): an ID token is not an access token. */
export const TOKEN_TYPE = 'at+jwt'; // RFC 9068 §2.1
export const LIFETIME_SECONDS = 300; // short: there is no cheap revoke
/** RFC 7519 §4.1.4: leeway "usually no more than a few minutes". */
export const MAX_SKEW_SECONDS = 300;
const MAX_TOKEN_CHARS = 8192; // refuse huge headers before any parsing

export interface Issuer {
  iss: string; // who signs: https://auth.example.com
  aud: string; // who may accept: https://api.example.com
  privateKey: CryptoKey; // ES256 (P-256) private key, never shipped
  kid: string; // which public key verifies; lets keys rotate
  now: () => number; // ms since epoch; injected for tests
  newId?: () => string; // jti; randomUUID in production
}
// #endregion config

// #region sign
/** A signed access token for `sub`; `scope` is what it may do. */
export async function signAccessToken(issuer: Issuer,
  sub: string, scope: string): Promise<string> {
  if (!sub || sub.length > 255) throw new RangeError('sub: 1-255 chars');
  const iat = Math.floor(issuer.now() / 1000);
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'ES256', typ: TOKEN_TYPE, kid: issuer.kid })
    .setIssuer(issuer.iss)
    .setAudience(issuer.aud)
    .setSubject(sub)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .setJti((issuer.newId ?? randomUUID)())
    .sign(issuer.privateKey);
}
// #endregion sign

// #region verify
export interface Verifier {
  iss: string;
  aud: string; // this service's own identifier
  key: CryptoKey | JWTVerifyGetKey; // public key, or a JWKS lookup
  skewSeconds: number; // 0..MAX_SKEW_SECONDS
  now: () => number;
  /** Deny list for logged-out tokens, checked after the signature. */
  isRevoked?: (jti: string) => Promise<boolean>;
}
export interface AccessClaims { sub: string; scope: string; jti: string;
  exp: number }
export type Verified =
  | { ok: true; claims: AccessClaims }
  | { ok: false; reason: 'malformed' | 'algorithm' | 'signature'
    | 'expired' | 'not-yet-valid' | 'claims' | 'revoked' };

export async function verifyAccessToken(token: string,
  v: Verifier): Promise<Verified> {
  checkSkew(v.skewSeconds);
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  try {
    const { payload } = await jwtVerify(token, v.key as CryptoKey, {
      algorithms: [...ALGORITHMS], // never taken from the token
      typ: TOKEN_TYPE,
      issuer: v.iss, // RFC 8725 §3.8
      audience: v.aud, // RFC 8725 §3.9: required, and must be us
      maxTokenAge: LIFETIME_SECONDS, // caps life from iat, whatever exp says
      clockTolerance: v.skewSeconds,
      currentDate: new Date(v.now()),
    });
    const { sub, scope, jti, exp } = payload; // iat: maxTokenAge needs it
    if (typeof scope !== 'string' || typeof sub !== 'string'
      || typeof jti !== 'string' || typeof exp !== 'number') {
      return { ok: false, reason: 'claims' };
    }
    if (await v.isRevoked?.(jti)) return { ok: false, reason: 'revoked' };
    return { ok: true, claims: { sub, scope, jti, exp } };
  } catch (error) {
    return { ok: false, reason: reasonFor(error) };
  }
}
// #endregion verify

function checkSkew(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SKEW_SECONDS) {
    throw new RangeError(`skewSeconds must be an integer from 0 to ${MAX_SKEW_SECONDS}, found ${seconds}`);
  }
}

/**
 * Maps jose's errors to a reason. The header is read before any signature
 * is checked, so errors an attacker can provoke with it must map here too:
 * an unknown `crit` parameter, or no `kid` while rotation publishes two
 * keys. Anything else (a JWKS fetch timing out, a bug) is rethrown.
 */
function reasonFor(error: unknown): Exclude<Verified, { ok: true }>['reason'] {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'signature';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'signature';
  if (error instanceof errors.JOSENotSupported) return 'malformed';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'nbf' ? 'not-yet-valid' : 'claims';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  throw error;
}

// #region middleware
/**
 * Hono middleware: the three answers of RFC 6750 §3.1 (Q1's `readBearer`
 * sorts the header), then the claims go to `c.get('auth')`.
 */
export function requireAccessToken(v: Verifier)
  : MiddlewareHandler<{ Variables: { auth: AccessClaims } }> {
  const challenge = (error?: string) => ({ 'WWW-Authenticate':
    error ? `Bearer realm="api", error="${error}"` : 'Bearer realm="api"' });
  return async (c, next) => {
    const sent = readBearer(c.req.header('Authorization'));
    if (sent.kind === 'none') { // no credentials: no error code
      return statusProblem(401, 'Send an access token.', challenge());
    }
    if (sent.kind === 'malformed') {
      return statusProblem(400, 'The Authorization header is malformed.',
        challenge('invalid_request'));
    }
    const result = await verifyAccessToken(sent.token, v);
    if (!result.ok) {
      // One answer for every failure; result.reason is for our logs.
      return statusProblem(401, 'The access token is not valid.',
        challenge('invalid_token'));
    }
    c.set('auth', result.claims);
    await next();
  };
}
// #endregion middleware

if (import.meta.main) {
  const { generateKeyPair, exportSPKI, SignJWT: Sign, UnsecuredJWT } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const t0 = Date.UTC(2026, 11, 2, 9, 0, 0);
  let now = t0;
  const issuer: Issuer = { iss: 'https://auth.example.com', aud: 'https://api.example.com', privateKey, kid: 'k1', now: () => now };
  const verifier: Verifier = { iss: issuer.iss, aud: issuer.aud, key: publicKey, skewSeconds: 30, now: () => now };
  const show = async (label: string, token: string) => {
    const r = await verifyAccessToken(token, verifier);
    console.log(`${label.padEnd(34)} ${r.ok ? `ok, sub=${r.claims.sub}` : `rejected: ${r.reason}`}`);
  };
  const good = await signAccessToken(issuer, 'user_42', 'notes:read');
  await show('valid token', good);
  const [h, p, s] = good.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
  await show('payload edited (sub=admin)', `${h}.${forged}.${s}`);
  await show('alg "none", no signature', new UnsecuredJWT({ ...claims }).setIssuer(issuer.iss).encode());
  const pem = new TextEncoder().encode(await exportSPKI(publicKey));
  const confused = await new Sign({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).sign(pem);
  await show('HS256 keyed with our public key', confused);
  await show('token for another audience', await signAccessToken({ ...issuer, aud: 'https://billing.example.com' }, 'user_42', 'notes:read'));
  now = t0 + (LIFETIME_SECONDS + 20) * 1000;
  await show('20 s after exp (skew 30 s)', good);
  now = t0 + (LIFETIME_SECONDS + 31) * 1000;
  await show('31 s after exp', good);
}
