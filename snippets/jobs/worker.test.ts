import { describe, expect, it } from 'vitest';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import { PermanentError } from './dead-letter.ts';
import {
  claimJobs, enqueue, JOBS_SCHEMA, jobStatus, type Db, type Lease,
  type Queryable,
} from './job-table.ts';
import {
  runJob, startWorker, type Handler, type Outcome, type RunOptions,
} from './worker.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const LEASE = 30_000;
const SCHEMA = `${JOBS_SCHEMA}
  CREATE TABLE IF NOT EXISTS effects (job_id uuid PRIMARY KEY);`;
const RESET = 'TRUNCATE jobs, effects';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}
async function elapse(db: Queryable, ms: number) {
  await db.query(`UPDATE jobs SET run_at = run_at - $1 * interval '1 ms',
    locked_until = locked_until - $1 * interval '1 ms'`, [ms]);
}
async function add(db: Queryable, n: number, kind = 'work', maxAttempts = 3) {
  await enqueue(db, { id: id(n), owner: 'ana', kind, payload: { n }, maxAttempts });
}
async function claimOne(db: Queryable, worker = 'w1'): Promise<Lease> {
  const [lease] = await claimJobs(db, worker, 1, LEASE);
  if (!lease) throw new Error('nothing to claim');
  return lease;
}
const status = (db: Queryable, n: number) => jobStatus(db, id(n), 'ana');
const options = (db: Db, handlers: Record<string, Handler>,
  extra: Partial<RunOptions> = {}): RunOptions => ({
  db, worker: 'w1', handlers, leaseMs: LEASE, timeoutMs: 10_000,
  backoff: (attempt) => attempt * 1000, ...extra,
});
const never = new AbortController().signal;

describe('runJob, on PGlite', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  it('stores the result of a handler that succeeds', async () => {
    await add(db(), 1);
    const outcome = await runJob(await claimOne(db()),
      options(db(), { work: async (job) => ({ got: job.payload }) }), never);
    expect(outcome).toBe('done');
    expect(await status(db(), 1)).toMatchObject({ state: 'done', result: { got: { n: 1 } } });
  });

  it('schedules a retry after the backoff for the attempt, then dead-letters', async () => {
    await add(db(), 1, 'work', 2);
    const seen: number[] = [];
    const o = options(db(), { work: async () => { throw new Error('503 from upstream'); } },
      { backoff: (attempt) => { seen.push(attempt); return 4_000; } });
    expect(await runJob(await claimOne(db()), o, never)).toBe('failed');
    expect(await claimJobs(db(), 'w1', 1, LEASE)).toEqual([]);
    await elapse(db(), 4_000);
    expect(await runJob(await claimOne(db()), o, never)).toBe('dead');
    expect(seen).toEqual([1, 2]);
    expect(await status(db(), 1)).toMatchObject(
      { state: 'dead', attempts: 2, error: 'Error: 503 from upstream' });
  });

  it('dead-letters a PermanentError and an unknown kind without retrying', async () => {
    await add(db(), 1);
    await add(db(), 2, 'no-such-kind');
    const o = options(db(), { work: async () => { throw new PermanentError('bad row 7'); } });
    expect(await runJob(await claimOne(db()), o, never)).toBe('dead');
    expect(await runJob(await claimOne(db()), o, never)).toBe('dead');
    expect((await status(db(), 2))?.error).toBe('PermanentError: no handler for no-such-kind');
  });

  it('fails an attempt that runs past its timeout, even if the handler ignores the signal', async () => {
    await add(db(), 1);
    const timer = new AbortController();
    const started = deferred();
    const o = options(db(), {
      work: async () => { started.resolve(); await new Promise(() => {}); },
    }, { timeout: () => timer.signal });
    const run = runJob(await claimOne(db()), o, never);
    await started.promise;
    timer.abort(new Error('timeout'));
    expect(await run).toBe('failed');
    expect((await status(db(), 1))?.error).toBe('timed out after 10000 ms');
  });

  it('stores the error name and message, not the stack or a cause', async () => {
    await add(db(), 1);
    const secret = 'sk_live_123';
    const o = options(db(), { work: async () => {
      throw new Error('charge failed', { cause: new Error(secret) });
    } });
    await runJob(await claimOne(db()), o, never);
    const error = (await status(db(), 1))?.error ?? '';
    expect(error).toBe('Error: charge failed');
    expect(error).not.toContain(secret);
  });

  it('keeps the lease alive through heartbeats, and stops when it is lost', async () => {
    await add(db(), 1);
    const progress = deferred();
    const lost = deferred<unknown>();
    const o = options(db(), { work: async (_job, ctx) => {
      await ctx.heartbeat(); // still ours
      await progress.promise;
      try {
        await ctx.heartbeat();
      } catch (error) {
        lost.resolve(error);
        throw error;
      }
      return 'unreachable';
    } });
    const first = runJob(await claimOne(db(), 'w1'), o, never);
    await elapse(db(), LEASE); // the worker stalls past its lease...
    const second = await claimOne(db(), 'w2'); // ...and w2 takes the job
    progress.resolve();
    expect(await first).toBe('lease-lost');
    expect(String(await lost.promise)).toMatch(/no longer holds the lease/);
    expect(await status(db(), 1)).toMatchObject({ state: 'running', attempts: 2 });
    expect(second.attempt).toBe(2);
  });
});

describe('startWorker: polling and graceful shutdown, on PGlite', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  /** A worker whose idle sleep lasts until stop(); `idle` fires on each. */
  function worker(handlers: Record<string, Handler>, wait: (ms: number) => Promise<void>) {
    const outcomes: [string, Outcome][] = [];
    let onIdle = () => {};
    const w = startWorker({
      ...options(db(), handlers), pollMs: 1_000, drainMs: 5_000, wait,
      sleep: (_ms, signal) => new Promise<void>((resolve) => {
        onIdle();
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
      onOutcome: (job, outcome) => outcomes.push([job.id, outcome]),
    });
    const idle = () => new Promise<void>((resolve) => { onIdle = resolve; });
    return { w, outcomes, idle };
  }

  it('runs what is queued, idles, and stops at once when idle', async () => {
    await add(db(), 1);
    await add(db(), 2);
    const { w, outcomes, idle } = worker({ work: async () => 'ok' }, () => new Promise(() => {}));
    await idle();
    await w.stop();
    expect(outcomes).toEqual([[id(1), 'done'], [id(2), 'done']]);
  });

  it('on stop, takes no new job and lets the one in hand finish', async () => {
    await add(db(), 1);
    await add(db(), 2);
    const started = deferred();
    const finish = deferred();
    const { w, outcomes } = worker({ work: async () => {
      started.resolve();
      await finish.promise;
      return 'ok';
    } }, () => new Promise(() => {})); // the drain deadline never comes
    await started.promise;
    const stopped = w.stop();
    finish.resolve();
    await stopped;
    expect(outcomes).toEqual([[id(1), 'done']]);
    expect(await status(db(), 2)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('past the drain deadline, aborts the job and hands it back unspent', async () => {
    await add(db(), 1);
    const started = deferred();
    const deadline = deferred();
    let aborted = false;
    const { w, outcomes } = worker({ work: async (_job, ctx) => {
      started.resolve();
      ctx.signal.addEventListener('abort', () => { aborted = true; });
      await new Promise(() => {}); // ignores the signal: the worker stops anyway
    } }, () => deadline.promise);
    await started.promise;
    const stopped = w.stop();
    deadline.resolve();
    await stopped;
    expect(aborted).toBe(true);
    expect(outcomes).toEqual([[id(1), 'released']]);
    expect(await status(db(), 1)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('runs the jobs it claims when nobody listens for outcomes', async () => {
    await add(db(), 1);
    let onIdle = () => {};
    const idle = new Promise<void>((resolve) => { onIdle = resolve; });
    const w = startWorker({ ...options(db(), { work: async () => 'ok' }),
      pollMs: 1, drainMs: 1, wait: () => new Promise(() => {}),
      sleep: (_ms, signal) => new Promise<void>((resolve) => {
        onIdle();
        signal.addEventListener('abort', () => resolve(), { once: true });
      }) }); // no onOutcome
    await idle;
    await w.stop();
    expect(await status(db(), 1)).toMatchObject({ state: 'done', result: 'ok' });
  });

  it('takes no job when stop() comes while it sweeps for expired leases', async () => {
    await add(db(), 1);
    const sweeping = deferred();
    const resume = deferred();
    const gated: Db = {
      query: async (sql, params) => {
        if (sql.includes('lease expired on attempt')) {
          sweeping.resolve();
          await resume.promise;
        }
        return db().query(sql, params);
      },
      transaction: (work) => db().transaction(work),
    };
    const outcomes: Outcome[] = [];
    const w = startWorker({ ...options(gated, { work: async () => 'ok' }),
      pollMs: 1, drainMs: 1, wait: () => new Promise(() => {}),
      onOutcome: (_job, outcome) => outcomes.push(outcome) });
    await sweeping.promise;
    const stopped = w.stop();
    resume.resolve();
    await stopped;
    expect(outcomes).toEqual([]);
    expect(await status(db(), 1)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('survives a connection that dies mid-job: the lease brings the job back', async () => {
    await add(db(), 1);
    const errors: unknown[] = [];
    let drop = true;
    const flaky: Db = {
      query: (sql, params) => db().query(sql, params),
      transaction: async (work) => {
        if (drop) { drop = false; throw new Error('Connection terminated unexpectedly'); }
        return db().transaction(work);
      },
    };
    const { w, idle } = (() => {
      let onIdle = () => {};
      const w = startWorker({ ...options(flaky, { work: async () => 'sent' }),
        pollMs: 1, drainMs: 1, wait: () => new Promise(() => {}),
        sleep: (_ms, signal) => new Promise<void>((resolve) => {
          onIdle();
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
        onError: (error) => errors.push(error) });
      return { w, idle: () => new Promise<void>((r) => { onIdle = r; }) };
    })();
    await idle(); // the completion failed: reported, and the loop went on
    await w.stop();
    expect(String(errors[0])).toContain('Connection terminated');
    expect(await status(db(), 1)).toMatchObject({ state: 'running', attempts: 1 });
    await elapse(db(), LEASE);
    const again = await claimOne(db(), 'w2');
    expect(await runJob(again, options(db(), { work: async () => 'sent' }), never))
      .toBe('done');
  });

  it('reports database errors and keeps polling', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const broken: Db = {
      query: async () => { calls++; throw new Error('connection refused'); },
      transaction: async () => { throw new Error('connection refused'); },
    };
    const w = startWorker({ ...options(broken, {}), pollMs: 1, drainMs: 1,
      sleep: async () => { if (calls >= 3) void w.stop(); },
      onError: (error) => errors.push(error) });
    await w.stop();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(String(errors[0])).toContain('connection refused');
  });

  it('buries a job whose worker died on its last attempt, before claiming', async () => {
    await add(db(), 1, 'work', 1);
    await claimOne(db(), 'crashed'); // attempt 1 of 1, never finished
    await elapse(db(), LEASE);
    const { w, outcomes, idle } = worker({ work: async () => 'ok' }, () => new Promise(() => {}));
    await idle();
    await w.stop();
    expect(outcomes).toEqual([]); // not run a second time
    expect(await status(db(), 1)).toMatchObject({ state: 'dead', attempts: 1 });
  });

  it('rejects a missing handler map entry as permanent, not a crash', async () => {
    await add(db(), 1, 'unknown');
    const { w, outcomes, idle } = worker({}, () => new Promise(() => {}));
    await idle();
    await w.stop();
    expect(outcomes).toEqual([[id(1), 'dead']]);
  });
});

describe('a worker killed mid-job, on a PostgreSQL server', () => {
  const { db: pg, server } = useServerDatabase(SCHEMA, { reset: RESET });

  it('lets another worker finish it once the lease expires, and the effect happens once', async () => {
    await add(pg(), 1);
    let calls = 0;
    const hang = deferred();
    // Idempotent: the effect is keyed by the job id, so a rerun is a no-op.
    const handler = (db: Queryable): Handler => async (job) => {
      calls++;
      await db.query('INSERT INTO effects VALUES ($1) ON CONFLICT DO NOTHING', [job.id]);
      if (calls === 1) await hang.promise; // worker A dies here
      return 'sent';
    };
    const a = server().pool(1);
    const b = server().pool(1);
    const runA = runJob(await claimOne(a, 'A'),
      options(a, { work: handler(a) }, { worker: 'A' }), never);
    await expect.poll(() => calls).toBe(1);
    expect(await claimJobs(b, 'B', 1, LEASE)).toEqual([]); // A's lease holds
    await elapse(pg(), LEASE);
    const outcomeB = await runJob(await claimOne(b, 'B'),
      options(b, { work: handler(b) }, { worker: 'B' }), never);
    expect(outcomeB).toBe('done');
    hang.resolve(); // A comes back (a GC pause, not a crash): too late
    expect(await runA).toBe('lease-lost');
    expect(calls).toBe(2); // delivered twice: at least once
    const effects = await pg().query('SELECT * FROM effects');
    expect(effects.rows).toHaveLength(1); // applied once: idempotent
    expect(await status(pg(), 1)).toMatchObject({ state: 'done', attempts: 2, result: 'sent' });
  });
});
