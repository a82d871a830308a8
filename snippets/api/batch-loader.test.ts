import { describe, expect, it } from 'vitest';
import { createBatchLoader } from './batch-loader.ts';

const SQUARES = new Map([1, 2, 3, 4, 5].map((n) => [n, n * n]));

/** A loader over SQUARES that records the keys of every fetch. */
function squares(options: Parameters<typeof createBatchLoader>[1] = {}) {
  const fetches: number[][] = [];
  const loader = createBatchLoader<number, number>(async (keys) => {
    fetches.push(keys);
    return new Map(keys.flatMap((k) => (SQUARES.has(k) ? [[k, SQUARES.get(k)!]] : [])));
  }, options);
  return { loader, fetches };
}

/** A scheduler the test triggers by hand. */
function manualSchedule() {
  const pending: (() => void)[] = [];
  return {
    schedule: (dispatch: () => void) => { pending.push(dispatch); },
    flush: () => { for (const run of pending.splice(0)) run(); },
    get waiting() { return pending.length; },
  };
}

describe('createBatchLoader', () => {
  it('coalesces loads from the same turn into one fetch', async () => {
    const { loader, fetches } = squares();
    expect(await Promise.all([loader.load(1), loader.load(2), loader.load(3)])).toEqual([1, 4, 9]);
    expect(fetches).toEqual([[1, 2, 3]]);
  });

  it('gathers loads several promise turns apart into the same batch', async () => {
    const { loader, fetches } = squares();
    const later = async (key: number, turns: number) => {
      for (let i = 0; i < turns; i++) await Promise.resolve();
      return loader.load(key);
    };
    await Promise.all([later(1, 0), later(2, 3), later(3, 10)]);
    expect(fetches).toEqual([[1, 2, 3]]);
  });

  it('fetches a repeated key once and returns the same promise', async () => {
    const { loader, fetches } = squares();
    const first = loader.load(2);
    expect(loader.load(2)).toBe(first);
    await first;
    expect(await loader.load(2)).toBe(4); // cached: no second fetch
    expect(fetches).toEqual([[2]]);
  });

  it('resolves a key the fetch did not return to undefined', async () => {
    const { loader } = squares();
    expect(await loader.load(42)).toBeUndefined();
  });

  it('splits a large batch into chunks of maxBatchSize', async () => {
    const { loader, fetches } = squares({ maxBatchSize: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((k) => loader.load(k)));
    expect(fetches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('waits for its scheduler, and starts a new batch after dispatching', async () => {
    const clock = manualSchedule();
    const { loader, fetches } = squares({ schedule: clock.schedule });
    const a = loader.load(1);
    const b = loader.load(2);
    expect(clock.waiting).toBe(1); // one dispatch per batch, not per key
    await Promise.resolve();
    expect(fetches).toEqual([]);
    clock.flush();
    expect(await Promise.all([a, b])).toEqual([1, 4]);
    const c = loader.load(3);
    clock.flush();
    expect(await c).toBe(9);
    expect(fetches).toEqual([[1, 2], [3]]);
  });

  it('rejects every load in a failed batch and does not cache the failure', async () => {
    let fail = true;
    let fetches = 0;
    const loader = createBatchLoader<number, number>(async (keys) => {
      fetches += 1;
      if (fail) throw new Error('database unavailable');
      return new Map(keys.map((k) => [k, k]));
    });
    const results = await Promise.allSettled([loader.load(1), loader.load(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await loader.load(1)).toBe(1);
    expect(fetches).toBe(2);
  });

  it('turns a fetch that throws synchronously into rejected loads', async () => {
    const loader = createBatchLoader<number, number>(() => { throw new TypeError('bad keys'); });
    await expect(loader.load(1)).rejects.toThrow('bad keys');
  });

  it('keeps caches apart: one loader per request sees fresh data', async () => {
    const store = new Map([[1, 'old']]);
    const make = () => createBatchLoader<number, string>(async (keys) =>
      new Map(keys.map((k) => [k, store.get(k)!])));
    const first = make();
    expect(await first.load(1)).toBe('old');
    store.set(1, 'new');
    expect(await first.load(1)).toBe('old'); // within a request: stable
    expect(await make().load(1)).toBe('new'); // next request: fresh
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxBatchSize %s', (maxBatchSize) => {
    expect(() => createBatchLoader(async () => new Map(), { maxBatchSize })).toThrow(RangeError);
  });
});
