/**
 * The one data source behind the REST, GraphQL and Protocol Buffers
 * versions of "get user": the transports differ, the use case does not.
 * Production injects a database; this in-memory one records every call so
 * tests can count round trips (the N+1 problem is a count, not a feeling).
 */

// #region contract
export interface User {
  id: string;
  name: string;
  email: string;
  /** `null` for someone who reports to no one. */
  managerId: string | null;
}

/** What every transport needs from storage; a database implements it. */
export interface UserRepository {
  /** One user, or `undefined`: one round trip. */
  findById(id: string): Promise<User | undefined>;
  /** Many users in one round trip (`WHERE id = ANY($1)`), in no order. */
  findByIds(ids: readonly string[]): Promise<User[]>;
}
// #endregion contract

/** Opaque ids: letters, digits, `_` and `-`, at most 64 characters. */
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_BATCH = 100;

/** True for a string shaped like a user id; check before touching storage. */
export function isUserId(id: unknown): id is string {
  return typeof id === 'string' && USER_ID.test(id);
}

export interface RepositoryCall {
  method: 'findById' | 'findByIds';
  ids: readonly string[];
}

/**
 * An in-memory repository over `users`. `onCall` sees every round trip.
 * Throws TypeError for a malformed seed and RangeError for an oversized
 * batch, the way a database would refuse a query it cannot plan.
 */
export function createMemoryUserRepository(
  users: readonly User[],
  onCall: (call: RepositoryCall) => void = () => {},
): UserRepository {
  const byId = new Map<string, User>();
  for (const user of users) {
    if (!isUserId(user.id)) throw new TypeError(`bad user id: ${user.id}`);
    if (byId.has(user.id)) throw new TypeError(`duplicate id: ${user.id}`);
    byId.set(user.id, { ...user });
  }
  // Copies out, so a caller cannot edit the "database" by mutating a result.
  const copy = (user: User | undefined) => (user ? { ...user } : undefined);
  return {
    async findById(id) {
      onCall({ method: 'findById', ids: [id] });
      return copy(byId.get(id));
    },
    async findByIds(ids) {
      if (ids.length > MAX_BATCH) {
        throw new RangeError(`at most ${MAX_BATCH} ids, got ${ids.length}`);
      }
      onCall({ method: 'findByIds', ids: [...ids] });
      const wanted = new Set(ids);
      // Storage order, not request order: callers must re-key by id.
      return [...byId.values()].filter((u) => wanted.has(u.id))
        .map((u) => ({ ...u }));
    },
  };
}

/** A small org chart shared by the demos and tests. */
export const SAMPLE_USERS: readonly User[] = [
  { id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com', managerId: null },
  { id: 'u2', name: 'Grace Hopper', email: 'grace@example.com', managerId: 'u1' },
  { id: 'u3', name: 'Alan Turing', email: 'alan@example.com', managerId: 'u1' },
  { id: 'u4', name: 'Edsger Dijkstra', email: 'edsger@example.com', managerId: 'u2' },
];
