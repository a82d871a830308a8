import { describe, expect, it } from 'vitest';
import {
  defineSaga, MemorySagaStore, SagaOrchestrator, StaleSagaError, StepRejected,
  type SagaState, type SagaStep,
} from './saga.ts';

type In = { n: number };
const noSleep = async () => {};

/** Steps a, b (compensatable), p (pivot), r (retriable) that record calls. */
function steps(log: string[], opts: { reject?: string; undoFails?: Record<string, number> } = {}) {
  const fails = { ...opts.undoFails };
  const act = (name: string) => async (_: In, key: string) => {
    if (opts.reject === name) throw new StepRejected(`${name} said no`);
    log.push(`${name} ${key}`);
  };
  const undo = (name: string) => async (_: In, key: string) => {
    if ((fails[name] ?? 0) > 0) {
      fails[name]!--;
      throw new Error(`${name} service unavailable`);
    }
    log.push(`undo ${name} ${key}`);
  };
  const list: SagaStep<In>[] = [
    { name: 'a', kind: 'compensatable', action: act('a'), compensate: undo('a') },
    { name: 'b', kind: 'compensatable', action: act('b'), compensate: undo('b') },
    { name: 'p', kind: 'pivot', action: act('p') },
    { name: 'r', kind: 'retriable', action: act('r') },
  ];
  return list;
}

describe('SagaOrchestrator', () => {
  it('runs every step once with a stable key per step and completes', async () => {
    const log: string[] = [];
    const saga = new SagaOrchestrator(steps(log), new MemorySagaStore<In>());
    const s = await saga.start('s1', { n: 1 });
    expect(s).toMatchObject({ status: 'completed', done: ['a', 'b', 'p', 'r'], undone: [] });
    expect(log).toEqual(['a s1:a', 'b s1:b', 'p s1:p', 'r s1:r']);
    // Starting the same id again is a resume of a finished saga: no calls.
    expect((await saga.start('s1', { n: 1 })).status).toBe('completed');
    expect(log).toHaveLength(4);
  });

  it('retries a failing compensation with backoff, then parks the saga', async () => {
    const log: string[] = [];
    const waits: number[] = [];
    const store = new MemorySagaStore<In>();
    const opts = { compensationAttempts: 3, sleep: async (ms: number) => { waits.push(ms); } };
    const saga = new SagaOrchestrator(
      steps(log, { reject: 'p', undoFails: { a: 5 } }), store, opts);
    const s = await saga.start('s2', { n: 1 });
    expect(s.status).toBe('compensating');
    expect(s.undone).toEqual(['b']); // b was undone; a failed three times
    expect(s.parked).toBe('undo a failed 3 times: a service unavailable');
    expect(waits).toEqual([100, 200]); // two waits between three tries
    // Parked: a plain resume (the recovery loop) leaves it for a human.
    expect((await saga.resume('s2')).parked).not.toBeNull();
    expect(log).toEqual(['a s2:a', 'b s2:b', 'undo b s2:b:undo']);
  });

  it('finishes compensating when a human retries a parked saga', async () => {
    const log: string[] = [];
    const store = new MemorySagaStore<In>();
    const flaky = new SagaOrchestrator(
      steps(log, { reject: 'p', undoFails: { a: 1 } }), store,
      { compensationAttempts: 1, sleep: noSleep });
    expect((await flaky.start('s3', { n: 1 })).parked).toMatch(/undo a failed 1 times/);
    const fixed = new SagaOrchestrator(steps(log, { reject: 'p' }), store);
    const s = await fixed.resume('s3', { retryParked: true });
    expect(s).toMatchObject({ status: 'compensated', undone: ['b', 'a'], parked: null });
    expect(log.filter((l) => l.startsWith('undo'))).toEqual(['undo b s3:b:undo', 'undo a s3:a:undo']);
  });

  it('parks, and never compensates, when a step after the pivot says no', async () => {
    const log: string[] = [];
    const saga = new SagaOrchestrator(steps(log, { reject: 'r' }), new MemorySagaStore<In>());
    const s = await saga.start('s4', { n: 1 });
    expect(s).toMatchObject({ status: 'running', done: ['a', 'b', 'p'], undone: [] });
    expect(s.parked).toBe('r: r said no');
    expect(log.some((l) => l.startsWith('undo'))).toBe(false);
  });

  it('stops without saving on an unknown outcome, and a resume retries with the same key', async () => {
    const log: string[] = [];
    const store = new MemorySagaStore<In>();
    let timeouts = 1;
    const list = steps(log);
    const flaky = list.map((st) => st.name !== 'b' ? st : {
      ...st, action: async (i: In, key: string) => {
        if (timeouts-- > 0) throw new Error('timeout');
        return st.action(i, key);
      },
    });
    const saga = new SagaOrchestrator(flaky, store);
    await expect(saga.start('s5', { n: 1 })).rejects.toThrow('timeout');
    expect((await store.load('s5'))).toMatchObject({ status: 'running', done: ['a'] });
    expect((await saga.resume('s5')).status).toBe('completed');
    expect(log).toEqual(['a s5:a', 'b s5:b', 'p s5:p', 'r s5:r']);
  });

  it('rejects bad saga ids and step lists with clear errors', async () => {
    const saga = new SagaOrchestrator(steps([]), new MemorySagaStore<In>());
    await expect(saga.start('../x', { n: 1 })).rejects.toThrow('bad saga id: "../x"');
    await expect(saga.start('', { n: 1 })).rejects.toThrow('bad saga id');
    await expect(saga.resume('missing')).rejects.toThrow('no saga missing');
    const [a, b, p, r] = steps([]) as [SagaStep<In>, SagaStep<In>, SagaStep<In>, SagaStep<In>];
    expect(() => defineSaga([])).toThrow('at least one step');
    expect(() => defineSaga([a, a])).toThrow('duplicate step name: a');
    expect(() => defineSaga([p, a])).toThrow('a: order must be');
    expect(() => defineSaga([a, p, { ...p, name: 'q' }])).toThrow('q: order must be');
    expect(() => defineSaga([r, b])).toThrow('b: order must be');
    expect(() => defineSaga([{ ...r, compensate: async () => {} }]))
      .toThrow('r: only a compensatable step can have a compensation');
    expect(() => defineSaga([{ ...a, name: 'a b' }])).toThrow('bad step name');
    expect(() => new SagaOrchestrator([a], new MemorySagaStore<In>(), { compensationAttempts: 0 }))
      .toThrow('compensationAttempts must be 1 or more');
  });

  it('keeps a failure reason short and free of the input', async () => {
    const secret = { n: 4242_4242 };
    const list = steps([], { reject: 'b' });
    list[1] = { ...list[1]!, action: async () => { throw new StepRejected('x'.repeat(500)); } };
    const s = await new SagaOrchestrator(list, new MemorySagaStore<In>()).start('s6', secret);
    expect(s.failure!.length).toBeLessThanOrEqual(203);
    expect(JSON.stringify({ ...s, input: null })).not.toContain('42424242');
  });
});

describe('MemorySagaStore', () => {
  it('refuses a save from a stale copy', async () => {
    const store = new MemorySagaStore<In>();
    const s: SagaState<In> = {
      id: 'x', status: 'running', input: { n: 1 }, done: [], undone: [],
      failure: null, parked: null, version: 1,
    };
    await store.create(s);
    await store.save({ ...s, done: ['a'], version: 2 });
    await expect(store.save({ ...s, done: ['b'], version: 2 })).rejects.toThrow(StaleSagaError);
    expect((await store.load('x'))!.done).toEqual(['a']);
    // create() on an existing id returns what is stored, unchanged.
    expect((await store.create(s)).version).toBe(2);
  });
});
