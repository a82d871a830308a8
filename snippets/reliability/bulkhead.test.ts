import { describe, expect, it } from 'vitest';
import { Bulkhead, BulkheadFullError } from './bulkhead.ts';

/** A promise the test settles by hand: holds a call "in flight". */
function deferred<T = string>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const settle = async () => { for (let i = 0; i < 20; i++) await Promise.resolve(); };

describe('bulkhead', () => {
  it('runs at most maxConcurrent calls at once, queues the next ones in order', async () => {
    const bulkhead = new Bulkhead(2, 2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let running = 0, peak = 0;
    const results = gates.map((gate, i) => bulkhead.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      try { return await gate.promise; } finally { running--; }
    }));
    await settle();
    expect(started).toEqual([0, 1]);
    expect([bulkhead.active, bulkhead.queued]).toEqual([2, 2]);
    gates[1]!.resolve('b');
    await settle();
    expect(started).toEqual([0, 1, 2]); // oldest waiter first
    for (const [i, gate] of gates.entries()) gate.resolve(`r${i}`);
    expect(await Promise.all(results)).toEqual(['r0', 'b', 'r2', 'r3']);
    expect(peak).toBe(2);
    expect([bulkhead.active, bulkhead.queued]).toEqual([0, 0]);
  });

  it('rejects at once when the slots and the queue are full, without calling', async () => {
    const bulkhead = new Bulkhead(1, 1);
    const gate = deferred();
    void bulkhead.run(() => gate.promise);
    void bulkhead.run(() => gate.promise);
    let called = false;
    const rejected = bulkhead.run(async () => { called = true; return 'x'; });
    await expect(rejected).rejects.toBeInstanceOf(BulkheadFullError);
    await expect(rejected).rejects.toThrow('1 running and 1 queued');
    expect(called).toBe(false);
    gate.resolve('done');
  });

  it('keeps memory bounded under a flood: the queue never grows past maxQueued', async () => {
    const bulkhead = new Bulkhead(2, 3);
    const gate = deferred();
    const outcomes = Array.from({ length: 10_000 }, () =>
      bulkhead.run(() => gate.promise).then(() => 'ok', (e: Error) => e.name));
    expect(bulkhead.active).toBe(2);
    expect(bulkhead.queued).toBe(3);
    gate.resolve('done');
    const counts = (await Promise.all(outcomes)).reduce<Record<string, number>>(
      (acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
    expect(counts).toEqual({ ok: 5, BulkheadFullError: 9_995 });
  });

  it('releases the slot when a call throws, even synchronously', async () => {
    const bulkhead = new Bulkhead(1, 0);
    await expect(bulkhead.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(bulkhead.run((() => { throw new Error('sync'); }) as () => Promise<never>))
      .rejects.toThrow('sync');
    expect(bulkhead.active).toBe(0);
    expect(await bulkhead.run(async () => 'free again')).toBe('free again');
  });

  it('a caller that aborts while queued leaves the queue and never runs', async () => {
    const bulkhead = new Bulkhead(1, 2);
    const gate = deferred();
    const first = bulkhead.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = bulkhead.run(async () => { ran = true; return 'late'; }, controller.signal);
    const behind = bulkhead.run(async () => 'next');
    expect(bulkhead.queued).toBe(2);
    controller.abort(new Error('client went away'));
    await expect(queued).rejects.toThrow('client went away');
    expect(bulkhead.queued).toBe(1);
    gate.resolve('first');
    expect(await first).toBe('first');
    expect(await behind).toBe('next'); // the one behind it got the slot
    expect(ran).toBe(false);
    expect([bulkhead.active, bulkhead.queued]).toEqual([0, 0]);
  });

  it('a signal that aborts after its call got a slot leaves the queue alone', async () => {
    const bulkhead = new Bulkhead(1, 2);
    const gate = deferred();
    const first = bulkhead.run(() => gate.promise);
    const controller = new AbortController(); // e.g. the request's own signal
    const early = bulkhead.run(async () => 'early', controller.signal);
    gate.resolve('first');
    expect(await early).toBe('early'); // it waited, got a slot and finished
    const busy = deferred();
    const holder = bulkhead.run(() => busy.promise);
    const waiting = [bulkhead.run(async () => 'b'), bulkhead.run(async () => 'c')];
    controller.abort(new Error('request closed')); // long after it ran
    expect(bulkhead.queued).toBe(2);
    busy.resolve('held');
    expect(await Promise.all([first, holder, ...waiting])).toEqual(['first', 'held', 'b', 'c']);
  });

  it('a call aborted while running releases its slot when it stops', async () => {
    const bulkhead = new Bulkhead(1, 0);
    const controller = new AbortController();
    const running = bulkhead.run(() => new Promise((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason));
    }), controller.signal);
    expect(bulkhead.active).toBe(1);
    controller.abort(new Error('timeout'));
    await expect(running).rejects.toThrow('timeout');
    expect(bulkhead.active).toBe(0);
  });

  it('refuses an already-aborted caller without taking a slot', async () => {
    const bulkhead = new Bulkhead(1, 1);
    await expect(bulkhead.run(async () => 1, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(bulkhead.active).toBe(0);
  });

  it('rejects bad sizes', () => {
    expect(() => new Bulkhead(0, 1)).toThrow(/maxConcurrent must be >= 1/);
    expect(() => new Bulkhead(1.5, 1)).toThrow(/maxConcurrent/);
    expect(() => new Bulkhead(1, -1)).toThrow(/maxQueued must be >= 0/);
    expect(() => new Bulkhead(1, Number.NaN)).toThrow(/maxQueued/);
  });
});
