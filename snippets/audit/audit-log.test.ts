import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  poolDb, waitsForLock, type PoolDb, type Session,
} from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import {
  appendAudit, auditFields, auditGrantsSql, AUDIT_SCHEMA, MAX_DETAILS_BYTES,
  readAudit, verifyAudit, type AuditEvent,
} from './audit-log.ts';
import {
  memorySubjectKeys, PersonalData, SubjectErasedError,
} from '../security/crypto-shredding.ts';
import { localKeyRing } from '../security/key-ring.ts';
import {
  checkCheckpoint, demoKeys, GENESIS, link, signCheckpoint, type Json,
} from './hash-chain.ts';

const T0 = Date.parse('2026-12-02T09:00:00Z');
let clock = T0;
const opts = { app: 'admin-api@2.3.0', now: () => (clock += 1000) };
const grant = (over: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: 'user:42', action: 'role.grant', target: 'user:7', outcome: 'success',
  sourceIp: '203.0.113.9', requestId: 'req-1', details: { role: 'admin' }, ...over,
});
/** Empties the log: the trigger refuses TRUNCATE, so switch it off first. */
const RESET = `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
  TRUNCATE audit_log;
  ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`;
const rowCount = async (db: Session) => (await db.query<{ n: number }>(
  'SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;

describe('auditFields', () => {
  it('keeps who, what, when and where, and fills the optional ones with null', () => {
    expect(auditFields({ actor: 'service:billing', action: 'invoice.void',
      target: 'invoice:in_9', outcome: 'failure' }, T0, 'billing@1.0.0')).toEqual({
      at: '2026-12-02T09:00:00.000Z', app: 'billing@1.0.0', actor: 'service:billing',
      sourceIp: null, requestId: null, action: 'invoice.void', target: 'invoice:in_9',
      outcome: 'failure', details: {},
    });
  });

  it('refuses malformed who/what fields, emails and injected newlines included', () => {
    const bad: [Partial<AuditEvent>, RegExp][] = [
      [{ actor: 'ada@example.com' }, /audit actor/],
      [{ actor: 'user:' }, /audit actor/],
      [{ action: 'Grant Role' }, /audit action/],
      [{ action: 'grant' }, /audit action/],
      [{ target: 'user 7' }, /audit target/],
      [{ outcome: 'ok' as never }, /audit outcome/],
      [{ sourceIp: '10.0.0.300' }, /audit sourceIp/],
      [{ sourceIp: 'localhost' }, /audit sourceIp/],
      [{ requestId: 'req-1\n#2 role.grant forged' }, /audit requestId/],
      [{ requestId: 'r'.repeat(129) }, /audit requestId/],
      [{ actor: 'user:42\nforged' }, /audit actor/],
      [{ target: 'user:7\nforged' }, /audit target/],
      [{ action: 'role.grant\nforged' }, /audit action/],
    ];
    for (const [over, message] of bad) {
      expect(() => auditFields(grant(over), T0, 'app'), String(message)).toThrow(message);
    }
    expect(() => auditFields(grant({ sourceIp: '2001:db8::1' }), T0, 'app')).not.toThrow();
    expect(() => auditFields(grant(), NaN, 'app')).toThrow(/audit at/);
  });

  it('refuses a credential anywhere in the details, without echoing it', () => {
    const secrets: Record<string, Json>[] = [
      { password: 'hunter2' },
      { change: { newPassword: 'hunter2' } },
      { keys: [{ name: 'ci', apiKey: 'hunter2' }] },
      { headers: { Authorization: 'Bearer hunter2' } },
      { refresh_token: 'hunter2' },
      { signer: { privateKey: 'hunter2' } },
      { sessionId: 'hunter2' },
      { db: { connection_string: 'postgres://u:hunter2@h/d' } },
      { jwt: 'hunter2' },
    ];
    for (const details of secrets) {
      let message = '';
      try { auditFields(grant({ details }), T0, 'app'); } catch (e) { message = (e as Error).message; }
      expect(message).toMatch(/looks like a credential/);
      expect(message).not.toContain('hunter2');
    }
    expect(() => auditFields(grant({ details: { change: { newPassword: 'x' } } }), T0, 'app'))
      .toThrow('audit details.change.newPassword: looks like a credential');
    expect(() => auditFields(grant({ details: { keys: [{ apiKey: 'x' }] } }), T0, 'app'))
      .toThrow('audit details.keys[0].apiKey');
    // Key names are matched as words people use for credentials, not as
    // any key that contains "pass".
    expect(() => auditFields(grant({ details: { passengers: 3, compass: 'N' } }), T0, 'app'))
      .not.toThrow();
    // Saying that a credential changed is fine.
    expect(() => auditFields(grant({ action: 'password.change', details: {} }), T0, 'app'))
      .not.toThrow();
  });

  it('caps the details and says by how much', () => {
    const fits = { note: 'x'.repeat(MAX_DETAILS_BYTES - 11) }; // {"note":"…"}
    expect(() => auditFields(grant({ details: fits }), T0, 'app')).not.toThrow();
    const big = { note: 'x'.repeat(MAX_DETAILS_BYTES - 10) };
    expect(() => auditFields(grant({ details: big }), T0, 'app'))
      .toThrow(`audit details: 4097 bytes, over ${MAX_DETAILS_BYTES}`);
  });

  it('measures the cap in UTF-8 bytes, not characters', () => {
    // 'é' is one UTF-16 character and two bytes: 11 + 2 x 2043 = 4097 bytes.
    const big = { note: 'é'.repeat(2043) };
    expect(JSON.stringify(big).length).toBeLessThan(MAX_DETAILS_BYTES);
    expect(() => auditFields(grant({ details: big }), T0, 'app'))
      .toThrow(`audit details: 4097 bytes, over ${MAX_DETAILS_BYTES}`);
    expect(() => auditFields(grant({ details: { note: '😀'.repeat(1022) } }), T0, 'app'))
      .toThrow('audit details: 4099 bytes'); // 4 bytes each
  });

  it('stops at the cap on shared or cyclic details instead of walking them for ever', () => {
    // Twenty levels of one object referenced twice: tiny in memory, over a
    // million values once written out.
    let shared: unknown = 'x';
    for (let i = 0; i < 20; i++) shared = [shared, shared];
    expect(() => auditFields(grant({ details: { shared } as never }), T0, 'app'))
      .toThrow(`audit details: more than ${MAX_DETAILS_BYTES} values`);
    // A cycle with two branches: refused at once, not walked 2^33 times.
    const loop: Record<string, unknown> = {};
    loop.a = loop;
    loop.b = loop;
    expect(() => auditFields(grant({ details: loop as never }), T0, 'app'))
      .toThrow(/details\.a: a cycle/);
  });

  it('refuses details JSON cannot carry, with the path', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    const cases: [unknown, RegExp][] = [
      [{ amount: 10n }, /details\.amount: bigint is not JSON/],
      [{ at: new Date() }, /details\.at: only plain objects/],
      [{ gone: undefined }, /details\.gone: undefined is not JSON/],
      [cyclic, /details\.me: a cycle/],
      [{ ratio: NaN }, /details\.ratio: NaN/],
    ];
    for (const [details, message] of cases) {
      expect(() => auditFields(grant({ details: details as never }), T0, 'app'))
        .toThrow(message);
    }
  });

  it('builds grants only for a plain role name', () => {
    expect(auditGrantsSql('audit_app')).toContain('GRANT INSERT, SELECT (seq, hash)');
    for (const role of ['', 'App', 'a"; DROP TABLE audit_log; --']) {
      expect(() => auditGrantsSql(role)).toThrow(RangeError);
    }
  });
});

// One session (PGlite): storage, the trigger, verification.
describe('on PGlite', () => {
  const db = useDatabase(AUDIT_SCHEMA, { reset: RESET });

  it('appends linked records that read back and verify', async () => {
    const a = await db().transaction((tx) => appendAudit(tx, grant(), opts));
    const b = await db().transaction((tx) =>
      appendAudit(tx, grant({ action: 'role.revoke', sourceIp: null }), opts));
    expect(b.prevHash).toBe(a.hash);
    expect(await readAudit(db())).toEqual([a, b]);
    expect(await verifyAudit(db())).toMatchObject({ ok: true, count: 2, head: { seq: 2, hash: b.hash } });
  });

  it('verifies page by page, and finds a break on a later page', async () => {
    for (let i = 0; i < 7; i++) await db().transaction((tx) => appendAudit(tx, grant(), opts));
    expect(await verifyAudit(db(), 3)).toMatchObject({ ok: true, count: 7 });
    await db().exec(`SET session_replication_role = replica;
      DELETE FROM audit_log WHERE seq = 5; RESET session_replication_role;`);
    expect(await verifyAudit(db(), 3)).toMatchObject({ ok: false, seq: 6, problem: 'gap' });
  });

  it('orders by number, not text, past record 9', async () => {
    for (let i = 0; i < 12; i++) await db().transaction((tx) => appendAudit(tx, grant(), opts));
    expect((await readAudit(db())).map((r) => r.seq))
      .toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await verifyAudit(db())).toMatchObject({ ok: true, count: 12 });
  });

  it('verifies details that jsonb stored in its own key order', async () => {
    const details = { zeta: 1, alpha: { b: 1e21, a: 0.1 }, mid: [-0, 'é', null],
      // Numbers jsonb prints its own way, past 2^53 included, and text in
      // both Unicode forms (neither side normalizes it).
      n: [2 ** 60, 1e2, 1.5e-7, 5e-324, -1.0], nfd: 'e\u0301', nfc: '\u00e9',
      ...JSON.parse('{"__proto__": {"role": "viewer"}}') as object };
    await db().transaction((tx) => appendAudit(tx, grant({ details }), opts));
    const [stored] = await readAudit(db());
    // jsonb sorts keys shortest first: naive JSON.stringify would not match.
    expect(Object.keys(stored!.details).slice(0, 5)).toEqual(['n', 'mid', 'nfc', 'nfd', 'zeta']);
    expect(stored!.details.nfd).toBe('e\u0301');
    expect(JSON.stringify(stored!.details)).not.toBe(JSON.stringify(details));
    expect(await verifyAudit(db())).toMatchObject({ ok: true, count: 1 });
  });

  it('writes nothing when the event is refused, and nothing when the change rolls back', async () => {
    await expect(appendAudit(db(), grant({ details: { password: 'hunter2' } }), opts))
      .rejects.toThrow(/credential/);
    await expect(db().transaction(async (tx) => {
      await appendAudit(tx, grant(), opts);
      throw new Error('the role change failed');
    })).rejects.toThrow('the role change failed');
    expect(await rowCount(db())).toBe(0);
    const { rows } = await db().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE details::text LIKE '%hunter2%'");
    expect(rows[0]!.n).toBe(0);
  });

  it('keeps personal data as ciphertext, so erasing the key leaves the chain whole', async () => {
    const pd = new PersonalData(localKeyRing([{ id: 'k1', key: randomBytes(32) }], 'k1'),
      memorySubjectKeys());
    const field = { table: 'audit_log', column: 'details.email' };
    const email = await pd.encrypt('user:7', field, 'ada@example.com');
    await db().transaction((tx) => appendAudit(tx, grant({ details: { email } }), opts));
    const [stored] = await readAudit(db());
    expect(JSON.stringify(stored)).not.toContain('ada@');
    expect(await pd.decrypt('user:7', field, stored!.details.email as string)).toBe('ada@example.com');
    await pd.erase('user:7');
    await expect(pd.decrypt('user:7', field, stored!.details.email as string))
      .rejects.toThrow(SubjectErasedError);
    expect(await verifyAudit(db())).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE even from the owner, even on no rows', async () => {
    await db().transaction((tx) => appendAudit(tx, grant(), opts));
    for (const [sql, op] of [
      ["UPDATE audit_log SET outcome = 'denied'", 'UPDATE'],
      ['DELETE FROM audit_log WHERE seq = 1', 'DELETE'],
      ['DELETE FROM audit_log WHERE false', 'DELETE'],
      ['TRUNCATE audit_log', 'TRUNCATE'],
    ] as const) {
      await expect(db().query(sql), sql).rejects.toMatchObject({
        message: `audit_log is append-only: ${op} refused`, code: '42501' });
    }
    expect(await verifyAudit(db())).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses a second successor to the same record (a fork)', async () => {
    const a = await db().transaction((tx) => appendAudit(tx, grant(), opts));
    const fork = link({ seq: 0, hash: 'x' }, { note: 'fork' });
    await expect(db().query(`INSERT INTO audit_log (seq, at, app, actor, action,
      target, outcome, details, prev_hash, hash) VALUES (2, now(), 'a', 'user:1',
      'x.y', 'user:1', 'success', '{}', $1, $2)`, [a.prevHash, fork.hash]))
      .rejects.toMatchObject({ code: '23505' });
  });

  it('shows what the trigger cannot stop: the owner disables it, the chain notices', async () => {
    for (let i = 0; i < 3; i++) await db().transaction((tx) => appendAudit(tx, grant(), opts));
    await db().exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
      UPDATE audit_log SET details = '{"role":"viewer"}' WHERE seq = 2;
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`);
    expect(await verifyAudit(db())).toMatchObject({ ok: false, seq: 2, problem: 'altered' });
  });

  it('catches a truncated and rebuilt log only with a checkpoint kept elsewhere', async () => {
    const { privateKey, publicKey } = demoKeys();
    for (let i = 0; i < 3; i++) await db().transaction((tx) => appendAudit(tx, grant(), opts));
    const head = (await verifyAudit(db()));
    if (!head.ok || !head.head) throw new Error('expected a verified head');
    const cp = signCheckpoint(head.head, '2026-12-02T10:00:00.000Z', privateKey);
    // A superuser empties the table and writes a clean-looking history.
    const old = await readAudit(db());
    await db().exec(`SET session_replication_role = replica; TRUNCATE audit_log;
      RESET session_replication_role;`);
    for (const r of old) {
      await db().transaction((tx) => appendAudit(tx, grant(r.seq === 2
        ? { details: { role: 'viewer' } } : {}), opts));
    }
    expect(await verifyAudit(db())).toMatchObject({ ok: true, count: 3 });
    expect(checkCheckpoint(await readAudit(db()), cp, publicKey)).toMatch(/chain rebuilt/);
  });
});

/** A session that stops before inserting, until the test lets it go. */
function holdBeforeInsert(tx: Session) {
  let reached!: () => void;
  let release!: () => void;
  const atInsert = new Promise<void>((resolve) => { reached = resolve; });
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const held: Session = {
    async query(sql, params) {
      if (sql.trimStart().startsWith('INSERT INTO audit_log')) {
        reached();
        await gate;
      }
      return tx.query(sql, params);
    },
  };
  return { held, atInsert, release };
}

// Several sessions at once (a real server): the fork race and the roles.
describe('on a PostgreSQL server', () => {
  const ROLES = `CREATE ROLE audit_app LOGIN; CREATE ROLE audit_owner LOGIN;
    ALTER TABLE audit_log OWNER TO audit_owner;`;
  const { db: pgdb, server } = useServerDatabase(
    AUDIT_SCHEMA + ROLES + auditGrantsSql('audit_app'), { reset: RESET, connections: 12 });
  const as = (user: string) => {
    const { host, port, database } = server();
    const pool = new pg.Pool({ host, port, database, user, max: 2 });
    pool.on('error', () => {});
    return poolDb(pool);
  };
  let app!: PoolDb;
  let owner!: PoolDb;
  beforeAll(() => { app = as('audit_app'); owner = as('audit_owner'); });
  afterAll(async () => { await app?.pool.end(); await owner?.pool.end(); });

  it('makes a second writer wait for the first, so both link in one line', async () => {
    let first: Promise<unknown> | undefined;
    let hold: ReturnType<typeof holdBeforeInsert> | undefined;
    const started = new Promise<void>((resolve) => {
      first = pgdb().transaction(async (tx) => {
        hold = holdBeforeInsert(tx);
        resolve();
        return appendAudit(hold.held, grant({ action: 'role.grant' }), opts);
      });
    });
    await started;
    try {
      await hold!.atInsert; // the first writer has read the head and holds the lock
      const second = pgdb().transaction((tx) =>
        appendAudit(tx, grant({ action: 'role.revoke' }), opts));
      const waited = await waitsForLock(pgdb(), second);
      expect(waited.join('\n')).toContain('pg_advisory_xact_lock');
      hold!.release();
      await first;
      const b = await second;
      expect(b.seq).toBe(2);
    } finally {
      hold?.release();
      await first?.catch(() => {});
    }
    expect(await verifyAudit(pgdb())).toMatchObject({ ok: true, count: 2 });
    expect((await readAudit(pgdb())).map((r) => r.action)).toEqual(['role.grant', 'role.revoke']);
  });

  it('lets the waiting writer link to the old head when the first rolls back', async () => {
    let first: Promise<unknown> | undefined;
    let hold: ReturnType<typeof holdBeforeInsert> | undefined;
    const started = new Promise<void>((resolve) => {
      first = pgdb().transaction(async (tx) => {
        hold = holdBeforeInsert(tx);
        resolve();
        await appendAudit(hold.held, grant({ action: 'role.grant' }), opts);
        throw new Error('the role change failed after its audit insert');
      });
    });
    await started;
    try {
      await hold!.atInsert;
      const second = pgdb().transaction((tx) =>
        appendAudit(tx, grant({ action: 'role.revoke' }), opts));
      expect((await waitsForLock(pgdb(), second)).join('\n')).toContain('pg_advisory_xact_lock');
      hold!.release();
      await expect(first).rejects.toThrow('the role change failed');
      expect(await second).toMatchObject({ seq: 1, prevHash: GENESIS });
    } finally {
      hold?.release();
      await first?.catch(() => {});
    }
    expect(await verifyAudit(pgdb())).toMatchObject({ ok: true, count: 1 });
    expect((await readAudit(pgdb())).map((r) => r.action)).toEqual(['role.revoke']);
  });

  it('refuses to append at REPEATABLE READ, whose snapshot predates the lock', async () => {
    await expect(pgdb().transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await tx.query('SELECT count(*) FROM audit_log'); // the snapshot is taken here
      // Meanwhile another request appends and commits.
      await pgdb().transaction((other) => appendAudit(other, grant(), opts));
      return appendAudit(tx, grant({ action: 'role.revoke' }), opts);
    })).rejects.toThrow('appendAudit needs READ COMMITTED');
    expect(await verifyAudit(pgdb())).toMatchObject({ ok: true, count: 1 });
  });

  it('keeps one line under ten concurrent writers', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) =>
      pgdb().transaction((tx) => appendAudit(tx, grant({ requestId: `req-${i}` }), opts))));
    expect(await verifyAudit(pgdb())).toMatchObject({ ok: true, count: 10 });
  });

  it('lets the app role append, and nothing else', async () => {
    await app.transaction((tx) => appendAudit(tx, grant(), opts));
    const denied = { code: '42501' };
    await expect(app.query("UPDATE audit_log SET outcome = 'denied'"))
      .rejects.toMatchObject({ ...denied, message: 'permission denied for table audit_log' });
    await expect(app.query('DELETE FROM audit_log')).rejects.toMatchObject(denied);
    await expect(app.query('TRUNCATE audit_log')).rejects.toMatchObject(denied);
    await expect(app.query('SELECT details FROM audit_log')).rejects.toMatchObject(denied);
    await expect(app.query('ALTER TABLE audit_log DISABLE TRIGGER ALL'))
      .rejects.toMatchObject({ message: 'must be owner of table audit_log' });
    await expect(app.query('SET session_replication_role = replica'))
      .rejects.toMatchObject(denied);
    expect(await verifyAudit(pgdb())).toMatchObject({ ok: true, count: 1 });
  });

  it('cannot stop the owner, who is not a superuser, from editing: the chain shows it', async () => {
    for (let i = 0; i < 3; i++) await pgdb().transaction((tx) => appendAudit(tx, grant(), opts));
    const { rows } = await owner.query<{ su: boolean }>(
      'SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user');
    expect(rows).toEqual([{ su: false }]);
    await expect(owner.query('DELETE FROM audit_log WHERE seq = 2'))
      .rejects.toThrow('append-only: DELETE refused');
    await owner.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query('DELETE FROM audit_log WHERE seq = 2');
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    expect(await verifyAudit(pgdb())).toMatchObject({ ok: false, seq: 3, problem: 'gap' });
  });
});
