/**
 * One database for a whole test file, each test inside a transaction that
 * is rolled back after it: nothing a test writes survives it, and no table
 * is emptied or rebuilt between tests. Tests only: it registers Vitest
 * hooks, so no demo may import it.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach } from 'vitest';

// #region rollback
/** `db` is a getter, like the one useDatabase() returns. */
export function rollbackEachTest(db: () => PGlite): void {
  beforeEach(async () => { await db().exec('BEGIN'); });
  afterEach(async () => {
    // After a failed statement PostgreSQL refuses everything but
    // ROLLBACK (25P02), so a test that expects an error cannot go on
    // querying; such tests wrap the statement in a SAVEPOINT.
    await db().exec('ROLLBACK');
  });
}
// #endregion rollback
