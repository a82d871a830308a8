/**
 * `POST /users`: sign-up. The body is read and validated by Q48's
 * readBody (problem+json for 400/413/415/422), the password is hashed with
 * Q42's Argon2id module, and the unique index on lower(email) decides
 * whether the address is taken. The response never holds the password or
 * its hash, and neither does any log line.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#authentication-responses
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Queryable } from '../db/idempotency-keys.ts';
import { AppError } from '../http/error-catalog.ts';
import {
  useProblemErrors, type ErrorLog, type ProblemEnv,
} from '../http/error-middleware.ts';
import { readBody } from '../http/validation-problem.ts';
import { hashPassword, MAX_PASSWORD_BYTES } from './password-hash.ts';
import {
  createUser, EmailTakenError, MAX_EMAIL, MAX_LOCAL_PART, normalizeEmail,
} from './user-store.ts';

// #region input
/** NIST SP 800-63B-4 §3.1.1.2: 15 when the password is the only factor. */
export const MIN_PASSWORD_CHARS = 15;

// NIST counts code points; count those of the NFC form Q42 will hash.
const codePoints = (s: string) => [...s.normalize('NFC')].length;
/** Exactly what Q42 will hash: its caps apply before and after NFC. */
const fitsHash = (s: string) => s.length <= MAX_PASSWORD_BYTES
  && s.isWellFormed()
  && Buffer.byteLength(s.normalize('NFC')) <= MAX_PASSWORD_BYTES;

export const newUser = z.strictObject({ // an unknown key is a 422
  email: z.string().trim().max(MAX_EMAIL).pipe(z.email())
    .refine((e) => e.lastIndexOf('@') <= MAX_LOCAL_PART,
      { message: 'The part before @ is too long.',
        params: { code: 'too_long' } })
    .transform(normalizeEmail),
  // No composition rules (NIST: SHALL NOT); length is what counts.
  password: z.string()
    .refine((p) => codePoints(p) >= MIN_PASSWORD_CHARS,
      { message: `Use at least ${MIN_PASSWORD_CHARS} characters.`,
        params: { code: 'too_short' } })
    .refine(fitsHash, { message: 'This password is too long.',
      params: { code: 'too_long' } }),
});
// #endregion input

export interface RegistrationDeps {
  db: Queryable;
  log: ErrorLog;
  /** Common and breached passwords (NIST: SHALL check a blocklist). */
  isBlocked: (password: string) => boolean | Promise<boolean>;
  /**
   * 'conflict': a taken email gets 409. 'email': every sign-up gets the
   * same 202 and `notify` tells the address's owner what happened.
   * `notify` should only enqueue (an outbox row), so both paths cost the
   * same; if it throws after the insert, the client's retry gets the
   * already-registered mail, whose reset link still reaches the owner.
   */
  onTaken?: 'conflict' | 'email';
  notify?: (to: string, what: 'verify' | 'already-registered') =>
    Promise<void>;
  hash?: (password: string) => Promise<string>;
  newUserId?: () => string;
  now?: () => number;
  newRequestId?: () => string;
}

/** A signup is a few hundred bytes; 8 KiB leaves room for escapes. */
export const MAX_SIGNUP_BYTES = 8 * 1024;

export function createRegistrationApp(deps: RegistrationDeps) {
  const onTaken = deps.onTaken ?? 'conflict';
  if (onTaken === 'email' && !deps.notify) {
    throw new TypeError("onTaken: 'email' needs a notify function");
  }
  const hash = deps.hash ?? ((p: string) => hashPassword(p));
  const newUserId = deps.newUserId ?? randomUUID;
  const now = deps.now ?? Date.now;
  const app = new Hono<ProblemEnv>();
  useProblemErrors(app, { log: deps.log, newId: deps.newRequestId });
  // #region register
  app.post('/users', async (c) => {
    const { email, password } = await readBody(c, newUser,
      MAX_SIGNUP_BYTES);
    if (await deps.isBlocked(password)) throw blockedPassword();
    // Hash before the insert: a new and a taken email cost the same.
    const passwordHash = await hash(password);
    let user;
    try {
      user = await createUser(deps.db, { id: newUserId(), email,
        passwordHash, createdAt: new Date(now()) });
    } catch (err) {
      if (!(err instanceof EmailTakenError)) throw err; // a 500
      if (onTaken === 'email') {
        await deps.notify!(email, 'already-registered');
        return checkYourInbox(c);
      }
      throw new AppError('conflict', { // says no more than "taken"
        detail: 'This email is already registered. Sign in or reset '
          + 'your password.' });
    }
    if (onTaken === 'email') {
      await deps.notify!(email, 'verify');
      return checkYourInbox(c);
    }
    c.header('Location', `/users/${user.id}`);
    return c.json({ id: user.id, email: user.email,
      createdAt: user.createdAt.toISOString() }, 201);
  });
  // #endregion register
  return app;
}

/** The same 202 whether the account is new or already existed. */
function checkYourInbox(c: { json: (b: object, s: 202) => Response }) {
  return c.json({ detail: 'Check your inbox to finish signing up.' }, 202);
}

/** NIST asks for the reason, so it is a field error with its own code. */
function blockedPassword(): AppError {
  return new AppError('validation-failed', {
    detail: '1 field(s) failed validation.',
    extensions: { errors: [{ pointer: '#/password', code: 'blocked_password',
      detail: 'This password is common or was in a breach. Choose another.',
    }] },
  });
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { AUTH_SCHEMA } = await import('./user-store.ts');
  const db = await openDatabase();
  await db.exec(AUTH_SCHEMA);
  let n = 0;
  const app = createRegistrationApp({ db, log: () => {},
    isBlocked: (p) => ['password1234567', 'qwertyuiopasdfg'].includes(p),
    newUserId: () => `00000000-0000-4000-8000-00000000000${++n}`,
    now: () => Date.UTC(2026, 11, 2, 9), newRequestId: () => `req-${n}` });
  const pw = 'correct horse battery staple';
  const cases: [string, object][] = [
    ['new', { email: ' Ann.Lee@Example.COM', password: pw }],
    ['taken', { email: 'ann.lee@example.com', password: pw }],
    ['short', { email: 'bob@example.com', password: 'hunter2' }],
    ['blocked', { email: 'bob@example.com', password: 'password1234567' }],
    ['extra key', { email: 'bob@example.com', password: pw, role: 'admin' }],
  ];
  for (const [label, body] of cases) {
    const res = await app.request('/users', { method: 'POST',
      body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    const json = await res.json() as Record<string, unknown>;
    const where = res.headers.get('Location');
    const shown = json.errors ? JSON.stringify(json.errors) : JSON.stringify(json.detail ?? json);
    console.log(`${label.padEnd(9)} ${res.status}${where ? ` Location: ${where}` : ''} ${shown}`);
  }
  await db.close();
}
