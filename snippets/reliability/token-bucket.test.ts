import { describe, expect, it } from 'vitest';
import { checkPolicy, TokenBucket } from './token-bucket.ts';

const policy = { name: 'p', limit: 3, windowSeconds: 3 }; // 1 token per s

function bucketAt(start = 0) {
  const clock = { now: start };
  return { clock, bucket: new TokenBucket(policy, () => clock.now) };
}

describe('TokenBucket', () => {
  it('allows a burst of exactly `limit`, then refuses', () => {
    const { bucket } = bucketAt();
    const results = [1, 2, 3, 4].map(() => bucket.take());
    expect(results.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(results.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
  });

  it('refills at limit/window: one token after exactly 1000 ms, not 999', () => {
    const { clock, bucket } = bucketAt();
    for (let i = 0; i < 3; i++) bucket.take();
    clock.now = 999;
    const early = bucket.take();
    expect(early.allowed).toBe(false);
    expect(early.retryAfterMs).toBe(1);
    clock.now = 1000;
    expect(bucket.take().allowed).toBe(true);
    expect(bucket.take().allowed).toBe(false);
  });

  it('says how long to wait, and that wait is enough', () => {
    const { clock, bucket } = bucketAt();
    for (let i = 0; i < 3; i++) bucket.take();
    const refused = bucket.take();
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1000 });
    clock.now += refused.retryAfterMs;
    expect(bucket.take().allowed).toBe(true);
  });

  it('never holds more than `limit` tokens, however long it idles', () => {
    const { clock, bucket } = bucketAt();
    clock.now = 3_600_000;
    const results = [1, 2, 3, 4].map(() => bucket.take());
    expect(results.filter((d) => d.allowed)).toHaveLength(3);
  });

  it('adds nothing when the clock steps backwards', () => {
    const { clock, bucket } = bucketAt(10_000);
    for (let i = 0; i < 3; i++) bucket.take();
    clock.now = 5_000; // NTP step back
    expect(bucket.take().allowed).toBe(false);
    clock.now = 10_999; // time before the step-back is not counted twice
    expect(bucket.take().allowed).toBe(false);
    clock.now = 11_000;
    expect(bucket.take().allowed).toBe(true);
  });

  it('charges a cost, and refuses a cost it can never pay', () => {
    const { bucket } = bucketAt();
    expect(bucket.take(2)).toMatchObject({ allowed: true, remaining: 1 });
    expect(bucket.take(2)).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    expect(() => bucket.take(4)).toThrow(/cost must be 1..3, got 4/);
    expect(() => bucket.take(0)).toThrow(RangeError);
    expect(() => bucket.take(1.5)).toThrow(RangeError);
  });
});

describe('checkPolicy', () => {
  it.each([
    [{ limit: 0, windowSeconds: 1 }, /limit must be a positive integer/],
    [{ limit: 2.5, windowSeconds: 1 }, /limit/],
    [{ limit: 1, windowSeconds: 0 }, /windowSeconds must be a positive integer/],
    [{ limit: 1, windowSeconds: 0.5 }, /windowSeconds/],
    [{ limit: Number.NaN, windowSeconds: 1 }, /limit/],
  ])('rejects %o', (bad, message) => {
    expect(() => checkPolicy({ name: 'x', ...bad })).toThrow(message);
    expect(() => new TokenBucket({ name: 'x', ...bad }, () => 0)).toThrow(message);
  });
});
