import { describe, expect, it } from 'vitest';
import { redisSkipped, useRedis } from './use-redis.ts';

describe.skipIf(redisSkipped)('useRedis', () => {
  const redis = useRedis();
  // Called while the file loads, before beforeAll has started the server.
  let early: unknown;
  try {
    redis.client();
  } catch (error) {
    early = error;
  }

  it('says when called before the server exists', () => {
    expect(String(early)).toMatch(/only between beforeAll and afterAll/);
  });

  it('answers on loopback, empty, without persistence', async () => {
    expect(redis.server().url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await redis.client().dbSize()).toBe(0);
    expect((await redis.client().configGet('save')).save).toBe('');
  });

  it('serves several clients at once, each its own connection', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => redis.server().client()));
    await Promise.all(clients.map((c) => c.incr('hits')));
    expect(await redis.client().get('hits')).toBe('3');
    const ids = await Promise.all(clients.map((c) => c.clientId()));
    expect(new Set(ids).size).toBe(3);
  });

  it('is emptied before each test', async () => {
    expect(await redis.client().get('hits')).toBeNull();
  });
});
