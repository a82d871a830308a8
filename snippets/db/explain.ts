/**
 * EXPLAIN (FORMAT JSON) turned into a small typed plan: node types, the
 * index each scan used, and (with ANALYZE) the rows each node really
 * produced. Tests assert on node types and index names, never on costs or
 * timings, which change from run to run and machine to machine.
 * @see https://www.postgresql.org/docs/current/using-explain.html
 * @see https://www.postgresql.org/docs/current/sql-explain.html
 */
import type { Session } from './postgres-server.ts';

/** PGlite or a `pg` pool: a query, and a transaction to roll back. */
export interface Db extends Session {
  transaction<T>(work: (tx: Session) => Promise<T>): Promise<T>;
}

// #region plan-node
/** One node of a plan; costs and timings are left out on purpose. */
export interface PlanNode {
  type: string; // 'Seq Scan', 'Index Scan', 'Index Only Scan', 'Sort', …
  relation?: string;
  index?: string;
  indexCond?: string; // what the index is searched for
  filter?: string; // checked row by row after fetching
  estimatedRows: number; // the planner's guess, per loop
  actualRows?: number; // ANALYZE only: rows produced, all loops
  removedByFilter?: number; // ANALYZE only: rows read, then thrown away
  heapFetches?: number; // ANALYZE, Index Only Scan: table visits
  indexSearches?: number; // ANALYZE, PostgreSQL 18+: descents of the index
  children: PlanNode[];
}

/**
 * The plan for `sql`. With `analyze` the statement really runs, so it runs
 * in a transaction that is always rolled back: an UPDATE changes nothing.
 */
export async function explain(db: Db, sql: string, params: unknown[] = [],
  { analyze = false } = {}): Promise<PlanNode> {
  const statement = checkStatement(sql);
  if (!analyze) {
    return planOf(await db.query(`EXPLAIN (FORMAT JSON) ${statement}`,
      params));
  }
  let plan: PlanNode | undefined;
  await db.transaction(async (tx) => {
    plan = planOf(await tx.query(
      `EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${statement}`, params));
    throw ROLLBACK;
  }).catch((error: unknown) => { if (error !== ROLLBACK) throw error; });
  if (!plan) throw new Error('EXPLAIN ANALYZE returned no plan');
  return plan;
}
// #endregion plan-node

const ROLLBACK = Symbol('rollback');

function checkStatement(sql: string): string {
  if (typeof sql !== 'string') throw new TypeError('sql must be a string');
  const statement = sql.trim().replace(/[;\s]+$/, '');
  if (statement === '') throw new RangeError('sql is empty');
  // pg sends a query without parameters as a simple query, and the server
  // runs every statement in it: `SELECT 1; COMMIT; DROP TABLE t` would
  // escape even ANALYZE's rollback. Any `;` is refused, even one inside a
  // string literal (pass that value as a parameter): no SQL lexer to fool.
  if (statement.includes(';')) {
    throw new RangeError('one statement only: sql contains a ";"');
  }
  if (statement.length > 10_000) throw new RangeError('sql is over 10,000 characters');
  if (/^explain\b/i.test(statement)) {
    throw new RangeError('pass the statement, not EXPLAIN …: explain() adds it');
  }
  return statement;
}

function planOf(result: { rows: Record<string, unknown>[] }): PlanNode {
  let json = result.rows[0]?.['QUERY PLAN'];
  if (typeof json === 'string') json = JSON.parse(json); // pg may leave it as text
  const top = Array.isArray(json) ? json[0] : undefined;
  if (!isObject(top) || !isObject(top['Plan'])) {
    throw new Error('EXPLAIN output has no Plan: not FORMAT JSON?');
  }
  return parsePlan(top['Plan']);
}

/** Validates and converts one JSON plan node (and its children). */
export function parsePlan(raw: unknown): PlanNode {
  if (!isObject(raw) || typeof raw['Node Type'] !== 'string') {
    throw new Error('not a plan node: no "Node Type"');
  }
  const text = (key: string) =>
    typeof raw[key] === 'string' ? raw[key] : undefined;
  const num = (key: string) =>
    typeof raw[key] === 'number' ? raw[key] : undefined;
  const rows = num('Actual Rows'); // per loop, fractional since PostgreSQL 18
  const loops = num('Actual Loops') ?? 1;
  const children = raw['Plans'] ?? [];
  if (!Array.isArray(children)) throw new Error('"Plans" is not an array');
  const node: PlanNode = {
    type: raw['Node Type'], estimatedRows: num('Plan Rows') ?? 0,
    children: children.map(parsePlan),
  };
  const extra = {
    relation: text('Relation Name'), index: text('Index Name'),
    indexCond: text('Index Cond') ?? text('Recheck Cond'),
    filter: text('Filter'),
    actualRows: rows === undefined ? undefined : Math.round(rows * loops),
    removedByFilter: num('Rows Removed by Filter'),
    heapFetches: num('Heap Fetches'),
    indexSearches: num('Index Searches'),
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) Object.assign(node, { [key]: value });
  }
  return node;
}

/** Every node, parents before children. */
export function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...plan.children.flatMap(nodes)];
}

/** The scans in a plan, e.g. 'Index Scan using orders_number_idx on orders'. */
export function scans(plan: PlanNode): string[] {
  return nodes(plan).filter((n) => n.relation !== undefined || n.index)
    .map((n) => `${n.type}${n.index ? ` using ${n.index}` : ''}`
      + `${n.relation ? ` on ${n.relation}` : ''}`);
}

/** An indented outline of the plan, one node a line, for demos. */
export function outline(plan: PlanNode, depth = 0): string[] {
  const [scan] = scans({ ...plan, children: [] });
  const parts = [scan ?? plan.type];
  if (plan.indexCond) parts.push(`cond ${plan.indexCond}`);
  if (plan.filter) parts.push(`filter ${plan.filter}`);
  if (plan.actualRows !== undefined) parts.push(`rows ${plan.actualRows}`);
  if (plan.removedByFilter) parts.push(`removed ${plan.removedByFilter}`);
  if (plan.heapFetches !== undefined) {
    parts.push(`heap fetches ${plan.heapFetches}`);
  }
  return [`${'  '.repeat(depth)}${parts.join('  ')}`,
    ...plan.children.flatMap((c) => outline(c, depth + 1))];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
