/**
 * Run a transaction at Serializable and retry it when PostgreSQL aborts it
 * to keep the result serializable. The whole transaction is retried, reads
 * included: the values it read are what changed. Waits are capped and
 * jittered (Q53's backoff), and the number of tries is bounded.
 * @see https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html
 */
import { setTimeout as delay } from 'node:timers/promises';
import { fullJitter } from '../reliability/backoff.ts';
import type { Db } from './lost-update.ts';
import type { Session } from './postgres-server.ts';

export interface SerializableOptions {
  /** Tries in all, the first included: 1-10. Default 5. */
  maxAttempts?: number;
  /** Wait before retry n (1, 2, …), in ms. Default: full jitter 10-500. */
  backoff?: (n: number) => number;
  /** Tests pass a fake. */
  sleep?: (ms: number) => Promise<unknown>;
  /** Called before each retry, e.g. to count them in a metric. */
  onRetry?: (attempt: number, sqlstate: string) => void;
}

// #region retry
/** 40001 serialization_failure, 40P01 deadlock_detected. */
const RETRYABLE = new Set(['40001', '40P01']);
export const sqlstate = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

export async function serializable<T>(db: Db,
  work: (tx: Session) => Promise<T>,
  options: SerializableOptions = {}): Promise<T> {
  const { maxAttempts = 5, sleep = delay, onRetry,
    backoff = fullJitter({ baseMs: 10, capMs: 500 }) } = options;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1
    || maxAttempts > 10) {
    throw new RangeError(`maxAttempts must be 1-10, got ${maxAttempts}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        // Must come first: it only applies before the first query.
        await tx.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
        return await work(tx);
      });
    } catch (error) {
      const code = sqlstate(error);
      if (!code || !RETRYABLE.has(code) || attempt >= maxAttempts) {
        throw error;
      }
      onRetry?.(attempt, code);
      await sleep(backoff(attempt));
    }
  }
}
// #endregion retry

if (import.meta.main) {
  // PGlite runs one session, so nothing conflicts here: the tests start a
  // real server for that. This shows the policy on a simulated failure.
  let calls = 0;
  const flaky: Db = {
    query: async () => ({ rows: [] }),
    async transaction(work) {
      calls++;
      if (calls < 3) {
        throw Object.assign(new Error('could not serialize access'),
          { code: '40001' });
      }
      return work({ query: async () => ({ rows: [] }) });
    },
  };
  const result = await serializable(flaky, async () => 'committed', {
    backoff: (n) => 10 * 2 ** (n - 1), sleep: async () => {},
    onRetry: (n, code) => console.log(`try ${n} failed with ${code}; `
      + `retrying after ${10 * 2 ** (n - 1)} ms`),
  });
  console.log(`try ${calls}: ${result}`);
}
