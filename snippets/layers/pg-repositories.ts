/**
 * The PostgreSQL side of transfer-service.ts: repositories over one
 * session, and a UnitOfWork that opens a transaction and hands the same
 * transaction to every repository. All SQL of the transfer lives here. It
 * runs unchanged on PGlite (tests, demos) and on a `pg` pool.
 * @see https://www.postgresql.org/docs/current/tutorial-transactions.html
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { violates } from '../db/inbox-consumer.ts';
import {
  DuplicateReferenceError, transferService, type Account, type Repositories,
  type Transfer, type UnitOfWork,
} from './transfer-service.ts';

export const SCHEMA = `
CREATE TABLE accounts (
  id            text PRIMARY KEY,
  balance_cents bigint NOT NULL
    CHECK (balance_cents BETWEEN 0 AND 9007199254740991));
CREATE TABLE transfers (
  reference    text PRIMARY KEY,
  from_id      text NOT NULL REFERENCES accounts (id),
  to_id        text NOT NULL REFERENCES accounts (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  at           timestamptz NOT NULL);`;

/** One session: PGlite, a PGlite transaction, or a `pg` client. */
export interface Session {
  query<R>(sql: string, params?: unknown[])
    : Promise<{ rows: R[]; affectedRows?: number }>;
}
/** Something that can run work in one transaction: PGlite or poolDb. */
export interface TransactionalDb {
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
}

interface TransferRow {
  reference: string; from_id: string; to_id: string;
  amount_cents: string | number; at: Date;
}

// #region repositories
export function pgRepositories(tx: Session): Repositories {
  return {
    accounts: {
      async lock(ids) {
        // One statement locks the rows in id order, so transfers a->b and
        // b->a queue for the same first row instead of deadlocking.
        const { rows } = await tx.query<{ id: string; cents: string }>(
          `SELECT id, balance_cents AS cents FROM accounts
           WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ids]);
        return new Map(rows.map((r): [string, Account] =>
          [r.id, { id: r.id, balanceCents: Number(r.cents) }]));
      },
      async save({ id, balanceCents }) {
        const { affectedRows } = await tx.query(
          'UPDATE accounts SET balance_cents = $2 WHERE id = $1',
          [id, balanceCents]);
        if (affectedRows !== 1) throw new Error(`no account ${id}`);
      },
    },
    transfers: {
      async add(t) {
        try {
          await tx.query(`INSERT INTO transfers
            (reference, from_id, to_id, amount_cents, at)
            VALUES ($1, $2, $3, $4, $5)`,
          [t.reference, t.from, t.to, t.amountCents, t.at]);
        } catch (error) {
          if (!violates(error, 'transfers_pkey')) throw error;
          throw new DuplicateReferenceError(t.reference, { cause: error });
        }
      },
      async find(reference) {
        const { rows: [row] } = await tx.query<TransferRow>(
          'SELECT * FROM transfers WHERE reference = $1', [reference]);
        return row && toTransfer(row);
      },
    },
  };
}

export function pgUnitOfWork(db: TransactionalDb): UnitOfWork {
  const current = new AsyncLocalStorage<{ open: boolean }>();
  // BEGIN, run, COMMIT; ROLLBACK if work throws. Every repository gets
  // the same `tx`, which is what makes the transaction span them.
  return async (work) => {
    if (current.getStore()?.open) throw new Error(NESTED);
    return db.transaction(async (tx) => {
      const unit = unitSession(tx);
      const mark = { open: true };
      try {
        return await current.run(mark, async () => {
          const result = await work(pgRepositories(unit.session));
          unit.throwIfFailed(); // a swallowed error must not reach COMMIT
          return result;
        });
      } finally {
        mark.open = false;
        unit.end(); // repositories that escape `work` die here
      }
    });
  };
}
// #endregion repositories

/**
 * `tx` as the repositories of one unit see it. After the unit ends, a
 * query would run on whatever the pool next does with the connection, so
 * it throws instead. After a statement fails, PostgreSQL aborts the
 * transaction and answers COMMIT with a silent ROLLBACK (node-postgres
 * resolves it, PGlite throws), so the unit throws on both.
 */
function unitSession(tx: Session) {
  let state: 'open' | 'failed' | 'ended' = 'open';
  const session: Session = {
    async query<R>(sql: string, params?: unknown[]) {
      if (state === 'ended') throw new Error(UNIT_ENDED);
      try {
        return await tx.query<R>(sql, params);
      } catch (error) {
        state = 'failed';
        throw error;
      }
    },
  };
  return {
    session,
    throwIfFailed() { if (state === 'failed') throw new Error(UNIT_FAILED); },
    end() { state = 'ended'; },
  };
}
const UNIT_ENDED =
  'this unit of work has ended: use repositories only inside it';
const NESTED = 'unitOfWork called inside another unit of work: '
  + 'pass its repositories down instead';
const UNIT_FAILED =
  'a statement failed earlier in this unit of work, so it rolled back';

function toTransfer(row: TransferRow): Transfer {
  return { reference: row.reference, from: row.from_id, to: row.to_id,
    amountCents: Number(row.amount_cents), at: row.at };
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(`${SCHEMA}
    INSERT INTO accounts VALUES ('alice', 10000), ('bob', 0);`);
  const unitOfWork = pgUnitOfWork(db);
  const service = transferService({ unitOfWork,
    now: () => new Date('2026-12-01T09:00:00Z') });
  const attempts = [
    { reference: 't1', from: 'alice', to: 'bob', amountCents: 2500 },
    { reference: 't2', from: 'alice', to: 'bob', amountCents: 9000 },
    { reference: 't3', from: 'alice', to: 'carol', amountCents: 100 },
    { reference: 't1', from: 'alice', to: 'bob', amountCents: 100 },
    { reference: 't4', from: 'alice', to: 'bob', amountCents: -5 },
  ];
  for (const attempt of attempts) {
    const result = await service.transfer(attempt);
    const { reference: ref, amountCents: cents, to } = attempt;
    const balances = await unitOfWork(async ({ accounts }) =>
      [...(await accounts.lock(['alice', 'bob'])).values()]
        .map((a) => `${a.id}=${a.balanceCents}`).join(' '));
    const { ok, error, ...detail } = result as { ok: boolean; error?: string };
    const more = Object.keys(detail).length ? ` ${JSON.stringify(detail)}` : '';
    const outcome = ok ? 'ok' : `${error}${more}`;
    console.log(`${ref} ${cents} to ${to}: ${outcome}  [${balances}]`);
  }
  await db.close();
}
