/**
 * Health endpoints for a service behind a load balancer or Kubernetes:
 * `/livez` says the process can answer at all and checks nothing else;
 * `/readyz` runs the dependency checks, concurrently, each under a timeout
 * and all under one budget, caches the result briefly and answers 200 or
 * 503 with nothing but up/down per named check.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
import { Hono } from 'hono';

// #region checks
/** Resolves when the dependency works; throws or rejects when it does not. */
export type Check = (signal: AbortSignal) => Promise<unknown>;
export type Status = 'up' | 'down';
export interface Report { status: Status; checks: Record<string, Status> }

export interface ReadinessOptions {
  checks: Record<string, Check>;
  /** Per check (default 300 ms). */
  timeoutMs?: number;
  /** For the whole run (default 800 ms, under the kubelet's 1 s default). */
  budgetMs?: number;
  /** How long a result is reused (default 1000 ms). */
  cacheMs?: number;
  /** A monotonic clock in ms (default `performance.now`). */
  now?: () => number;
  /** A signal that aborts after `ms`; tests pass one they control. */
  timeout?: (ms: number) => AbortSignal;
  /** Where the failure's details go: the operator's log, never the body. */
  onFailure?: (check: string, error: unknown) => void;
}

/** One check, cut off when its signal aborts even if it ignores it. */
async function runCheck(check: Check, signal: AbortSignal): Promise<Status> {
  let stop = () => {};
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
  });
  try {
    if (signal.aborted) throw signal.reason;
    await Promise.race([check(signal), aborted]); // async: a throw rejects
    return 'up';
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
// #endregion checks

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

// #region readiness
/** `report()` runs the checks at most once per `cacheMs`, however many ask. */
export function createReadiness(options: ReadinessOptions) {
  const {
    checks, now = () => performance.now(),
    timeout = (ms) => AbortSignal.timeout(ms),
    onFailure = () => {},
  } = options;
  const timeoutMs = positive('timeoutMs', options.timeoutMs ?? 300);
  const budgetMs = positive('budgetMs', options.budgetMs ?? 800);
  const cacheMs = options.cacheMs ?? 1000;
  if (!Number.isInteger(cacheMs) || cacheMs < 0) {
    throw new RangeError(`cacheMs must be an integer >= 0, got ${cacheMs}`);
  }
  for (const name of Object.keys(checks)) {
    if (!NAME.test(name)) throw new TypeError(`bad check name: ${name}`);
  }
  let cached: { at: number; report: Report } | undefined;
  let running: Promise<Report> | undefined;

  async function run(): Promise<Report> {
    const budget = timeout(budgetMs);
    const entries = await Promise.all(Object.entries(checks).map(
      async ([name, check]): Promise<[string, Status]> => {
        const signal = AbortSignal.any([timeout(timeoutMs), budget]);
        try {
          return [name, await runCheck(check, signal)];
        } catch (error) {
          onFailure(name, error);
          return [name, 'down'];
        }
      }));
    const down = entries.some(([, status]) => status === 'down');
    const report = Object.fromEntries(entries);
    return { status: down ? 'down' : 'up', checks: report };
  }

  return {
    report(): Promise<Report> {
      const age = cached ? now() - cached.at : -1; // < 0: clock went back
      if (cached && age >= 0 && age < cacheMs) {
        return Promise.resolve(cached.report);
      }
      running ??= run()
        .then((report) => { cached = { at: now(), report }; return report; })
        .finally(() => { running = undefined; });
      return running;
    },
  };
}
// #endregion readiness

// #region routes
const HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
};

/** 200 when every check is up, 503 otherwise; the body names no more. */
export function reportResponse(report: Report): Response {
  return new Response(JSON.stringify(report), {
    status: report.status === 'up' ? 200 : 503, headers: HEADERS,
  });
}

export function healthRoutes(readiness: ReturnType<typeof createReadiness>) {
  return new Hono()
    // Liveness: if this handler runs, the process is alive. No checks.
    .get('/livez', () => new Response('{"status":"up"}', { headers: HEADERS }))
    .get('/readyz', async () => reportResponse(await readiness.report()));
}
// #endregion routes

// #region database-check
/** The narrow slice of a `pg.Pool` the check needs. */
export interface Queryable {
  query(q: { text: string; query_timeout?: number }): Promise<unknown>;
}

/**
 * `SELECT 1` through the app's own pool. pg ignores the abort signal, so the
 * query carries its own timeout: an abandoned probe query cannot pile up.
 * That timer starts once the pool hands out a connection, so give the pool
 * a `connectionTimeoutMillis` too (its default, 0, waits for ever).
 */
export function databaseCheck(pool: Queryable, timeoutMs = 300): Check {
  positive('timeoutMs', timeoutMs);
  return async () => {
    await pool.query({ text: 'SELECT 1', query_timeout: timeoutMs });
  };
}
// #endregion database-check

if (import.meta.main) {
  let dbUp = true;
  const fakeDb: Queryable = {
    query: async () => {
      if (!dbUp) throw new Error('connect ECONNREFUSED 10.0.3.7:5432');
    },
  };
  let t = 0;
  const readiness = createReadiness({
    checks: { db: databaseCheck(fakeDb), cache: async () => {} },
    now: () => t,
    onFailure: (name, e) => console.log(`log: check ${name} failed: ${e}`),
  });
  const app = healthRoutes(readiness);
  const show = async (path: string) => {
    const res = await app.request(path);
    console.log(`GET ${path} -> ${res.status} ${await res.text()}`);
  };
  await show('/readyz');
  dbUp = false;
  await show('/readyz'); // within cacheMs: the cached answer
  t += 1000;
  await show('/readyz');
  await show('/livez'); // the database is down, the process is not
}
