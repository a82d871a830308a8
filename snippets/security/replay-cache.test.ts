import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from './replay-cache.ts';

function cacheAt(start: number, maxEntries?: number) {
  const clock = { now: start };
  const cache = new MemoryReplayCache({ now: () => clock.now, maxEntries });
  return { clock, cache };
}

describe('MemoryReplayCache', () => {
  it('accepts an id once and refuses it while it is live', () => {
    const { cache } = cacheAt(1000);
    expect(cache.add('msg_1', 1300)).toBe(true);
    expect(cache.add('msg_1', 1300)).toBe(false);
    expect(cache.add('msg_2', 1300)).toBe(true);
  });

  it('keeps an id through its expiry second and forgets it after', () => {
    const { clock, cache } = cacheAt(1000);
    cache.add('msg_1', 1300);
    clock.now = 1300;
    expect(cache.add('msg_1', 1600)).toBe(false);
    clock.now = 1301;
    expect(cache.add('msg_1', 1601)).toBe(true);
  });

  it('does not let a refused add extend the original expiry', () => {
    const { clock, cache } = cacheAt(1000);
    cache.add('msg_1', 1300);
    cache.add('msg_1', 9999);
    clock.now = 1301;
    expect(cache.add('msg_1', 1601)).toBe(true);
  });

  it('forgets an id on delete, so a retry after a failed hand-off passes', () => {
    const { cache } = cacheAt(1000);
    cache.add('msg_1', 1300);
    cache.delete('msg_1');
    expect(cache.add('msg_1', 1300)).toBe(true);
  });

  it('sweeps expired ids instead of growing without bound', () => {
    const { clock, cache } = cacheAt(1000);
    for (let i = 0; i < 50; i++) cache.add(`old_${i}`, 1300);
    clock.now = 1301;
    cache.add('fresh', 1601);
    expect(cache.size).toBe(1);
  });

  it('treats an expired id as new even when a live one sits before it', () => {
    const { clock, cache } = cacheAt(1000);
    cache.add('future_dated', 1600);
    cache.add('normal', 1300);
    clock.now = 1400;
    expect(cache.add('normal', 1700)).toBe(true);
    expect(cache.add('future_dated', 1700)).toBe(false);
  });

  it('stays within maxEntries by evicting the oldest live id', () => {
    const { cache } = cacheAt(1000, 3);
    for (const id of ['a', 'b', 'c', 'd']) expect(cache.add(id, 1300)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.add('d', 1300)).toBe(false);
    expect(cache.add('c', 1300)).toBe(false);
    expect(cache.add('a', 1300)).toBe(true);
  });

  it('rejects a size that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryReplayCache({ now: () => 0, maxEntries }))
        .toThrow(RangeError);
    }
  });
});
