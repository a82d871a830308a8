import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/idempotency-keys.ts';
import { mulberry32, type Random } from '../db/seeded-random.ts';
import { useDatabase } from '../db/use-database.ts';
import {
  memorySubjectKeys, PersonalData, SubjectErasedError,
} from '../security/crypto-shredding.ts';
import { localKeyRing } from '../security/key-ring.ts';
import { OutOfOrderError } from './inbox.ts';
import type { EventMessage } from './outbox.ts';
import { memoryBroker, relayOnce } from './relay.ts';
import { openEmail, readUserEvent, UnknownEventError } from './user-events.ts';
import {
  type ConsumerName, CONSUMERS, CONSUMERS_SCHEMA, deleteUser, deliver, handle, rebuild,
  recipients, registerUser, USERS_SCHEMA, verifyEmail,
} from './user-lifecycle.ts';

const T0 = Date.UTC(2026, 11, 2);
const RESET = `TRUNCATE users, event_streams, event_outbox, inbox, stream_positions,
  mailing_list, search_users, signup_funnel`;
const NAMES = Object.keys(CONSUMERS) as ConsumerName[];
const person = (id: string, optIn = true) => ({ userId: `usr_${id}`,
  email: `${id}@example.com`, name: `${id[0]!.toUpperCase()}${id.slice(1)}`,
  locale: 'en', marketingOptIn: optIn });

let pd: PersonalData;
let n = 0;
const eventId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const db = useDatabase(USERS_SCHEMA + CONSUMERS_SCHEMA, { reset: RESET });
beforeEach(() => {
  pd = new PersonalData(localKeyRing([{ id: 'kek-1', key: randomBytes(32) }], 'kek-1'),
    memorySubjectKeys());
});

/** Ada (opted in, verified, then deleted), Bob (opted out, verified), Cy (opted in). */
async function story(db: Db, { deleteAda = true } = {}) {
  await registerUser(db, pd, person('ada'), eventId(), T0);
  await registerUser(db, pd, person('bob', false), eventId(), T0);
  await verifyEmail(db, 'usr_ada', eventId(), T0);
  await registerUser(db, pd, person('cy'), eventId(), T0);
  await verifyEmail(db, 'usr_bob', eventId(), T0);
  await verifyEmail(db, 'usr_cy', eventId(), T0);
  if (deleteAda) await deleteUser(db, pd, 'usr_ada', eventId(), T0);
  const log: EventMessage[] = [];
  await relayOnce(db, async (m) => { log.push(m); }, T0);
  return log;
}

/** Every consumer's state, in a comparable form. */
async function state(db: Db) {
  const rows = async (sql: string) => (await db.query(sql)).rows;
  return {
    mailing: await rows('SELECT user_id, verified FROM mailing_list ORDER BY 1'),
    recipients: await recipients(db, pd),
    search: await rows('SELECT user_id, name, locale FROM search_users ORDER BY 1'),
    funnel: await rows('SELECT stage, users FROM signup_funnel ORDER BY 1'),
  };
}

const shuffle = (random: Random) => <T>(items: T[]) => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

describe('the users service', () => {

  it('appends one event per change, numbered per user, in the same transaction', async () => {
    const log = await story(db());
    const ada = log.filter((m) => m.aggregateId === 'usr_ada');
    expect(ada.map((m) => [m.seq, m.type, m.version])).toEqual([
      [1, 'UserRegistered', 2], [2, 'UserEmailVerified', 1], [3, 'UserDeleted', 1]]);
    const { rows } = await db().query('SELECT id, email, status FROM users ORDER BY id');
    expect(rows).toEqual([
      { id: 'usr_ada', email: null, status: 'deleted' },
      { id: 'usr_bob', email: expect.any(String), status: 'verified' },
      { id: 'usr_cy', email: expect.any(String), status: 'verified' },
    ]);
    expect(JSON.stringify(rows)).not.toContain('@example.com');
  });

  it('writes no event when the change fails, and no change without its event', async () => {
    await registerUser(db(), pd, person('ada'), eventId(), T0);
    await expect(registerUser(db(), pd, person('ada'), eventId(), T0)).rejects.toThrow();
    const dup = eventId();
    await expect(verifyEmail(db(), 'usr_ada', dup, T0)).resolves.toBe(true);
    await registerUser(db(), pd, person('bob'), eventId(), T0);
    // An event id used twice fails the outbox insert, so the update rolls back.
    await expect(verifyEmail(db(), 'usr_bob', dup, T0)).rejects.toThrow();
    const { rows } = await db().query<{ n: number }>(
      'SELECT count(*)::int AS n FROM event_outbox');
    expect(rows[0]!.n).toBe(3);
    const bob = await db().query("SELECT status FROM users WHERE id = 'usr_bob'");
    expect(bob.rows).toEqual([{ status: 'registered' }]);
  });

  it('emits nothing for a change that changes nothing', async () => {
    await registerUser(db(), pd, person('ada'), eventId(), T0);
    expect(await verifyEmail(db(), 'usr_ada', eventId(), T0)).toBe(true);
    expect(await verifyEmail(db(), 'usr_ada', eventId(), T0)).toBe(false);
    expect(await verifyEmail(db(), 'usr_nobody', eventId(), T0)).toBe(false);
    expect(await deleteUser(db(), pd, 'usr_ada', eventId(), T0)).toBe(true);
    expect(await deleteUser(db(), pd, 'usr_ada', eventId(), T0)).toBe(false);
    expect(await verifyEmail(db(), 'usr_ada', eventId(), T0)).toBe(false);
    const types = await db().query('SELECT type FROM event_outbox ORDER BY seq');
    expect(types.rows.map((r) => (r as { type: string }).type))
      .toEqual(['UserRegistered', 'UserEmailVerified', 'UserDeleted']);
  });

  it('refuses a bad registration before writing anything', async () => {
    await expect(registerUser(db(), pd, { ...person('ada'), email: 'ada at example' },
      eventId(), T0)).rejects.toThrow('registration: invalid email');
    expect((await db().query('SELECT * FROM users')).rows).toEqual([]);
    expect((await db().query('SELECT * FROM event_outbox')).rows).toEqual([]);
  });

  it('shreds the key even when recording the deletion fails', async () => {
    await registerUser(db(), pd, person('ada'), eventId(), T0);
    const relayed = async () => {
      const out: EventMessage[] = [];
      await relayOnce(db(), async (m) => { out.push(m); }, T0);
      return out;
    };
    for (const m of await relayed()) await handle(db(), pd, 'search', m, T0);
    const failing: Db = { query: (sql, params) => db().query(sql, params),
      transaction: () => Promise.reject(new Error('db down')) };
    await expect(deleteUser(failing, pd, 'usr_ada', eventId(), T0)).rejects.toThrow('db down');
    const { rows } = await db().query<{ email: string }>('SELECT email FROM users');
    await expect(pd.decrypt('usr_ada', { table: 'user_events', column: 'email' },
      rows[0]!.email)).rejects.toThrow(SubjectErasedError);
    // What the page warns about: no UserDeleted went out, so a consumer's
    // plaintext copy (the indexed name) stays until the deletion is retried.
    expect(await relayed()).toEqual([]);
    const indexed = 'SELECT user_id, name FROM search_users';
    expect((await db().query(indexed)).rows).toEqual([{ user_id: 'usr_ada', name: 'Ada' }]);
    expect(await deleteUser(db(), pd, 'usr_ada', eventId(), T0)).toBe(true); // the retry
    const retried = await relayed();
    expect(retried.map((m) => m.type)).toEqual(['UserDeleted']);
    for (const m of retried) await handle(db(), pd, 'search', m, T0);
    expect((await db().query(indexed)).rows).toEqual([]);
  });
});

describe('the consumers', () => {
  const all = async (log: EventMessage[], order?: <T>(p: T[]) => T[]) => {
    for (const consumer of NAMES) {
      const broker = memoryBroker();
      for (const m of log) await broker.publish(m);
      await deliver(broker, (m) => handle(db(), pd, consumer, m, T0), order);
    }
  };
  const CLEAR = `TRUNCATE inbox, stream_positions, mailing_list, search_users,
    signup_funnel`;

  it('build each view from the events, in order', async () => {
    await all(await story(db(), { deleteAda: false }));
    expect(await state(db())).toEqual({
      mailing: [{ user_id: 'usr_ada', verified: true }, { user_id: 'usr_cy', verified: true }],
      recipients: ['ada@example.com', 'cy@example.com'],
      search: [{ user_id: 'usr_ada', name: 'Ada', locale: 'en' },
        { user_id: 'usr_bob', name: 'Bob', locale: 'en' },
        { user_id: 'usr_cy', name: 'Cy', locale: 'en' }],
      funnel: [{ stage: 'UserEmailVerified', users: 3 }, { stage: 'UserRegistered', users: 3 }],
    });
  });

  it('reach the same state whatever the order and however many copies arrive', async () => {
    const log = await story(db());
    await all(log);
    const expected = await state(db());
    expect(expected.search.map((r) => r.user_id)).toEqual(['usr_bob', 'usr_cy']);
    for (const seed of [1, 2, 3, 4]) {
      await db().exec(CLEAR);
      const random = mulberry32(seed);
      // Each event published one to three times, as a relay that crashes repeats it.
      const copies = log.flatMap((m) => Array.from({ length: 1 + Math.floor(random() * 3) },
        () => m));
      await all(copies, shuffle(random));
      expect(await state(db()), `seed ${seed}`).toEqual(expected);
    }
  });

  it('hold back a verification that arrives before its registration', async () => {
    const log = await story(db(), { deleteAda: false });
    const [registered, verified] = log.filter((m) => m.aggregateId === 'usr_ada');
    await expect(handle(db(), pd, 'mailing-list', verified!, T0)).rejects.toThrow(OutOfOrderError);
    expect((await db().query('SELECT * FROM inbox')).rows).toEqual([]);
    expect(await handle(db(), pd, 'mailing-list', registered!, T0)).toBe('processed');
    expect(await handle(db(), pd, 'mailing-list', verified!, T0)).toBe('processed');
    expect(await handle(db(), pd, 'mailing-list', verified!, T0)).toBe('duplicate');
    expect(await recipients(db(), pd)).toEqual(['ada@example.com']);
  });

  it('count each event once, though a copy arrives under a new message id', async () => {
    const log = await story(db(), { deleteAda: false });
    for (const m of log) await handle(db(), pd, 'analytics', m, T0);
    expect(await handle(db(), pd, 'analytics', { ...log[0]!, id: 'resent-1' }, T0)).toBe('stale');
    const { rows } = await db().query('SELECT users FROM signup_funnel ORDER BY stage');
    expect(rows).toEqual([{ users: 3 }, { users: 3 }]);
  });

  it('stop at an event they cannot read, recording nothing', async () => {
    const log = await story(db(), { deleteAda: false });
    const newer = { ...log[0]!, version: 3 };
    await expect(handle(db(), pd, 'search', newer, T0)).rejects.toThrow(UnknownEventError);
    const broker = memoryBroker();
    await broker.publish(newer);
    await expect(deliver(broker, (m) => handle(db(), pd, 'search', m, T0)))
      .rejects.toThrow(UnknownEventError);
    expect(broker.pending()).toHaveLength(1); // not acknowledged: parked
    expect((await db().query('SELECT * FROM inbox')).rows).toEqual([]);
    await expect(handle(db(), pd, 'billing' as ConsumerName, log[0]!, T0))
      .rejects.toThrow(new TypeError('no consumer "billing"'));
  });

  it('say when a gap never fills', async () => {
    const log = await story(db(), { deleteAda: false });
    const broker = memoryBroker();
    await broker.publish(log.find((m) => m.type === 'UserEmailVerified')!);
    await expect(deliver(broker, (m) => handle(db(), pd, 'search', m, T0), undefined, 3))
      .rejects.toThrow('not drained after 3 rounds');
  });
});

describe('erasure and replay', () => {
  const everyone = async (log: EventMessage[]) => {
    for (const consumer of NAMES) {
      for (const m of log) await handle(db(), pd, consumer, m, T0);
    }
  };

  it('leaves no readable email for a deleted user anywhere in the log', async () => {
    const log = await story(db());
    const registered = log.map(readUserEvent).flatMap((e) =>
      e.type === 'UserRegistered' ? [e.data] : []);
    const opened = await Promise.all(registered.map((d) =>
      openEmail(pd, d).catch((e: Error) => e.name)));
    expect(opened).toEqual(['SubjectErasedError', 'bob@example.com', 'cy@example.com']);
    const outbox = await db().query('SELECT payload FROM event_outbox');
    expect(JSON.stringify(outbox.rows)).not.toContain('@example.com');
  });

  it('removes the user from every view when UserDeleted arrives', async () => {
    await everyone(await story(db(), { deleteAda: false }));
    expect((await state(db())).search.map((r) => r.user_id)).toContain('usr_ada');
    await deleteUser(db(), pd, 'usr_ada', eventId(), T0);
    const later: EventMessage[] = [];
    await relayOnce(db(), async (m) => { later.push(m); }, T0);
    expect(later.map((m) => m.type)).toEqual(['UserDeleted']);
    await everyone(later);
    const s = await state(db());
    expect(s.recipients).toEqual(['cy@example.com']);
    expect(JSON.stringify([s.mailing, s.search])).not.toContain('usr_ada');
  });

  it('rebuilds a view from the log to the state the live consumer reached', async () => {
    const log = await story(db());
    await everyone(log);
    const live = await state(db());
    await db().exec("UPDATE search_users SET name = 'corrupted'");
    for (const consumer of NAMES) {
      expect(await rebuild(db(), pd, consumer, log, T0)).toBe(log.length);
    }
    expect(await state(db())).toEqual(live);
  });

  it('cannot bring a deleted user back from a log that lost the deletion', async () => {
    const log = await story(db());
    const withoutDeletion = log.filter((m) => m.type !== 'UserDeleted');
    await everyone(withoutDeletion);
    const s = await state(db());
    expect(s.search.map((r) => r.user_id)).toEqual(['usr_bob', 'usr_cy']);
    // The mailing list holds Ada's sealed email, which nothing can open.
    expect(s.mailing.map((r) => r.user_id)).toEqual(['usr_ada', 'usr_cy']);
    expect(s.recipients).toEqual(['cy@example.com']);
  });

  it('refuses to rebuild a consumer that does not exist', async () => {
    await expect(rebuild(db(), pd, 'mailing_list; DROP TABLE users' as ConsumerName, [], T0))
      .rejects.toThrow(TypeError);
    expect((await db().query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
  });
});
