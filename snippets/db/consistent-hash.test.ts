import { describe, expect, it } from 'vitest';
import {
  hash32, HashRing, jumpHash, maxOverMean, moduloNode,
} from './consistent-hash.ts';

// 20,000 keys, hashed once: enough for stable ratios, quick on a busy CI.
const KEYS = Array.from({ length: 20_000 }, (_, i) => `customer-${i}`);
const AT = KEYS.map(hash32);
const FOUR = ['db-a', 'db-b', 'db-c', 'db-d'];
const FIVE = [...FOUR, 'db-e'];

function loads(owner: (h: number) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const h of AT) counts.set(owner(h), (counts.get(owner(h)) ?? 0) + 1);
  return counts;
}
const share = (n: number) => n / AT.length;

describe('hash32', () => {
  it('is a fixed function of the text, in [0, 2^32)', () => {
    expect(hash32('customer-1')).toBe(hash32('customer-1'));
    // SHA-256('abc') starts ba7816bf: the same on every machine and runtime.
    expect(hash32('abc')).toBe(0xba7816bf);
    expect(hash32('')).toBe(0xe3b0c442);
    for (const h of AT.slice(0, 100)) {
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});

describe('HashRing', () => {
  it('gives every app server the same owner, whatever the insertion order', () => {
    const a = new HashRing(FOUR);
    const b = new HashRing([...FOUR].reverse());
    for (const key of KEYS.slice(0, 2000)) expect(b.nodeFor(key)).toBe(a.nodeFor(key));
  });

  it('wraps past the top of the ring to the first point', () => {
    const ring = new HashRing(['x', 'y'], 1);
    const points = [hash32('x#0'), hash32('y#0')];
    const [low, high] = [Math.min(...points), Math.max(...points)];
    const first = points[0] === low ? 'x' : 'y';
    expect(ring.ownerAt(high + 1)).toBe(first);
    expect(ring.ownerAt(2 ** 32 - 1)).toBe(first);
    expect(ring.ownerAt(0)).toBe(first);
    // A position exactly on a point belongs to that point's node.
    expect(ring.ownerAt(high)).toBe(first === 'x' ? 'y' : 'x');
    expect(ring.ownerAt(low)).toBe(first);
  });

  it('balances load with virtual nodes: max/mean falls as vnodes grow', () => {
    const balance = (v: number) => {
      const ring = new HashRing(FOUR, v);
      return maxOverMean(loads((h) => ring.ownerAt(h)).values());
    };
    const [one, many] = [balance(1), balance(160)];
    expect(one).toBeGreaterThan(1.3); // one point each: arcs very unequal
    expect(many).toBeLessThan(1.12); // 160 each: within about 10% of even
    expect(balance(500)).toBeLessThan(1.08);
  });

  it('moves about 1/5 of keys when a 5th node joins, all of them to it', () => {
    const [before, after] = [new HashRing(FOUR), new HashRing(FIVE)];
    const moved = AT.filter((h) => before.ownerAt(h) !== after.ownerAt(h));
    expect(share(moved.length)).toBeGreaterThan(0.15);
    expect(share(moved.length)).toBeLessThan(0.27);
    expect(new Set(moved.map((h) => after.ownerAt(h)))).toEqual(new Set(['db-e']));
  });

  it('moves only the removed node\'s keys when a node leaves', () => {
    const ring = new HashRing(FIVE);
    const before = AT.map((h) => ring.ownerAt(h));
    ring.remove('db-c');
    const after = AT.map((h) => ring.ownerAt(h));
    const changed = after.filter((now, i) => now !== before[i]);
    const wereOnC = before.filter((was) => was === 'db-c').length;
    expect(changed.length).toBe(wereOnC); // only db-c's keys moved…
    expect(after).not.toContain('db-c'); // …and all of them did
    expect(ring.nodes).toEqual(['db-a', 'db-b', 'db-d', 'db-e']);
  });

  it('contrast: hash modulo N moves about 4/5 of keys from 4 to 5 nodes', () => {
    expect(moduloNode('customer-7', FOUR)).toBe(FOUR[hash32('customer-7') % 4]);
    const moved = AT.filter((h) => FOUR[h % 4] !== FIVE[h % 5]);
    expect(share(moved.length)).toBeGreaterThan(0.75);
  });

  it('refuses bad configuration with a clear error', () => {
    expect(() => new HashRing([], 0)).toThrow(/vnodes must be an integer/);
    expect(() => new HashRing([], 1.5)).toThrow(RangeError);
    expect(() => new HashRing([], 10_001)).toThrow(RangeError);
    expect(() => new HashRing([''])).toThrow(/node name/);
    expect(() => new HashRing(['db a'])).toThrow(TypeError);
    expect(() => new HashRing(['x'.repeat(101)])).toThrow(TypeError);
    expect(() => new HashRing(['db-a', 'db-a'])).toThrow(/already/);
    expect(() => new HashRing(FOUR).remove('db-z')).toThrow(/not on it/);
    expect(() => new HashRing().nodeFor('k')).toThrow(/no nodes/);
    expect(() => moduloNode('k', [])).toThrow(/no nodes/);
  });
});

describe('jumpHash', () => {
  it('matches the published algorithm on known values', () => {
    // Printed by the paper's C++ (Lamping and Veach 2014, figure 1),
    // compiled with gcc: the BigInt port must agree bit for bit.
    expect(jumpHash(0n, 1)).toBe(0);
    expect(jumpHash(0n, 100)).toBe(0);
    expect(jumpHash(1n, 2)).toBe(0);
    expect(jumpHash(42n, 3)).toBe(2);
    expect(jumpHash(0xdeadbeefn, 10)).toBe(5);
    expect(jumpHash(123456789n, 1000)).toBe(294);
    expect(jumpHash(0xffffffffffffffffn, 7)).toBe(2);
    expect(jumpHash(-1n, 7)).toBe(2); // read as unsigned 64-bit, as in C
  });

  it('stays in range and, from n to n+1 buckets, moves ~1/(n+1) keys, all to the new one', () => {
    for (const n of [4, 9]) {
      let moved = 0;
      const wrong: number[] = [];
      for (const h of AT) {
        const [a, b] = [jumpHash(BigInt(h), n), jumpHash(BigInt(h), n + 1)];
        if (!(a >= 0 && a < n)) wrong.push(h);
        if (a !== b) {
          moved++;
          if (b !== n) wrong.push(h); // a moved key must go to the new bucket
        }
      }
      expect(wrong).toEqual([]);
      expect(share(moved)).toBeGreaterThan(1 / (n + 1) - 0.02);
      expect(share(moved)).toBeLessThan(1 / (n + 1) + 0.02);
    }
  });

  it('balances without virtual nodes', () => {
    const counts = new Map<number, number>();
    for (const h of AT) {
      const b = jumpHash(BigInt(h), 5);
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    expect(counts.size).toBe(5);
    expect(maxOverMean(counts.values())).toBeLessThan(1.05);
  });

  it('refuses a bucket count it cannot serve', () => {
    expect(() => jumpHash(1n, 0)).toThrow(RangeError);
    expect(() => jumpHash(1n, 2.5)).toThrow(/buckets must be an integer/);
  });
});
