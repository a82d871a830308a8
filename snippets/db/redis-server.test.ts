import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redisBinary, startRedis } from './redis-server.ts';
import { redisSkipped } from './use-redis.ts';

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

describe.skipIf(redisSkipped)('stop()', () => {
  it('shuts the server down and deletes its folder', async () => {
    const server = await startRedis();
    const client = await server.client();
    const dir = (await client.configGet('dir')).dir!;
    expect(existsSync(dir)).toBe(true);
    await server.stop();
    expect(existsSync(dir)).toBe(false);
    expect(client.isOpen).toBe(false);
  });
});
