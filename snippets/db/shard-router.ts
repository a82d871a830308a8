/**
 * An application-side shard router over the hash ring in consistent-hash.ts:
 * a query that carries the shard key goes to one shard, one that does not
 * goes to all of them, and a resharding plan lists the keys that move.
 */
import { HashRing, hash32 } from './consistent-hash.ts';

/** What the router needs from a shard: a `pg` pool or PGlite both fit. */
export interface Shard {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[])
    : Promise<{ rows: R[] }>;
}

// #region router
export class ShardRouter<S extends Shard = Shard> {
  readonly #ring: HashRing;
  readonly #shards: ReadonlyMap<string, S>;

  constructor(ring: HashRing, shards: ReadonlyMap<string, S>) {
    const missing = ring.nodes.filter((n) => !shards.has(n));
    if (missing.length > 0) {
      throw new Error(`no connection for shard(s) ${missing.join(', ')}`);
    }
    // Private copies: a ring changed later (a node added for resharding)
    // must not reroute keys here. A new layout means a new router.
    this.#ring = new HashRing(ring.nodes, ring.vnodes);
    this.#shards = new Map(shards);
  }

  /** The shard that owns `shardKey` (a tenant or customer id). */
  shardFor(shardKey: string): string {
    if (shardKey.length === 0 || shardKey.length > 200) {
      throw new RangeError('shard key must be 1-200 characters');
    }
    return this.#ring.nodeFor(shardKey);
  }

  /** Runs `work` on the one shard that holds `shardKey`'s rows. */
  async on<T>(shardKey: string, work: (db: S) => Promise<T>): Promise<T> {
    return work(this.#shards.get(this.shardFor(shardKey))!);
  }

  /**
   * Scatter-gather: runs `work` on every shard at once and returns the
   * results by shard. Slow and fragile (one slow shard slows every call):
   * keep it for admin and reporting paths, never the hot path.
   */
  async everywhere<T>(work: (db: S, shard: string) => Promise<T>)
    : Promise<Map<string, T>> {
    const names = this.#ring.nodes;
    const results = await Promise.all(
      names.map((n) => work(this.#shards.get(n)!, n)));
    return new Map(names.map((n, i) => [n, results[i]!]));
  }
}
// #endregion router

// #region plan
/** Which keys change owner between two rings, grouped "from -> to". */
export function movePlan(keys: Iterable<string>, from: HashRing,
  to: HashRing): Map<string, string[]> {
  const plan = new Map<string, string[]>();
  for (const key of keys) {
    const h = hash32(key);
    const [a, b] = [from.ownerAt(h), to.ownerAt(h)];
    if (a === b) continue; // stays put: the point of consistent hashing
    const move = `${a} -> ${b}`;
    const list = plan.get(move);
    if (list) list.push(key);
    else plan.set(move, [key]);
  }
  return plan;
}
// #endregion plan

if (import.meta.main) {
  // Each shard here only echoes its name; in production it is a pool.
  const fake = (name: string): Shard => ({
    query: async <R>() => ({ rows: [{ shard: name }] as R[] }),
  });
  const names = ['db-a', 'db-b', 'db-c', 'db-d'];
  const router = new ShardRouter(new HashRing(names),
    new Map(names.map((n) => [n, fake(n)])));
  for (const customer of ['cus_1001', 'cus_1002', 'cus_1003']) {
    const { rows } = await router.on(customer, (db) => db.query(
      'SELECT * FROM orders WHERE customer_id = $1', [customer]));
    console.log(`${customer} -> ${rows[0]?.shard}`);
  }
  const all = await router.everywhere((db) => db.query('SELECT count(*)'));
  console.log(`no shard key: the query ran on ${all.size} shards`);

  const keys = Array.from({ length: 10_000 }, (_, i) => `cus_${i}`);
  const plan = movePlan(keys, new HashRing(names),
    new HashRing([...names, 'db-e']));
  console.log('adding db-e moves:');
  for (const [move, moved] of [...plan].sort()) {
    console.log(`  ${move}: ${moved.length} keys`);
  }
}
