/**
 * A worker for the job table: claim one job, run its handler under a
 * timeout with a heartbeat it calls as it makes progress, then complete,
 * retry with backoff (Q53's full jitter), or dead-letter it. Stopping is
 * graceful: stop claiming, let the job in hand finish within `drainMs`,
 * otherwise abort it and hand it back to the queue.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { fullJitter, seededRandom } from '../reliability/backoff.ts';
import { buryExpired, listDead, PermanentError } from './dead-letter.ts';
import {
  claimJobs, completeJob, failJob, heartbeat, LeaseLostError, releaseJob,
  type Db, type Lease,
} from './job-table.ts';

export interface JobContext {
  /** Aborts on timeout and on a forced shutdown: pass it to every call. */
  signal: AbortSignal;
  /** Extends the lease; throws LeaseLostError if another worker has it. */
  heartbeat: () => Promise<void>;
}
export type Handler = (job: Lease, ctx: JobContext) => Promise<unknown>;

export interface RunOptions {
  db: Db;
  worker: string;
  handlers: Record<string, Handler>;
  /** Lease per claim and per heartbeat: how fast a dead worker is noticed. */
  leaseMs: number;
  /** Longest one attempt may run. */
  timeoutMs: number;
  /** Wait before the retry that follows attempt n. */
  backoff: (attempt: number) => number;
  /** A signal that aborts after `ms`; tests pass one they fire by hand. */
  timeout?: (ms: number) => AbortSignal;
}

export type Outcome = 'done' | 'failed' | 'dead' | 'lease-lost' | 'released';

/** The name and message only: never a stack, a payload or a secret. */
const describe = (error: unknown) => error instanceof Error
  ? `${error.name}: ${error.message}` : `non-Error thrown: ${typeof error}`;

/** `work`, unless `signal` aborts first; `work` may still be running then. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {}); // a late rejection must not crash the process
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

// #region run-one
/** Runs one claimed job to an outcome; `stop` is the forced shutdown. */
export async function runJob(lease: Lease, o: RunOptions,
  stop: AbortSignal): Promise<Outcome> {
  const handler = o.handlers[lease.kind];
  const timedOut = (o.timeout ?? AbortSignal.timeout)(o.timeoutMs);
  const signal = AbortSignal.any([timedOut, stop]);
  const ctx = { signal, heartbeat: () => heartbeat(o.db, lease, o.leaseMs) };
  let result: unknown;
  try {
    if (!handler) throw new PermanentError(`no handler for ${lease.kind}`);
    result = await untilAborted(handler(lease, ctx), signal);
  } catch (error) {
    if (stop.aborted) return fenced(releaseJob(o.db, lease), 'released');
    const why = timedOut.aborted
      ? `timed out after ${o.timeoutMs} ms` : describe(error);
    return fenced(failJob(o.db, lease, why, {
      retryInMs: o.backoff(lease.attempt),
      permanent: error instanceof PermanentError,
    }));
  }
  return fenced(completeJob(o.db, lease, result), 'done');
}

/** A write refused by the fence means another worker owns the job now. */
async function fenced<T>(write: Promise<T>, outcome?: Outcome)
  : Promise<Outcome> {
  try {
    const state = await write;
    return outcome ?? (state as Outcome);
  } catch (error) {
    if (error instanceof LeaseLostError) return 'lease-lost';
    throw error;
  }
}
// #endregion run-one

export interface WorkerOptions extends RunOptions {
  /** Wait between polls of an empty queue. */
  pollMs: number;
  /** How long stop() lets the job in hand finish before aborting it. */
  drainMs: number;
  /** Waits `ms` or until `signal` aborts; resolves either way. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Waits `ms` (the drain deadline); tests resolve it by hand. */
  wait?: (ms: number) => Promise<void>;
  onOutcome?: (job: Lease, outcome: Outcome) => void;
  /** A database error; the loop backs off for `pollMs` and goes on. */
  onError?: (error: unknown) => void;
}

const napUnlessAborted = (ms: number, signal: AbortSignal) =>
  sleepFor(ms, undefined, { signal }).catch(() => {});

// #region loop
export function startWorker(o: WorkerOptions) {
  const sleep = o.sleep ?? napUnlessAborted;
  const wait = o.wait ?? ((ms) => sleepFor(ms, undefined, { ref: false }));
  const claiming = new AbortController(); // aborted: take no new job
  const running = new AbortController(); // aborted: drop the job in hand
  const loop = (async () => {
    while (!claiming.signal.aborted) {
      try {
        await buryExpired(o.db);
        if (claiming.signal.aborted) break; // stop() came meanwhile
        const [job] = await claimJobs(o.db, o.worker, 1, o.leaseMs);
        if (!job) {
          await sleep(o.pollMs, claiming.signal);
          continue;
        }
        const outcome = await runJob(job, o, running.signal);
        o.onOutcome?.(job, outcome);
      } catch (error) {
        o.onError?.(error);
        await sleep(o.pollMs, claiming.signal);
      }
    }
  })();
  let stopped: Promise<void> | undefined;
  return {
    /** Stop claiming; finish or hand back the job in hand; then resolve. */
    stop(): Promise<void> {
      stopped ??= (async () => {
        claiming.abort();
        const drained = await Promise.race([loop.then(() => true),
          wait(o.drainMs).then(() => false)]);
        if (!drained) running.abort(new Error('worker shutting down'));
        await loop;
      })();
      return stopped;
    },
  };
}
// #endregion loop

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { enqueue, JOBS_SCHEMA } = await import('./job-table.ts');
  const db = await openDatabase();
  await db.exec(JOBS_SCHEMA);
  const ids = [1, 2, 3, 4].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
  const jobs: [string, object][] = [['send-receipt', { order: 7 }],
    ['resize-image', { photo: 12 }], ['import-csv', { file: 'users.csv' }],
    ['send-recipt', {}]];
  for (const [i, [kind, payload]] of jobs.entries()) {
    await enqueue(db, { id: ids[i]!, owner: 'demo', kind, payload,
      maxAttempts: 3 });
  }
  let calls = 0;
  const handlers: Record<string, Handler> = {
    'send-receipt': async () => ({ sent: true }),
    'resize-image': async () => {
      if (++calls === 1) throw new Error('thumbnail service answered 503');
      return { width: 320 };
    },
    'import-csv': async () => {
      throw new PermanentError('row 7: unknown column "emial"');
    },
  };
  let finished = 0;
  let allSettled = () => {};
  const settled = new Promise<void>((resolve) => { allSettled = resolve; });
  const worker = startWorker({ db, worker: 'w1', handlers, leaseMs: 30_000,
    timeoutMs: 5_000, pollMs: 2, drainMs: 1_000,
    backoff: fullJitter({ baseMs: 5, capMs: 50, random: seededRandom(1) }),
    onOutcome: (job, outcome) => {
      console.log(`${job.kind} attempt ${job.attempt}: ${outcome}`);
      if (outcome !== 'failed' && ++finished === jobs.length) allSettled();
    } });
  await settled;
  await worker.stop();
  for (const dead of await listDead(db)) {
    console.log(`dead letter: ${dead.kind}, ${dead.error}`);
  }
  await db.close();
}
