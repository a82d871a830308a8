import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import {
  createPool, perInstanceLimit, PoolTimeoutError, startingPoolSize,
  withConnection,
} from './pool-tuning.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

describe('sizing', () => {
  it("HikariCP's starting point: cores x 2 + effective spindles", () => {
    expect(startingPoolSize(4, 1)).toBe(9);
    expect(startingPoolSize(8)).toBe(16);
  });

  it('splits what max_connections leaves among the instances', () => {
    expect(perInstanceLimit({ maxConnections: 100, keepFree: 10,
      instances: 4 })).toBe(22);
    // A rolling deploy doubles the instances for a while.
    expect(perInstanceLimit({ maxConnections: 100, keepFree: 10,
      instances: 8 })).toBe(11);
  });

  it('says when the instances cannot share the connections at all', () => {
    expect(() => perInstanceLimit({ maxConnections: 100, keepFree: 10,
      instances: 91 })).toThrow(/PgBouncer/);
  });

  it('refuses nonsense numbers', () => {
    expect(() => startingPoolSize(0)).toThrow(RangeError);
    expect(() => startingPoolSize(2.5)).toThrow(RangeError);
    expect(() => startingPoolSize(4, -1)).toThrow(RangeError);
    expect(() => perInstanceLimit({ maxConnections: 100, keepFree: -1,
      instances: 1 })).toThrow(RangeError);
    expect(() => perInstanceLimit({ maxConnections: 100, keepFree: 0,
      instances: 0 })).toThrow(RangeError);
    const settings = { max: 2, connectionTimeoutMillis: 1000 };
    expect(() => createPool({ ...settings, connectionTimeoutMillis: 0 }))
      .toThrow(/connectionTimeoutMillis/);
    expect(() => createPool({ ...settings, max: 0 })).toThrow(/max/);
  });
});

describe('a real pg pool against a real server', () => {
  let server: PostgresServer;
  const pools: pg.Pool[] = [];
  // Clients still checked out: a test that fails before releasing them
  // would make end() wait for them until the hook times out.
  const out = new Set<pg.PoolClient>();
  const pool = (max: number, connectionTimeoutMillis = 1000) => {
    const p = createPool({ host: server.host, port: server.port,
      user: server.user, database: server.database, max,
      connectionTimeoutMillis });
    p.on('acquire', (c) => out.add(c)).on('release', (_, c) => out.delete(c));
    pools.push(p);
    return p;
  };
  beforeAll(async () => { server = await startPostgres(); }, 120_000);
  afterEach(async () => {
    vi.useRealTimers();
    for (const c of out) c.release(true); // destroy, do not reuse
    out.clear();
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });
  afterAll(async () => { await server.stop(); }, 60_000);

  it('the acquire timeout fires when every connection is busy, not before', async () => {
    const p = pool(2, 500);
    const held = [await p.connect(), await p.connect()];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled = false;
    const third = withConnection(p, async () => 'ran')
      .finally(() => { settled = true; });
    third.catch(() => {});
    expect(p.waitingCount).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await third.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(p.waitingCount).toBe(0); // the timed-out caller left the queue
    vi.useRealTimers();
    held[0]!.release();
    expect(await withConnection(p, async (c) =>
      (await c.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
    held[1]!.release();
  });

  it('queues waiters first in, first out, and hands over on release', async () => {
    const p = pool(1);
    const first = await p.connect();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => withConnection(p, async (c) => {
      order.push(n);
      await c.query('SELECT 1');
    }));
    expect(p.waitingCount).toBe(3);
    expect(p.totalCount).toBe(1); // no extra connection was opened
    first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a broken connection is dropped, not handed to the next caller', async () => {
    const p = pool(1);
    const pid = await withConnection(p, async (c) =>
      (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    await expect(withConnection(p, async (c) => {
      await c.query('SELECT 1/0');
    })).rejects.toMatchObject({ code: '22012' });
    const next = await withConnection(p, async (c) =>
      (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    expect(next).not.toBe(pid);
  });

  it('pools that add up past max_connections get 53300 from the server', async () => {
    const admin = pool(1);
    const setting = async (name: string) => (await admin.query(
      'SELECT setting, boot_val FROM pg_settings WHERE name = $1', [name]))
      .rows[0] as { setting: string; boot_val: string };
    // PostgreSQL's own defaults, from the server binary itself.
    expect((await setting('max_connections')).boot_val).toBe('100');
    expect((await setting('superuser_reserved_connections')).boot_val)
      .toBe('3');
    const limit = Number((await setting('max_connections')).setting);
    // Three "instances", each sized as if it were alone.
    const instances = [pool(limit), pool(limit), pool(limit)];
    const clients = await Promise.allSettled(Array.from({ length: limit },
      (_, i) => instances[i % 3]!.connect()));
    const refused = clients.filter((c) => c.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as PromiseRejectedResult).reason)
      .toMatchObject({ code: '53300' });
    for (const c of clients) if (c.status === 'fulfilled') c.value.release();
  });
});
