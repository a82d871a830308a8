import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { createReportsApp } from './job-api.ts';
import { claimJobs, completeJob, failJob, JOBS_SCHEMA } from './job-table.ts';

const JOB = '0193a6f0-7c1e-7000-8000-000000000001';
const json = { 'Content-Type': 'application/json' };
const month = '{"from":"2026-11-01","to":"2026-11-30"}';

describe('reports API', () => {
  const db = useDatabase(JOBS_SCHEMA, { reset: 'TRUNCATE jobs' });
  const app = () => createReportsApp({ db: db(), newId: () => JOB,
    currentUser: (req) => req.headers.get('x-test-user') });
  const as = (user: string, init: RequestInit = {}) =>
    ({ ...init, headers: { ...json, 'x-test-user': user } });
  const post = (body: string, user = 'ana') =>
    app().request('/reports', as(user, { method: 'POST', body }));
  const poll = (user = 'ana') => app().request(`/jobs/${JOB}`, as(user));

  it('answers 202 with the status monitor, and stores a queued job', async () => {
    const res = await post(month);
    expect(res.status).toBe(202);
    expect(res.headers.get('Location')).toBe(`/jobs/${JOB}`);
    expect(res.headers.get('Content-Location')).toBe(`/jobs/${JOB}`);
    expect(res.headers.get('Retry-After')).toBe('2');
    expect(await res.json()).toEqual({ id: JOB, state: 'queued', attempts: 0 });
    const { rows } = await db().query('SELECT owner, kind, payload FROM jobs');
    expect(rows).toEqual([{ owner: 'ana', kind: 'sales-report',
      payload: { from: '2026-11-01', to: '2026-11-30' } }]);
  });

  it('says to poll again while the job is pending, and not once it is done', async () => {
    await post(month);
    let res = await poll();
    expect(res.headers.get('Retry-After')).toBe('2');
    expect(await res.json()).toEqual({ id: JOB, state: 'queued', attempts: 0 });
    const [lease] = await claimJobs(db(), 'w1', 1, 60_000);
    expect(await (await poll()).json()).toMatchObject({ state: 'running', attempts: 1 });
    await completeJob(db(), lease!, { rows: 3 });
    res = await poll();
    expect(res.status).toBe(200);
    expect(res.headers.get('Retry-After')).toBeNull();
    expect(await res.json()).toEqual({ id: JOB, state: 'done', result: { rows: 3 } });
  });

  it('reports a dead job, and no longer says to poll', async () => {
    await post(month);
    const [lease] = await claimJobs(db(), 'w1', 1, 60_000);
    await failJob(db(), lease!, 'Error: no data', { retryInMs: 0, permanent: true });
    const res = await poll();
    expect(res.headers.get('Retry-After')).toBeNull();
    expect(await res.json()).toEqual({ id: JOB, state: 'dead',
      error: 'The job failed. Contact support and quote its id.' });
  });

  it('answers the POST with the representation GET gives at Content-Location', async () => {
    const created = await post(month);
    const polled = await app().request(created.headers.get('Content-Location')!, as('ana'));
    expect(await created.json()).toEqual(await polled.json());
  });

  it('keeps internal failure details away from the client', async () => {
    await post(month);
    const [lease] = await claimJobs(db(), 'w1', 1, 60_000);
    await failJob(db(), lease!, 'Error: connect ECONNREFUSED 10.0.3.7:5432',
      { retryInMs: 0, permanent: true });
    const body = await (await poll()).json();
    expect(body).toMatchObject({ id: JOB, state: 'dead' });
    expect(JSON.stringify(body)).not.toContain('10.0.3.7');
  });

  it('shows a permanent error, written for the user, as it is', async () => {
    await post(month);
    const [lease] = await claimJobs(db(), 'w1', 1, 60_000);
    await failJob(db(), lease!, 'PermanentError: no sales between these dates',
      { retryInMs: 0, permanent: true });
    expect(await (await poll()).json()).toEqual(
      { id: JOB, state: 'dead', error: 'no sales between these dates' });
  });

  it('hides other users\' jobs and unknown ids behind the same 404', async () => {
    await post(month);
    expect((await poll('bob')).status).toBe(404);
    expect((await app().request('/jobs/nope', as('ana'))).status).toBe(404);
  });

  it('refuses anonymous callers with a challenge', async () => {
    const res = await app().request('/reports', { method: 'POST', body: month, headers: json });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect((await app().request(`/jobs/${JOB}`)).status).toBe(401);
  });

  it('validates the request before enqueuing anything', async () => {
    expect((await post('{"from":"2026-11-30","to":"2026-11-01"}')).status).toBe(422);
    expect((await post('{"from":"2024-01-01","to":"2026-01-01"}')).status).toBe(422);
    expect((await post('{"from":"2026-11-01","to":"2026-11-30","x":1}')).status).toBe(422);
    expect((await post('{"from":')).status).toBe(400);
    expect((await db().query('SELECT 1 FROM jobs')).rows).toEqual([]);
  });
});
