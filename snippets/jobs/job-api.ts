/**
 * The HTTP side of a long-running task: POST validates and enqueues, then
 * answers 202 Accepted with where to look; GET on the job is the status
 * monitor, polled until the job is done or dead.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.3.3
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { readJsonBody } from '../http/json-body.ts';
import { statusProblem } from '../http/problem.ts';
import { enqueue, jobStatus, type Queryable } from './job-table.ts';

const DAY_MS = 86_400_000;
export const reportInput = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date(),
}).refine(({ from, to }) => from <= to, 'from must not be after to')
  .refine(({ from, to }) => Date.parse(to) - Date.parse(from) <= 366 * DAY_MS,
    'at most 366 days per report');

export interface ApiDeps {
  db: Queryable;
  /** The authenticated user, or null (Q29/Q43 decide how). */
  currentUser: (request: Request) => string | null;
  newId?: () => string;
  /** Seconds a client should wait between polls. */
  pollSeconds?: number;
}

const PENDING = new Set(['queued', 'running', 'failed']);
const FAILED = 'The job failed. Contact support and quote its id.';

/**
 * What a dead job tells its owner. A handler writes a PermanentError's
 * message for the user; any other error (a driver's, a timeout) can name
 * hosts, tables or data, so it stays in the table for operators.
 */
export function publicError(stored: string | null): string {
  const prefix = 'PermanentError: ';
  return stored?.startsWith(prefix) ? stored.slice(prefix.length) : FAILED;
}

// #region api
export function createReportsApp(deps: ApiDeps): Hono {
  const { db, currentUser, newId = randomUUID, pollSeconds = 2 } = deps;
  const app = new Hono();
  const retryAfter = { 'Retry-After': String(pollSeconds) };
  const anonymous = () => statusProblem(401, 'Sign in first.',
    { 'WWW-Authenticate': 'Bearer' }); // RFC 9110 §15.5.2

  app.post('/reports', async (c) => {
    const user = currentUser(c.req.raw);
    if (!user) return anonymous();
    const body = await readJsonBody(c.req.raw, reportInput);
    if (!body.ok) return body.response;
    const id = newId();
    await enqueue(db, { id, owner: user, kind: 'sales-report',
      payload: body.data });
    const monitor = `/jobs/${id}`; // the body is what GET on it returns
    return c.json({ id, state: 'queued', attempts: 0 }, 202, {
      Location: monitor, 'Content-Location': monitor, ...retryAfter });
  });

  app.get('/jobs/:id', async (c) => {
    const user = currentUser(c.req.raw);
    if (!user) return anonymous();
    // Someone else's job is as unknown as a job that never existed.
    const job = await jobStatus(db, c.req.param('id'), user);
    if (!job) return statusProblem(404, 'No such job.');
    const { id, state, attempts, result, error } = job;
    if (PENDING.has(state)) {
      return c.json({ id, state, attempts }, 200, retryAfter);
    }
    return c.json(state === 'done' ? { id, state, result }
      : { id, state, error: publicError(error) }, 200); // dead
  });
  return app;
}
// #endregion api

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { claimJobs, completeJob, JOBS_SCHEMA } = await import('./job-table.ts');
  const db = await openDatabase();
  await db.exec(JOBS_SCHEMA);
  const app = createReportsApp({ db, currentUser: () => 'ana',
    newId: () => '0193a6f0-7c1e-7000-8000-000000000001' });
  const show = async (res: Response) => {
    const head = ['Location', 'Retry-After']
      .filter((h) => res.headers.has(h))
      .map((h) => `${h}: ${res.headers.get(h)}`).join(', ');
    console.log(`${res.status} ${head ? `(${head}) ` : ''}${await res.text()}`);
  };
  const post = (body: string) => app.request('/reports', { method: 'POST',
    body, headers: { 'Content-Type': 'application/json' } });
  await show(await post('{"from":"2026-11-01","to":"2026-11-30"}'));
  await show(await app.request('/jobs/0193a6f0-7c1e-7000-8000-000000000001'));
  const [job] = await claimJobs(db, 'worker-1', 1, 60_000);
  await completeJob(db, job!, { rows: 1843, url: '/files/sales-2026-11.csv' });
  await show(await app.request('/jobs/0193a6f0-7c1e-7000-8000-000000000001'));
  await show(await post('{"from":"2026-11-30","to":"2026-11-01"}'));
  await db.close();
}
