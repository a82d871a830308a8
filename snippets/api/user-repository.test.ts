import { describe, expect, it } from 'vitest';
import {
  createMemoryUserRepository, isUserId, MAX_BATCH, SAMPLE_USERS,
  type RepositoryCall,
} from './user-repository.ts';

function repoWithLog() {
  const calls: RepositoryCall[] = [];
  const repo = createMemoryUserRepository(SAMPLE_USERS, (c) => calls.push(c));
  return { repo, calls };
}

describe('createMemoryUserRepository', () => {
  it('finds one user by id and reports one round trip', async () => {
    const { repo, calls } = repoWithLog();
    expect(await repo.findById('u2')).toEqual(SAMPLE_USERS[1]);
    expect(await repo.findById('u9')).toBeUndefined();
    expect(calls).toEqual([
      { method: 'findById', ids: ['u2'] },
      { method: 'findById', ids: ['u9'] },
    ]);
  });

  it('finds many users in one round trip, in storage order, skipping the missing', async () => {
    const { repo, calls } = repoWithLog();
    const found = await repo.findByIds(['u4', 'u9', 'u1', 'u4']);
    expect(found.map((u) => u.id)).toEqual(['u1', 'u4']);
    expect(calls).toHaveLength(1);
  });

  it('refuses a batch over the limit before touching storage', async () => {
    const { repo, calls } = repoWithLog();
    const ids = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `u${i}`);
    await expect(repo.findByIds(ids)).rejects.toThrow(RangeError);
    await expect(repo.findByIds(ids.slice(1))).resolves.toHaveLength(4);
    expect(calls).toHaveLength(1);
  });

  it('hands out copies, so callers cannot edit the stored users', async () => {
    const { repo } = repoWithLog();
    const user = await repo.findById('u1');
    user!.name = 'Mallory';
    (await repo.findByIds(['u1']))[0]!.email = 'evil@example.com';
    expect(await repo.findById('u1')).toEqual(SAMPLE_USERS[0]);
  });

  it('rejects a seed with a malformed or duplicate id', () => {
    const ada = SAMPLE_USERS[0]!;
    expect(() => createMemoryUserRepository([{ ...ada, id: '../1' }])).toThrow(TypeError);
    expect(() => createMemoryUserRepository([ada, ada])).toThrow(/duplicate/);
  });
});

describe('isUserId', () => {
  it.each(['u1', 'A_b-9', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(isUserId(id)).toBe(true);
  });

  it.each(['', 'x'.repeat(65), 'u1/../u2', 'u 1', "u1' OR '1'='1", 42, null])(
    'rejects %j', (id) => {
      expect(isUserId(id)).toBe(false);
    });
});
