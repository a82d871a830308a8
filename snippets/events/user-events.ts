/**
 * The user lifecycle's event contract: UserRegistered (v1, v2),
 * UserEmailVerified and UserDeleted, each a zod schema per version. The
 * producer always writes the latest version; a reader validates what it
 * gets, upcasts old versions to the latest and refuses what it does not
 * know. Email and name travel sealed with the user's own key
 * (../security/crypto-shredding.ts), so erasing that key makes every stored
 * and replayed copy unreadable.
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/spec.md
 */
import { z } from 'zod';
import type { Field, PersonalData } from '../security/crypto-shredding.ts';
import type { EventMessage, NewEvent } from './outbox.ts';

// #region schemas
const UserId = z.string().regex(/^usr_[A-Za-z0-9]{1,40}$/);
/** A field sealed with the user's key: nonce, ciphertext, tag. */
const Sealed = z.string().regex(/^[A-Za-z0-9_-]{38,1200}$/);

const RegisteredV1 = z.object({ userId: UserId, email: Sealed,
  name: Sealed });
// v2: the sign-up form gained a locale and a marketing opt-in.
const RegisteredV2 = RegisteredV1.extend({
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/),
  marketingOptIn: z.boolean() });
const EmailVerifiedV1 = z.object({ userId: UserId });
const DeletedV1 = z.object({ userId: UserId,
  reason: z.enum(['user-request', 'retention', 'admin']) });

/** Every version a reader knows, oldest first: index = version - 1. */
const VERSIONS = {
  UserRegistered: [RegisteredV1, RegisteredV2],
  UserEmailVerified: [EmailVerifiedV1],
  UserDeleted: [DeletedV1],
} as const;

export type UserRegistered = z.infer<typeof RegisteredV2>;
export type UserEvent =
  | { type: 'UserRegistered'; data: UserRegistered }
  | { type: 'UserEmailVerified'; data: z.infer<typeof EmailVerifiedV1> }
  | { type: 'UserDeleted'; data: z.infer<typeof DeletedV1> };
// #endregion schemas

type EventType = keyof typeof VERSIONS;
type Data = Record<string, unknown>;

/** Upcasters: UP[type][n - 1] turns version n into n + 1. */
const UP: { [T in EventType]: ((d: Data) => Data)[] } = {
  UserRegistered: [
    // Before v2 the site was English-only and asked for no consent:
    // consent is never inferred, so an old sign-up is opted out.
    (d) => ({ ...d, locale: 'en', marketingOptIn: false }),
  ],
  UserEmailVerified: [],
  UserDeleted: [],
};

/** Latest version of each type: what producers write. */
export const LATEST = {
  UserRegistered: 2, UserEmailVerified: 1, UserDeleted: 1,
} as const satisfies Record<EventType, number>;

/** Small events: a lifecycle event carries ids and sealed fields only. */
export const MAX_EVENT_BYTES = 8 * 1024;

/** A type or version this reader does not know: park, don't skip. */
export class UnknownEventError extends Error {
  override name = 'UnknownEventError';
}
/** The payload breaks its schema. Names fields, never their values. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Parses or throws InvalidEventError naming the fields (not values). */
function check<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input); // an object schema drops extras
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)');
  throw new InvalidEventError(`${what}: invalid ${
    [...new Set(fields)].join(', ')}`);
}

// #region read
export function readUserEvent(m: EventMessage): UserEvent {
  const type = String(m.type);
  if (!Object.hasOwn(VERSIONS, type)) { // not `in`: "toString" is in {}
    const shown = JSON.stringify(type.slice(0, 64)); // escaped, short
    throw new UnknownEventError(`unknown event type ${shown}`);
  }
  const versions = VERSIONS[type as EventType];
  const v = m.version;
  if (!Number.isInteger(v) || v < 1) {
    throw new InvalidEventError(`${type}: version must be an integer >= 1`);
  }
  if (v > versions.length) {
    throw new UnknownEventError(`${type} v${v} is newer than this reader `
      + `(v1-v${versions.length}): upgrade consumers before producers`);
  }
  const json = JSON.stringify(m.payload) ?? '';
  if (Buffer.byteLength(json) > MAX_EVENT_BYTES) {
    throw new RangeError(`${type}: payload over ${MAX_EVENT_BYTES} bytes`);
  }
  let data: Data = check(versions[v - 1]!, m.payload, `${type} v${v}`);
  for (let n = v; n < versions.length; n++) {
    data = UP[type as EventType][n - 1]!(data);
  }
  if (data.userId !== m.aggregateId) {
    throw new InvalidEventError(`${type}: userId is not the aggregate id`);
  }
  return { type, data } as UserEvent;
}
// #endregion read

// #region produce
export const EMAIL: Field = { table: 'user_events', column: 'email' };
export const NAME: Field = { table: 'user_events', column: 'name' };

export interface Registration {
  userId: string; email: string; name: string;
  locale: string; marketingOptIn: boolean;
}
const RegistrationInput = z.object({ userId: UserId,
  email: z.email().max(254), name: z.string().trim().min(1).max(200),
  locale: RegisteredV2.shape.locale, marketingOptIn: z.boolean() });

/** The event for a sign-up: personal fields sealed, latest version. */
export async function userRegistered(pd: PersonalData, input: Registration)
  : Promise<NewEvent & { payload: UserRegistered }> {
  const { userId, email, name, locale, marketingOptIn } =
    check(RegistrationInput, input, 'registration');
  const payload = RegisteredV2.parse({ userId, locale, marketingOptIn,
    email: await pd.encrypt(userId, EMAIL, email),
    name: await pd.encrypt(userId, NAME, name) });
  return { aggregateId: userId, type: 'UserRegistered',
    version: LATEST.UserRegistered, payload };
}

/** Opens a sealed field; SubjectErasedError once the user is erased. */
export const openEmail = (pd: PersonalData, d: UserRegistered) =>
  pd.decrypt(d.userId, EMAIL, d.email);
export const openName = (pd: PersonalData, d: UserRegistered) =>
  pd.decrypt(d.userId, NAME, d.name);
// #endregion produce

export function userEmailVerified(userId: string): NewEvent {
  const payload = check(EmailVerifiedV1, { userId }, 'UserEmailVerified');
  return { aggregateId: userId, type: 'UserEmailVerified',
    version: LATEST.UserEmailVerified, payload };
}

export function userDeleted(userId: string,
  reason: z.infer<typeof DeletedV1>['reason']): NewEvent {
  const payload = check(DeletedV1, { userId, reason }, 'UserDeleted');
  return { aggregateId: userId, type: 'UserDeleted',
    version: LATEST.UserDeleted, payload };
}

// #region cloud-event
/**
 * The same event as a CloudEvents 1.0 JSON envelope for other teams:
 * the four required attributes, the user as `subject`, and the
 * partitioning extension's `partitionkey` so a broker keeps one user's
 * events together. Sealed fields stay sealed inside `data`.
 */
export function toCloudEvent(m: EventMessage, source: string) {
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(source)) {
    throw new TypeError('source must be an absolute URI');
  }
  const name = m.type.replace(/^User/, '').replace(/[A-Z]/g,
    (c, i: number) => (i ? '-' : '') + c.toLowerCase());
  return { specversion: '1.0', id: m.id, source,
    type: `com.example.user.${name}.v${m.version}`,
    subject: m.aggregateId, partitionkey: m.aggregateId,
    datacontenttype: 'application/json', data: m.payload };
}
// #endregion cloud-event

if (import.meta.main) {
  const base = { id: 'evt-1', aggregateId: 'usr_1', seq: 1 };
  const sealed = 'A'.repeat(60); // stands in for a sealed field here
  const v1 = { ...base, type: 'UserRegistered', version: 1,
    payload: { userId: 'usr_1', email: sealed, name: sealed } };
  const e = readUserEvent(v1);
  if (e.type === 'UserRegistered') {
    console.log(`v1 read as v2: locale=${e.data.locale}, `
      + `marketingOptIn=${e.data.marketingOptIn}`);
  }
  const bad = [
    { ...v1, version: 3 },
    { ...v1, type: 'UserPromoted' },
    { ...v1, payload: { ...v1.payload, email: 'ada@example.com' } },
  ];
  for (const m of bad) {
    try { readUserEvent(m); } catch (error) {
      console.log(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
