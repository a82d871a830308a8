import { describe, expect, it } from 'vitest';
import type { Db } from '../db/backfill.ts';
import { useDatabase } from '../db/use-database.ts';
import { blue, green, type User } from './app-versions.ts';
import {
  applyStep, BASE_SCHEMA, contract, crossCheck, Cutover, step, STEPS,
} from './blue-green.ts';

const RESET = `DROP TABLE IF EXISTS users, backfill_checkpoints;
  DROP FUNCTION IF EXISTS users_sync_name CASCADE; ${BASE_SCHEMA}`;
const sleep = async () => {};

/** Applies the steps up to and including `last`, cross-checking each. */
async function through(db: Db, last: string, known = new Map<number, User>()) {
  for (const s of STEPS) {
    await applyStep(db, s, sleep);
    expect(await crossCheck(db, s.live, known), s.name).toEqual([]);
    if (s.name === last) return known;
  }
  throw new Error(`no step ${last}`);
}
async function columns(db: Db, id: number) {
  const { rows } = await db.query<{ name: string | null; full_name: string | null }>(
    'SELECT name, full_name FROM users WHERE id = $1', [id]);
  return rows[0];
}
function deferred() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  return { gate, open };
}

describe('blue and green against one schema, step by step (PGlite)', () => {
  const db = useDatabase('SELECT 1', { reset: RESET });

  it('at every step, each version that may be live writes and reads every row', async () => {
    const known = await through(db(), 'switch');
    const router = new Cutover();
    router.switchTo('green');
    router.retire();
    await contract(db(), router, sleep);
    expect(await crossCheck(db(), [green], known)).toEqual([]);
    expect(STEPS.map((s) => s.name))
      .toEqual(['start', 'expand', 'verify', 'switch', 'contract']);
    expect(known.size).toBe(8);
    const { rows } = await db().query<{ column_name: string; is_nullable: string }>(
      `SELECT column_name, is_nullable FROM information_schema.columns
       WHERE table_name = 'users' ORDER BY 1`);
    expect(rows).toEqual([
      { column_name: 'email', is_nullable: 'NO' },
      { column_name: 'full_name', is_nullable: 'NO' },
      { column_name: 'id', is_nullable: 'NO' },
    ]);
  });

  it('rows blue wrote before the expand are backfilled for green', async () => {
    const id = await blue.register(db(), { email: 'old@example.com', name: 'Old' });
    await applyStep(db(), step('expand'), sleep);
    expect((await green.profile(db(), id))?.name).toBe('Old');
  });

  it('while both run, each sees the other\'s inserts and renames', async () => {
    await through(db(), 'verify');
    const b = await blue.register(db(), { email: 'b@example.com', name: 'Bea' });
    const g = await green.register(db(), { email: 'g@example.com', name: 'Gus' });
    expect((await green.profile(db(), b))?.name).toBe('Bea');
    expect((await blue.profile(db(), g))?.name).toBe('Gus');
    await blue.rename(db(), g, 'Gus B');
    expect((await green.profile(db(), g))?.name).toBe('Gus B');
    await green.rename(db(), b, 'Bea G');
    expect((await blue.profile(db(), b))?.name).toBe('Bea G');
    expect(await columns(db(), b)).toEqual({ name: 'Bea G', full_name: 'Bea G' });
  });

  it('an update of another column leaves both names alone', async () => {
    await through(db(), 'verify');
    const id = await green.register(db(), { email: 'm@example.com', name: 'Mo' });
    await db().query("UPDATE users SET email = 'mo@example.com' WHERE id = $1", [id]);
    expect(await columns(db(), id)).toEqual({ name: 'Mo', full_name: 'Mo' });
  });

  it('verify catches a row the trigger missed, before anyone switches', async () => {
    await applyStep(db(), step('expand'), sleep);
    await db().exec('ALTER TABLE users DISABLE TRIGGER users_sync_name');
    await blue.register(db(), { email: 'x@example.com', name: 'X' });
    const failed = await applyStep(db(), step('verify'), sleep)
      .then(() => undefined, (e: { code?: string }) => e);
    expect(failed?.code).toBe('23514'); // check_violation
  });

  it('verify fails, and the switch must wait, if any row still lacks full_name', async () => {
    await blue.register(db(), { email: 'a@example.com', name: 'A' });
    await applyStep(db(), { ...step('expand'), backfill: undefined }, sleep);
    const failed = await applyStep(db(), step('verify'), sleep)
      .then(() => undefined, (e: { code?: string }) => e);
    expect(failed?.code).toBe('23514');
    await applyStep(db(), step('expand'), sleep); // rerun: backfills
    await applyStep(db(), step('verify'), sleep);
  });

  it('in the rollback window, blue reads what green wrote', async () => {
    const known = await through(db(), 'switch');
    const router = new Cutover();
    router.switchTo('green');
    const id = await router.serve(() => green.register(db(),
      { email: 'new@example.com', name: 'Signed up on green' }));
    await router.serve(() => green.rename(db(), 1, 'Renamed on green'));
    router.rollback();
    expect(router.live).toBe('blue');
    expect((await blue.profile(db(), id))?.name).toBe('Signed up on green');
    expect((await blue.profile(db(), 1))?.name).toBe('Renamed on green');
    expect(await crossCheck(db(), [blue], known)).toEqual([]);
  });

  it('contract is refused while blue is live or can still come back', async () => {
    await through(db(), 'switch');
    const router = new Cutover();
    await expect(contract(db(), router, sleep)).rejects.toThrow(/live blue/);
    router.switchTo('green');
    await expect(contract(db(), router, sleep)).rejects.toThrow(/standby blue/);
    router.retire();
    await contract(db(), router, sleep);
    expect((await crossCheck(db(), [blue], new Map()))[0])
      .toMatch(/blue v1 cannot write: column "name" .* does not exist/);
  });

  it('green keeps working after each statement of the contract', async () => {
    const known = await through(db(), 'switch');
    for (const ddl of step('contract').ddl ?? []) {
      await applyStep(db(), { name: 'one', live: [green], ddl: [ddl] }, sleep);
      expect(await crossCheck(db(), [green], known), ddl).toEqual([]);
    }
  });

  it('every step can be run twice', async () => {
    const known = new Map<number, User>();
    for (const s of STEPS) {
      await applyStep(db(), s, sleep);
      await applyStep(db(), s, sleep);
      expect(await crossCheck(db(), s.live, known), s.name).toEqual([]);
    }
  });

  it('a blue request in flight at the switch finishes on blue, and both columns agree', async () => {
    await through(db(), 'switch');
    const router = new Cutover();
    const held = deferred();
    const slow = router.serve(async (color) => {
      await held.gate; // blue is mid-request when the router switches
      return (color === 'blue' ? blue : green).rename(db(), 1, 'From blue');
    });
    router.switchTo('green');
    expect(router.inFlight('blue')).toBe(1);
    await router.serve(async (color) => {
      expect(color).toBe('green');
      await green.rename(db(), 2, 'From green');
    });
    expect(() => router.retire()).toThrow(/blue still has 1 in flight/);
    held.open();
    await slow;
    router.retire();
    expect(await columns(db(), 1)).toEqual({ name: 'From blue', full_name: 'From blue' });
    expect(await columns(db(), 2)).toEqual({ name: 'From green', full_name: 'From green' });
  });

  it('crossCheck catches a sync that works only one way', async () => {
    await applyStep(db(), step('expand'), sleep);
    // A trigger that forgets blue's renames: green's rename of the same row
    // hides it unless every version reads each writer's rows in turn.
    await db().exec(`CREATE OR REPLACE FUNCTION users_sync_name()
      RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP = 'INSERT' THEN
          NEW.full_name := coalesce(NEW.full_name, NEW.name);
          NEW.name := coalesce(NEW.name, NEW.full_name);
        ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name THEN
          NEW.name := NEW.full_name;
        END IF;
        RETURN NEW; END $$`);
    expect(await crossCheck(db(), [blue, green], new Map()))
      .toContain('green v2 reads 1 after blue v1: User 1');
  });

  it('the trigger refuses a write that sets the two names differently', async () => {
    await through(db(), 'expand');
    await expect(db().query(`INSERT INTO users (email, name, full_name)
      VALUES ('two@example.com', 'Ann', 'Bob')`)).rejects.toThrow(/disagree/);
    const id = await blue.register(db(), { email: 'b@example.com', name: 'Bea' });
    await expect(db().query(`UPDATE users SET name = 'Ann', full_name = 'Bob'
      WHERE id = $1`, [id])).rejects.toThrow(/disagree/);
    expect(await columns(db(), id)).toEqual({ name: 'Bea', full_name: 'Bea' });
    await db().query(`UPDATE users SET name = 'Cy', full_name = 'Cy'
      WHERE id = $1`, [id]); // both, the same: allowed
    expect((await green.profile(db(), id))?.name).toBe('Cy');
  });

  it('verify catches a rename the trigger missed, not only a missing value', async () => {
    await applyStep(db(), step('expand'), sleep);
    const id = await blue.register(db(), { email: 'r@example.com', name: 'R' });
    await db().exec('ALTER TABLE users DISABLE TRIGGER users_sync_name');
    await blue.rename(db(), id, 'R renamed'); // full_name keeps 'R'
    await db().exec('ALTER TABLE users ENABLE TRIGGER users_sync_name');
    const failed = await applyStep(db(), step('verify'), sleep)
      .then(() => undefined, (e: { code?: string }) => e);
    expect(failed?.code).toBe('23514');
  });

  it('refuses a step name it does not know', () => {
    expect(() => step('drop everything')).toThrow(/no step named/);
  });
});

describe('Cutover', () => {
  it('switches, rolls back and retires in order', () => {
    const router = new Cutover();
    expect([router.live, router.standby]).toEqual(['blue', undefined]);
    expect(() => router.switchTo('blue')).toThrow(/already live/);
    expect(() => router.rollback()).toThrow(/no standby/);
    expect(() => router.retire()).toThrow(/no standby to retire/);
    router.switchTo('green');
    expect([router.live, router.standby]).toEqual(['green', 'blue']);
    router.rollback();
    expect([router.live, router.standby]).toEqual(['blue', 'green']);
    router.switchTo('green');
    router.retire();
    expect([router.live, router.standby]).toEqual(['green', undefined]);
    expect(() => router.rollback()).toThrow(/retired/);
  });

  it('counts a failed request as done', async () => {
    const router = new Cutover();
    await expect(router.serve(async () => { throw new Error('boom'); }))
      .rejects.toThrow('boom');
    expect(router.inFlight('blue')).toBe(0);
    await expect(router.serve(() => { throw new Error('sync'); }))
      .rejects.toThrow('sync');
    expect(router.inFlight('blue')).toBe(0);
  });

  it('never switches back to a retired color', () => {
    const router = new Cutover();
    router.switchTo('green');
    router.retire();
    expect(() => router.switchTo('blue')).toThrow(/blue was retired/);
    expect(router.live).toBe('green');
  });
});
