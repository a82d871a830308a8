/**
 * A real Redis server for a test file or describe block (redis-server.ts),
 * emptied before each test and stopped after the last one.
 *
 *   describe.skipIf(redisSkipped)('the limiter', () => {
 *     const redis = useRedis();
 *     it('…', async () => { await redis.client().get('k'); });
 *   });
 *
 * Without a redis-server binary the tests are skipped with a message that
 * says how to get one, except in CI (CI set), where they must run and fail.
 * Tests only: it registers vitest hooks, so no demo may import it.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  REDIS_HOW_TO, redisBinary, startRedis,
  type RedisClient, type RedisServer,
} from './redis-server.ts';

/** True when there is no redis-server and this is not CI. */
export const redisSkipped = !redisBinary() && !process.env.CI;
if (redisSkipped) {
  console.warn(`Skipping the tests that need Redis: no redis-server. ${REDIS_HOW_TO}`);
}

export interface UsedRedis {
  /** A client connected to the server, shared by the block's tests. */
  client(): RedisClient;
  /** The server, for more clients: `await server().client()`. */
  server(): RedisServer;
}

export function useRedis(): UsedRedis {
  let server: RedisServer | undefined;
  let client: RedisClient | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = await server.client();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    server = client = undefined;
  });
  beforeEach(async () => { await client?.flushAll(); });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(`useRedis(): ${what} exists only between beforeAll and afterAll.`);
    }
    return value;
  };
  return {
    client: () => need(client, 'the client'),
    server: () => need(server, 'the server'),
  };
}
