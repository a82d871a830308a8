/**
 * The user lifecycle, event-driven. The users service changes a user and
 * appends the matching event in one transaction (outbox.ts). Each consumer
 * (mailing list, search index, analytics) builds its own state from the
 * events through the inbox and a position per user (inbox.ts), so copies
 * and reordering change nothing, and can rebuild that state from the log.
 * Deleting a user erases their key first: every copy of their email, in
 * the outbox, the broker, a replay or a backup, becomes unreadable.
 */
import type { Db, Queryable } from '../db/idempotency-keys.ts';
import {
  type PersonalData, SubjectErasedError,
} from '../security/crypto-shredding.ts';
import {
  consumeInOrder, ORDERED_INBOX_SCHEMA, type OrderedOutcome, OutOfOrderError,
} from './inbox.ts';
import { appendEvent, type EventMessage, OUTBOX_SCHEMA } from './outbox.ts';
import type { MemoryBroker } from './relay.ts';
import {
  EMAIL, openName, readUserEvent, type Registration, type UserEvent,
  userDeleted, userEmailVerified, userRegistered,
} from './user-events.ts';

// #region users-service
export const USERS_SCHEMA = `${OUTBOX_SCHEMA}
CREATE TABLE IF NOT EXISTS users (
  id     text PRIMARY KEY,
  email  text,                    -- sealed with the user's own key
  status text NOT NULL
    CHECK (status IN ('registered', 'verified', 'deleted'))
);`;

export async function registerUser(db: Db, pd: PersonalData,
  input: Registration, eventId: string, now: number): Promise<void> {
  const event = await userRegistered(pd, input); // validates and seals
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO users VALUES ($1, $2, 'registered')",
      [input.userId, event.payload.email]);
    await appendEvent(tx, event, eventId, now); // commits with the row
  });
}

/** false when there is nothing to verify: no event either. */
export async function verifyEmail(db: Db, userId: string, eventId: string,
  now: number): Promise<boolean> {
  const event = userEmailVerified(userId);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(`UPDATE users SET status = 'verified'
      WHERE id = $1 AND status = 'registered' RETURNING id`, [userId]);
    if (rows.length === 0) return false;
    await appendEvent(tx, event, eventId, now);
    return true;
  });
}

export async function deleteUser(db: Db, pd: PersonalData, userId: string,
  eventId: string, now: number): Promise<boolean> {
  const event = userDeleted(userId, 'user-request');
  // Shred first. If the transaction fails, the user is already
  // unreadable everywhere, and retrying the request finishes the job.
  await pd.erase(userId);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(`UPDATE users
      SET status = 'deleted', email = NULL
      WHERE id = $1 AND status <> 'deleted' RETURNING id`, [userId]);
    if (rows.length === 0) return false;
    await appendEvent(tx, event, eventId, now);
    return true;
  });
}
// #endregion users-service

// #region consumers
export const CONSUMERS_SCHEMA = `${ORDERED_INBOX_SCHEMA}
CREATE TABLE IF NOT EXISTS mailing_list (user_id text PRIMARY KEY,
  email text NOT NULL, verified boolean NOT NULL);
CREATE TABLE IF NOT EXISTS search_users (user_id text PRIMARY KEY,
  name text NOT NULL, locale text NOT NULL);
CREATE TABLE IF NOT EXISTS signup_funnel (stage text PRIMARY KEY,
  users int NOT NULL);`;

type Projection =
  (tx: Queryable, e: UserEvent, pd: PersonalData) => Promise<void>;

export const CONSUMERS = {
  // Keeps the sealed email; opens it only when a mail goes out.
  'mailing-list': async (tx, e) => {
    const id = e.data.userId;
    if (e.type === 'UserRegistered' && e.data.marketingOptIn) {
      await tx.query('INSERT INTO mailing_list VALUES ($1, $2, false)',
        [id, e.data.email]);
    } else if (e.type === 'UserEmailVerified') {
      await tx.query(`UPDATE mailing_list SET verified = true
        WHERE user_id = $1`, [id]);
    } else if (e.type === 'UserDeleted') {
      await tx.query('DELETE FROM mailing_list WHERE user_id = $1', [id]);
    }
  },
  // Must index the plain name; an erased user has none to index.
  search: async (tx, e, pd) => {
    const id = e.data.userId;
    if (e.type === 'UserRegistered') {
      const name = await openName(pd, e.data).catch((error: unknown) => {
        if (error instanceof SubjectErasedError) return undefined;
        throw error;
      });
      if (name === undefined) return; // erased: its UserDeleted follows
      await tx.query('INSERT INTO search_users VALUES ($1, $2, $3)',
        [id, name, e.data.locale]);
    } else if (e.type === 'UserDeleted') {
      await tx.query('DELETE FROM search_users WHERE user_id = $1', [id]);
    }
  },
  // Counts only, no personal data; a copy would count twice.
  analytics: async (tx, e) => {
    await tx.query(`INSERT INTO signup_funnel VALUES ($1, 1)
      ON CONFLICT (stage) DO UPDATE SET users = signup_funnel.users + 1`,
    [e.type]);
  },
} satisfies Record<string, Projection>;
export type ConsumerName = keyof typeof CONSUMERS;

/** One delivery to one consumer: read, then apply once and in order. */
export async function handle(db: Db, pd: PersonalData,
  consumer: ConsumerName, m: EventMessage, now: number)
  : Promise<OrderedOutcome> {
  if (!Object.hasOwn(CONSUMERS, consumer)) {
    throw new TypeError(`no consumer ${JSON.stringify(consumer)}`);
  }
  const event = readUserEvent(m); // a bad event touches no state
  const project: Projection = CONSUMERS[consumer];
  return consumeInOrder(db, consumer, m, now,
    (tx) => project(tx, event, pd));
}
// #endregion consumers

/**
 * One consumer's loop over a broker that redelivers whatever it did not
 * acknowledge. An event that arrives before its predecessor is left
 * unacknowledged and comes back; any other error stops the loop.
 */
export async function deliver(broker: MemoryBroker,
  consume: (m: EventMessage) => Promise<unknown>,
  order: <T>(pending: T[]) => T[] = (pending) => pending,
  maxRounds = 100): Promise<number> {
  for (let round = 0; round < maxRounds; round++) {
    const pending = order(broker.pending());
    if (pending.length === 0) return round;
    for (const { offset, message } of pending) {
      try {
        await consume(message);
        broker.ack(offset);
      } catch (error) {
        if (!(error instanceof OutOfOrderError)) throw error;
      }
    }
  }
  throw new Error(`not drained after ${maxRounds} rounds: a gap that `
    + 'never fills (a lost event) blocks its user');
}

// #region rebuild
const STATE = { 'mailing-list': 'mailing_list', search: 'search_users',
  analytics: 'signup_funnel' } as const satisfies
  Record<ConsumerName, string>;

/**
 * A new consumer, or one whose code had a bug: drop its state, inbox and
 * positions, then replay the log (in order per user). Stop its live loop
 * first; afterwards it resumes from the log's end.
 */
export async function rebuild(db: Db, pd: PersonalData,
  consumer: ConsumerName, log: Iterable<EventMessage>, now: number)
  : Promise<number> {
  if (!Object.hasOwn(STATE, consumer)) {
    throw new TypeError(`no consumer ${JSON.stringify(consumer)}`);
  }
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM inbox WHERE consumer = $1', [consumer]);
    await tx.query('DELETE FROM stream_positions WHERE consumer = $1',
      [consumer]);
    await tx.query(`DELETE FROM ${STATE[consumer]}`); // a fixed name
  });
  let applied = 0;
  for (const m of log) {
    if (await handle(db, pd, consumer, m, now) === 'processed') applied++;
  }
  return applied;
}
// #endregion rebuild

/** The newsletter's recipients: opted in, verified, and not erased. */
export async function recipients(db: Queryable, pd: PersonalData)
  : Promise<string[]> {
  const { rows } = await db.query<{ user_id: string; email: string }>(
    'SELECT user_id, email FROM mailing_list WHERE verified ORDER BY 1');
  const out: string[] = [];
  for (const r of rows) {
    try {
      out.push(await pd.decrypt(r.user_id, EMAIL, r.email));
    } catch (error) {
      if (!(error instanceof SubjectErasedError)) throw error;
    }
  }
  return out;
}

if (import.meta.main) {
  const { randomBytes } = await import('node:crypto');
  const { openDatabase } = await import('../db/database.ts');
  const { localKeyRing } = await import('../security/key-ring.ts');
  const { memorySubjectKeys, PersonalData } =
    await import('../security/crypto-shredding.ts');
  const { memoryBroker, relayOnce } = await import('./relay.ts');
  const { openEmail } = await import('./user-events.ts');
  const db = await openDatabase();
  await db.exec(USERS_SCHEMA + CONSUMERS_SCHEMA);
  // Demo only: the KEK comes from a KMS and is never printed.
  const ring = localKeyRing([{ id: 'kek-1', key: randomBytes(32) }], 'kek-1');
  const pd = new PersonalData(ring, memorySubjectKeys());
  const now = Date.UTC(2026, 11, 2);
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const names = Object.keys(CONSUMERS) as ConsumerName[];
  const subs = new Map(names.map((c) => [c, memoryBroker()]));
  const publish = async (m: EventMessage) => {
    for (const broker of subs.values()) await broker.publish(m);
  };
  const drain = async (order?: <T>(p: T[]) => T[]) => {
    const rounds: string[] = [];
    for (const [c, broker] of subs) {
      const r = await deliver(broker, (m) => handle(db, pd, c, m, now), order);
      rounds.push(`${c} ${r}`);
    }
    return rounds.join(', ');
  };
  const show = async () => {
    const q = async (sql: string) => (await db.query<{ v: string }>(sql))
      .rows.map((r) => r.v).join(', ') || '(none)';
    const to = (await recipients(db, pd)).length; // addresses not printed
    console.log(`  mailing list: ${to} recipient(s)`);
    console.log(`  search index: ${await q(
      'SELECT user_id AS v FROM search_users ORDER BY 1')}`);
    console.log(`  funnel: ${await q(`SELECT stage || '=' || users AS v
      FROM signup_funnel ORDER BY 1`)}`);
  };

  // #region demo
  await registerUser(db, pd, { userId: 'usr_ada', email: 'ada@example.com',
    name: 'Ada Lovelace', locale: 'en-GB', marketingOptIn: true }, id(), now);
  await registerUser(db, pd, { userId: 'usr_bob', email: 'bob@example.com',
    name: 'Bob Ito', locale: 'ja', marketingOptIn: false }, id(), now);
  await verifyEmail(db, 'usr_ada', id(), now);
  await relayOnce(db, publish, now);
  const reversed = <T>(pending: T[]) => [...pending].reverse();
  console.log(`newest first, rounds to drain: ${await drain(reversed)}`);
  await show();

  await deleteUser(db, pd, 'usr_ada', id(), now);
  await relayOnce(db, publish, now);
  console.log(`after deleting usr_ada, rounds: ${await drain()}`);
  await show();

  const log = subs.get('search')!.log;
  for (const m of log) { // replay: can anyone still read the email?
    const e = readUserEvent(m);
    if (e.type !== 'UserRegistered') continue;
    const read = await openEmail(pd, e.data).then(() => 'readable',
      (err: Error) => err.name); // never print the address itself
    console.log(`log: ${e.data.userId}'s email is ${read}`);
  }
  await rebuild(db, pd, 'search', log, now);
  const { rows } = await db.query<{ user_id: string }>(
    'SELECT user_id FROM search_users');
  console.log(`search rebuilt from the log: ${rows.map((r) => r.user_id)}`);
  // #endregion demo
  await db.close();
}
