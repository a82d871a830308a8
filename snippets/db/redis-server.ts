/**
 * A real Redis server for the tests that make claims about Redis: atomic
 * scripts, many clients at once, expiry. A fake in memory would pass those
 * tests whether or not the script is atomic.
 *
 * It runs the machine's `redis-server` (Debian's redis-server package, which
 * scripts/ensure-redis.sh installs in CI; or REDIS_SERVER=/path/to/binary),
 * listening on 127.0.0.1 only, on a free port, with no persistence, in a
 * throwaway folder. One per test file: `startRedis()` in `beforeAll`,
 * `stop()` in `afterAll` (use-redis.ts does both). It is ready in about
 * 20 ms. When it cannot start, startRedis rejects with the reason and the
 * server's log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { scratchDir } from './database.ts';
import { freePort } from './free-port.ts';

const HOST = '127.0.0.1';
const READY = 'Ready to accept connections';

const newClient = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof newClient>;

export interface RedisServer {
  url: string;
  /** A new connected client; stop() closes every client it made. */
  client(): Promise<RedisClient>;
  /** Closes the clients, shuts the server down and deletes its folder. */
  stop(): Promise<void>;
}

/** Where to get Redis, for the message a test shows when there is none. */
export const REDIS_HOW_TO =
  'Install it with "sudo apt-get install redis-server" (Debian/Ubuntu) or ' +
  '"brew install redis", or set REDIS_SERVER to a redis-server binary.';

/** The redis-server to run: REDIS_SERVER, else the one on PATH, else none. */
export function redisBinary(env = process.env): string | undefined {
  if (env.REDIS_SERVER) return env.REDIS_SERVER;
  const found = spawnSync('sh', ['-c', 'command -v redis-server'],
    { encoding: 'utf8', env: { PATH: env.PATH ?? '/usr/bin:/bin' } });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** Starts a fresh, empty server. */
export async function startRedis(
  { binary = redisBinary(), timeoutMs = 20_000 } = {}): Promise<RedisServer> {
  if (!binary) throw new Error(`No redis-server found. ${REDIS_HOW_TO}`);
  const dir = mkdtempSync(join(scratchDir(), 'redis-'));
  const port = await freePort();
  const child = spawn(binary, [
    '--bind', HOST, '--port', String(port), '--dir', dir,
    // Nothing here must survive a restart.
    '--save', '', '--appendonly', 'no',
    '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'notice',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await ready(child, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `redis://${HOST}:${port}`;
  const clients: RedisClient[] = [];
  return {
    url,
    async client() {
      const client = newClient(url);
      client.on('error', () => {}); // surfaced by the command that failed
      await client.connect();
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.allSettled(clients.map((c) => c.isOpen && c.close()));
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for the ready line; rejects with the log on exit or timeout. */
function ready(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`redis-server ${why}. Its log:\n${log.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`was not ready in ${timeoutMs} ms`),
      timeoutMs);
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(READY)) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => fail(`exited (${code})`);
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', onExit);
    child.once('error', (error) => fail(`did not start: ${error.message}`));
  });
}
