// The PostgreSQL repositories: the transaction that spans them (PGlite, one
// session), and the row locks that make concurrent transfers safe, which only
// a real server with several connections can show.
import { describe, expect, it } from 'vitest';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { pgRepositories, pgUnitOfWork, SCHEMA, type Session } from './pg-repositories.ts';
import { repositoryContract, unitOfWorkContract } from './repository-contract.ts';
import { transferService, type Account, type UnitOfWork } from './transfer-service.ts';

const NOW = new Date('2026-12-01T09:00:00Z');
const RESET = 'TRUNCATE transfers, accounts';

async function seed(db: Session, balances: Record<string, number>) {
  for (const [id, cents] of Object.entries(balances)) {
    await db.query('INSERT INTO accounts VALUES ($1, $2)', [id, cents]);
  }
}
async function balances(db: Session) {
  const { rows } = await db.query<{ id: string; cents: string }>(
    'SELECT id, balance_cents AS cents FROM accounts ORDER BY id');
  return Object.fromEntries(rows.map((r) => [r.id, Number(r.cents)]));
}
async function count(db: Session) {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM transfers');
  return rows[0]!.n;
}
const move = (reference: string, from: string, to: string, amountCents: number) =>
  ({ reference, from, to, amountCents });

describe('on PGlite', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  it('rolls back both balance updates when the transfer insert fails', async () => {
    await seed(db(), { alice: 100, bob: 0 });
    const service = transferService({ unitOfWork: pgUnitOfWork(db()), now: () => NOW });
    expect((await service.transfer(move('r1', 'alice', 'bob', 10))).ok).toBe(true);
    // Same reference: both UPDATEs run, then the INSERT hits the primary key.
    expect(await service.transfer(move('r1', 'alice', 'bob', 50)))
      .toEqual({ ok: false, error: 'duplicate-reference' });
    expect(await balances(db())).toEqual({ alice: 90, bob: 10 });
    expect(await count(db())).toBe(1);
  });

  it('without the unit of work the same failure leaves money moved', async () => {
    await seed(db(), { alice: 100, bob: 0 });
    // Each repository call on the bare database autocommits on its own.
    const noTransaction: UnitOfWork = (work) => work(pgRepositories(db()));
    const service = transferService({ unitOfWork: noTransaction, now: () => NOW });
    await service.transfer(move('r1', 'alice', 'bob', 10));
    await service.transfer(move('r1', 'alice', 'bob', 50));
    expect(await balances(db())).toEqual({ alice: 40, bob: 60 }); // 50 moved, no record
    expect(await count(db())).toBe(1);
  });

  it('rolls back when the database itself refuses the second write', async () => {
    await seed(db(), { alice: 100, bob: 0 });
    // A trigger stands in for any failure of the last statement.
    await db().exec(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN RAISE EXCEPTION 'ledger offline'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT ON transfers
      FOR EACH ROW EXECUTE FUNCTION refuse();`);
    try {
      const service = transferService({ unitOfWork: pgUnitOfWork(db()), now: () => NOW });
      await expect(service.transfer(move('r1', 'alice', 'bob', 10))).rejects.toThrow('ledger offline');
      expect(await balances(db())).toEqual({ alice: 100, bob: 0 });
    } finally {
      await db().exec('DROP TRIGGER refuse ON transfers; DROP FUNCTION refuse();');
    }
  });

  it('maps only the reference key\'s 23505 to a duplicate reference', async () => {
    await seed(db(), { alice: 100, bob: 0 });
    await db().exec('CREATE UNIQUE INDEX one_per_pair ON transfers (from_id, to_id)');
    try {
      const service = transferService({ unitOfWork: pgUnitOfWork(db()), now: () => NOW });
      await service.transfer(move('r1', 'alice', 'bob', 10));
      // Another unique constraint fails: an outage to fix, not a reused key.
      await expect(service.transfer(move('r2', 'alice', 'bob', 10)))
        .rejects.toMatchObject({ code: '23505', constraint: 'one_per_pair' });
      expect(await balances(db())).toEqual({ alice: 90, bob: 10 });
    } finally {
      await db().exec('DROP INDEX one_per_pair');
    }
  });

  it('reads bigint balances past 2^31 back as exact numbers', async () => {
    await seed(db(), { alice: 5_000_000_000, bob: 0 });
    const found = await pgUnitOfWork(db())(({ accounts }) => accounts.lock(['alice']));
    expect(found.get('alice')).toEqual({ id: 'alice', balanceCents: 5_000_000_000 });
  });
});

describe('on a PostgreSQL server, several connections', () => {
  const { db: pg } = useServerDatabase(SCHEMA, { reset: RESET, connections: 10 });

  // node-postgres neither closes a finished transaction's session (the
  // connection goes back to the pool) nor rejects a COMMIT that rolled back,
  // so the unit of work's edges are checked on a pool too, not only PGlite.
  const open = async (accounts: Account[]) => {
    for (const { id, balanceCents } of accounts) {
      await pg().query('INSERT INTO accounts VALUES ($1, $2)', [id, balanceCents]);
    }
    return pgUnitOfWork(pg());
  };
  repositoryContract('a pg pool', open);
  unitOfWorkContract('a pg pool', open);

  /** A unit of work that stops after locking until `go` is called. */
  function pausedAfterLock() {
    let locked!: () => void;
    let go!: () => void;
    const isLocked = new Promise<void>((resolve) => { locked = resolve; });
    const goSignal = new Promise<void>((resolve) => { go = resolve; });
    const unitOfWork: UnitOfWork = (work) => pg().transaction((tx) => {
      const repos = pgRepositories(tx);
      return work({ ...repos, accounts: { ...repos.accounts,
        async lock(ids) {
          const found = await repos.accounts.lock(ids);
          locked();
          await goSignal;
          return found;
        } } });
    });
    return { unitOfWork, isLocked, go };
  }

  it('makes a second transfer wait for the first and see its debit (no lost update)', async () => {
    await seed(pg(), { a: 100, b: 0, c: 0 });
    const first = pausedAfterLock();
    const one = transferService({ unitOfWork: first.unitOfWork, now: () => NOW })
      .transfer(move('t1', 'a', 'b', 30));
    await first.isLocked; // t1 has read a=100 and holds its row
    const two = transferService({ unitOfWork: pgUnitOfWork(pg()), now: () => NOW })
      .transfer(move('t2', 'a', 'c', 80));
    const waiting = await waitsForLock(pg(), two);
    expect(waiting.join('\n')).toMatch(/FOR UPDATE/); // blocked on the read
    first.go();
    expect((await one).ok).toBe(true);
    // t2 read a only after t1 committed: 70 left, so 80 is refused.
    expect(await two).toEqual({ ok: false, error: 'insufficient-funds', balanceCents: 70 });
    expect(await balances(pg())).toEqual({ a: 70, b: 30, c: 0 });
  });

  it('does not deadlock when transfers between two accounts cross', async () => {
    // Inserted b first, so the table's physical order is not id order.
    await seed(pg(), { b: 100, a: 100 });
    const held = await pg().pool.connect();
    try {
      await held.query('BEGIN');
      await held.query("SELECT 1 FROM accounts WHERE id = 'a' FOR UPDATE");
      const crossing = transferService({ unitOfWork: pgUnitOfWork(pg()), now: () => NOW })
        .transfer(move('t1', 'b', 'a', 10));
      // It waits for a, which it must lock first, holding nothing yet...
      expect((await waitsForLock(pg(), crossing)).length).toBeGreaterThan(0);
      // ...so the other side can still take b: no cycle, no 40P01.
      await held.query("SELECT 1 FROM accounts WHERE id = 'b' FOR UPDATE");
      await held.query('COMMIT');
      expect((await crossing).ok).toBe(true);
    } finally {
      await held.query('ROLLBACK').catch(() => {});
      held.release();
    }
    expect(await balances(pg())).toEqual({ a: 110, b: 90 });
  });

  it('keeps the books balanced under 20 transfers at once in both directions', async () => {
    await seed(pg(), { a: 100, b: 100 });
    const service = transferService({ unitOfWork: pgUnitOfWork(pg()), now: () => NOW });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      service.transfer(i % 2 ? move(`t${i}`, 'a', 'b', 30) : move(`t${i}`, 'b', 'a', 20))));
    const done = results.filter((r) => r.ok).length;
    const { a, b } = await balances(pg());
    expect(a! + b!).toBe(200);
    expect(await count(pg())).toBe(done);
    const { rows: [net] } = await pg().query<{ a: string }>(`SELECT
      coalesce(sum(CASE WHEN to_id = 'a' THEN amount_cents ELSE -amount_cents END), 0) AS a
      FROM transfers`);
    expect(a).toBe(100 + Number(net!.a)); // every cent moved has its record
  });
});
