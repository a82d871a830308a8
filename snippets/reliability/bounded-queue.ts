/**
 * Load shedding at the front door: a Hono middleware that admits at
 * most `maxConcurrent` requests to the handlers, lets `maxQueued` more
 * wait, and refuses the rest at once, before any work is done. One
 * client holding more than `perClient` places gets 429 (it is the
 * problem); a full server gets 503 (we are). Both carry Retry-After.
 * A request that waited longer than `maxWaitMs` is dropped when its
 * turn comes: its caller has likely given up, and serving it would
 * only delay the requests behind it. The queue itself is the Q74
 * bulkhead (./bulkhead.ts); this module adds the HTTP answers, the
 * per-client share and the deadline.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AppError, toProblem } from '../http/error-catalog.ts';
import { Bulkhead, BulkheadFullError } from './bulkhead.ts';

export interface ShedOptions {
  /** Requests running in handlers at once. */
  maxConcurrent: number;
  /** Requests waiting for a slot; beyond this the server is full. */
  maxQueued: number;
  /** A request that waited longer than this is dropped, never run. */
  maxWaitMs: number;
  /** One client's running + waiting requests; beyond this, 429. */
  perClient: number;
  /** Who the client is (user id, API key, or IP from a trusted proxy). */
  clientOf: (c: Context) => string;
  /** Whole seconds sent in Retry-After; default 1. */
  retryAfterSeconds?: number;
  now?: () => number;
  /** Aborts after `ms`; tests pass their own. */
  timeout?: (ms: number) => AbortSignal;
}

/** Why a request was refused without running; counted for metrics. */
export type ShedReason =
  'client-share' | 'queue-full' | 'waited-too-long' | 'caller-gone';

class Expired extends Error {}

const DETAIL: Record<ShedReason, string> = {
  'client-share': 'Too many of your requests are in progress.',
  'queue-full': 'The server is at capacity.',
  'waited-too-long': 'The request waited too long to start.',
  'caller-gone': 'The request was cancelled while waiting.',
};

// #region shed
export function shedLoad(o: ShedOptions,
  onShed: (reason: ShedReason) => void = () => {}) {
  const { maxWaitMs, perClient, clientOf, now = Date.now,
    retryAfterSeconds: retryAfter = 1, timeout = AbortSignal.timeout } =
    checkOptions(o);
  const pool = new Bulkhead(o.maxConcurrent, o.maxQueued);
  const held = new Map<string, number>(); // client -> running + waiting
  const refuse = (reason: ShedReason) => {
    onShed(reason);
    const detail = DETAIL[reason];
    return toProblem(reason === 'client-share'
      ? new AppError('rate-limited', { retryAfter, detail })
      : new AppError('unavailable', { retryAfter, detail }));
  };
  const handler: MiddlewareHandler = async (c, next) => {
    const client = clientOf(c);
    const mine = held.get(client) ?? 0;
    if (mine >= perClient) return refuse('client-share'); // before work
    const mustWait = pool.active >= o.maxConcurrent;
    if (mustWait && pool.queued >= o.maxQueued) return refuse('queue-full');
    held.set(client, mine + 1);
    const queuedAt = now();
    // Leave the queue when the wait is over or the caller hangs up; only
    // a request that has to wait arms a timer.
    const hangUp = c.req.raw.signal;
    const leave = mustWait
      ? AbortSignal.any([hangUp, timeout(maxWaitMs)]) : hangUp;
    try {
      await pool.run(async () => {
        // Timers fire late on a busy event loop: check the clock too.
        if (now() - queuedAt > maxWaitMs) throw new Expired();
        await next();
      }, leave);
    } catch (err) {
      if (err instanceof BulkheadFullError) return refuse('queue-full');
      if (err instanceof Expired || err === leave.reason) {
        return refuse(hangUp.aborted ? 'caller-gone' : 'waited-too-long');
      }
      throw err;
    } finally {
      const left = (held.get(client) ?? 1) - 1;
      if (left === 0) held.delete(client); // the map holds live clients only
      else held.set(client, left);
    }
  };
  // Queue depth is the number to graph and alert on.
  const stats = () => ({ running: pool.active, queued: pool.queued,
    clients: held.size });
  return Object.assign(handler, { stats });
}
// #endregion shed

function checkOptions(o: ShedOptions): ShedOptions {
  for (const name of ['maxWaitMs', 'perClient'] as const) {
    if (!Number.isSafeInteger(o[name]) || o[name] < 1) {
      throw new RangeError(`${name} must be a whole number >= 1, got ${o[name]}`);
    }
  }
  const r = o.retryAfterSeconds;
  if (r !== undefined && (!Number.isSafeInteger(r) || r < 0)) {
    throw new RangeError(`retryAfterSeconds must be whole seconds >= 0, got ${r}`);
  }
  return o; // maxConcurrent and maxQueued are checked by the Bulkhead
}

if (import.meta.main) {
  const { Hono } = await import('hono');
  let clock = 0;
  const gates: (() => void)[] = [];
  const app = new Hono();
  app.use(shedLoad({ maxConcurrent: 2, maxQueued: 2, maxWaitMs: 1_000,
    perClient: 3, clientOf: (c) => c.req.header('X-Client') ?? 'anon',
    now: () => clock }));
  app.get('/work', async (c) => {
    await new Promise<void>((resolve) => gates.push(resolve)); // busy
    return c.text('done');
  });
  const send = async (client: string) =>
    app.request('/work', { headers: { 'X-Client': client } });
  const flood = ['a', 'a', 'b', 'a', 'a', 'c'].map((who, i) =>
    send(who).then(async (res) => `${i + 1} ${who}: ${res.status} `
      + (res.ok ? await res.text() : `Retry-After: `
        + `${res.headers.get('Retry-After')} ${(await res.json() as { detail: string }).detail}`)));
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  await tick();
  clock = 400; gates.shift()!(); // 1 done: 3 takes its slot after 0.4 s
  await tick();
  clock = 1_500; gates.shift()!(); // 2 done: 4 has waited 1.5 s
  await tick();
  while (gates.length > 0) gates.shift()!();
  for (const line of await Promise.all(flood)) console.log(line);
}
