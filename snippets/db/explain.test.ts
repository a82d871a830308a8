import { describe, expect, it } from 'vitest';
import { explain, nodes, outline, parsePlan, scans } from './explain.ts';
import { useDatabase, useServerDatabase } from './use-database.ts';

const SCHEMA = `CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL);
  INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 2000) i;
  ANALYZE t;`;

describe('explain on PGlite', () => {
  const db = useDatabase(SCHEMA);

  it('returns the plan tree with node types and the index used', async () => {
    const plan = await explain(db(), 'SELECT * FROM t WHERE id = $1', [7]);
    expect(plan).toMatchObject({ type: 'Index Scan', relation: 't', index: 't_pkey' });
    expect(plan.indexCond).toMatch(/id = 7/);
    expect(plan.actualRows).toBeUndefined(); // not run without ANALYZE
    expect(scans(plan)).toEqual(['Index Scan using t_pkey on t']);
  });

  it('with analyze, counts the rows kept and the rows a filter threw away', async () => {
    const plan = await explain(db(), "SELECT * FROM t WHERE v = 'v10'", [], { analyze: true });
    expect(plan).toMatchObject({ type: 'Seq Scan', actualRows: 1, removedByFilter: 1999 });
    expect(plan.filter).toMatch(/v = 'v10'/);
  });

  it('multiplies per-loop rows by loops', () => {
    expect(parsePlan({ 'Node Type': 'Index Scan', 'Plan Rows': 1,
      'Actual Rows': 2.5, 'Actual Loops': 4 }).actualRows).toBe(10);
  });

  it('walks children: a sort over a scan', async () => {
    const plan = await explain(db(), 'SELECT * FROM t WHERE v > $1 ORDER BY v', ['v5']);
    expect(nodes(plan).map((n) => n.type)).toEqual(['Sort', 'Seq Scan']);
    expect(outline(plan)[1]).toMatch(/^ {2}Seq Scan on t {2}filter/);
  });

  it('rolls back what ANALYZE executed: a DELETE deletes nothing', async () => {
    const plan = await explain(db(), 'DELETE FROM t WHERE id <= $1', [10], { analyze: true });
    expect(nodes(plan)[0]?.type).toBe('ModifyTable');
    const { rows } = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    expect(rows).toEqual([{ n: 2000 }]);
  });

  it('refuses empty, oversized or already-EXPLAINed input', async () => {
    await expect(explain(db(), '  ;')).rejects.toThrow(/empty/);
    await expect(explain(db(), 'EXPLAIN SELECT 1')).rejects.toThrow(/not EXPLAIN/);
    await expect(explain(db(), `SELECT '${'x'.repeat(10_001)}'`)).rejects.toThrow(/10,000/);
    await expect(explain(db(), 42 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('runs one statement only: a second one smuggled in is refused, not run', async () => {
    await expect(explain(db(), 'SELECT 1; DROP TABLE t', [], { analyze: true }))
      .rejects.toThrow(/one statement/);
    const { rows } = await db().query('SELECT count(*)::int AS n FROM t');
    expect(rows).toEqual([{ n: 2000 }]);
  });

  it('rejects output that is not a JSON plan', () => {
    expect(() => parsePlan({ Plans: [] })).toThrow(/Node Type/);
    expect(() => parsePlan({ 'Node Type': 'Seq Scan', Plans: {} })).toThrow(/not an array/);
  });
});

// pg sends a query without parameters as a simple query, which runs every
// statement in the string: the refusal must not depend on the driver.
describe('explain on a real server (pg)', () => {
  const { db } = useServerDatabase(SCHEMA, { connections: 2,
    reset: `DO $$ BEGIN IF to_regclass('t') IS NULL THEN ${SCHEMA} END IF; END $$` });
  const count = async () => (await db().query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_class WHERE relname = 't'")).rows[0]?.n;

  it.each([
    ['SELECT 1; DROP TABLE t', false],
    ['SELECT 1; DROP TABLE t', true],
    ['SELECT 1; COMMIT; DROP TABLE t;', true],
    ["SELECT ';'; DROP TABLE t", false],
  ])('refuses %j (analyze %s) before sending anything', async (sql, analyze) => {
    const error = await explain(db(), sql, [], { analyze }).catch((e: Error) => e);
    expect(await count()).toBe(1); // the table is still there
    expect(String(error)).toMatch(/one statement/);
  });

  it('explains a single statement, a trailing semicolon allowed', async () => {
    const plan = await explain(db(), 'SELECT * FROM t WHERE id = 7;');
    expect(plan).toMatchObject({ type: 'Index Scan', index: 't_pkey' });
  });
});
