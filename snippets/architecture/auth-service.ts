/**
 * The auth service: it owns credentials and signing keys, and does two
 * things over HTTP. POST /login checks a password (Q29's `authenticate`,
 * against its own database) and returns a short-lived access token for the
 * users service; GET /jwks.json publishes the public keys that
 * verify it. It never serves profile data: that is the users service's.
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { bodyOrProblem } from '../http/json-body.ts';
import { statusProblem } from '../http/problem.ts';
import { LIFETIME_SECONDS, signAccessToken } from '../security/jwt.ts';
import type { AuthResult } from '../security/login.ts';
import { jwksResponse, type KeyRing } from './jwks.ts';

export const JWKS_PATH = '/jwks.json'; // found via config or RFC 8414 jwks_uri
const MAX_LOGIN_BYTES = 4 * 1024;

// #region auth-app
export interface AuthServiceDeps {
  iss: string; // https://auth.example.com
  usersAud: string; // the users service's identifier, put in `aud`
  ring: KeyRing;
  /** Q29's authenticate over the auth service's own credentials table. */
  authenticate: (email: string, password: string) => Promise<AuthResult>;
  now: () => number;
}

const loginInput = z.strictObject({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
});

export function createAuthApp(d: AuthServiceDeps): Hono {
  const app = new Hono();
  app.get(JWKS_PATH, () => jwksResponse(d.ring));
  app.post('/login', async (c) => {
    const body = await bodyOrProblem(c.req.raw, loginInput, MAX_LOGIN_BYTES);
    if (body instanceof Response) return body;
    const who = await d.authenticate(body.email, body.password);
    // One answer for both failures, as in Q29 (400: RFC 6749 §5.2).
    if (!who.ok) return statusProblem(400, 'Wrong email or password.');
    const key = d.ring.signingKey(); // the current key, never the next
    const token = await signAccessToken({ iss: d.iss, aud: d.usersAud,
      privateKey: key.privateKey, kid: key.kid, now: d.now },
    who.userId, 'profile:read profile:write');
    return c.json({ access_token: token, token_type: 'Bearer',
      expires_in: LIFETIME_SECONDS }, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}
// #endregion auth-app

/**
 * Serves a fetch handler (a Hono app's `app.fetch`) on a free loopback
 * port. Bodies stream through, so the handler's own limit applies.
 */
export async function serveOnLoopback(
  handler: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    const url = URL.parse(`http://127.0.0.1${req.url ?? '/'}`);
    if (!url) return void res.writeHead(400, { Connection: 'close' }).end();
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    Promise.resolve()
      .then(() => handler(new Request(url, { method: req.method, headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream,
          duplex: 'half' } : {}) })))
      .then(async (response) => {
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(req.method === 'HEAD' ? undefined : body);
      })
      // Never an unhandled rejection; details stay out of the response.
      .catch(() => { if (res.headersSent) res.destroy(); else res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

if (import.meta.main) {
  const { createKeyRing, newSigningKey } = await import('./jwks.ts');
  const now = () => Date.UTC(2026, 11, 2, 9, 0, 0);
  const ring = createKeyRing(await newSigningKey('2026-12'), now);
  const auth = await serveOnLoopback(createAuthApp({
    iss: 'https://auth.example.com', usersAud: 'https://users.example.com',
    ring, now,
    authenticate: async (email, password) => email === 'ann@example.com'
      && password === 'correct horse battery staple'
      ? { ok: true, userId: 'user_42' } : { ok: false },
  }).fetch);
  const jwks = await fetch(`${auth.url}${JWKS_PATH}`);
  console.log(`GET ${JWKS_PATH} -> ${jwks.status}`);
  console.log(`  Content-Type: ${jwks.headers.get('content-type')}`);
  console.log(`  Cache-Control: ${jwks.headers.get('cache-control')}`);
  const key = ((await jwks.json()) as { keys: Record<string, string>[] }).keys[0]!;
  console.log(`  keys[0] members: ${Object.keys(key).join(', ')}`);
  const login = await fetch(`${auth.url}/login`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'ann@example.com',
      password: 'correct horse battery staple' }) });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
  console.log(`POST /login -> ${login.status}, token header ${JSON.stringify(header)}`);
  await auth.close();
}
