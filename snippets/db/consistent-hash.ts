/**
 * Consistent hashing (Karger et al., 1997) with virtual nodes, written out
 * because the algorithm is the lesson, plus jump consistent hash (Lamping
 * and Veach, 2014) for comparison. Production systems use an engine that
 * does this for you (Citus, Vitess, DynamoDB); see shard-router.ts.
 */
import { hash } from 'node:crypto';

// #region hash
/** A stable 32-bit position on the ring: the same on every machine. */
export function hash32(text: string): number {
  // Not for security: SHA-256 is used only because it spreads well and is
  // built in. Any fixed, well-mixed hash works; Math.random() does not.
  return hash('sha256', text, 'buffer').readUInt32BE(0);
}
// #endregion hash

// #region ring
interface Point { at: number; node: string }

/** A hash ring: each node owns the arcs that end at its virtual nodes. */
export class HashRing {
  #points: Point[] = [];
  readonly #nodes = new Set<string>();
  readonly vnodes: number;

  constructor(nodes: Iterable<string> = [], vnodes = 160) {
    if (!Number.isInteger(vnodes) || vnodes < 1 || vnodes > 10_000) {
      throw new RangeError(`vnodes must be an integer 1-10000: ${vnodes}`);
    }
    this.vnodes = vnodes;
    for (const node of nodes) this.add(node);
  }

  add(node: string): void {
    if (!/^[\w.:-]{1,100}$/.test(node)) {
      throw new TypeError(`node name must be 1-100 of [A-Za-z0-9_.:-]`);
    }
    if (this.#nodes.has(node)) throw new Error(`${node} is already on it`);
    this.#nodes.add(node);
    // Each node appears `vnodes` times, at hashes of "node#0", "node#1"…
    for (let i = 0; i < this.vnodes; i++) {
      this.#points.push({ at: hash32(`${node}#${i}`), node });
    }
    // Ties (two points on one hash) are broken by name: same on every host.
    this.#points.sort((a, b) => a.at - b.at || (a.node < b.node ? -1 : 1));
  }

  remove(node: string): void {
    if (!this.#nodes.delete(node)) throw new Error(`${node} is not on it`);
    this.#points = this.#points.filter((p) => p.node !== node);
  }

  get nodes(): string[] { return [...this.#nodes].sort(); }

  /** The node owning `key`: the first point clockwise from its hash. */
  nodeFor(key: string): string { return this.ownerAt(hash32(key)); }

  /** The node owning ring position `h` (a key's hash32). */
  ownerAt(h: number): string {
    const points = this.#points;
    if (points.length === 0) throw new Error('the ring has no nodes');
    let lo = 0;
    let hi = points.length; // binary search: first point with at >= h
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]!.at < h) lo = mid + 1;
      else hi = mid;
    }
    return points[lo === points.length ? 0 : lo]!.node; // wrap past 2^32
  }
}
// #endregion ring

// #region jump
/**
 * Jump consistent hash: a bucket in [0, buckets) from a 64-bit key, with
 * no ring and no memory. Buckets can only be added or removed at the end.
 */
export function jumpHash(key: bigint, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 2 ** 31) {
    throw new RangeError(`buckets must be an integer 1-2^31: ${buckets}`);
  }
  const MASK = (1n << 64n) - 1n;
  let k = BigInt.asUintN(64, key);
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK; // 64-bit LCG step
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}
// #endregion jump

/** The naive scheme, for contrast: hash modulo the node count. */
export function moduloNode(key: string, nodes: readonly string[]): string {
  if (nodes.length === 0) throw new Error('no nodes');
  return nodes[hash32(key) % nodes.length]!;
}

/** Busiest node's key count divided by the mean: 1.0 is perfect. */
export function maxOverMean(counts: Iterable<number>): number {
  const all = [...counts];
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  return Math.max(...all) / mean;
}

if (import.meta.main) {
  // 20,000 keys, hashed once; each scheme then places the same positions.
  const at = Array.from({ length: 20_000 }, (_, i) => hash32(`customer-${i}`));
  const four = ['db-a', 'db-b', 'db-c', 'db-d'];
  const five = [...four, 'db-e'];
  const load = (owner: (h: number) => string) => {
    const counts = new Map<string, number>();
    for (const h of at) counts.set(owner(h), (counts.get(owner(h)) ?? 0) + 1);
    return maxOverMean(counts.values()).toFixed(2);
  };
  for (const v of [1, 10, 160]) {
    const ring = new HashRing(four, v);
    console.log(`${String(v).padStart(3)} vnode(s) per node: max/mean load`,
      load((h) => ring.ownerAt(h)));
  }
  const moved = (a: (h: number) => unknown, b: (h: number) => unknown) =>
    `${(at.filter((h) => a(h) !== b(h)).length / at.length * 100)
      .toFixed(1)}% of keys move`;
  const [before, after] = [new HashRing(four), new HashRing(five)];
  console.log('add a 5th node (ideal: 20.0%):');
  console.log('  ring   ', moved((h) => before.ownerAt(h),
    (h) => after.ownerAt(h)));
  console.log('  modulo ', moved((h) => four[h % 4], (h) => five[h % 5]));
  console.log('  jump   ', moved((h) => jumpHash(BigInt(h), 4),
    (h) => jumpHash(BigInt(h), 5)));
}
