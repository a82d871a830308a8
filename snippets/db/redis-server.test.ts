import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redisBinary, startRedis } from './redis-server.ts';
import { redisSkipped, useRedis } from './use-redis.ts';

describe('redisBinary', () => {
  it('prefers REDIS_SERVER, and finds nothing on an empty PATH', () => {
    expect(redisBinary({ REDIS_SERVER: '/opt/redis/bin/redis-server' }))
      .toBe('/opt/redis/bin/redis-server');
    expect(redisBinary({ PATH: '/nonexistent' })).toBeUndefined();
  });
});

describe('startRedis without a server to run', () => {
  it('says how to get one', async () => {
    await expect(startRedis({ binary: '' })).rejects.toThrow(/apt-get install redis-server/);
  });

  it('rejects with the log when the binary does not start', async () => {
    await expect(startRedis({ binary: '/nonexistent/redis-server' }))
      .rejects.toThrow(/redis-server did not start: spawn .*ENOENT/);
  });
});

describe.skipIf(redisSkipped)('a real Redis server', () => {
  const redis = useRedis();

  it('answers on loopback, empty, without persistence', async () => {
    const server = redis.server();
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await redis.client().dbSize()).toBe(0);
    const config = await redis.client().configGet('save');
    expect(config.save).toBe('');
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

  it('stop() shuts the server down and deletes its folder', async () => {
    const other = await startRedis();
    const client = await other.client();
    const dir = (await client.configGet('dir')).dir!;
    expect(existsSync(dir)).toBe(true);
    await other.stop();
    expect(existsSync(dir)).toBe(false);
    await expect(startRedis().then(async (s) => { await s.stop(); return 'ok'; })).resolves.toBe('ok');
  });
});
