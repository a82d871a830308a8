/**
 * An in-memory fake of the transfer repositories, for fast service tests.
 * It keeps the promises the PostgreSQL version keeps, and the contract
 * suite (repository-contract.ts) runs against both to prove it: a unit of
 * work commits all of its writes or none, units run one at a time, and
 * the table constraints (no negative balance, unique reference, known
 * accounts) hold.
 */
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
  return (work) => {
    // Units run one after another, as if each locked everything.
    const run = queue.then(async () => {
      const draft: State = { accounts: new Map(committed.accounts),
        transfers: new Map(committed.transfers) };
      const result = await work(repositoriesOver(draft));
      committed = draft; // commit: reached only if work did not throw
      return result;
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
        if (next.balanceCents < 0) { // like the CHECK
          throw new Error(`negative balance for ${next.id}`);
        }
        state.accounts.set(next.id, { ...next });
      },
    },
    transfers: {
      async add(t) {
        account(t.from);
        account(t.to);
        if (!(t.amountCents > 0)) throw new Error('amount must be > 0');
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
