import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.ts';

function clocked(maxEntries = 3, ttlMs = 1000) {
  const clock = { now: 0 };
  const cache = new LruCache<string>({ maxEntries, ttlMs, now: () => clock.now });
  return { clock, cache };
}

describe('LruCache: TTL', () => {
  it('serves an entry until its TTL is over, not at the boundary', () => {
    const { clock, cache } = clocked();
    cache.set('a', 'A');
    clock.now = 999;
    expect(cache.get('a')).toBe('A');
    clock.now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0); // dropped on the read that found it expired
  });

  it('restarts the TTL when a key is set again, not when it is read', () => {
    const { clock, cache } = clocked();
    cache.set('a', 'A');
    clock.now = 900;
    expect(cache.get('a')).toBe('A');
    clock.now = 1000;
    expect(cache.get('a')).toBeUndefined(); // the read did not extend it
    cache.set('a', 'A2');
    clock.now = 1999;
    expect(cache.get('a')).toBe('A2');
  });
});

describe('LruCache: size bound', () => {
  it('evicts the least recently used entry, counting reads as use', () => {
    const { cache } = clocked(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A'); // a is now more recent than b
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('never holds more than maxEntries, however many keys arrive', () => {
    const { cache } = clocked(100);
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, 'v');
    expect(cache.size).toBe(100);
    expect(cache.get('k9999')).toBe('v');
    expect(cache.get('k9899')).toBeUndefined();
  });

  it('setting an existing key replaces it without evicting another', () => {
    const { cache } = clocked(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('a', 'A2');
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe('A2');
    expect(cache.get('b')).toBe('B');
  });

  it('delete removes an entry and says whether there was one', () => {
    const { cache } = clocked();
    cache.set('a', 'A');
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('LruCache: bad options', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects maxEntries %s', (maxEntries) => {
      expect(() => new LruCache({ maxEntries, ttlMs: 1 }))
        .toThrow(/maxEntries must be an integer >= 1/);
    });

  it.each([0, -5, 0.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects ttlMs %s', (ttlMs) => {
      expect(() => new LruCache({ maxEntries: 1, ttlMs }))
        .toThrow(/ttlMs must be an integer >= 1/);
    });
});
