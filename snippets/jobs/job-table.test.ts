import { describe, expect, it } from 'vitest';
import { waitsForLock } from '../db/postgres-server.ts';
import { useDatabase, useServerDatabase } from '../db/use-database.ts';
import {
  claimJobs, completeJob, enqueue, failJob, heartbeat, JOBS_SCHEMA,
  jobStatus, LeaseLostError, releaseJob, type Lease, type Queryable,
} from './job-table.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const LEASE = 30_000;
const SCHEMA = `${JOBS_SCHEMA}
  CREATE TABLE IF NOT EXISTS runs (job_id uuid NOT NULL, worker text NOT NULL);`;
const RESET = 'TRUNCATE jobs, runs';

/** Time passing as the database sees it: move every deadline back. */
async function elapse(db: Queryable, ms: number) {
  await db.query(`UPDATE jobs SET run_at = run_at - $1 * interval '1 ms',
    locked_until = locked_until - $1 * interval '1 ms'`, [ms]);
}
async function add(db: Queryable, n: number, extra: object = {}) {
  await enqueue(db, { id: id(n), owner: 'ana', kind: 'report',
    payload: { n }, ...extra });
}
async function claimOne(db: Queryable, worker = 'w1'): Promise<Lease> {
  const [lease] = await claimJobs(db, worker, 1, LEASE);
  if (!lease) throw new Error('nothing to claim');
  return lease;
}
const state = async (db: Queryable, n: number) =>
  (await jobStatus(db, id(n), 'ana'))?.state;

describe('on PGlite (one session)', () => {
  const db = useDatabase(SCHEMA, { reset: RESET });

  it('claims due jobs oldest first and counts the attempt', async () => {
    await add(db(), 1);
    await add(db(), 2);
    await add(db(), 3, { delayMs: 60_000 });
    const leases = await claimJobs(db(), 'w1', 10, LEASE);
    expect(leases.map((l) => [l.id, l.attempt])).toEqual([[id(1), 1], [id(2), 1]]);
    expect(await claimJobs(db(), 'w2', 10, LEASE)).toEqual([]);
    for (const lease of leases) await completeJob(db(), lease, null);
    await elapse(db(), 60_000);
    expect((await claimOne(db())).id).toBe(id(3));
  });

  it('completes a job with its result, in one transaction with its writes', async () => {
    await add(db(), 1);
    const lease = await claimOne(db());
    await completeJob(db(), lease, { rows: 3 }, async (tx) => {
      await tx.query("INSERT INTO runs VALUES ($1, 'w1')", [lease.id]);
    });
    expect(await jobStatus(db(), id(1), 'ana')).toMatchObject(
      { state: 'done', attempts: 1, result: { rows: 3 }, error: null });
    expect((await db().query('SELECT * FROM runs')).rows).toHaveLength(1);
  });

  it('rolls back the completion when the job\'s own write fails', async () => {
    await add(db(), 1);
    const lease = await claimOne(db());
    await expect(completeJob(db(), lease, null, async () => {
      throw new Error('constraint');
    })).rejects.toThrow('constraint');
    expect(await state(db(), 1)).toBe('running');
  });

  it('lets another worker take a job whose lease ran out, and fences the first', async () => {
    await add(db(), 1);
    const first = await claimOne(db(), 'w1');
    await elapse(db(), LEASE - 5000);
    expect(await claimJobs(db(), 'w2', 1, LEASE)).toEqual([]); // still leased
    await elapse(db(), 5000);
    const second = await claimOne(db(), 'w2');
    expect(second.attempt).toBe(2);
    await expect(completeJob(db(), first, 'late')).rejects.toThrow(LeaseLostError);
    await expect(heartbeat(db(), first, LEASE)).rejects.toThrow(LeaseLostError);
    await expect(failJob(db(), first, 'x', { retryInMs: 0 })).rejects.toThrow(LeaseLostError);
    await expect(releaseJob(db(), first)).rejects.toThrow(LeaseLostError);
    await completeJob(db(), second, 'on time');
    expect((await jobStatus(db(), id(1), 'ana'))?.result).toBe('on time');
  });

  it('extends the lease on heartbeat', async () => {
    await add(db(), 1);
    const lease = await claimOne(db());
    await elapse(db(), LEASE - 5000);
    await heartbeat(db(), lease, LEASE);
    await elapse(db(), LEASE - 5000);
    expect(await claimJobs(db(), 'w2', 1, LEASE)).toEqual([]);
    await elapse(db(), 5000);
    expect((await claimOne(db(), 'w2')).attempt).toBe(2);
  });

  it('retries after the backoff, then dead-letters on the last attempt', async () => {
    await add(db(), 1, { maxAttempts: 2 });
    const first = await claimOne(db());
    expect(await failJob(db(), first, 'Error: 503', { retryInMs: 5_000 })).toBe('failed');
    expect(await claimJobs(db(), 'w1', 1, LEASE)).toEqual([]); // backing off
    await elapse(db(), 5_000);
    const second = await claimOne(db());
    expect(await failJob(db(), second, 'Error: 503', { retryInMs: 5_000 })).toBe('dead');
    await elapse(db(), 60_000);
    expect(await claimJobs(db(), 'w1', 1, LEASE)).toEqual([]);
    expect(await jobStatus(db(), id(1), 'ana')).toMatchObject(
      { state: 'dead', attempts: 2, error: 'Error: 503' });
  });

  it('dead-letters a permanent failure at once and truncates the error', async () => {
    await add(db(), 1, { maxAttempts: 5 });
    const lease = await claimOne(db());
    const state = await failJob(db(), lease, 'x'.repeat(10_000),
      { retryInMs: 0, permanent: true });
    expect(state).toBe('dead');
    expect((await jobStatus(db(), id(1), 'ana'))?.error).toHaveLength(500);
  });

  it('releases a job without spending an attempt', async () => {
    await add(db(), 1);
    const lease = await claimOne(db());
    await releaseJob(db(), lease);
    expect(await jobStatus(db(), id(1), 'ana')).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await claimOne(db())).attempt).toBe(1);
  });

  it('never hands out a fencing token twice, even after a release', async () => {
    await add(db(), 1);
    const released = await claimOne(db(), 'w1');
    await releaseJob(db(), released); // the attempt is given back...
    const next = await claimOne(db(), 'w2');
    expect(next.attempt).toBe(1); // ...so the attempt number repeats
    // The released worker's handler may still be running: it must not
    // extend or finish the job w2 now owns.
    await expect(heartbeat(db(), released, LEASE)).rejects.toThrow(LeaseLostError);
    await expect(completeJob(db(), released, 'stale')).rejects.toThrow(LeaseLostError);
    await completeJob(db(), next, 'fresh');
    expect((await jobStatus(db(), id(1), 'ana'))?.result).toBe('fresh');
  });

  it('stores an error with control characters or a NUL byte', async () => {
    await add(db(), 1);
    const lease = await claimOne(db());
    const state = await failJob(db(), lease, 'Error: bad name "a\u0000b"\r\nX-Evil: 1',
      { retryInMs: 0 });
    expect(state).toBe('failed');
    expect((await jobStatus(db(), id(1), 'ana'))?.error).toBe('Error: bad name "a b"  X-Evil: 1');
  });

  it('shows a job only to its owner', async () => {
    await add(db(), 1);
    expect(await jobStatus(db(), id(1), 'bob')).toBeNull();
    expect(await jobStatus(db(), 'not-a-uuid', 'ana')).toBeNull();
  });

  it('rejects bad input before touching the database', async () => {
    const base = { id: id(1), owner: 'ana', kind: 'report', payload: {} };
    await expect(enqueue(db(), { ...base, id: 'x' })).rejects.toThrow(TypeError);
    await expect(enqueue(db(), { ...base, kind: 'Drop Table' })).rejects.toThrow(TypeError);
    await expect(enqueue(db(), { ...base, owner: '' })).rejects.toThrow(TypeError);
    await expect(enqueue(db(), { ...base, maxAttempts: 0 })).rejects.toThrow(RangeError);
    await expect(enqueue(db(), { ...base, payload: undefined })).rejects.toThrow(TypeError);
    await expect(enqueue(db(), { ...base, payload: { big: 'x'.repeat(70_000) } }))
      .rejects.toThrow(/store the data elsewhere/);
    await expect(claimJobs(db(), 'w1', 0, LEASE)).rejects.toThrow(RangeError);
    await expect(claimJobs(db(), 'w1', 1, 10)).rejects.toThrow(RangeError);
    expect((await db().query('SELECT * FROM jobs')).rows).toEqual([]);
  });
});

describe('on a PostgreSQL server, with concurrent workers', () => {
  const { db: pg, server } = useServerDatabase(SCHEMA, { reset: RESET });

  it('gives a second claimer the next job at once while the first is still claiming', async () => {
    await add(pg(), 1);
    await add(pg(), 2);
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    let claimedFirst = () => {};
    const firstClaimed = new Promise<void>((resolve) => { claimedFirst = resolve; });
    // Worker 1 claims job 1 and holds its transaction open.
    const first = pg().transaction(async (tx) => {
      const leases = await claimJobs(tx, 'w1', 1, LEASE);
      claimedFirst();
      await held;
      return leases;
    });
    await firstClaimed;
    const other = server().pool(1);
    const second = claimJobs(other, 'w2', 1, LEASE);
    try {
      // With SKIP LOCKED it neither waits for worker 1 nor takes job 1.
      expect(await waitsForLock(pg(), second)).toEqual([]);
    } finally {
      release();
    }
    expect((await second).map((l) => l.id)).toEqual([id(2)]);
    expect((await first).map((l) => l.id)).toEqual([id(1)]);
  });

  it('runs every job exactly once with four workers on their own connections', async () => {
    const JOBS = 60;
    for (let n = 1; n <= JOBS; n++) await add(pg(), n);
    const worker = async (name: string) => {
      const db = server().pool(1);
      for (;;) {
        const [lease] = await claimJobs(db, name, 1, LEASE);
        if (!lease) return;
        // The effect, outside the completion: it counts every execution.
        await db.query('INSERT INTO runs VALUES ($1, $2)', [lease.id, name]);
        await completeJob(db, lease, null);
      }
    };
    await Promise.all(['w1', 'w2', 'w3', 'w4'].map(worker));
    const { rows } = await pg().query<{ runs: number; jobs: number; workers: number }>(
      `SELECT count(*)::int AS runs, count(DISTINCT job_id)::int AS jobs,
              count(DISTINCT worker)::int AS workers FROM runs`);
    expect(rows[0]).toMatchObject({ runs: JOBS, jobs: JOBS });
    expect(rows[0]!.workers).toBeGreaterThan(1); // they really ran side by side
    const done = await pg().query("SELECT 1 FROM jobs WHERE state = 'done'");
    expect(done.rows).toHaveLength(JOBS);
  });
});
