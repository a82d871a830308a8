import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Queryable } from '../db/idempotency-keys.ts';
import { useDatabase } from '../db/use-database.ts';
import { PROBLEM_JSON } from '../http/problem.ts';
import type { ErrorLogEntry } from '../http/error-middleware.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import {
  createRegistrationApp, MAX_SIGNUP_BYTES, type RegistrationDeps,
} from './registration.ts';
import { AUTH_SCHEMA } from './user-store.ts';

const db = useDatabase(AUTH_SCHEMA, { reset: 'TRUNCATE users CASCADE' });
const PW = 'Tr0mbone-Sunrise-Velvet'; // distinctive, so leaks are easy to spot
const T0 = Date.UTC(2026, 11, 2, 9);

function setup(over: Partial<RegistrationDeps> = {}) {
  const logs: ErrorLogEntry[] = [];
  let n = 0;
  const hash = vi.fn((p: string) => hashPassword(p));
  const app = createRegistrationApp({
    db: db(), log: (e) => logs.push(e), hash,
    isBlocked: (p) => p === 'password123456789',
    newUserId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    now: () => T0, newRequestId: () => `req-${n}`, ...over,
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/users', { method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...headers } });
  return { app, post, logs, hash };
}
const errorsOf = async (res: Response) =>
  ((await res.json()) as { errors: { pointer: string; code: string }[] }).errors
    .map((e) => `${e.pointer} ${e.code}`);

describe('POST /users: created', () => {
  it('answers 201 with Location and a body without secrets', async () => {
    const { post } = setup();
    const res = await post({ email: ' Ann.Lee@Example.COM ', password: PW });
    expect(res.status).toBe(201);
    const id = '00000000-0000-4000-8000-000000000001';
    expect(res.headers.get('Location')).toBe(`/users/${id}`);
    expect(await res.json()).toStrictEqual({ id, email: 'Ann.Lee@example.com',
      createdAt: '2026-12-02T09:00:00.000Z' });
  });

  it('stores an Argon2id PHC string that verifies, never the password', async () => {
    const { post } = setup();
    await post({ email: 'ann@example.com', password: PW });
    const { rows } = await db().query<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(PW, rows[0]!.password_hash)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(PW);
  });

  it('counts code points, as NIST does: 15 emoji are long enough', async () => {
    const { post } = setup();
    expect((await post({ email: 'a@example.com', password: '🐙'.repeat(15) })).status).toBe(201);
    const short = await post({ email: 'b@example.com', password: '🐙'.repeat(14) });
    expect(short.status).toBe(422); // 28 UTF-16 units, but 14 characters
    expect(await errorsOf(short)).toEqual(['#/password too_short']);
  });

  it('takes an internationalized domain as its A-label, lowercased', async () => {
    const { post } = setup();
    const res = await post({ email: 'Ann@XN--BCHER-KVA.de', password: PW });
    expect(res.status).toBe(201);
    expect((await res.json() as { email: string }).email).toBe('Ann@xn--bcher-kva.de');
  });

  it('counts the characters Q42 hashes: after NFC, not as typed', async () => {
    const { post } = setup();
    // 5 letters typed decomposed: 15 code points as sent, 5 once composed.
    const res = await post({ email: 'a@example.com', password: 'U\u0308\u0304'.repeat(5) });
    expect(res.status).toBe(422);
    expect(await errorsOf(res)).toEqual(['#/password too_short']);
  });

  it('accepts 64 characters and more (NIST: SHOULD permit at least 64)', async () => {
    const { post } = setup();
    expect((await post({ email: 'a@example.com', password: 'x'.repeat(64) })).status).toBe(201);
    expect((await post({ email: 'b@example.com', password: 'é'.repeat(512) })).status).toBe(201);
  });
});

describe('POST /users: taken', () => {
  it('answers 409 problem+json for the same mailbox in another case, saying nothing more', async () => {
    const { post } = setup();
    await post({ email: 'ann@example.com', password: PW });
    const res = await post({ email: 'ANN@Example.com', password: 'another long passphrase' });
    expect(res.status).toBe(409);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(res.headers.get('Location')).toBeNull();
    const body = await res.json() as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['detail', 'requestId', 'status', 'title', 'type']);
    expect(JSON.stringify(body)).not.toMatch(/000000000001|2026|argon/);
    expect((await db().query('SELECT 1 FROM users')).rows).toHaveLength(1);
  });

  it('hashes once whether the email is new or taken, so both take as long', async () => {
    const { post, hash } = setup();
    await post({ email: 'ann@example.com', password: PW });
    expect(hash).toHaveBeenCalledTimes(1);
    await post({ email: 'ann@example.com', password: PW });
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('treats a 23505 on another constraint as a bug: 500, not 409', async () => {
    const { post } = setup({ newUserId: () => '00000000-0000-4000-8000-000000000001' });
    await post({ email: 'ann@example.com', password: PW });
    const res = await post({ email: 'bob@example.com', password: PW });
    expect(res.status).toBe(500);
  });
});

describe("POST /users with onTaken: 'email'", () => {
  it('gives new and taken emails the same 202 and tells the owner by mail', async () => {
    const notify = vi.fn(async () => {});
    const { post, hash } = setup({ onTaken: 'email', notify });
    const first = await post({ email: 'ann@example.com', password: PW });
    const again = await post({ email: 'Ann@example.com', password: PW });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(first.headers.get('Location')).toBeNull();
    expect(await again.text()).toBe(await first.text());
    // Headers too, apart from the per-request id: nothing tells them apart.
    const shown = (r: Response) => [...r.headers]
      .filter(([name]) => name !== 'x-request-id');
    expect(shown(again)).toEqual(shown(first));
    expect(notify.mock.calls).toEqual([['ann@example.com', 'verify'],
      ['Ann@example.com', 'already-registered']]);
    expect(hash).toHaveBeenCalledTimes(2);
  });

  it('leaves a way back when the mailer fails after the insert', async () => {
    let down = true;
    const notify = vi.fn(async () => { if (down) throw new Error('smtp down'); });
    const { post } = setup({ onTaken: 'email', notify });
    expect((await post({ email: 'ann@example.com', password: PW })).status).toBe(500);
    expect((await db().query('SELECT 1 FROM users')).rows).toHaveLength(1);
    down = false; // the client retries: the account exists, so the owner
    // gets the already-registered mail, whose reset link proves the mailbox
    expect((await post({ email: 'ann@example.com', password: PW })).status).toBe(202);
    expect(notify.mock.calls.at(-1)).toEqual(['ann@example.com', 'already-registered']);
  });

  it('refuses to start without a way to send the mail', () => {
    expect(() => createRegistrationApp({ db: db(), log: () => {},
      isBlocked: () => false, onTaken: 'email' })).toThrow(TypeError);
  });
});

describe('POST /users: invalid', () => {
  it.each([
    ['a short password', { email: 'a@example.com', password: 'hunter2' }, ['#/password too_short']],
    ['a bad email', { email: 'ann@example', password: PW }, ['#/email invalid_format']],
    ['a Unicode domain (send the A-label)', { email: 'ann@bücher.de', password: PW }, ['#/email invalid_format']],
    ['a non-ASCII local part', { email: 'jörg@example.com', password: PW }, ['#/email invalid_format']],
    ['a 65-octet local part', { email: `${'a'.repeat(65)}@example.com`, password: PW }, ['#/email too_long']],
    ['a 255-character email', { email: `a@${'b'.repeat(249)}.com`, password: PW }, ['#/email too_long']],
    ['missing fields', {}, ['#/email required', '#/password required']],
    ['a role (mass assignment)', { email: 'a@example.com', password: PW, role: 'admin' }, ['#/role unknown_field']],
    ['a number as password', { email: 'a@example.com', password: 123456789012345 }, ['#/password invalid_type']],
  ])('answers 422 for %s', async (_label, body, expected) => {
    const { post, hash } = setup();
    const res = await post(body);
    expect(res.status).toBe(422);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
    expect(await errorsOf(res)).toEqual(expected);
    expect(hash).not.toHaveBeenCalled();
  });

  it('answers 422, not 500, for what Q42 would refuse to hash', async () => {
    const { post, hash } = setup();
    // 256 characters that NFC expands to 1,536 bytes: over Q42's 1,024.
    const expands = await post({ email: 'a@example.com', password: '\uFB2C'.repeat(256) });
    expect(await errorsOf(expands)).toEqual(['#/password too_long']);
    const loneSurrogate = await post(`{"email":"b@example.com","password":"${'x'.repeat(20)}\\ud800"}`);
    expect(await errorsOf(loneSurrogate)).toEqual(['#/password too_long']);
    expect(hash).not.toHaveBeenCalled();
  });

  it('answers 422, not 500, for 1,026 code units that NFC shrinks to 684 bytes', async () => {
    const { post, hash } = setup();
    // U+0055 U+0308 U+0304 composes to U+01D5 (2 bytes): under the byte
    // cap after NFC, yet Q42 refuses input over 1,024 UTF-16 code units.
    const shrinks = 'U\u0308\u0304'.repeat(342);
    const res = await post({ email: 'a@example.com', password: shrinks });
    expect(res.status).toBe(422);
    expect(await errorsOf(res)).toEqual(['#/password too_long']);
    expect(hash).not.toHaveBeenCalled();
  });

  it('refuses a blocklisted password with its reason (NIST SHALL)', async () => {
    const { post, hash } = setup();
    const res = await post({ email: 'a@example.com', password: 'password123456789' });
    expect(res.status).toBe(422);
    expect(await errorsOf(res)).toEqual(['#/password blocked_password']);
    expect(hash).not.toHaveBeenCalled();
  });

  it.each([
    ['malformed JSON', `{"email":"a@example.com","password":"${PW}"`, {}, 400],
    ['a duplicate key', `{"email":"a@example.com","password":"x","password":"${PW}"}`, {}, 400],
    ['form encoding', `email=a@example.com&password=${PW}`,
      { 'Content-Type': 'application/x-www-form-urlencoded' }, 415],
    ['an oversized body', JSON.stringify({ email: 'a@example.com', password: PW,
      pad: 'x'.repeat(MAX_SIGNUP_BYTES) }), {}, 413],
  ])('answers %s with a problem+json 4xx', async (_label, body, headers, status) => {
    const { post } = setup();
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toBe(PROBLEM_JSON);
  });
});

describe('the password never leaves', () => {
  it('is absent from every response and log line, whatever the outcome', async () => {
    const failing: Queryable = { query: async () => {
      throw new Error(`insert failed for password ${PW}`); } };
    const cases: [Partial<RegistrationDeps>, string][] = [
      [{}, JSON.stringify({ email: 'ann@example.com', password: PW })],
      [{}, JSON.stringify({ email: 'ann@example.com', password: PW })], // 409
      [{}, JSON.stringify({ email: 'ann@', password: PW })], // 422
      [{}, `{"email":"ann@example.com","password":"${PW}"`], // 400
      [{}, `{"password":"${PW}","password":"${PW}"}`], // 400, duplicate
      [{ isBlocked: () => { throw new Error(`lookup failed: ${PW}`); } },
        JSON.stringify({ email: 'zed@example.com', password: PW })], // 500
      [{ db: failing }, JSON.stringify({ email: 'zed@example.com', password: PW })], // 500
    ];
    const seen: string[] = [];
    const statuses: number[] = [];
    for (const [over, body] of cases) {
      const { post, logs } = setup({ newUserId: randomUUID, ...over });
      const res = await post(body);
      statuses.push(res.status);
      seen.push(await res.text(), JSON.stringify([...res.headers]), JSON.stringify(logs));
    }
    expect(statuses).toEqual([201, 409, 422, 400, 400, 500, 500]);
    for (const text of seen) expect(text).not.toContain(PW);
  });
});
