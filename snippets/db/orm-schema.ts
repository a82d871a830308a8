/**
 * The schema the ORM pages (Q12, Q66) share: customers and their orders,
 * declared once for Drizzle and once as the SQL a migration would run.
 * Drizzle does not create tables; drizzle-kit would generate this SQL from
 * the declarations. Here the test checks the two descriptions agree.
 * @see https://orm.drizzle.team/docs/sql-schema-declaration
 * @see https://orm.drizzle.team/docs/relations
 */
import type { PGlite } from '@electric-sql/pglite';
import { relations, sql } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import {
  check, index, integer, pgTable, text, type PgDatabase,
  type PgQueryResultHKT,
} from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';

// #region tables
export const customers = pgTable('customers', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  email: text().notNull().unique(),
  name: text().notNull(),
});

export const orders = pgTable('orders', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  customerId: integer('customer_id').notNull()
    .references(() => customers.id),
  totalCents: integer('total_cents').notNull(),
}, (t) => [
  check('orders_total_cents_check', sql`${t.totalCents} >= 0`),
  // PostgreSQL does not index a foreign key column by itself.
  index('orders_customer_id_idx').on(t.customerId),
]);
// #endregion tables

// #region relations
// Metadata for db.query: no column, no constraint, no SQL of its own.
export const customerRelations = relations(customers, ({ many }) => ({
  orders: many(orders),
}));
export const orderRelations = relations(orders, ({ one }) => ({
  customer: one(customers, {
    fields: [orders.customerId], references: [customers.id],
  }),
}));
// #endregion relations

export const schema = { customers, orders, customerRelations, orderRelations };
export type Schema = typeof schema;
/** Any Drizzle PostgreSQL database with this schema (PGlite, node-postgres). */
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;

/** The same tables as SQL: what a migration file would hold (Q27). */
export const ORM_SCHEMA_SQL = `
CREATE TABLE customers (
  id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name  text NOT NULL);
CREATE TABLE orders (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  total_cents integer NOT NULL
    CONSTRAINT orders_total_cents_check CHECK (total_cents >= 0));
CREATE INDEX orders_customer_id_idx ON orders (customer_id);`;

/** Drizzle over an open PGlite database; `logger` sees every statement. */
export function openOrm(client: PGlite, logger?: Logger) {
  return drizzle({ client, schema, ...(logger ? { logger } : {}) });
}

/** A few customers and orders for demos and tests (ids start at 1). */
export async function seedShop(db: Orm, customerCount: number,
  ordersPerCustomer = (i: number) => i % 3): Promise<void> {
  if (!Number.isInteger(customerCount) || customerCount < 0
    || customerCount > 1000) {
    throw new RangeError(
      `customerCount must be an integer from 0 to 1000, got ${customerCount}`);
  }
  if (customerCount === 0) return;
  const made = await db.insert(customers).values(
    Array.from({ length: customerCount }, (_, i) => ({
      email: `c${i + 1}@example.com`, name: `Customer ${i + 1}`,
    })),
  ).returning({ id: customers.id });
  const rows = made.flatMap(({ id }, i) => Array.from(
    { length: ordersPerCustomer(i) },
    (_, k) => ({ customerId: id, totalCents: 1000 * (k + 1) + id })));
  if (rows.length > 0) await db.insert(orders).values(rows);
}
