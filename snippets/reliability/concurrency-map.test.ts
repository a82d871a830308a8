import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapConcurrent, type Task } from './concurrency-map.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Calls the test finishes by hand, to force any interleaving. */
function manualTask() {
  const calls = new Map<number, { resolve: (v: string) => void;
    reject: (e: Error) => void; signal: AbortSignal }>();
  let active = 0, peak = 0;
  const task: Task<number, string> = (item, signal) => new Promise((resolve, reject) => {
    peak = Math.max(peak, ++active);
    const done = () => { active--; };
    calls.set(item, {
      resolve: (v) => { done(); resolve(v); },
      reject: (e) => { done(); reject(e); },
      signal,
    });
  });
  return { task, calls, stats: () => ({ active, peak }) };
}

/** An endless, fast source that counts what was taken from it. */
function counted() {
  const state = { pulled: 0, closed: false };
  function* ids() {
    try { for (let id = 1; ; id++) { state.pulled++; yield id; } }
    finally { state.closed = true; }
  }
  return { state, ids };
}

describe('mapConcurrent', () => {
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
  beforeEach(() => { unhandled = []; process.on('unhandledRejection', onUnhandled); });
  afterEach(() => { process.off('unhandledRejection', onUnhandled); });

  it('runs at most `limit` calls and yields results in source order', async () => {
    const { task, calls, stats } = manualTask();
    const it = mapConcurrent([1, 2, 3, 4, 5], 2, task);
    const first = it.next();
    await tick();
    expect([...calls.keys()]).toEqual([1, 2]);
    calls.get(2)!.resolve('two'); // finishes first, still waits for 1
    await tick();
    expect([...calls.keys()]).toEqual([1, 2]);
    calls.get(1)!.resolve('one');
    expect(await first).toEqual({ value: 'one', done: false });
    const second = it.next();
    expect(await second).toEqual({ value: 'two', done: false });
    const rest = (async () => { const out = []; for await (const v of it) out.push(v); return out; })();
    for (const id of [3, 4, 5]) { await tick(); calls.get(id)!.resolve(`#${id}`); }
    expect(await rest).toEqual(['#3', '#4', '#5']);
    expect(stats().peak).toBe(2);
  });

  it('keeps a fast endless source bounded: pulled <= consumed + limit', async () => {
    const { state, ids } = counted();
    const immediate: Task<number, number> = async (id) => id * 10;
    let consumed = 0, worst = 0;
    for await (const v of mapConcurrent(ids(), 8, immediate)) {
      consumed++;
      expect(v).toBe(consumed * 10);
      worst = Math.max(worst, state.pulled - consumed);
      if (consumed === 5_000) break;
    }
    expect(worst).toBeLessThanOrEqual(8 - 1); // the rest are in flight
    expect(state.pulled).toBe(5_000 + 7);
    expect(state.closed).toBe(true); // break closed the source
  });

  it('a consumer that stops early aborts the calls still running', async () => {
    const { task, calls } = manualTask();
    const { state, ids } = counted();
    const it = mapConcurrent(ids(), 3, task);
    const first = it.next();
    await tick();
    calls.get(1)!.resolve('one');
    expect((await first).value).toBe('one');
    await it.return(undefined);
    expect(state.closed).toBe(true);
    expect(calls.get(1)!.signal.aborted).toBe(true); // one signal for all
    expect(calls.get(2)!.signal.reason).toMatchObject({ message: 'mapConcurrent stopped' });
    expect(state.pulled).toBe(3);
  });

  it('stopping early aborts even the last call still running', async () => {
    const { task, calls } = manualTask();
    const it = mapConcurrent([1, 2], 2, task);
    const first = it.next();
    await tick();
    calls.get(1)!.resolve('one');
    expect((await first).value).toBe('one'); // 2 is still running
    await it.return(undefined);
    expect(calls.get(2)!.signal.aborted).toBe(true);
  });

  it('a failed call surfaces at its turn, stops the rest, and leaves no unhandled rejection', async () => {
    const { task, calls } = manualTask();
    const seen: string[] = [];
    const run = (async () => {
      for await (const v of mapConcurrent([1, 2, 3, 4, 5, 6], 3, task)) seen.push(v);
    })();
    await tick();
    calls.get(3)!.reject(new Error('order 3 failed')); // fails while 1 and 2 run
    await tick(); await tick();
    calls.get(1)!.resolve('one');
    await tick();
    calls.get(2)!.resolve('two');
    await expect(run).rejects.toThrow('order 3 failed');
    expect(seen).toEqual(['one', 'two']);
    expect(calls.get(4)!.signal.aborted).toBe(true);
    expect(calls.has(6)).toBe(false); // never started
    await tick();
    expect(unhandled).toEqual([]);
  });

  it('handles an empty source and a limit of 1 (one at a time)', async () => {
    const none: string[] = [];
    for await (const v of mapConcurrent([], 4, async () => 'x')) none.push(v);
    expect(none).toEqual([]);
    const { state, ids } = counted();
    const it = mapConcurrent(ids(), 1, async (id) => id);
    expect((await it.next()).value).toBe(1);
    expect(state.pulled).toBe(1);
    await it.return(undefined);
  });

  it('rejects a bad limit before pulling anything', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      const { state, ids } = counted();
      await expect(mapConcurrent(ids(), bad, async (id) => id).next())
        .rejects.toThrow(/limit must be a whole number >= 1/);
      expect(state.pulled).toBe(0);
    }
  });
});
