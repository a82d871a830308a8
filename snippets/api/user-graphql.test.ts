import { inspect } from 'node:util';
import { printSchema } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { executeUserQuery, userSchema } from './user-graphql.ts';
import {
  createMemoryUserRepository, MAX_BATCH, SAMPLE_USERS,
  type RepositoryCall, type User,
} from './user-repository.ts';

function counted(users: readonly User[] = SAMPLE_USERS) {
  const calls: RepositoryCall[] = [];
  const repo = createMemoryUserRepository(users, (c) => calls.push(c));
  return { repo, calls };
}

const TEAM = '{ users(ids: ["u2", "u3", "u4"]) { name manager { name } } }';

/** 1 boss and `n` reports, each report managed by one of five leads. */
function orgChart(n: number): User[] {
  const person = (id: string, managerId: string | null): User =>
    ({ id, name: `Name ${id}`, email: `${id}@example.com`, managerId });
  const leads = Array.from({ length: 5 }, (_, i) => person(`lead${i}`, 'boss'));
  const reports = Array.from({ length: n }, (_, i) => person(`r${i}`, `lead${i % 5}`));
  return [person('boss', null), ...leads, ...reports];
}

describe('field selection', () => {
  it('returns exactly the fields the query selects', async () => {
    const { repo } = counted();
    expect(await executeUserQuery(repo, '{ user(id: "u2") { name } }'))
      .toEqual({ data: { user: { name: 'Grace Hopper' } } });
    expect(await executeUserQuery(repo, '{ user(id: "u2") { email id } }'))
      .toEqual({ data: { user: { email: 'grace@example.com', id: 'u2' } } });
  });

  it('follows a relation in the same request', async () => {
    const { repo } = counted();
    const result = await executeUserQuery(repo,
      'query ($id: ID!) { user(id: $id) { name manager { name manager { name } } } }', { id: 'u4' });
    expect(result).toEqual({ data: { user: {
      name: 'Edsger Dijkstra',
      manager: { name: 'Grace Hopper', manager: { name: 'Ada Lovelace' } },
    } } });
  });

  it('publishes its contract as a typed schema', () => {
    const sdl = printSchema(userSchema);
    expect(sdl).toContain('manager: User');
    expect(sdl).toContain('user(id: ID!): User');
    expect(sdl).toContain('users(ids: [ID!]!): [User]');
  });
});

describe('errors', () => {
  it('treats an unknown user as data (null), not as an error', async () => {
    const { repo } = counted();
    expect(await executeUserQuery(repo, '{ user(id: "u9") { name } }'))
      .toEqual({ data: { user: null } });
  });

  it('does not query storage for a malformed id', async () => {
    const { repo, calls } = counted();
    const result = await executeUserQuery(repo, '{ user(id: "../u1") { name } }');
    expect(result).toEqual({ data: { user: null } });
    expect(calls).toEqual([]);
  });

  it('rejects an unknown field at validation: errors, no data, no storage call', async () => {
    const { repo, calls } = counted();
    const result = await executeUserQuery(repo, '{ user(id: "u2") { salary } }');
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toBe('Cannot query field "salary" on type "User".');
    expect(calls).toEqual([]);
  });

  it('rejects a missing required variable before execution', async () => {
    const { repo, calls } = counted();
    const result = await executeUserQuery(repo, 'query ($id: ID!) { user(id: $id) { name } }');
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/\$id/);
    expect(calls).toEqual([]);
  });

  it('returns partial data with a located error when one field fails', async () => {
    const { repo } = counted();
    const tooMany = JSON.stringify(Array.from({ length: MAX_BATCH + 1 }, (_, i) => `u${i}`));
    const result = await executeUserQuery(repo,
      `{ user(id: "u1") { name } users(ids: ${tooMany}) { name } }`);
    expect(result.data).toEqual({ user: { name: 'Ada Lovelace' }, users: null });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([
      [`ids: at most ${MAX_BATCH} per query`, ['users']],
    ]);
  });

  it('keeps list order and marks missing users with null', async () => {
    const { repo } = counted();
    const result = await executeUserQuery(repo, '{ users(ids: ["u3", "u9", "u1"]) { id } }');
    expect(result).toEqual({ data: { users: [{ id: 'u3' }, null, { id: 'u1' }] } });
  });
});

describe('the N+1 problem', () => {
  it('naive resolvers make 1 call for the list plus 1 per manager', async () => {
    const { repo, calls } = counted();
    await executeUserQuery(repo, TEAM, {}, { batch: false });
    expect(calls.map((c) => c.method)).toEqual(['findByIds', 'findById', 'findById', 'findById']);
  });

  it('the per-request loader makes 2 calls, with each manager fetched once', async () => {
    const { repo, calls } = counted();
    await executeUserQuery(repo, TEAM);
    expect(calls).toEqual([
      { method: 'findByIds', ids: ['u2', 'u3', 'u4'] },
      { method: 'findByIds', ids: ['u1', 'u2'] },
    ]);
  });

  it('returns the same data either way', async () => {
    const naive = await executeUserQuery(counted().repo, TEAM, {}, { batch: false });
    const batched = await executeUserQuery(counted().repo, TEAM);
    expect(batched).toEqual(naive);
    expect(batched.errors).toBeUndefined();
  });

  it('grows with N when naive and stays flat when batched', async () => {
    const users = orgChart(60);
    const query = `{ users(ids: ${JSON.stringify(users.slice(6).map((u) => u.id))}) {
      name manager { name manager { name } } } }`;
    const naive = counted(users);
    await executeUserQuery(naive.repo, query, {}, { batch: false });
    expect(naive.calls).toHaveLength(1 + 60 + 60); // list, managers, their managers
    const batched = counted(users);
    await executeUserQuery(batched.repo, query);
    expect(batched.calls.map((c) => c.ids.length)).toEqual([60, 5, 1]); // one per level
  });

  it('starts every request with an empty cache', async () => {
    const { repo, calls } = counted();
    await executeUserQuery(repo, '{ user(id: "u1") { name } }');
    await executeUserQuery(repo, '{ user(id: "u1") { name } }');
    expect(calls).toHaveLength(2);
  });
});

describe('hostile queries are refused before any resolver runs', () => {
  it('refuses alias batching: many copies of a list field in one document', async () => {
    const { repo, calls } = counted();
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: users(ids: $ids) { name manager { name } }`);
    const ids = Array.from({ length: MAX_BATCH }, () => 'u4');
    const result = await executeUserQuery(repo, `query ($ids: [ID!]!) { ${aliases.join(' ')} }`, { ids });
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/cost .* exceeds/)]);
    expect(calls).toEqual([]);
  });

  it('counts a list hidden in a variable\'s default value', async () => {
    const { repo, calls } = counted();
    const hundred = Array.from({ length: MAX_BATCH }, () => '"u1"').join(',');
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: users(ids: $ids) { name }`);
    const result = await executeUserQuery(repo, `query ($ids: [ID!]! = [${hundred}]) { ${aliases.join(' ')} }`);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/cost .* exceeds/)]);
    expect(calls).toEqual([]);
  });

  it('refuses introspection, whose lists no argument bounds', async () => {
    const { repo } = counted();
    const flood = Array.from({ length: 100 }, (_, i) => `s${i}: __schema { types { fields { name } } }`);
    const result = await executeUserQuery(repo, `{ ${flood.join(' ')} }`);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    expect(await executeUserQuery(repo, '{ user(id: "u1") { __typename name } }'))
      .toEqual({ data: { user: { __typename: 'User', name: 'Ada Lovelace' } } });
  });

  it('refuses a query nested deeper than the limit', async () => {
    const { repo, calls } = counted();
    const deep = `{ user(id: "u4") { ${'manager { '.repeat(12)}name${' }'.repeat(12)} } }`;
    const result = await executeUserQuery(repo, deep);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/depth .* exceeds/)]);
    expect(calls).toEqual([]);
  });

  it('refuses an oversized document before parsing it', async () => {
    const { repo, calls } = counted();
    const result = await executeUserQuery(repo, `{ user(id: "u1") { name } } #${'x'.repeat(20_000)}`);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('still runs the legitimate 60-user query under the same limits', async () => {
    const users = orgChart(60);
    const { repo } = counted(users);
    const result = await executeUserQuery(repo, `query ($ids: [ID!]!) {
      users(ids: $ids) { name manager { name manager { name } } } }`, { ids: users.slice(6).map((u) => u.id) });
    expect(result.errors).toBeUndefined();
    expect(result.data?.users).toHaveLength(60);
  });
});

describe('errors a resolver did not mean to show', () => {
  const secret = 'connect ECONNREFUSED 10.0.0.5:5432 password=hunter2';
  const broken = { findById: async () => { throw new Error(secret); }, findByIds: async () => { throw new Error(secret); } };

  it('are replaced by a generic message in the response and handed to the server log', async () => {
    const onError = vi.fn();
    const result = await executeUserQuery(broken, '{ user(id: "u1") { name } }', {}, { onError });
    expect(result.data).toEqual({ user: null });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([['Internal server error.', ['user']]]);
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(onError).toHaveBeenCalledWith(new Error(secret));
  });

  it('reach the default log as class, code and frames, never the message', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await executeUserQuery(broken, '{ user(id: "u1") { name } }');
      expect(result.errors?.[0]?.message).toBe('Internal server error.');
      expect(log).toHaveBeenCalledTimes(1);
      const logged = inspect(log.mock.calls, { depth: 10 }); // as the console prints it
      expect(logged).not.toContain('hunter2');
      expect(logged).not.toContain('10.0.0.5');
      expect(log.mock.calls[0]?.[1]).toMatchObject({ name: 'Error' });
    } finally {
      log.mockRestore();
    }
  });

  it('leave a GraphQLError thrown on purpose as it is', async () => {
    const onError = vi.fn();
    const tooMany = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `u${i}`);
    const result = await executeUserQuery(counted().repo, 'query ($ids: [ID!]!) { users(ids: $ids) { id } }', { ids: tooMany }, { onError });
    expect(result.errors?.[0]?.message).toBe(`ids: at most ${MAX_BATCH} per query`);
    expect(onError).not.toHaveBeenCalled();
  });
});
