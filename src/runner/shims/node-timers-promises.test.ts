import { setTimeout as node } from 'node:timers/promises';
import { expect, it, vi } from 'vitest';
import { setTimeout } from './node-timers-promises.ts';

it("resolves with the value after the delay, as Node's does", async () => {
  vi.useFakeTimers();
  try {
    let done = false;
    const waiting = setTimeout(100, 'value').then((v) => ((done = true), v));
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBe('value');
  } finally {
    vi.useRealTimers();
  }
  expect(await setTimeout(1, 'x')).toBe(await node(1, 'x'));
});

it('refuses options it does not support, rather than ignoring them', () => {
  expect(() => setTimeout(1, 'x', { signal: AbortSignal.abort() } as never)).toThrow(/not supported/);
});
