import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('callers that arrive while a load runs share it', async () => {
    const flights = new SingleFlight<{ row: number }>();
    const db = deferred<{ row: number }>();
    let loads = 0;
    const load = () => { loads++; return db.promise; };
    const calls = Array.from({ length: 10 }, () => flights.do('k', load));
    await Promise.resolve(); // the load has started ...
    expect(loads).toBe(1);
    calls.push(flights.do('k', load)); // ... and a late caller still joins
    db.resolve({ row: 1 });
    const results = await Promise.all(calls);
    expect(loads).toBe(1);
    expect(new Set(results).size).toBe(1); // the very same object
    expect(flights.stats).toEqual({ calls: 11, loads: 1 });
  });

  it('different keys do not share', async () => {
    const flights = new SingleFlight<string>();
    const [a, b] = await Promise.all([
      flights.do('a', async () => 'A'), flights.do('b', async () => 'B')]);
    expect([a, b]).toEqual(['A', 'B']);
    expect(flights.stats.loads).toBe(2);
  });

  it('is not a cache: once settled, the next call loads again', async () => {
    const flights = new SingleFlight<number>();
    let loads = 0;
    expect(await flights.do('k', async () => ++loads)).toBe(1);
    expect(await flights.do('k', async () => ++loads)).toBe(2);
    expect(flights.size).toBe(0);
  });

  it('a failure reaches every waiter and is not kept', async () => {
    const flights = new SingleFlight<string>();
    const db = deferred<string>();
    const calls = [1, 2, 3].map(() => flights.do('k', () => db.promise));
    db.reject(new Error('db timeout'));
    for (const call of calls) await expect(call).rejects.toThrow('db timeout');
    expect(flights.size).toBe(0);
    expect(await flights.do('k', async () => 'ok')).toBe('ok');
  });

  it('a load that throws synchronously rejects instead of throwing', async () => {
    const flights = new SingleFlight<string>();
    const boom = () => { throw new Error('bad query'); };
    const call = flights.do('k', boom);
    await expect(call).rejects.toThrow('bad query');
    expect(flights.size).toBe(0);
  });
});
