import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import { rollbackEachTest } from './rollback-per-test.ts';

const db = useDatabase('CREATE TABLE notes (id int PRIMARY KEY, body text)');
const count = async () => (await db().query<{ n: number }>(
  'SELECT count(*)::int AS n FROM notes')).rows[0]!.n;

// The tests in this block run in order and depend on it on purpose: the
// second proves the first one's row was rolled back.
describe('rollbackEachTest', () => {
  rollbackEachTest(db);

  it('lets a test write and read its own rows', async () => {
    await db().query(`INSERT INTO notes VALUES (1, 'draft')`);
    expect(await count()).toBe(1);
  });

  it('leaves the next test an empty table', async () => {
    expect(await count()).toBe(0);
  });

  it('cannot go on after a failed statement (25P02) without a savepoint',
    async () => {
      await db().query(`INSERT INTO notes VALUES (1, 'a')`);
      await expect(db().query(`INSERT INTO notes VALUES (1, 'b')`))
        .rejects.toMatchObject({ code: '23505' });
      await expect(count()).rejects.toMatchObject({ code: '25P02' });
    });

  it('can, when the failing statement runs inside a SAVEPOINT', async () => {
    await db().query(`INSERT INTO notes VALUES (1, 'a')`);
    await db().exec('SAVEPOINT attempt');
    await expect(db().query(`INSERT INTO notes VALUES (1, 'b')`))
      .rejects.toMatchObject({ code: '23505' });
    await db().exec('ROLLBACK TO SAVEPOINT attempt');
    expect(await count()).toBe(1);
  });

  it('is defeated by code that runs its own transaction', async () => {
    // PGlite's transaction() sends BEGIN (only a warning inside ours),
    // then COMMIT, which ends ours: the row outlives the rollback.
    await db().transaction(async (tx) => {
      await tx.query(`INSERT INTO notes VALUES (9, 'committed')`);
    });
    await db().exec('ROLLBACK');
    expect(await count()).toBe(1);
    await db().exec('DELETE FROM notes'); // tidy up, then reopen a
    await db().exec('BEGIN'); // transaction for afterEach to roll back
  });

  it('still starts the next test empty', async () => {
    expect(await count()).toBe(0);
  });
});
