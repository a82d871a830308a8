import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { authenticate, login, makeDummyHash } from './login.ts';
import {
  hashPassword, needsRehash, OWASP_ARGON2ID, parsePhc, PhcFormatError, verifyPassword,
} from './password-hash.ts';
import { findSession, hashToken } from './sessions.ts';
import { AUTH_SCHEMA, createUser, findUserByEmail } from './user-store.ts';

const ANN = '00000000-0000-4000-8000-000000000001';
const PW = 'correct horse battery staple';
const T0 = Date.UTC(2026, 11, 2, 9);
const db = useDatabase(AUTH_SCHEMA, { reset: 'TRUNCATE users CASCADE' });

let annHash: string;
let dummyHash: string;
beforeAll(async () => {
  [annHash, dummyHash] = await Promise.all([hashPassword(PW), makeDummyHash()]);
});
const addAnn = (passwordHash = annHash) => createUser(db(),
  { id: ANN, email: 'Ann@example.com', passwordHash, createdAt: new Date(T0) });
/** Q42's verifyPassword, counted. */
const spy = () => vi.fn(verifyPassword);
const session = { now: () => T0, ttlMs: 3600_000 };

describe('authenticate', () => {
  it('accepts the right password, with any case or spacing of the email', async () => {
    await addAnn();
    for (const email of ['Ann@example.com', '  ann@EXAMPLE.COM ']) {
      expect(await authenticate(db(), email, PW, { dummyHash })).toEqual({ ok: true, userId: ANN });
    }
  });

  it('fails a wrong password and an unknown email with the same result', async () => {
    await addAnn();
    const wrong = await authenticate(db(), 'ann@example.com', 'Correct horse battery staple', { dummyHash });
    const unknown = await authenticate(db(), 'bob@example.com', PW, { dummyHash });
    expect(wrong).toEqual({ ok: false });
    expect(unknown).toStrictEqual(wrong);
  });

  it('runs exactly one Argon2id verification in both failure cases', async () => {
    await addAnn();
    const wrongVerify = spy();
    await authenticate(db(), 'ann@example.com', 'nope', { dummyHash, verify: wrongVerify });
    expect(wrongVerify).toHaveBeenCalledTimes(1);
    expect(wrongVerify).toHaveBeenCalledWith('nope', annHash);

    const unknownVerify = spy();
    await authenticate(db(), 'bob@example.com', 'nope', { dummyHash, verify: unknownVerify });
    expect(unknownVerify).toHaveBeenCalledTimes(1);
    expect(unknownVerify).toHaveBeenCalledWith('nope', dummyHash);
  });

  it('verifies against the dummy for a malformed email too', async () => {
    const verify = spy();
    expect(await authenticate(db(), "' OR 1=1 --", PW, { dummyHash, verify })).toEqual({ ok: false });
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('never lets the dummy hash log anyone in', async () => {
    const alwaysTrue = vi.fn(async () => true); // even if it "matched"
    expect(await authenticate(db(), 'bob@example.com', PW, { dummyHash, verify: alwaysTrue }))
      .toEqual({ ok: false });
  });

  it('makes the dummy with the current parameters, so it costs what a real hash costs', () => {
    expect(needsRehash(dummyHash)).toBe(false);
    expect(parsePhc(dummyHash).params).toEqual(OWASP_ARGON2ID);
  });

  it('rehashes a hash made with old parameters after a successful login', async () => {
    const old = await hashPassword(PW, { ...OWASP_ARGON2ID, memory: 12_288, passes: 3 });
    await addAnn(old);
    expect(await authenticate(db(), 'ann@example.com', PW, { dummyHash })).toEqual({ ok: true, userId: ANN });
    const stored = (await findUserByEmail(db(), 'ann@example.com'))!.passwordHash;
    expect(stored).not.toBe(old);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword(PW, stored)).toBe(true);
  });

  it('does not rehash after a failed login', async () => {
    const old = await hashPassword(PW, { ...OWASP_ARGON2ID, memory: 12_288, passes: 3 });
    await addAnn(old);
    await authenticate(db(), 'ann@example.com', 'wrong', { dummyHash });
    expect((await findUserByEmail(db(), 'ann@example.com'))!.passwordHash).toBe(old);
  });

  it('throws on a corrupt stored hash instead of reading it as a wrong password', async () => {
    await addAnn(annHash.replace('m=19456', 'm=4194304'));
    await expect(authenticate(db(), 'ann@example.com', PW, { dummyHash }))
      .rejects.toBeInstanceOf(PhcFormatError);
  });
});

describe('login', () => {
  it('starts a session whose token is stored only as a hash', async () => {
    await addAnn();
    const result = await login(db(), 'ann@example.com', PW, { dummyHash, ...session });
    if (!result.ok) throw new Error('expected a session');
    expect(result.expiresAt).toEqual(new Date(T0 + 3600_000));
    expect(await findSession(db(), result.token, T0)).toEqual({ userId: ANN });
    const rows = (await db().query<{ token_hash: string }>('SELECT token_hash FROM sessions')).rows;
    expect(rows).toEqual([{ token_hash: hashToken(result.token) }]);
  });

  it('starts a new session on every login', async () => {
    await addAnn();
    const a = await login(db(), 'ann@example.com', PW, { dummyHash, ...session });
    const b = await login(db(), 'ann@example.com', PW, { dummyHash, ...session });
    expect(a.ok && b.ok && a.token !== b.token).toBe(true);
  });

  it('creates no session when authentication fails', async () => {
    await addAnn();
    for (const [email, pw] of [['ann@example.com', 'wrong'], ['bob@example.com', PW]]) {
      expect(await login(db(), email!, pw!, { dummyHash, ...session })).toEqual({ ok: false });
    }
    expect((await db().query('SELECT 1 FROM sessions')).rows).toHaveLength(0);
  });
});
