/**
 * Q12: one query written twice, as parameterized SQL and through Drizzle,
 * plus the SQL Drizzle generates for it and the escape hatch for what the
 * query builder cannot say.
 * @see https://orm.drizzle.team/docs/select
 * @see https://orm.drizzle.team/docs/sql
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { openDatabase } from './database.ts';
import {
  customers, openOrm, orders, ORM_SCHEMA_SQL, seedShop, type Orm,
} from './orm-schema.ts';
import type { Session } from './postgres-server.ts';

export interface OrderRow { id: number; customerId: number; totalCents: number }
export interface BigOrdersArgs {
  customerId: number;
  minCents: number;
  limit?: number;
}

/** Checked once, for both versions: a bad id is the caller's bug. */
export function checkArgs({ customerId, minCents, limit = 10 }: BigOrdersArgs) {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max}`
        + `, got ${String(v)}`);
    }
  };
  int('customerId', customerId, 1, 2 ** 31 - 1);
  int('minCents', minCents, 0, 2 ** 31 - 1);
  int('limit', limit, 1, 100);
  return { customerId, minCents, limit };
}

// #region raw-sql
/** A customer's orders of at least `minCents`, newest first. */
export async function bigOrdersSql(db: Session, args: BigOrdersArgs) {
  const { customerId, minCents, limit } = checkArgs(args);
  const { rows } = await db.query<OrderRow>(
    `SELECT id, customer_id AS "customerId", total_cents AS "totalCents"
       FROM orders
      WHERE customer_id = $1 AND total_cents >= $2
      ORDER BY id DESC
      LIMIT $3`,
    [customerId, minCents, limit]); // values travel apart from the text
  return rows;
}
// #endregion raw-sql

// #region orm-query
/** The same query through Drizzle: typed columns, the same SQL. */
export function bigOrdersQuery(db: Orm, args: BigOrdersArgs) {
  const { customerId, minCents, limit } = checkArgs(args);
  return db
    .select({
      id: orders.id,
      customerId: orders.customerId,
      totalCents: orders.totalCents,
    })
    .from(orders)
    .where(and(
      eq(orders.customerId, customerId),
      gte(orders.totalCents, minCents),
    ))
    .orderBy(desc(orders.id))
    .limit(limit);
}
// #endregion orm-query

// #region escape-hatch
/**
 * Case-insensitive lookup: the builder has no lower(), so write SQL.
 * The sql tag still sends `email` as a parameter; sql.raw() would not.
 */
export async function findCustomerByEmail(db: Orm, email: string) {
  if (email.length === 0 || email.length > 254) {
    throw new RangeError('email must be 1 to 254 characters');
  }
  const [found] = await db.select().from(customers)
    .where(sql`lower(${customers.email}) = lower(${email})`)
    .limit(1);
  return found;
}
// #endregion escape-hatch

if (import.meta.main) {
  const client = await openDatabase();
  try {
    await client.exec(ORM_SCHEMA_SQL);
    const db = openOrm(client);
    await seedShop(db, 3, () => 4);
    const args = { customerId: 2, minCents: 2000, limit: 2 };
    // toSQL() compiles without running: what the database will receive.
    const { sql: text, params } = bigOrdersQuery(db, args).toSQL();
    console.log('Drizzle sends:');
    console.log(text.replace(/ (from|where|order by|limit) /g, '\n  $1 '));
    console.log('params:', JSON.stringify(params));
    const viaSql = await bigOrdersSql(client, args);
    const viaOrm = await bigOrdersQuery(db, args);
    console.log('raw SQL rows:', JSON.stringify(viaSql));
    console.log('same rows from Drizzle:',
      JSON.stringify(viaSql) === JSON.stringify(viaOrm));
    const found = await findCustomerByEmail(db, 'C2@Example.COM');
    console.log('found by email:', found?.name);
    const hostile = await findCustomerByEmail(db, "x' OR '1'='1");
    console.log('injection attempt finds:', hostile ?? 'nothing');
  } finally {
    await client.close();
  }
}
