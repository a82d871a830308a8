import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from './replay-cache.ts';

function cacheAt(start: number, maxEntries?: number) {
  const clock = { now: start };
  const cache = new MemoryReplayCache({ now: () => clock.now, maxEntries });
  return { clock, cache };
}

describe('MemoryReplayCache', () => {
  it('gives an id to one claimant and reports it in flight to the rest', () => {
    const { cache } = cacheAt(1000);
    expect(cache.claim('msg_1', 1300)).toBe('new');
    expect(cache.claim('msg_1', 1300)).toBe('in-flight');
    expect(cache.claim('msg_2', 1300)).toBe('new');
  });

  it('reports an id done only after complete', () => {
    const { cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    expect(cache.claim('msg_1', 1300)).toBe('in-flight');
    cache.complete('msg_1');
    expect(cache.claim('msg_1', 1300)).toBe('done');
  });

  it('forgets an id on release, so a retry after a failed hand-off is new', () => {
    const { cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    cache.release('msg_1');
    expect(cache.claim('msg_1', 1300)).toBe('new');
  });

  it('never releases a completed id, which would let a copy be stored twice', () => {
    const { cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    cache.complete('msg_1');
    cache.release('msg_1');
    expect(cache.claim('msg_1', 1300)).toBe('done');
  });

  it('ignores complete and release for ids it does not hold', () => {
    const { cache } = cacheAt(1000);
    cache.complete('ghost');
    cache.release('ghost');
    expect(cache.size).toBe(0);
    expect(cache.claim('ghost', 1300)).toBe('new');
  });

  it('keeps an id through its expiry second and forgets it after', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    cache.complete('msg_1');
    clock.now = 1300; // the same delivery, replayed in its last second
    expect(cache.claim('msg_1', 1300)).toBe('done');
    clock.now = 1301; // a new delivery with that id
    expect(cache.claim('msg_1', 1601)).toBe('new');
  });

  it('lets an abandoned claim expire, so a crashed hand-off blocks no retry forever', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('msg_1', 1300); // neither completed nor released
    clock.now = 1301;
    expect(cache.claim('msg_1', 1601)).toBe('new');
  });

  it('does not let a refused claim extend the original expiry', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    cache.claim('msg_1', 9999);
    clock.now = 1301;
    expect(cache.claim('msg_1', 1601)).toBe('new');
  });

  it('remembers a done id until the latest copy it has seen goes stale', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    cache.complete('msg_1');
    clock.now = 1200; // a retry, signed at 1200, of an event already stored
    expect(cache.claim('msg_1', 1500)).toBe('done');
    clock.now = 1450; // the first copy is stale; a captured retry is not
    expect(cache.claim('msg_1', 1500)).toBe('done');
    clock.now = 1501;
    expect(cache.claim('msg_1', 1801)).toBe('new');
  });

  it('once done, also remembers the copies it refused while in flight', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('msg_1', 1300);
    expect(cache.claim('msg_1', 1320)).toBe('in-flight');
    cache.complete('msg_1');
    clock.now = 1310;
    expect(cache.claim('msg_1', 1320)).toBe('done');
  });

  it('keeps what refused copies taught it when a lapsed claim is taken over', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('msg_1', 1300); // this claimant never settles
    clock.now = 1290;
    expect(cache.claim('msg_1', 1590)).toBe('in-flight');
    clock.now = 1301; // a late copy, signed at 1050, takes over and is stored
    expect(cache.claim('msg_1', 1350)).toBe('new');
    cache.complete('msg_1');
    clock.now = 1400; // the copy refused at 1290 is still fresh: replayed
    expect(cache.claim('msg_1', 1590)).toBe('done');
  });

  it('moves an id whose memory a copy extended behind the others, for the sweep', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('a', 1300);
    cache.complete('a');
    cache.claim('b', 1300);
    clock.now = 1200;
    expect(cache.claim('a', 1500)).toBe('done');
    clock.now = 1301; // b has expired; a has not, but no longer sits in front
    cache.claim('c', 1601);
    expect(cache.size).toBe(2);
  });

  it('sweeps expired ids instead of growing without bound', () => {
    const { clock, cache } = cacheAt(1000);
    for (let i = 0; i < 50; i++) cache.claim(`old_${i}`, 1300);
    clock.now = 1301;
    cache.claim('fresh', 1601);
    expect(cache.size).toBe(1);
  });

  it('treats an expired id as new even when a live one sits before it', () => {
    const { clock, cache } = cacheAt(1000);
    cache.claim('future_dated', 1600);
    cache.claim('normal', 1300);
    clock.now = 1400;
    expect(cache.claim('normal', 1700)).toBe('new');
    expect(cache.claim('future_dated', 1700)).toBe('in-flight');
  });

  it('stays within maxEntries by evicting the oldest live id', () => {
    const { cache } = cacheAt(1000, 3);
    for (const id of ['a', 'b', 'c', 'd']) expect(cache.claim(id, 1300)).toBe('new');
    expect(cache.size).toBe(3);
    expect(cache.claim('d', 1300)).toBe('in-flight');
    expect(cache.claim('c', 1300)).toBe('in-flight');
    expect(cache.claim('a', 1300)).toBe('new');
  });

  it('rejects a size that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryReplayCache({ now: () => 0, maxEntries }))
        .toThrow(RangeError);
    }
  });
});
