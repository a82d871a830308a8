import { describe, expect, it } from 'vitest';
import type { Db } from './backfill.ts';
import {
  applyPhase, BASE_SCHEMA, crossCheck, PHASES, v1, v2, v3, v4, type Phase,
} from './expand-contract.ts';
import { lockWaitSeen } from './postgres-server.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const RESET = `DROP TABLE IF EXISTS products, backfill_checkpoints; ${BASE_SCHEMA}`;
const sleep = async () => {};
const phase = (name: string): Phase => {
  const p = PHASES.find((x) => x.name === name);
  if (!p) throw new Error(`no phase ${name}`);
  return p;
};
/** Applies the phases up to and including `last`, checking each one. */
async function through(db: Db, last: string, truth = new Map<string, number>()) {
  for (const p of PHASES) {
    await applyPhase(db, p, sleep);
    expect(await crossCheck(db, p.runs, truth), p.name).toEqual([]);
    if (p.name === last) break;
  }
  return truth;
}

describe('expand/contract, phase by phase (PGlite)', () => {
  const db = useDatabase('SELECT 1', { reset: RESET });

  it('at every phase, each version that may be live writes and reads correctly', async () => {
    const truth = await through(db(), 'contract');
    expect(PHASES.map((p) => p.name)).toEqual(['start', 'expand', 'backfill',
      'switch reads', 'stop old writes', 'contract']);
    // Rows from every era, written by every version, read right by v4.
    expect(truth.size).toBe(9);
    for (const [sku, cents] of truth) expect(await v4.load(db(), sku)).toBe(cents);
    const { rows } = await db().query<{ column_name: string }>(`SELECT column_name
      FROM information_schema.columns WHERE table_name = 'products' ORDER BY 1`);
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'price_cents', 'sku']);
  });

  it('the backfill repairs a price an old version changed after dual writes began', async () => {
    await through(db(), 'expand');
    await v2.save(db(), { sku: 'late', priceCents: 100 }); // both columns
    await v1.save(db(), { sku: 'late', priceCents: 250 }); // price only
    await applyPhase(db(), phase('backfill'), sleep);
    expect(await v3.load(db(), 'late')).toBe(250); // not the stale 100
  });

  it('too early, v3 (reads new) misreads rows v1 wrote before the backfill', async () => {
    await applyPhase(db(), phase('expand'), sleep);
    await v1.save(db(), { sku: 'old', priceCents: 500 });
    expect(await v2.load(db(), 'old')).toBe(500);
    expect(await v3.load(db(), 'old')).toBeNull();
  });

  it('after "switch reads", a lingering v1 cannot write (the check refuses it)', async () => {
    await through(db(), 'switch reads');
    const problems = await crossCheck(db(), [v1], new Map());
    expect(problems[0]).toMatch(/^v1 cannot write: .*price_cents_set/);
  });

  it('v2 must be gone before v4: it would read v4 rows as empty', async () => {
    await through(db(), 'stop old writes');
    await v4.save(db(), { sku: 'new', priceCents: 700 });
    expect(await v3.load(db(), 'new')).toBe(700);
    expect(await v2.load(db(), 'new')).toBeNull();
  });

  it('after "contract", v3 fails loudly: it still writes the dropped column', async () => {
    await through(db(), 'contract');
    const problems = await crossCheck(db(), [v3], new Map());
    expect(problems[0]).toMatch(/v3 cannot write: column "price" .* does not exist/);
  });

  it('crossCheck catches a version that cannot read what another wrote', async () => {
    // After "expand", v3 reads the new column, which v1's writes never
    // fill: the last writer must not hide that by re-pricing every row.
    await through(db(), 'expand');
    const problems = await crossCheck(db(), [v1, v3], new Map());
    expect(problems.some((p) => p.startsWith('v3 reads v1-0 after v1 as ')))
      .toBe(true);
  });

  it('a phase that failed partway can simply be run again', async () => {
    await through(db(), 'backfill');
    // A stray old-version write leaves one row without cents: the check
    // is added (committed, NOT VALID), then VALIDATE refuses the table.
    await v1.save(db(), { sku: 'stray', priceCents: 300 });
    const failed = await applyPhase(db(), phase('switch reads'), sleep)
      .then(() => undefined, (e: { code?: string }) => e);
    expect(failed?.code).toBe('23514'); // check_violation
    await v2.save(db(), { sku: 'stray', priceCents: 300 }); // repaired
    await applyPhase(db(), phase('switch reads'), sleep); // the same phase
    for (const p of PHASES.slice(4)) {
      await applyPhase(db(), p, sleep);
      await applyPhase(db(), p, sleep); // and every later one, twice
    }
    expect(await v4.load(db(), 'stray')).toBe(300);
  });

  it('refuses a bad lock timeout', async () => {
    await expect(applyPhase(db(), phase('expand'), sleep, 0)).rejects.toThrow(RangeError);
    await expect(applyPhase(db(), phase('expand'), sleep, 1.5)).rejects.toThrow(/lockTimeoutMs/);
  });
});

// A lock wait needs two sessions: a real server.
describe('applyPhase on a real server', () => {
  const { db, server } = useServerDatabase('SELECT 1', { reset: RESET });

  it('gives up on the DDL lock after the timeout instead of queueing traffic', async () => {
    const reader = server().pool(1);
    await reader.transaction(async (tx) => {
      // A long transaction that read the table holds a lock ALTER TABLE
      // must wait for.
      await tx.query('SELECT count(*) FROM products');
      const error = await applyPhase(db(), phase('expand'), sleep, 200)
        .then(() => undefined, (e: { code?: string }) => e);
      expect(error?.code).toBe('55P03'); // lock_not_available
    });
    // Nothing half-done: the column is not there, and a retry succeeds.
    expect(await crossCheck(db(), [v1], new Map())).toEqual([]);
    await applyPhase(db(), phase('expand'), sleep, 200);
    expect(await crossCheck(db(), [v1, v2], new Map())).toEqual([]);
  });

  it('validates a NOT VALID check while reads and writes go on', async () => {
    // The check calls gate(), which waits on advisory lock 7 for the one
    // pre-existing row priced 13 cents: validation stops mid-scan while the
    // test holds that lock. Reads and writes must not queue behind it.
    await db().exec(`ALTER TABLE products ADD COLUMN price_cents bigint;
      CREATE OR REPLACE FUNCTION gate(c bigint) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN IF c = 13 THEN PERFORM pg_advisory_xact_lock_shared(7); END IF;
      RETURN true; END $$;
      INSERT INTO products (sku, price, price_cents) VALUES ('old', 0.13, 13)`);
    const gated: Phase = { name: 'gated check', runs: [v3], ddl: [
      `ALTER TABLE products ADD CONSTRAINT gated CHECK (gate(price_cents))
         NOT VALID`,
      'ALTER TABLE products VALIDATE CONSTRAINT gated'] };
    const holder = server().pool(1);
    const app = server().pool(1);
    let applied: Promise<unknown> | undefined;
    await holder.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7)');
      applied = applyPhase(db(), gated, sleep, 30_000);
      applied.catch(() => {}); // awaited below
      expect((await lockWaitSeen(db())).join()).toContain('VALIDATE');
      // While validation waits mid-scan, the app reads and writes at once.
      await expect(app.transaction(async (q) => {
        await q.query("SET LOCAL lock_timeout = '1s'");
        await v3.save(q, { sku: 'new', priceCents: 250 });
        return v3.load(q, 'old');
      })).resolves.toBe(13);
    });
    await applied;
    const { rows } = await db().query<{ ok: boolean }>(`SELECT convalidated
      AS ok FROM pg_constraint WHERE conname = 'gated'`);
    expect(rows).toEqual([{ ok: true }]);
    await db().exec('DROP FUNCTION gate CASCADE');
  });
});
