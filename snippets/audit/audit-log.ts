/**
 * An append-only audit log in PostgreSQL: who did what, to what, when,
 * from where and with what outcome (the OWASP Logging Cheat Sheet's
 * "Event attributes"), one hash-chained row per event.
 *
 * Three layers, each covering what the one before cannot:
 * - privileges: the app's role may INSERT and read the head, nothing else;
 * - a statement trigger that refuses UPDATE, DELETE and TRUNCATE for
 *   everyone, the owner included, while it is enabled;
 * - the hash chain (hash-chain.ts), which catches what the owner or a
 *   superuser can still do: disable the trigger, or set
 *   session_replication_role = replica, and edit rows. A signed
 *   checkpoint kept outside the database catches a rebuilt chain.
 *
 * Appends are serialized by a transaction-scoped advisory lock, so two
 * writers never link to the same head (a fork).
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#event-attributes
 * @see https://www.postgresql.org/docs/current/sql-createtrigger.html
 */
import { isIP } from 'node:net';
import type { Session } from '../db/postgres-server.ts';
import {
  canonicalJson, link, MAX_DEPTH, verifyChain, type Chained, type Json,
  type Head, type Verdict,
} from './hash-chain.ts';

// #region schema
export const AUDIT_SCHEMA = `
  CREATE TABLE audit_log (
    seq        bigint PRIMARY KEY,
    at         timestamptz NOT NULL,             -- when
    app        text NOT NULL,                    -- where: service@version
    actor      text NOT NULL,                    -- who: user:42
    source_ip  text,                             -- who: from which address
    request_id text,                             -- ties to app logs
    action     text NOT NULL,                    -- what: role.grant
    target     text NOT NULL,                    -- on what: user:7
    outcome    text NOT NULL,                    -- success|failure|denied
    details    jsonb NOT NULL,
    prev_hash  text NOT NULL UNIQUE,             -- one successor per record
    hash       text NOT NULL
  );

  CREATE FUNCTION audit_log_refuse() RETURNS trigger
  LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END $$;

  -- FOR EACH STATEMENT: TRUNCATE fires no row triggers, and a statement
  -- trigger also fires when a DELETE or UPDATE matches no rows.
  CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();`;

/** Run by the table's owner (a migration role, never the app's). */
export function auditGrantsSql(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) {
    throw new RangeError('role must be 1-63 characters: a-z, 0-9 or _');
  }
  return `
    REVOKE ALL ON audit_log FROM PUBLIC, "${role}";
    GRANT INSERT, SELECT (seq, hash) ON audit_log TO "${role}";`;
}
// #endregion schema

export interface AuditEvent {
  actor: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  sourceIp?: string | null;
  requestId?: string | null;
  details?: Record<string, Json>;
}
export interface AuditFields {
  at: string; app: string; actor: string; sourceIp: string | null;
  requestId: string | null; action: string; target: string;
  outcome: string; details: Record<string, Json>;
}
export type AuditRecord = Chained<AuditFields>;

export interface AppendOptions {
  app: string; // e.g. 'billing-api@1.4.2'
  now: () => number;
}

export const MAX_DETAILS_BYTES = 4096;

// #region validate
const ID = /^(user|service|system):[A-Za-z0-9_.-]{1,64}$/;
const TARGET = /^[a-z_]{1,32}:[A-Za-z0-9_.-]{1,64}$/;
const ACTION = /^[a-z][a-z0-9_]{0,31}(\.[a-z][a-z0-9_]{0,31}){1,3}$/;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const OUTCOMES = new Set(['success', 'failure', 'denied']);
/**
 * Key names that hold a credential: record that it changed, never the
 * value. Names only: a token under an innocent key (`note`) gets through.
 */
const SECRET_KEY = new RegExp(['^pass$', 'passw(or)?d', 'passphrase', 'pwd',
  'secret', 'token', 'api.?key', 'private.?key', 'session.?id', 'jwt',
  'authorization', 'cookie', 'credential', 'connection.?string'].join('|'),
'i');

/** Checks and normalizes an event; errors name the field, not its value. */
export function auditFields(e: AuditEvent, at: number,
  app: string): AuditFields {
  const bad = (field: string, rule: string): never => {
    throw new TypeError(`audit ${field}: ${rule}`);
  };
  if (!ID.test(e.actor)) bad('actor', 'user:<id>, service:<id> or system:<id>');
  if (!ACTION.test(e.action)) bad('action', 'dotted, e.g. role.grant');
  if (!TARGET.test(e.target)) bad('target', 'type:<id>, e.g. user:7');
  if (!OUTCOMES.has(e.outcome)) bad('outcome', 'success, failure or denied');
  const ip = e.sourceIp ?? null;
  if (ip !== null && isIP(ip) === 0) bad('sourceIp', 'an IPv4 or IPv6 address');
  const rid = e.requestId ?? null;
  if (rid !== null && !REQUEST_ID.test(rid)) bad('requestId', '[A-Za-z0-9._-]');
  const details = e.details ?? {};
  const secret = secretKey(details);
  if (secret) bad(secret, 'looks like a credential; log that it changed');
  const size = Buffer.byteLength(canonicalJson(details, 'details'));
  if (size > MAX_DETAILS_BYTES) bad('details', `${size} bytes, `
    + `over ${MAX_DETAILS_BYTES}; store a reference instead`);
  if (!Number.isFinite(at)) bad('at', 'the clock returned no time');
  return { at: new Date(at).toISOString(), app, actor: e.actor,
    sourceIp: ip, requestId: rid, action: e.action, target: e.target,
    outcome: e.outcome, details };
}

/**
 * The path of the first credential-like key. Each value costs at least a
 * byte once written, so the walk stops after MAX_DETAILS_BYTES of them: a
 * cycle or an object shared many times cannot keep it busy. Cycles are
 * skipped here and refused by canonicalJson, with their path.
 */
function secretKey(details: unknown): string | null {
  let budget = MAX_DETAILS_BYTES;
  const walk = (v: unknown, path: string, up: unknown[]): string | null => {
    if (--budget < 0) throw new TypeError('audit details: more than '
      + `${MAX_DETAILS_BYTES} values; store a reference instead`);
    if (v === null || typeof v !== 'object' || up.includes(v)
      || up.length > MAX_DEPTH) return null;
    for (const [k, x] of Object.entries(v)) {
      const at = Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`;
      if (!Array.isArray(v) && SECRET_KEY.test(k)) return at;
      const found = walk(x, at, [...up, v]);
      if (found) return found;
    }
    return null;
  };
  return walk(details, 'details', []);
}
// #endregion validate

// #region append
/** Any 64-bit number all writers agree on; it names "the audit head". */
const HEAD_LOCK = 7_346_051_001;

/**
 * Appends one event. Call it inside the transaction that makes the
 * change, so both commit or neither does: the advisory lock is held
 * until that transaction ends, and it is what keeps the chain linear.
 * It needs READ COMMITTED, where the head is read after the lock.
 */
export async function appendAudit(tx: Session, event: AuditEvent,
  { app, now }: AppendOptions): Promise<AuditRecord> {
  const fields = auditFields(event, now(), app);
  const { rows: [lock] } = await tx.query<{ iso: string }>(
    `SELECT pg_advisory_xact_lock($1),
      current_setting('transaction_isolation') AS iso`, [HEAD_LOCK]);
  if (lock?.iso !== 'read committed') {
    throw new Error(`appendAudit needs READ COMMITTED: at ${lock?.iso}, `
      + 'the head it would read predates the lock');
  }
  const { rows } = await tx.query<{ seq: string; hash: string }>(
    `SELECT seq::text AS seq, hash FROM audit_log
      ORDER BY audit_log.seq DESC LIMIT 1`); // the bigint, not the text
  const head = rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash }
    : null;
  const r = link(head, fields);
  await tx.query(`INSERT INTO audit_log (seq, at, app, actor, source_ip,
      request_id, action, target, outcome, details, prev_hash, hash)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)`,
  [r.seq, r.at, r.app, r.actor, r.sourceIp, r.requestId, r.action,
    r.target, r.outcome, canonicalJson(r.details), r.prevHash, r.hash]);
  return r;
}
// #endregion append

interface Row {
  seq: string; at: Date; app: string; actor: string;
  source_ip: string | null; request_id: string | null; action: string;
  target: string; outcome: string; details: Record<string, Json>;
  prev_hash: string; hash: string;
}

/** Records after `afterSeq`, oldest first, as the chain hashed them. */
export async function readAudit(db: Session, afterSeq = 0,
  limit = 1000): Promise<AuditRecord[]> {
  const { rows } = await db.query<Row>(`SELECT seq::text AS seq, at, app,
      actor, source_ip, request_id, action, target, outcome, details,
      prev_hash, hash
    FROM audit_log WHERE seq > $1 ORDER BY audit_log.seq LIMIT $2`,
  [afterSeq, limit]);
  return rows.map((w) => ({
    at: w.at.toISOString(), app: w.app, actor: w.actor,
    sourceIp: w.source_ip, requestId: w.request_id, action: w.action,
    target: w.target, outcome: w.outcome, details: w.details,
    seq: Number(w.seq), prevHash: w.prev_hash, hash: w.hash,
  }));
}

/** Verifies the whole stored chain a page at a time. */
export async function verifyAudit(db: Session, pageSize = 1000)
  : Promise<Verdict> {
  let head: Head | null = null;
  let count = 0;
  for (;;) {
    const page = await readAudit(db, head?.seq ?? 0, pageSize);
    if (page.length === 0) return { ok: true, count, head };
    const v = verifyChain(page, head);
    if (!v.ok) return v;
    head = v.head;
    count += v.count;
  }
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(AUDIT_SCHEMA);
  let t = Date.parse('2026-12-02T09:00:00Z');
  const opts = { app: 'admin-api@2.3.0', now: () => (t += 1000) };
  const events: AuditEvent[] = [
    { actor: 'user:42', action: 'session.login', target: 'user:42',
      outcome: 'success', sourceIp: '203.0.113.9' },
    { actor: 'user:42', action: 'role.grant', target: 'user:7',
      outcome: 'success', details: { role: 'admin' } },
    { actor: 'user:7', action: 'report.export', target: 'report:q4',
      outcome: 'denied', details: { rows: 1200 } },
  ];
  for (const e of events) {
    const r = await db.transaction((tx) => appendAudit(tx, e, opts));
    console.log(`#${r.seq} ${r.action} ${r.hash.slice(0, 12)}`
      + ` <- ${r.prevHash.slice(0, 12)}`);
  }
  const say = (v: Verdict) => (v.ok ? `ok, ${v.count} records`
    : `${v.problem} at #${v.seq}: ${v.detail}`);
  console.log('verify ->', say(await verifyAudit(db)));
  try {
    await appendAudit(db, { ...events[1]!,
      details: { role: 'admin', password: 'hunter2' } }, opts);
  } catch (error) { console.log((error as Error).message); }
  await db.query("UPDATE audit_log SET details = '{\"role\":\"viewer\"}'")
    .catch((error: Error) => console.log(error.message));
  // The table's owner can switch the trigger off; the chain still sees it.
  await db.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
    UPDATE audit_log SET details = '{"role":"viewer"}' WHERE seq = 2;`);
  console.log('owner edited #2 ->', say(await verifyAudit(db)));
  await db.close();
}
