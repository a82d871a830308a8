/**
 * An in-memory fake of the transfer repositories, for fast service tests.
 * It keeps the promises the PostgreSQL version keeps, and the contract
 * suite (repository-contract.ts) runs against both to prove it: a unit of
 * work commits all of its writes or none, units run one at a time, and
 * the table constraints (no negative balance, unique reference, known
 * accounts) hold.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DuplicateReferenceError, type Account, type Repositories, type Transfer,
  type UnitOfWork,
} from './transfer-service.ts';

interface State {
  accounts: Map<string, Account>;
  transfers: Map<string, Transfer>;
}

// #region fake
export function memoryUnitOfWork(seed: Account[] = []): UnitOfWork {
  let committed: State = { transfers: new Map(),
    accounts: new Map(seed.map((a) => [a.id, { ...a }])) };
  let queue: Promise<unknown> = Promise.resolve();
  const current = new AsyncLocalStorage<{ ended: boolean }>();
  return (work) => {
    if (current.getStore()?.ended === false) {
      // It would wait for its turn, behind the unit that waits for it.
      return Promise.reject(new Error('unitOfWork called inside another '
        + 'unit of work: pass its repositories down instead'));
    }
    // Units run one after another, as if each locked everything.
    const run = queue.then(async () => {
      const draft: State = { accounts: new Map(committed.accounts),
        transfers: new Map(committed.transfers) };
      const unit = { failed: false, ended: false };
      try {
        const result = await current.run(unit, () =>
          work(guarded(repositoriesOver(draft), unit)));
        // Like PostgreSQL: a unit with a failed write cannot commit.
        if (unit.failed) throw new Error('a write failed earlier in this '
          + 'unit of work, so it rolled back');
        committed = draft; // commit: reached only if work did not throw
        return result;
      } finally {
        unit.ended = true; // escaped repositories must not touch state
      }
    });
    queue = run.catch(() => {});
    return run;
  };
}

function repositoriesOver(state: State): Repositories {
  const account = (id: string) => {
    const found = state.accounts.get(id);
    if (!found) throw new Error(`no account ${id}`); // like the FK
    return found;
  };
  return {
    accounts: {
      async lock(ids) {
        const found = ids.flatMap((id) => state.accounts.get(id) ?? []);
        return new Map(found.map((a) => [a.id, { ...a }]));
      },
      async save(next) {
        account(next.id);
        const cents = next.balanceCents; // bigint CHECK (0 .. 2^53 - 1)
        if (!Number.isSafeInteger(cents) || cents < 0) {
          throw new Error(`balance ${cents} out of range for ${next.id}`);
        }
        state.accounts.set(next.id, { ...next });
      },
    },
    transfers: {
      async add(t) {
        account(t.from);
        account(t.to);
        if (!Number.isSafeInteger(t.amountCents) || t.amountCents <= 0) {
          throw new Error(`amount ${t.amountCents} out of range`);
        }
        if (state.transfers.has(t.reference)) {
          throw new DuplicateReferenceError(t.reference);
        }
        state.transfers.set(t.reference, { ...t, at: new Date(t.at) });
      },
      async find(reference) {
        const found = state.transfers.get(reference);
        return found && { ...found, at: new Date(found.at) };
      },
    },
  };
}
// #endregion fake

/** Refuses calls after the unit ends; remembers calls that failed. */
function guarded(repos: Repositories,
  unit: { failed: boolean; ended: boolean }): Repositories {
  const wrap = <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (unit.ended) throw new Error('this unit of work has ended');
      try {
        return await call(...args);
      } catch (error) {
        unit.failed = true;
        throw error;
      }
    };
  const { accounts: a, transfers: t } = repos;
  return {
    accounts: { lock: wrap(a.lock), save: wrap(a.save) },
    transfers: { add: wrap(t.add), find: wrap(t.find) },
  };
}
