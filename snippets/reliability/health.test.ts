import { getEventListeners } from 'node:events';
import {
  createServer as createNetServer, type AddressInfo, type Socket,
} from 'node:net';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { startPostgres } from '../db/postgres-server.ts';
import {
  createReadiness, databaseCheck, healthRoutes, reportResponse,
  type Check, type ReadinessOptions,
} from './health.ts';

/** Timeouts the test fires by hand: no real waiting. */
function manualTimeouts() {
  const pending: { ms: number; controller: AbortController }[] = [];
  return {
    timeout: (ms: number) => {
      const controller = new AbortController();
      pending.push({ ms, controller });
      return controller.signal;
    },
    /** Fires every timer created with `ms`. */
    fire(ms: number) {
      for (const t of pending.filter((p) => p.ms === ms)) {
        t.controller.abort(new DOMException('timed out', 'TimeoutError'));
      }
    },
    created: () => pending.map((p) => p.ms),
  };
}

/** Lets every settled promise run its handlers. */
const flush = () => new Promise((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

const up: Check = async () => {};
const leaky = new Error(
  'connect ECONNREFUSED 10.0.3.7:5432 user=app password=hunter2 pg 16.4');
const broken: Check = async () => { throw leaky; };
const never: Check = () => new Promise(() => {});

function app(options: ReadinessOptions) {
  return healthRoutes(createReadiness(options));
}

describe('readiness', () => {
  it('answers 200 with up per check when every dependency works', async () => {
    const res = await app({ checks: { db: up, cache: up } }).request('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(
      { status: 'up', checks: { db: 'up', cache: 'up' } });
  });

  it('answers 503 when the database is down, naming only the check', async () => {
    const failures: [string, unknown][] = [];
    const res = await app({
      checks: { db: broken, cache: up },
      onFailure: (name, error) => failures.push([name, error]),
    }).request('/readyz');
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).toBe('{"status":"down","checks":{"db":"down","cache":"up"}}');
    for (const secret of ['10.0.3.7', '5432', 'hunter2', 'ECONNREFUSED', '16.4']) {
      expect(body).not.toContain(secret);
    }
    expect(failures).toEqual([['db', leaky]]); // the details go to the log
  });

  it('ignores query strings that ask for more detail', async () => {
    const res = await app({ checks: { db: broken } })
      .request('/readyz?verbose=1&debug=true&include=errors');
    expect(await res.text()).toBe('{"status":"down","checks":{"db":"down"}}');
  });

  it('counts a check that throws synchronously as down', async () => {
    const sync = (() => { throw leaky; }) as unknown as Check;
    const res = await app({ checks: { db: sync } }).request('/readyz');
    expect(res.status).toBe(503);
  });

  it('cuts off a hung check at its timeout, even one ignoring the signal',
    async () => {
      const clock = manualTimeouts();
      const failures: string[] = [];
      const readiness = createReadiness({
        checks: { db: never, cache: up }, timeout: clock.timeout,
        timeoutMs: 300, budgetMs: 800,
        onFailure: (_name, e) => failures.push((e as Error).name),
      });
      const result = readiness.report();
      await flush();
      clock.fire(300);
      expect(await result).toEqual(
        { status: 'down', checks: { db: 'down', cache: 'up' } });
      expect(failures).toEqual(['TimeoutError']);
    });

  it('aborts the signal the check was given, so it can stop its work',
    async () => {
      const clock = manualTimeouts();
      let seen: AbortSignal | undefined;
      const readiness = createReadiness({
        checks: { db: (signal) => { seen = signal; return new Promise(() => {}); } },
        timeout: clock.timeout,
      });
      const result = readiness.report();
      await flush();
      expect(seen?.aborted).toBe(false);
      clock.fire(300);
      await result;
      expect(seen?.aborted).toBe(true);
    });

  it('counts a check as down when its signal is already aborted', async () => {
    // addEventListener('abort') never fires on a signal aborted before it
    // was added: without the upfront test, this probe would hang for good.
    const gone = () => AbortSignal.abort(new DOMException('late', 'TimeoutError'));
    const readiness = createReadiness({ checks: { db: never }, timeout: gone });
    expect(await readiness.report()).toEqual(
      { status: 'down', checks: { db: 'down' } });
  }, 2_000);

  it('leaves no abort listener behind once a check settles', async () => {
    let seen: AbortSignal | undefined;
    const readiness = createReadiness({
      checks: { db: async (signal) => { seen = signal; } },
    });
    await readiness.report();
    expect(getEventListeners(seen!, 'abort')).toHaveLength(0);
  });

  it('stops every pending check when the overall budget runs out', async () => {
    const clock = manualTimeouts();
    const readiness = createReadiness({
      checks: { db: never, queue: never, cache: up },
      timeout: clock.timeout, timeoutMs: 300, budgetMs: 800,
    });
    const result = readiness.report();
    await flush();
    clock.fire(800); // the per-check timers never fire
    expect(await result).toEqual({
      status: 'down', checks: { db: 'down', queue: 'down', cache: 'up' },
    });
    expect(clock.created().filter((ms) => ms === 800)).toHaveLength(1);
  });

  it('runs the checks concurrently, not one after another', async () => {
    const gate = deferred();
    const started: string[] = [];
    const readiness = createReadiness({
      checks: {
        db: async () => { started.push('db'); await gate.promise; },
        cache: async () => { started.push('cache'); },
      },
    });
    const result = readiness.report();
    await flush();
    expect(started).toEqual(['db', 'cache']); // cache began while db waits
    gate.resolve();
    expect((await result).status).toBe('up');
  });

  it('uses AbortSignal.timeout by default', async () => {
    const readiness = createReadiness({
      checks: { db: never }, timeoutMs: 5, budgetMs: 50,
    });
    expect(await readiness.report()).toEqual(
      { status: 'down', checks: { db: 'down' } });
  });

  it('does not leave a late rejection unhandled', async () => {
    const clock = manualTimeouts();
    const late = deferred();
    const readiness = createReadiness({
      checks: { db: async () => { await late.promise; throw leaky; } },
      timeout: clock.timeout,
    });
    const result = readiness.report();
    await flush();
    clock.fire(300);
    expect((await result).status).toBe('down');
    late.resolve(); // rejects after the race was lost; vitest fails on unhandled
    await flush();
  });
});

describe('caching', () => {
  it('reuses a result for cacheMs, then runs the checks again', async () => {
    let t = 0;
    const db = vi.fn(up);
    const readiness = createReadiness({ checks: { db }, cacheMs: 1000, now: () => t });
    await readiness.report();
    t = 999;
    await readiness.report();
    expect(db).toHaveBeenCalledTimes(1);
    t = 1000;
    await readiness.report();
    expect(db).toHaveBeenCalledTimes(2);
  });

  it('keeps reporting down while cached, then up once the check passes',
    async () => {
      let t = 0;
      let ok = false;
      const readiness = createReadiness({
        checks: { db: async () => { if (!ok) throw leaky; } }, now: () => t,
      });
      expect((await readiness.report()).status).toBe('down');
      ok = true;
      expect((await readiness.report()).status).toBe('down');
      t = 1000;
      expect((await readiness.report()).status).toBe('up');
    });

  it('runs the checks once for a burst of concurrent probes', async () => {
    const gate = deferred();
    const db = vi.fn(async () => { await gate.promise; });
    const routes = app({ checks: { db } });
    const burst = Array.from({ length: 50 }, () => routes.request('/readyz'));
    await flush();
    gate.resolve();
    const statuses = (await Promise.all(burst)).map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(db).toHaveBeenCalledTimes(1);
  });

  it('runs the checks again when the clock steps backwards', async () => {
    // A wall clock corrected by NTP can jump back; a negative age must not
    // freeze a cached "down" (or "up") until the clock catches up.
    let t = 10_000;
    const db = vi.fn(up);
    const readiness = createReadiness({ checks: { db }, now: () => t });
    await readiness.report();
    t = 0; // an hour-long jump would keep the old answer for an hour
    await readiness.report();
    expect(db).toHaveBeenCalledTimes(2);
  });

  it('defaults to a monotonic clock', async () => {
    let mono = 5_000;
    const wall = vi.spyOn(Date, 'now').mockReturnValue(1e12);
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => mono);
    try {
      const db = vi.fn(up);
      const readiness = createReadiness({ checks: { db }, cacheMs: 1000 });
      await readiness.report();
      mono += 1000; // the wall clock stands still (or jumps): irrelevant
      await readiness.report();
      expect(db).toHaveBeenCalledTimes(2);
    } finally {
      wall.mockRestore();
      clock.mockRestore();
    }
  });

  it('with cacheMs 0, runs the checks on every probe', async () => {
    const db = vi.fn(up);
    const readiness = createReadiness({ checks: { db }, cacheMs: 0 });
    await readiness.report();
    await readiness.report();
    expect(db).toHaveBeenCalledTimes(2);
  });
});

describe('liveness', () => {
  it('stays 200 with the database down and never runs a check', async () => {
    const db = vi.fn(broken);
    const res = await app({ checks: { db } }).request('/livez');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"up"}');
    expect(db).not.toHaveBeenCalled();
  });
});

describe('bad configuration', () => {
  it.each(['DB', 'db host', 'a.b', '', 'x'.repeat(33), '<script>'])(
    'rejects the check name %j', (name) => {
      expect(() => createReadiness({ checks: { [name]: up } }))
        .toThrow(TypeError);
    });

  it.each([0, -1, 1.5, Number.NaN])('rejects timeoutMs %s', (ms) => {
    expect(() => createReadiness({ checks: {}, timeoutMs: ms }))
      .toThrow(/timeoutMs must be a positive integer/);
    expect(() => databaseCheck({ query: async () => {} }, ms))
      .toThrow(RangeError);
  });

  it('rejects a bad budget or cache time', () => {
    expect(() => createReadiness({ checks: {}, budgetMs: 0 }))
      .toThrow(/budgetMs/);
    expect(() => createReadiness({ checks: {}, cacheMs: -1 }))
      .toThrow(/cacheMs/);
  });

  it('with no checks, is ready', async () => {
    expect(reportResponse(await createReadiness({ checks: {} }).report()).status)
      .toBe(200);
  });
});

describe('databaseCheck on a real PostgreSQL server', () => {
  it('is up while the server runs and down, saying nothing, once it stops',
    async () => {
      const server = await startPostgres();
      const pool = new pg.Pool({
        host: server.host, port: server.port, user: server.user,
        database: server.database, max: 2, connectionTimeoutMillis: 500,
      });
      pool.on('error', () => {}); // the idle client the stop disconnects
      const failures: string[] = [];
      try {
        const routes = app({
          checks: { db: databaseCheck(pool) }, cacheMs: 0,
          onFailure: (_n, e) => failures.push(String(e)),
        });
        expect((await routes.request('/readyz')).status).toBe(200);

        await server.stop();
        let res = await routes.request('/readyz');
        // A pooled connection the server just closed may fail first.
        if (res.status === 200) res = await routes.request('/readyz');
        expect(res.status).toBe(503);
        expect(await res.text()).toBe('{"status":"down","checks":{"db":"down"}}');
        expect(failures.join('\n')).toMatch(/ECONNREFUSED|terminat|Connection/i);
      } finally {
        await pool.end().catch(() => {});
        await server.stop().catch(() => {});
      }
    }, 60_000);

  it('relies on the pool to bound the wait for a connection', async () => {
    // A server that accepts and never answers (a hung or blackholed host):
    // query_timeout only starts once a connection is handed out, so it is
    // the pool's connectionTimeoutMillis that ends this check.
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => { sockets.push(socket); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const pool = new pg.Pool({
      host: '127.0.0.1', port, user: 'app', max: 1, connectionTimeoutMillis: 200,
    });
    pool.on('error', () => {});
    try {
      await expect(databaseCheck(pool, 100)(new AbortController().signal))
        .rejects.toThrow(/connection timeout/); // not "Query read timeout"
    } finally {
      for (const s of sockets) s.destroy();
      await pool.end().catch(() => {});
      silent.close();
    }
  }, 5_000);

  it('gives the query its own timeout, since pg ignores the signal', async () => {
    const seen: unknown[] = [];
    await databaseCheck({ query: async (q) => { seen.push(q); } }, 250)(
      new AbortController().signal);
    expect(seen).toEqual([{ text: 'SELECT 1', query_timeout: 250 }]);
  });
});
