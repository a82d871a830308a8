/**
 * Counts the SQL statements a piece of code sends, through Drizzle's
 * logger hook. AsyncLocalStorage gives each measured call its own tally,
 * so concurrent requests on one database never add to each other's count.
 * It keeps statement text only: parameters can hold personal data.
 * @see https://orm.drizzle.team/docs/goodies#logging
 * @see https://nodejs.org/api/async_context.html#class-asynclocalstorage
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'drizzle-orm/logger';

/** At most this many statements are kept per tally; all are counted. */
export const KEPT_STATEMENTS = 50;

export interface QueryTally { count: number; statements: string[] }

export class QueryBudgetError extends Error {
  readonly budget: number;
  readonly tally: QueryTally;
  constructor(budget: number, tally: QueryTally) {
    super(`expected at most ${budget} queries, got ${tally.count}:\n`
      + tally.statements.map((s) => `  ${s}`).join('\n'));
    this.name = 'QueryBudgetError';
    this.budget = budget;
    this.tally = tally;
  }
}

// #region counter
export class QueryCounter implements Logger {
  // The tallies of every measure() the current call runs inside.
  readonly #open = new AsyncLocalStorage<QueryTally[]>();

  logQuery(query: string, _params?: unknown[]): void { // never kept
    for (const tally of this.#open.getStore() ?? []) {
      tally.count += 1;
      if (tally.statements.length < KEPT_STATEMENTS) {
        tally.statements.push(query);
      }
    }
  }

  /** Runs `work` and counts the statements it (and only it) sent. */
  async measure<T>(work: () => PromiseLike<T>) {
    const tally: QueryTally = { count: 0, statements: [] };
    const outer = this.#open.getStore() ?? [];
    // Await inside run(): a Drizzle query is a lazy thenable that only
    // executes when awaited, so awaiting it outside would escape the tally.
    const result = await this.#open.run([...outer, tally],
      async () => await work());
    return { result, ...tally };
  }

  /** Like measure, but throws when `work` sends more than `budget`. */
  async expectAtMost<T>(budget: number, work: () => PromiseLike<T>) {
    if (!Number.isInteger(budget) || budget < 0) {
      throw new RangeError(`budget must be an integer >= 0, got ${budget}`);
    }
    const { result, ...tally } = await this.measure(work);
    if (tally.count > budget) throw new QueryBudgetError(budget, tally);
    return result;
  }
}
// #endregion counter
