import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { buryExpired, listDead, redrive } from './dead-letter.ts';
import {
  claimJobs, completeJob, enqueue, failJob, JOBS_SCHEMA, jobStatus,
  LeaseLostError, type Queryable,
} from './job-table.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const LEASE = 30_000;
async function elapse(db: Queryable, ms: number) {
  await db.query(`UPDATE jobs SET run_at = run_at - $1 * interval '1 ms',
    locked_until = locked_until - $1 * interval '1 ms'`, [ms]);
}
const add = (db: Queryable, n: number, maxAttempts: number) => enqueue(db,
  { id: id(n), owner: 'ana', kind: 'work', payload: {}, maxAttempts });
const state = async (db: Queryable, n: number) =>
  (await jobStatus(db, id(n), 'ana'))?.state;

describe('dead letters', () => {
  const db = useDatabase(JOBS_SCHEMA, { reset: 'TRUNCATE jobs' });

  it('buries a poison job whose worker died on every attempt', async () => {
    await add(db(), 1, 2);
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await claimJobs(db(), `w${attempt}`, 1, LEASE)).toHaveLength(1);
      expect(await buryExpired(db())).toEqual([]); // its lease still holds
      await elapse(db(), LEASE); // the worker crashed: no complete, no fail
    }
    expect(await claimJobs(db(), 'w3', 1, LEASE)).toEqual([]); // never a third run
    expect(await buryExpired(db())).toEqual([id(1)]);
    expect(await listDead(db())).toEqual([{ id: id(1), kind: 'work', attempts: 2,
      error: 'lease expired on attempt 2 of 2: the worker stopped or hung' }]);
  });

  it('leaves a job with attempts left to be reclaimed, not buried', async () => {
    await add(db(), 1, 3);
    await claimJobs(db(), 'w1', 1, LEASE);
    await elapse(db(), LEASE);
    expect(await buryExpired(db())).toEqual([]);
    expect(await claimJobs(db(), 'w2', 1, LEASE)).toHaveLength(1);
  });

  it('redrives a dead job with fresh attempts, and only a dead one', async () => {
    await add(db(), 1, 1);
    await add(db(), 2, 1);
    const [lease] = await claimJobs(db(), 'w1', 1, LEASE);
    await failJob(db(), lease!, 'Error: bad config', { retryInMs: 0 });
    expect(await state(db(), 1)).toBe('dead');
    await claimJobs(db(), 'w1', 1, LEASE); // job 2 is running
    expect(await redrive(db(), id(2))).toBe(false);
    expect(await redrive(db(), id(9))).toBe(false);
    expect(await redrive(db(), id(1))).toBe(true);
    expect(await jobStatus(db(), id(1), 'ana')).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await claimJobs(db(), 'w1', 1, LEASE))[0]?.id).toBe(id(1));
  });

  it('fences out a worker buried as hung, after its job is redriven', async () => {
    await add(db(), 1, 1);
    const [hung] = await claimJobs(db(), 'w1', 1, LEASE);
    await elapse(db(), LEASE);
    expect(await buryExpired(db())).toEqual([id(1)]);
    expect(await redrive(db(), id(1))).toBe(true);
    const [fresh] = await claimJobs(db(), 'w2', 1, LEASE);
    expect(fresh!.attempt).toBe(hung!.attempt); // attempts start again
    await expect(completeJob(db(), hung!, 'late')).rejects.toThrow(LeaseLostError);
    await completeJob(db(), fresh!, 'on time');
    expect((await jobStatus(db(), id(1), 'ana'))?.result).toBe('on time');
  });

  it('rejects bad input', async () => {
    await expect(redrive(db(), "1' OR '1'='1")).rejects.toThrow(TypeError);
    await expect(listDead(db(), 0)).rejects.toThrow(RangeError);
  });
});
