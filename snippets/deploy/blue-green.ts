/**
 * Blue/green with a column rename, `users.name` to `users.full_name`.
 * Blue (v1) and green (v2) share one database; during the switch, and for
 * as long as a rollback to blue is possible, both run at once. So:
 *   - `STEPS`: the schema steps, each with the versions that may touch the
 *     database during it; a trigger keeps the two columns in step, so
 *     neither version needs to know about the other's column;
 *   - `Cutover`: which color takes new requests, which one drains and may
 *     come back (the rollback window), and `contract()`, which refuses to
 *     drop the old column while blue can still come back;
 *   - `crossCheck`: every live version writes, every one reads every row.
 * The DDL runs through Q92's `applyPhase` (expand-contract.ts): one
 * statement per transaction under a lock timeout, each safe to run twice.
 */
import { CHECKPOINT_SCHEMA, type Db, type Queryable } from '../db/backfill.ts';
import { applyPhase, type Phase } from '../db/expand-contract.ts';
import { blue, green, type User, type UserApp } from './app-versions.ts';

export const BASE_SCHEMA = `${CHECKPOINT_SCHEMA};
CREATE TABLE users (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name  text NOT NULL)`;

// #region sync-trigger
/** Whichever column a version wrote, copy it to the other one. */
const SYNC = `CREATE OR REPLACE FUNCTION users_sync_name()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.full_name := coalesce(NEW.full_name, NEW.name);
    NEW.name := coalesce(NEW.name, NEW.full_name);
  ELSIF NEW.name IS DISTINCT FROM OLD.name
    AND NEW.full_name IS NOT DISTINCT FROM OLD.full_name THEN
    NEW.full_name := NEW.name; -- blue wrote
  ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name
    AND NEW.name IS NOT DISTINCT FROM OLD.name THEN
    NEW.name := NEW.full_name; -- green wrote
  END IF;
  IF NEW.name <> NEW.full_name THEN -- a writer set both, differently
    RAISE EXCEPTION 'name and full_name disagree' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$`;
// #endregion sync-trigger

// #region steps
export interface Step extends Omit<Phase, 'runs'> {
  live: readonly UserApp[]; // versions that may touch the database
}

export const STEPS: readonly Step[] = [
  { name: 'start', live: [blue] },
  { name: 'expand', live: [blue, green], // green deployed, idle
    ddl: ['ALTER TABLE users ADD COLUMN IF NOT EXISTS full_name text',
      SYNC, // then the trigger: every write from now on lands in both
      `CREATE OR REPLACE TRIGGER users_sync_name BEFORE INSERT OR UPDATE
        ON users FOR EACH ROW EXECUTE FUNCTION users_sync_name()`],
    backfill: { job: 'users.full_name', table: 'users', key: 'id',
      set: 'full_name = name', pending: 'full_name IS DISTINCT FROM name' } },
  { name: 'verify', live: [blue, green], // fails if any row was missed
    ddl: [`ALTER TABLE users DROP CONSTRAINT IF EXISTS full_name_synced,
        ADD CONSTRAINT full_name_synced
        CHECK (full_name IS NOT NULL AND full_name = name)
        NOT VALID`, // brief exclusive lock, no scan
      'ALTER TABLE users VALIDATE CONSTRAINT full_name_synced',
      'ALTER TABLE users ALTER COLUMN full_name SET NOT NULL', // no scan
      'ALTER TABLE users DROP CONSTRAINT IF EXISTS full_name_synced',
      // The trigger fills name now; the contract drops the trigger first.
      'ALTER TABLE users ALTER COLUMN name DROP NOT NULL'] },
  { name: 'switch', live: [blue, green] }, // router only: no DDL
  { name: 'contract', live: [green], // only once blue is retired
    ddl: ['DROP TRIGGER IF EXISTS users_sync_name ON users',
      'DROP FUNCTION IF EXISTS users_sync_name()',
      'ALTER TABLE users DROP COLUMN IF EXISTS name'] },
];

/** Q92's applyPhase: each statement in its own short transaction. */
export const applyStep = (db: Db, step: Step,
  sleep: (ms: number) => Promise<void>, lockTimeoutMs?: number) =>
  applyPhase(db, { ...step, runs: [] }, sleep, lockTimeoutMs);
// #endregion steps

export function step(name: string): Step {
  const found = STEPS.find((s) => s.name === name);
  if (!found) throw new Error(`no step named ${JSON.stringify(name)}`);
  return found;
}

// #region cutover
export type Color = 'blue' | 'green';

/** The router's view: new requests go to `live`; `standby` may return. */
export class Cutover {
  #live: Color = 'blue';
  #standby: Color | undefined;
  #retired: Color | undefined;
  #inFlight = { blue: 0, green: 0 };

  get live(): Color { return this.#live; }
  get standby(): Color | undefined { return this.#standby; }
  inFlight(color: Color): number { return this.#inFlight[color]; }

  /** A request stays on the color that took it, even across a switch. */
  async serve<T>(work: (color: Color) => Promise<T>): Promise<T> {
    const color = this.#live;
    this.#inFlight[color] += 1;
    try { return await work(color); } finally { this.#inFlight[color] -= 1; }
  }

  switchTo(color: Color): void {
    if (color === this.#live) throw new Error(`${color} is already live`);
    if (color === this.#retired) throw new Error(`${color} was retired`);
    this.#standby = this.#live; // drains, kept warm for a rollback
    this.#live = color;
  }

  rollback(): void {
    if (!this.#standby) throw new Error('no standby: it was retired');
    this.switchTo(this.#standby);
  }

  /** Ends the rollback window, once the old color has drained. */
  retire(): void {
    const old = this.#standby;
    if (!old) throw new Error('no standby to retire');
    const left = this.#inFlight[old];
    if (left > 0) throw new Error(`${old} still has ${left} in flight`);
    this.#standby = undefined;
    this.#retired = old;
  }
}

/** The one-way door: drops what blue needs, so blue must be gone. */
export async function contract(db: Db, cutover: Cutover,
  sleep: (ms: number) => Promise<void>): Promise<void> {
  if (cutover.live !== 'green' || cutover.standby !== undefined) {
    throw new Error('contract refused: blue can still serve or come back'
      + ` (live ${cutover.live}, standby ${cutover.standby ?? 'none'})`);
  }
  await applyStep(db, step('contract'), sleep);
}
// #endregion cutover

// #region cross-check
/**
 * Each version in turn registers a user and renames every known one, and
 * after each writer every version reads every user: a write from either
 * color is read by both before the other overwrites it. `known` carries
 * over between steps. Returns the disagreements: [] when both work.
 */
export async function crossCheck(db: Queryable, apps: readonly UserApp[],
  known: Map<number, User>): Promise<string[]> {
  const problems: string[] = [];
  for (const writer of apps) {
    const by = writer.version;
    try {
      const n = known.size + 1;
      const user = { email: `user${n}@example.com`, name: `User ${n}` };
      known.set(await writer.register(db, user), user);
      for (const [id, u] of known) {
        const name = `${u.name.split(' (')[0]} (${by})`;
        if (await writer.rename(db, id, name)) u.name = name;
        else problems.push(`${by} lost user ${id}`);
      }
    } catch (error) {
      problems.push(`${by} cannot write: ${(error as Error).message}`);
    }
    for (const reader of apps) {
      for (const [id, want] of known) {
        const got = await reader.profile(db, id)
          .then((p) => p?.name, (e: Error) => e.message);
        if (got !== want.name) {
          problems.push(`${reader.version} reads ${id} after ${by}: ${got}`);
        }
      }
    }
  }
  return problems;
}
// #endregion cross-check

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(BASE_SCHEMA);
  const known = new Map<number, User>();
  const sleep = async () => {};
  const report = async (label: string, apps: readonly UserApp[]) => {
    const problems = await crossCheck(db, apps, known);
    const who = apps.map((a) => a.version).join(' + ');
    console.log(label.padEnd(9), who.padEnd(18),
      problems.length === 0 ? `agree on ${known.size} users` : problems);
  };
  for (const s of STEPS.slice(0, 3)) {
    await applyStep(db, s, sleep);
    await report(s.name, s.live);
  }
  const router = new Cutover();
  router.switchTo('green'); // blue drains and stays warm
  await report('switch', step('switch').live);
  await router.serve((c) => (c === 'green' ? green : blue)
    .rename(db, 1, 'Ada Lovelace'));
  router.rollback(); // green misbehaves: blue is back, with green's write
  console.log('rollback  live', router.live, '| blue reads user 1 as',
    (await blue.profile(db, 1))?.name);
  router.switchTo('green'); // fixed forward
  await contract(db, router, sleep).catch((e: Error) => console.log(e.message));
  router.retire();
  await contract(db, router, sleep);
  await report('contract', [green]);
  console.log('blue now:', (await crossCheck(db, [blue], new Map()))[0]);
  await db.close();
}
