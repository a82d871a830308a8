import { describe, expect, it, vi } from 'vitest';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import {
  REFRESH_SCHEMA, revokeFamily, rotate, startFamily, type Db, type Queryable,
  type RefreshOptions, type Rotation,
} from './refresh-tokens.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const DAY = 86_400_000;
const RESET = 'TRUNCATE refresh_tokens, refresh_families';

let clock = T0;
let seq = 0;
let families = 0;
const opts = (over: Partial<RefreshOptions> = {}): RefreshOptions => ({
  now: () => clock, idleMs: 14 * DAY, absoluteMs: 30 * DAY, graceMs: 10_000,
  random: (size) => { const b = new Uint8Array(size); new DataView(b.buffer).setUint32(0, ++seq); return b; },
  newId: () => `00000000-0000-4000-8000-${String(++families).padStart(12, '0')}`,
  ...over,
});
const issueAccess = async (user: string) => `access:${user}`;
const fresh = () => { clock = T0; };

async function rotated(db: Db, token: string, o = opts()): Promise<string> {
  const r = await rotate(db, token, o, issueAccess);
  if (r.kind !== 'rotated') throw new Error(`expected rotated, got ${r.kind}`);
  return r.refreshToken;
}
const kind = async (db: Db, token: string, o = opts()) =>
  (await rotate(db, token, o, issueAccess)).kind;
const revokedReason = async (db: Queryable) =>
  (await db.query<{ revoked_reason: string | null }>('SELECT revoked_reason FROM refresh_families')).rows
    .map((r) => r.revoked_reason);

describe('on PGlite (one session)', () => {
  const db = useDatabase(REFRESH_SCHEMA, { reset: RESET });

  it('stores only a SHA-256 of each token, never the token', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    expect(r1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const r2 = await rotated(db(), r1);
    const dump = JSON.stringify((await db().query('SELECT * FROM refresh_tokens')).rows);
    for (const token of [r1, r2]) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(Buffer.from(token, 'base64url').toString('hex'));
    }
    const { rows } = await db().query<{ n: number }>('SELECT octet_length(token_hash) AS n FROM refresh_tokens');
    expect(rows.map((r) => r.n)).toEqual([32, 32]);
  });

  it('rotates along a chain: each token works once and returns an access token', async () => {
    fresh();
    let token = await startFamily(db(), 'user_42', opts());
    for (let i = 0; i < 3; i++) {
      clock += 60_000;
      const r = await rotate(db(), token, opts(), issueAccess);
      expect(r).toMatchObject({ kind: 'rotated', accessToken: 'access:user_42' });
      if (r.kind === 'rotated') token = r.refreshToken;
    }
    expect(await revokedReason(db())).toEqual([null]);
  });

  it('answers invalid for a malformed or unknown token without revoking anything', async () => {
    fresh();
    await startFamily(db(), 'user_42', opts());
    for (const bad of ['', 'short', `${'A'.repeat(42)}!`, 'A'.repeat(44), 'A'.repeat(43)]) {
      expect(await kind(db(), bad)).toBe('invalid');
    }
    expect(await revokedReason(db())).toEqual([null]);
  });

  it('refuses malformed input before touching the database', async () => {
    const untouchable = {
      query: async () => { throw new Error('database touched'); },
      transaction: async () => { throw new Error('database touched'); },
    } as Db;
    for (const bad of ['', 'x'.repeat(1_000_000), `${'A'.repeat(42)}=`]) {
      expect(await kind(untouchable, bad)).toBe('invalid');
      expect(await revokeFamily(untouchable, bad, clock)).toBe(false);
    }
  });

  it('expires a token left unused for the idle period, without calling it reuse', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts({ idleMs: DAY }));
    clock += DAY;
    expect(await kind(db(), r1)).toBe('invalid');
    expect(await revokedReason(db())).toEqual([null]);
  });

  it('never lets a successor outlive the family\'s absolute expiry', async () => {
    fresh();
    const o = opts({ idleMs: 20 * DAY, absoluteMs: 30 * DAY });
    const r1 = await startFamily(db(), 'user_42', o);
    clock += 19 * DAY;
    const r2 = await rotated(db(), r1, o);
    const { rows } = await db().query<{ expires_at: Date }>(
      'SELECT t.expires_at FROM refresh_tokens t WHERE used_at IS NULL');
    expect(rows[0]?.expires_at.getTime()).toBe(T0 + 30 * DAY);
    clock = T0 + 30 * DAY;
    expect(await kind(db(), r2, o)).toBe('invalid');
    // The first token too, when the idle period is the longer one.
    const long = opts({ idleMs: 40 * DAY, absoluteMs: 30 * DAY });
    clock = T0;
    const first = await startFamily(db(), 'user_7', long);
    clock = T0 + 30 * DAY;
    expect(await kind(db(), first, long)).toBe('invalid');
  });

  it('answers superseded to a second tab inside the grace window, and keeps the family', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const r2 = await rotated(db(), r1);
    clock += 10_000; // exactly the grace window
    expect(await kind(db(), r1)).toBe('superseded');
    expect(await revokedReason(db())).toEqual([null]);
    expect(await kind(db(), r2)).toBe('rotated'); // the winner's token still works
  });

  it('treats the same late request after the grace window as a replay', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const r2 = await rotated(db(), r1);
    clock += 10_001;
    expect(await kind(db(), r1)).toBe('reuse-detected');
    expect(await kind(db(), r2)).toBe('invalid');
  });

  it('revokes the whole family, newest token included, when a stolen token is replayed after the user rotated', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const stolen = await rotated(db(), r1); // the thief copies r2
    clock += 3_600_000;
    const r3 = await rotated(db(), stolen); // the user moves on to r3
    clock += 60_000;
    expect(await kind(db(), stolen)).toBe('reuse-detected');
    expect(await revokedReason(db())).toEqual(['reuse']);
    expect(await kind(db(), r3)).toBe('invalid'); // the user must log in again
    expect(await kind(db(), stolen)).toBe('invalid'); // and the thief gets nothing
  });

  it('revokes the thief\'s tokens when the thief rotated first and the user comes back', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const thiefs = await rotated(db(), r1);
    clock += 60_000;
    expect(await kind(db(), r1)).toBe('reuse-detected'); // the real user, late
    expect(await kind(db(), thiefs)).toBe('invalid');
  });

  it('when the thief rotated first, tells the user inside the window to retry, and revokes on the retry after it', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const thiefs = await rotated(db(), r1); // the copy is spent first
    clock += 3_000;
    expect(await kind(db(), r1)).toBe('superseded'); // the user, looking like a second tab
    expect(await revokedReason(db())).toEqual([null]);
    clock += 8_000; // the user's retry still carries r1: now past the window
    expect(await kind(db(), r1)).toBe('reuse-detected');
    expect(await kind(db(), thiefs)).toBe('invalid');
  });

  it('gives no grace to a token two generations old, even seconds later', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const r2 = await rotated(db(), r1);
    await rotated(db(), r2);
    clock += 1_000;
    expect(await kind(db(), r1)).toBe('reuse-detected');
  });

  it('gives no grace once the successor has itself been used', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const r2 = await rotated(db(), r1);
    clock += 1_000;
    await rotated(db(), r2);
    expect(await kind(db(), r2)).toBe('superseded'); // r3 is still unused
    expect(await kind(db(), r1)).toBe('reuse-detected');
  });

  it('spends nothing when issuing the access token fails', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const failing = async () => { throw new Error('signing key unavailable'); };
    await expect(rotate(db(), r1, opts(), failing)).rejects.toThrow('signing key unavailable');
    expect(await kind(db(), r1)).toBe('rotated');
    const { rows } = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens');
    expect(rows[0]?.n).toBe(2); // r1 and one successor, none from the failed try
  });

  it('logout revokes every token of the family, and only that family', async () => {
    fresh();
    const r1 = await startFamily(db(), 'user_42', opts());
    const laptop = await startFamily(db(), 'user_42', opts());
    const r2 = await rotated(db(), r1);
    expect(await revokeFamily(db(), r1, clock)).toBe(true); // any member will do
    expect(await kind(db(), r2)).toBe('invalid');
    expect(await kind(db(), laptop)).toBe('rotated');
    expect(await revokeFamily(db(), r1, clock)).toBe(false); // already revoked
    expect(await revokeFamily(db(), 'nope', clock)).toBe(false);
  });

  it('refuses bad options and bad input with clear errors', async () => {
    fresh();
    await expect(startFamily(db(), '', opts())).rejects.toThrow(RangeError);
    await expect(startFamily(db(), 'u', opts({ graceMs: 120_000 }))).rejects.toThrow(/graceMs/);
    await expect(startFamily(db(), 'u', opts({ idleMs: 1.5 }))).rejects.toThrow(/idleMs/);
    await expect(startFamily(db(), 'u', opts({ random: () => new Uint8Array(8) }))).rejects.toThrow(/32 bytes/);
    await expect(rotate(db(), 'x', opts({ absoluteMs: -1 }), issueAccess)).rejects.toThrow(/absoluteMs/);
  });
});

// Several sessions at once (a real server): the race PGlite cannot run.
describe('on a PostgreSQL server: two tabs refreshing at once', () => {
  const { db: pg } = useServerDatabase(REFRESH_SCHEMA, { connections: 12, reset: RESET });

  it('lets one request rotate while the other waits on the row, then answers it superseded', async () => {
    fresh();
    const r1 = await startFamily(pg(), 'user_42', opts());
    // Tab A claims r1 and is held inside its transaction, before commit.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let claimed!: () => void;
    const inside = new Promise<void>((resolve) => { claimed = resolve; });
    const tabA = rotate(pg(), r1, opts(), async (user) => { claimed(); await held; return `access:${user}`; });
    await inside;
    // Tab B sends the same r1 now: it must block on A's row lock.
    const tabB = rotate(pg(), r1, opts(), issueAccess);
    const waited = await waitsForLock(pg(), tabB);
    expect(waited.some((sql) => sql.includes('UPDATE refresh_tokens'))).toBe(true);
    release();
    const results: Rotation[] = await Promise.all([tabA, tabB]);
    expect(results.map((r) => r.kind)).toEqual(['rotated', 'superseded']);
    const { rows } = await pg().query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens');
    expect(rows[0]?.n).toBe(2); // r1 and exactly one successor
    expect(await revokedReason(pg())).toEqual([null]);
  });

  it('lets exactly one of ten concurrent refreshes rotate', async () => {
    fresh();
    const r1 = await startFamily(pg(), 'user_42', opts());
    const results = await Promise.all(Array.from({ length: 10 }, () => rotate(pg(), r1, opts(), issueAccess)));
    expect(results.filter((r) => r.kind === 'rotated')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'superseded')).toHaveLength(9);
  });

  it('revokes the family when the thief and the user race after the grace window', async () => {
    fresh();
    const r1 = await startFamily(pg(), 'user_42', opts());
    const r2 = await rotated(pg(), r1);
    clock += 60_000;
    const spy = vi.fn(issueAccess);
    const [a, b] = await Promise.all([rotate(pg(), r1, opts(), spy), rotate(pg(), r2, opts(), spy)]);
    // Whichever ran first, r1 is a replay: the family ends, whatever r2 got.
    expect(a.kind).toBe('reuse-detected');
    expect(['rotated', 'invalid']).toContain(b.kind);
    expect(await revokedReason(pg())).toEqual(['reuse']);
    if (b.kind === 'rotated') expect(await kind(pg(), b.refreshToken)).toBe('invalid');
  });
});
