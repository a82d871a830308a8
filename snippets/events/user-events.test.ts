import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  memorySubjectKeys, PersonalData, SubjectErasedError,
} from '../security/crypto-shredding.ts';
import { localKeyRing } from '../security/key-ring.ts';
import type { EventMessage } from './outbox.ts';
import {
  InvalidEventError, LATEST, MAX_EVENT_BYTES, openEmail, openName, readUserEvent,
  toCloudEvent, UnknownEventError, userDeleted, userEmailVerified, userRegistered,
} from './user-events.ts';

const personalData = () => new PersonalData(
  localKeyRing([{ id: 'kek-1', key: randomBytes(32) }], 'kek-1'), memorySubjectKeys());
const ada = { userId: 'usr_ada', email: 'ada@example.com', name: 'Ada Lovelace',
  locale: 'en-GB', marketingOptIn: true };
const message = (e: { aggregateId: string; type: string; version: number; payload: unknown },
  seq = 1): EventMessage => ({ id: `evt-${seq}`, seq, ...e });
const SEALED = 'A'.repeat(60);
const v1 = (payload: Record<string, unknown> = {}) => message({ aggregateId: 'usr_ada',
  type: 'UserRegistered', version: 1,
  payload: { userId: 'usr_ada', email: SEALED, name: SEALED, ...payload } });

describe('producing lifecycle events', () => {
  it('writes the latest version with email and name sealed, and reads back', async () => {
    const pd = personalData();
    const event = await userRegistered(pd, ada);
    expect(event).toMatchObject({ aggregateId: 'usr_ada', type: 'UserRegistered',
      version: LATEST.UserRegistered });
    const wire = JSON.stringify(event);
    expect(wire).not.toContain('ada@example.com');
    expect(wire).not.toContain('Ada');
    const read = readUserEvent(message(event));
    expect(read.type).toBe('UserRegistered');
    if (read.type !== 'UserRegistered') return;
    expect(read.data).toMatchObject({ locale: 'en-GB', marketingOptIn: true });
    expect(await openEmail(pd, read.data)).toBe('ada@example.com');
    expect(await openName(pd, read.data)).toBe('Ada Lovelace');
  });

  it('fits the longest allowed name and email within the sealed-field bound', async () => {
    const pd = personalData();
    const longest = { ...ada, name: '中'.repeat(200), // 3 UTF-8 bytes each
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.io` };
    expect(longest.email).toHaveLength(254);
    const event = await userRegistered(pd, longest);
    const read = readUserEvent(message(event));
    if (read.type !== 'UserRegistered') throw new Error('wrong type');
    expect(await openName(pd, read.data)).toBe(longest.name);
    expect(await openEmail(pd, read.data)).toBe(longest.email);
  });

  it('binds each sealed field to its user and column', async () => {
    const pd = personalData();
    const { payload } = await userRegistered(pd, ada);
    await expect(pd.decrypt('usr_ada', { table: 'user_events', column: 'name' },
      payload.email)).rejects.toThrow();
    await userRegistered(pd, { ...ada, userId: 'usr_eve' });
    await expect(openEmail(pd, { ...payload, userId: 'usr_eve' })).rejects.toThrow();
  });

  it('makes every copy unreadable once the user is erased, and refuses new ones', async () => {
    const pd = personalData();
    const { payload } = await userRegistered(pd, ada);
    const replayed = structuredClone(payload); // a copy in the log or a backup
    await pd.erase('usr_ada');
    await expect(openEmail(pd, replayed)).rejects.toThrow(SubjectErasedError);
    await expect(openName(pd, payload)).rejects.toThrow(SubjectErasedError);
    await expect(userRegistered(pd, ada)).rejects.toThrow(SubjectErasedError);
  });

  it('refuses bad registrations by field name, never echoing the value', async () => {
    const pd = personalData();
    const cases: [Partial<typeof ada>, string][] = [
      [{ email: 'not-an-email' }, 'email'], [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'], [{ userId: 'usr_a b' }, 'userId'],
      [{ userId: '../etc' }, 'userId'], [{ locale: 'english' }, 'locale'],
      [{ email: `${'a'.repeat(250)}@example.com` }, 'email'],
    ];
    for (const [change, field] of cases) {
      const error = await userRegistered(pd, { ...ada, ...change }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as Error).message).toBe(`registration: invalid ${field}`);
    }
    expect(() => userEmailVerified('nobody')).toThrow(InvalidEventError);
    expect(() => userDeleted('usr_ada', 'whim' as 'admin')).toThrow(
      new InvalidEventError('UserDeleted: invalid reason'));
  });

  it('produces verified and deleted events that its own reader accepts', () => {
    expect(readUserEvent(message(userEmailVerified('usr_ada'))))
      .toEqual({ type: 'UserEmailVerified', data: { userId: 'usr_ada' } });
    expect(readUserEvent(message(userDeleted('usr_ada', 'retention'))))
      .toEqual({ type: 'UserDeleted', data: { userId: 'usr_ada', reason: 'retention' } });
  });
});

describe('readUserEvent', () => {
  it('upcasts a v1 sign-up: English, and never an inferred opt-in', () => {
    expect(readUserEvent(v1()).data).toEqual({ userId: 'usr_ada', email: SEALED,
      name: SEALED, locale: 'en', marketingOptIn: false });
  });

  it('drops fields v1 lacked: a smuggled opt-in, a hostile __proto__, extras', () => {
    const payload = JSON.parse(`{"userId":"usr_ada","email":"${SEALED}","name":"${SEALED}",`
      + '"__proto__":{"marketingOptIn":true},"marketingOptIn":true,"extra":1}') as
      Record<string, unknown>;
    const { data } = readUserEvent(message({ aggregateId: 'usr_ada', type: 'UserRegistered',
      version: 1, payload }));
    expect(data).not.toHaveProperty('extra');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect((data as { marketingOptIn: boolean }).marketingOptIn).toBe(false);
  });

  it('refuses a version newer than it knows, with the fix in the message', () => {
    expect(() => readUserEvent({ ...v1(), version: 3 })).toThrow(new UnknownEventError(
      'UserRegistered v3 is newer than this reader (v1-v2): upgrade consumers before producers'));
    expect(() => readUserEvent({ ...v1(), type: 'UserDeleted', version: 2 }))
      .toThrow(UnknownEventError);
  });

  it('refuses unknown types, including names every object inherits', () => {
    for (const type of ['UserPromoted', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => readUserEvent({ ...v1(), type })).toThrow(UnknownEventError);
    }
  });

  it('echoes at most 64 characters of an unknown type, escaped', () => {
    const type = `Evil\n${'X'.repeat(5000)}`;
    const error = (() => { try { readUserEvent({ ...v1(), type }); } catch (e) { return e as Error; } })();
    expect(error?.message).toBe(`unknown event type ${JSON.stringify(type.slice(0, 64))}`);
    expect(error?.message).not.toContain('\n');
  });

  it('refuses a version that is not a positive integer', () => {
    for (const version of [0, -1, 1.5, Number.NaN, '1' as unknown as number]) {
      expect(() => readUserEvent({ ...v1(), version })).toThrow(InvalidEventError);
    }
  });

  it('refuses an oversized payload before validating it', () => {
    const big = v1({ note: 'x'.repeat(MAX_EVENT_BYTES) });
    expect(() => readUserEvent(big)).toThrow(
      new RangeError(`UserRegistered: payload over ${MAX_EVENT_BYTES} bytes`));
    const multibyte = v1({ note: 'é'.repeat(MAX_EVENT_BYTES / 2) }); // 2 bytes each
    expect(() => readUserEvent(multibyte)).toThrow(RangeError);
  });

  it('refuses a plaintext email where a sealed one belongs, without echoing it', () => {
    const error = (() => {
      try { readUserEvent(v1({ email: 'ada@example.com' })); } catch (e) { return e as Error; }
    })();
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error?.message).toBe('UserRegistered v1: invalid email');
  });

  it('refuses payloads of the wrong shape', () => {
    for (const payload of [null, [], 'usr_ada', 42, {}, { userId: 'usr_ada' }]) {
      expect(() => readUserEvent({ ...v1(), payload })).toThrow(InvalidEventError);
    }
    expect(() => readUserEvent({ ...v1(), payload: undefined })).toThrow(InvalidEventError);
  });

  it('refuses an event whose user is not the aggregate it was keyed by', () => {
    expect(() => readUserEvent({ ...v1(), aggregateId: 'usr_eve' })).toThrow(
      new InvalidEventError('UserRegistered: userId is not the aggregate id'));
  });
});

describe('toCloudEvent', () => {
  it('carries the four required attributes, the subject and the partition key', () => {
    const m = message(userEmailVerified('usr_ada'), 2);
    expect(toCloudEvent(m, 'https://users.example.com')).toEqual({
      specversion: '1.0', id: 'evt-2', source: 'https://users.example.com',
      type: 'com.example.user.email-verified.v1', subject: 'usr_ada',
      partitionkey: 'usr_ada', datacontenttype: 'application/json',
      data: { userId: 'usr_ada' },
    });
    expect(toCloudEvent(v1(), 'urn:example:users').type)
      .toBe('com.example.user.registered.v1');
  });

  it('refuses a source that is not an absolute URI', () => {
    for (const source of ['', 'users', '/users', 'https:// x']) {
      expect(() => toCloudEvent(v1(), source)).toThrow(TypeError);
    }
  });
});
