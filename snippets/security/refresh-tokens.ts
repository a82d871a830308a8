/**
 * Refresh tokens done the RFC 9700 §4.14 way: opaque random values stored
 * only as SHA-256 hashes, rotated on every use, and grouped in families so
 * that a replayed (already rotated) token revokes the whole family,
 * including the newest token. One conditional UPDATE spends a token, so
 * two requests presenting it at once cannot both rotate it.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** PGlite, a transaction, or a `pg` pool (snippets/db/postgres-server.ts). */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[] }>;
}
export interface Db extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

// #region schema
export const REFRESH_SCHEMA = `
CREATE TABLE IF NOT EXISTS refresh_families (
  id uuid PRIMARY KEY,            -- one login on one device
  user_id text NOT NULL,
  expires_at timestamptz NOT NULL, -- absolute: log in again after this
  revoked_at timestamptz,
  revoked_reason text              -- 'reuse' or 'logout'
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash bytea PRIMARY KEY,    -- SHA-256 of the token, never the token
  family_id uuid NOT NULL REFERENCES refresh_families (id),
  expires_at timestamptz NOT NULL, -- idle timeout
  used_at timestamptz,             -- set once, by the rotation that spent it
  replaced_by bytea                -- the successor's hash
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family
  ON refresh_tokens (family_id);`;
// #endregion schema

export interface RefreshOptions {
  now: () => number; // ms since epoch, injected for tests
  idleMs: number; // a token unused this long expires
  absoluteMs: number; // a family ends this long after login
  graceMs: number; // 0-60 s: how late a second tab may arrive
  random?: (size: number) => Uint8Array; // crypto.randomBytes by default
  newId?: () => string; // family id; crypto.randomUUID by default
}
export type Rotation =
  | { kind: 'rotated'; refreshToken: string; accessToken: string }
  | { kind: 'superseded' } // another request just rotated it: retry
  | { kind: 'reuse-detected' } // a replay: the family is now revoked
  | { kind: 'invalid' }; // unknown, expired or revoked: log in again

const TOKEN = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url
const hash = (token: string) => createHash('sha256').update(token).digest();

function newToken(o: RefreshOptions): string {
  const bytes = (o.random ?? randomBytes)(32);
  if (bytes.length !== 32) throw new RangeError('random must give 32 bytes');
  return Buffer.from(bytes).toString('base64url');
}

/** At login: a new family and its first refresh token. */
export async function startFamily(db: Queryable, userId: string,
  o: RefreshOptions): Promise<string> {
  checkOptions(o);
  if (!userId || userId.length > 255) throw new RangeError('userId: 1-255 chars');
  const token = newToken(o);
  const family = (o.newId ?? randomUUID)();
  const now = o.now();
  await db.query(`INSERT INTO refresh_families (id, user_id, expires_at)
    VALUES ($1, $2, $3)`, [family, userId, new Date(now + o.absoluteMs)]);
  await db.query(`INSERT INTO refresh_tokens (token_hash, family_id, expires_at)
    VALUES ($1, $2, $3)`, [hash(token), family,
    new Date(now + Math.min(o.idleMs, o.absoluteMs))]);
  return token;
}

// #region rotate
/**
 * Spends `presented` and returns its successor with a new access token.
 * `issueAccess` runs inside the transaction: if it fails, nothing is spent.
 */
export async function rotate(db: Db, presented: string, o: RefreshOptions,
  issueAccess: (userId: string) => Promise<string>): Promise<Rotation> {
  checkOptions(o);
  if (!TOKEN.test(presented)) return { kind: 'invalid' };
  const now = new Date(o.now());
  const next = newToken(o);
  return db.transaction(async (tx) => {
    // The claim. A concurrent request for the same token waits for this
    // row's lock, then re-checks `used_at IS NULL` and claims nothing.
    const { rows: [won] } = await tx.query<{ family: string; user: string;
      ends: Date }>(`UPDATE refresh_tokens t
      SET used_at = $2, replaced_by = $3
      FROM refresh_families f
      WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2
        AND f.id = t.family_id AND f.revoked_at IS NULL
      RETURNING f.id AS family, f.user_id AS user, f.expires_at AS ends`,
    [hash(presented), now, hash(next)]);
    if (!won) return lostClaim(tx, hash(presented), now, o.graceMs);
    const idleEnd = Math.min(now.getTime() + o.idleMs, won.ends.getTime());
    await tx.query(`INSERT INTO refresh_tokens
      (token_hash, family_id, expires_at) VALUES ($1, $2, $3)`,
    [hash(next), won.family, new Date(idleEnd)]);
    const accessToken = await issueAccess(won.user);
    return { kind: 'rotated', refreshToken: next, accessToken };
  });
}
// #endregion rotate

// #region reuse
/** Why the claim failed: a late second tab, a replay, or a dead token. */
async function lostClaim(tx: Queryable, tokenHash: Buffer, now: Date,
  graceMs: number): Promise<Rotation> {
  const { rows: [t] } = await tx.query<{ family: string; used_at: Date | null;
    revoked_at: Date | null; successor_unused: boolean | null }>(`
    SELECT t.family_id AS family, t.used_at, f.revoked_at,
           s.used_at IS NULL AS successor_unused
    FROM refresh_tokens t
    JOIN refresh_families f ON f.id = t.family_id
    LEFT JOIN refresh_tokens s ON s.token_hash = t.replaced_by
    WHERE t.token_hash = $1`, [tokenHash]);
  // Unknown, in a revoked family, or never used but expired.
  if (!t || t.revoked_at || !t.used_at) return { kind: 'invalid' };
  // Spent moments ago, and its successor not yet used: the other tab of
  // the same browser. No tokens for it, and no revocation.
  const late = now.getTime() - t.used_at.getTime();
  if (late <= graceMs && t.successor_unused) return { kind: 'superseded' };
  // Anything else is a replay. We cannot tell the thief from the user,
  // so the whole family goes, newest token included (RFC 9700 §4.14.2).
  await tx.query(`UPDATE refresh_families
    SET revoked_at = $2, revoked_reason = 'reuse'
    WHERE id = $1 AND revoked_at IS NULL`, [t.family, now]);
  return { kind: 'reuse-detected' };
}
// #endregion reuse

/** Logout: revokes the family `presented` belongs to; false if unknown. */
export async function revokeFamily(db: Queryable, presented: string,
  now: number): Promise<boolean> {
  if (!TOKEN.test(presented)) return false;
  const { rows } = await db.query(`UPDATE refresh_families f
    SET revoked_at = $2, revoked_reason = 'logout'
    FROM refresh_tokens t
    WHERE t.token_hash = $1 AND f.id = t.family_id AND f.revoked_at IS NULL
    RETURNING f.id`, [hash(presented), new Date(now)]);
  return rows.length === 1;
}

function checkOptions(o: RefreshOptions): void {
  const ms = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max} ms, found ${value}`);
    }
  };
  ms('graceMs', o.graceMs, 0, 60_000);
  ms('idleMs', o.idleMs, 60_000, 400 * 86_400_000);
  ms('absoluteMs', o.absoluteMs, 60_000, 400 * 86_400_000);
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const pglite = await openDatabase();
  await pglite.exec(REFRESH_SCHEMA);
  let now = Date.UTC(2026, 11, 2, 9, 0, 0);
  let n = 0;
  const o: RefreshOptions = {
    now: () => now, idleMs: 14 * 86_400_000, absoluteMs: 30 * 86_400_000, graceMs: 10_000,
    random: () => new Uint8Array(32).fill(++n), newId: () => '00000000-0000-4000-8000-000000000001',
  };
  const access = async (user: string) => `<access token for ${user}>`;
  const step = async (label: string, token: string) => {
    const r = await rotate(pglite, token, o, access);
    console.log(`${label.padEnd(40)} ${r.kind}`);
    return r.kind === 'rotated' ? r.refreshToken : token;
  };
  const r1 = await startFamily(pglite, 'user_42', o);
  const { rows } = await pglite.query<{ token_hash: Uint8Array }>('SELECT token_hash FROM refresh_tokens');
  console.log(`stored for r1: ${rows[0]?.token_hash.length}-byte SHA-256, not the token`);
  now += 60_000;
  const r2 = await step('tab A refreshes with r1', r1);
  now += 2_000;
  await step('tab B, 2 s later, also sends r1', r1);
  now += 3_600_000;
  const r3 = await step('user refreshes with r2 an hour later', r2);
  now += 60_000;
  await step('a minute later, a thief replays r2', r2);
  await step('user refreshes with r3 (newest)', r3);
  const { rows: [family] } = await pglite.query<{ revoked_reason: string }>('SELECT revoked_reason FROM refresh_families');
  console.log(`family revoked: ${family?.revoked_reason}`);
  await pglite.close();
}
