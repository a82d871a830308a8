import { describe, expect, it } from 'vitest';
import { HashRing } from './consistent-hash.ts';
import { movePlan, ShardRouter, type Shard } from './shard-router.ts';

const FOUR = ['db-a', 'db-b', 'db-c', 'db-d'];

/** A shard that records every statement it is sent. */
function recording(name: string) {
  const seen: { sql: string; params: unknown[] }[] = [];
  const shard: Shard & { seen: typeof seen } = {
    seen,
    query: async <R>(sql: string, params: unknown[] = []) => {
      seen.push({ sql, params });
      return { rows: [{ shard: name }] as R[] };
    },
  };
  return shard;
}
const routerOver = (names: string[]) => {
  const shards = new Map(names.map((n) => [n, recording(n)]));
  return { shards, router: new ShardRouter(new HashRing(names), shards) };
};

describe('ShardRouter', () => {
  it('sends a query with the shard key to the one shard that owns it', async () => {
    const { shards, router } = routerOver(FOUR);
    const owner = new HashRing(FOUR).nodeFor('cus_42');
    const { rows } = await router.on('cus_42', (db) =>
      db.query('SELECT * FROM orders WHERE customer_id = $1', ['cus_42']));
    expect(rows).toEqual([{ shard: owner }]);
    for (const [name, shard] of shards) {
      expect(shard.seen.length).toBe(name === owner ? 1 : 0);
    }
  });

  it('agrees across app servers: two routers built apart route alike', () => {
    const a = routerOver(FOUR).router;
    const b = routerOver([...FOUR].reverse()).router;
    for (let i = 0; i < 500; i++) expect(b.shardFor(`cus_${i}`)).toBe(a.shardFor(`cus_${i}`));
  });

  it('fans a query without the shard key out to every shard, once each', async () => {
    const { shards, router } = routerOver(FOUR);
    const results = await router.everywhere((db) => db.query('SELECT count(*)'));
    expect([...results.keys()]).toEqual(FOUR);
    expect([...results.values()].map((r) => r.rows[0])).toEqual(
      FOUR.map((shard) => ({ shard })));
    for (const shard of shards.values()) expect(shard.seen.length).toBe(1);
  });

  it('fails a scatter-gather when one shard fails, rather than return part', async () => {
    const { shards, router } = routerOver(FOUR);
    shards.get('db-c')!.query = async () => { throw new Error('db-c is down'); };
    await expect(router.everywhere((db) => db.query('SELECT 1')))
      .rejects.toThrow('db-c is down');
  });

  it('refuses a ring node it has no connection for, and a bad shard key', () => {
    const shards = new Map(FOUR.slice(0, 3).map((n) => [n, recording(n)]));
    expect(() => new ShardRouter(new HashRing(FOUR), shards))
      .toThrow('no connection for shard(s) db-d');
    const { router } = routerOver(FOUR);
    expect(() => router.shardFor('')).toThrow(RangeError);
    expect(() => router.shardFor('x'.repeat(201))).toThrow(/1-200 characters/);
    expect(router.shardFor('x'.repeat(200))).toMatch(/^db-[a-d]$/);
  });

  it('routes by the ring it was built with, even if that ring changes later', async () => {
    // Resharding adds db-e to a ring: a router built earlier must not start
    // sending keys to a shard it has no connection for.
    const ring = new HashRing(FOUR);
    const shards = new Map(FOUR.map((n) => [n, recording(n)]));
    const router = new ShardRouter(ring, shards);
    ring.add('db-e');
    const moved = Array.from({ length: 200 }, (_, i) => `cus_${i}`)
      .find((k) => ring.nodeFor(k) === 'db-e')!;
    expect(router.shardFor(moved)).toBe(new HashRing(FOUR).nodeFor(moved));
    await expect(router.on(moved, (db) => db.query('SELECT 1')))
      .resolves.toMatchObject({ rows: [{ shard: router.shardFor(moved) }] });
    expect([...(await router.everywhere(async (_, n) => n)).keys()]).toEqual(FOUR);
  });
});

describe('movePlan', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `cus_${i}`);

  it('adding a node moves about 1/5 of keys, each from an old node to the new one', () => {
    const plan = movePlan(keys, new HashRing(FOUR), new HashRing([...FOUR, 'db-e']));
    expect([...plan.keys()].sort()).toEqual(FOUR.map((n) => `${n} -> db-e`));
    const moved = [...plan.values()].flat().length;
    expect(moved / keys.length).toBeGreaterThan(0.15);
    expect(moved / keys.length).toBeLessThan(0.27);
  });

  it('removing a node moves exactly its keys', () => {
    const five = new HashRing([...FOUR, 'db-e']);
    const plan = movePlan(keys, five, new HashRing(FOUR));
    const moved = [...plan.values()].flat();
    expect(moved.length).toBe(keys.filter((k) => five.nodeFor(k) === 'db-e').length);
    for (const move of plan.keys()) expect(move).toMatch(/^db-e -> /);
  });

  it('stays linear in the number of keys that move', () => {
    // 60,000 keys all moving one way: copying the list per key (quadratic)
    // takes seconds here; appending takes milliseconds.
    const many = Array.from({ length: 60_000 }, (_, i) => `k${i}`);
    const started = performance.now();
    const plan = movePlan(many, new HashRing(['db-a']), new HashRing(['db-b']));
    expect(plan.get('db-a -> db-b')?.length).toBe(60_000);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('is empty when the rings agree', () => {
    expect(movePlan(keys, new HashRing(FOUR), new HashRing([...FOUR].reverse())).size).toBe(0);
  });
});
