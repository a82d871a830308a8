import { EventEmitter } from 'node:events';
import {
  Agent, createServer, request, type IncomingHttpHeaders, type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitOnSignals, gracefulShutdown, type Outcome } from './graceful-shutdown.ts';

/** `wait` that the test fires by hand. */
function manualWait() {
  const timers: { ms: number; fire: () => void }[] = [];
  return {
    wait: (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
      timers.push({ ms, fire: resolve });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
    fire(ms: number) { for (const t of timers.filter((x) => x.ms === ms)) t.fire(); },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

interface Reply { status: number; headers: IncomingHttpHeaders; body: string }

function get(port: number, path: string, agent: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; });
      res.on('end', () => resolve(
        { status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject).end();
  });
}

const servers: Server[] = [];
const agents: Agent[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) { s.closeAllConnections(); s.close(); }
  for (const a of agents.splice(0)) a.destroy();
});

/** A server whose `/slow` answers when the test says, on keep-alive. */
async function start() {
  const release = deferred();
  const arrived = deferred();
  const server = createServer(async (req, res) => {
    if (req.url === '/stream') res.writeHead(200).write('ok '); // headers out
    if (req.url === '/slow' || req.url === '/stream') {
      arrived.resolve();
      await release.promise;
    }
    res.end(req.url === '/stream' ? 'streamed' : `ok ${req.url}`);
  });
  server.keepAliveTimeout = 60_000; // so only the drain can close it
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  agents.push(agent);
  const timers = manualWait();
  const onDrain = vi.fn();
  const shutdown = gracefulShutdown(server, {
    onDrain, delayMs: 100, deadlineMs: 1000, wait: timers.wait,
  });
  const { port } = server.address() as AddressInfo;
  return { server, port, agent, timers, onDrain, shutdown, release, arrived };
}

describe('gracefulShutdown', () => {
  it('finishes an in-flight keep-alive request, then closes promptly',
    async () => {
      const t = await start();
      expect((await get(t.port, '/warm', t.agent)).status).toBe(200);
      const slow = get(t.port, '/slow', t.agent); // reuses the warm socket
      await t.arrived.promise;
      const done = t.shutdown();
      expect(t.onDrain).toHaveBeenCalledTimes(1);
      t.timers.fire(100); // the load balancers have caught up
      await flush();
      t.release.resolve();
      const reply = await slow;
      expect(reply).toMatchObject({ status: 200, body: 'ok /slow' });
      expect(reply.headers.connection).toBe('close');
      // Without closing the now-idle keep-alive socket, close() would wait
      // for keepAliveTimeout (60 s here) and this test would time out.
      expect(await done).toBe<Outcome>('drained');
    }, 5_000);

  it('closes a keep-alive socket whose headers went out before the signal',
    async () => {
      const t = await start();
      expect((await get(t.port, '/warm', t.agent)).status).toBe(200);
      const stream = get(t.port, '/stream', t.agent);
      await t.arrived.promise;
      const done = t.shutdown();
      t.timers.fire(100);
      await flush();
      t.release.resolve();
      const reply = await stream;
      expect(reply).toMatchObject({ status: 200, body: 'ok streamed' });
      expect(reply.headers.connection).toBe('keep-alive'); // too late to say
      expect(await done).toBe('drained'); // closed once it went idle
    }, 5_000);

  it('keeps accepting during the delay, telling clients to reconnect',
    async () => {
      const t = await start();
      const done = t.shutdown();
      const reply = await get(t.port, '/late', t.agent);
      expect(reply).toMatchObject({ status: 200, body: 'ok /late' });
      expect(reply.headers.connection).toBe('close');
      t.timers.fire(100);
      expect(await done).toBe('drained');
    }, 5_000);

  it('refuses new connections once the delay is over', async () => {
    const t = await start();
    const done = t.shutdown();
    t.timers.fire(100);
    expect(await done).toBe('drained');
    await expect(get(t.port, '/after', new Agent())).rejects.toThrow(/ECONNREFUSED/);
  });

  it('cuts off what is still running at the deadline', async () => {
    const t = await start();
    const slow = get(t.port, '/slow', t.agent);
    await t.arrived.promise;
    const done = t.shutdown();
    t.timers.fire(100);
    await flush();
    t.timers.fire(1000); // the request never finished
    expect(await done).toBe('forced');
    await expect(slow).rejects.toThrow(/socket hang up|ECONNRESET/);
    t.release.resolve();
  }, 5_000);

  it('drains once however many signals arrive', async () => {
    const t = await start();
    const first = t.shutdown();
    expect(t.shutdown()).toBe(first);
    t.timers.fire(100);
    await first;
    expect(t.onDrain).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ delayMs: -1, deadlineMs: 10 }, /delayMs/],
    [{ delayMs: 1.5, deadlineMs: 10 }, /delayMs/],
    [{ delayMs: 0, deadlineMs: Number.NaN }, /deadlineMs/],
    [{ delayMs: 10, deadlineMs: 10 }, /deadlineMs <= delayMs/],
  ])('rejects %o', (times, message) => {
    expect(() => gracefulShutdown(createServer(), { onDrain: () => {}, ...times }))
      .toThrow(message);
  });
});

describe('exitOnSignals', () => {
  it.each([
    ['SIGTERM', 'drained', 0], ['SIGINT', 'drained', 0], ['SIGTERM', 'forced', 1],
  ] as const)('%s then %s exits %i', async (signal, result, code) => {
    const proc = new EventEmitter();
    const exit = vi.fn();
    exitOnSignals(proc as unknown as NodeJS.Process, async () => result, exit);
    proc.emit(signal);
    await flush();
    expect(exit).toHaveBeenCalledWith(code);
  });

  it('exits 1 when the shutdown itself fails', async () => {
    const proc = new EventEmitter();
    const exit = vi.fn();
    exitOnSignals(proc as unknown as NodeJS.Process,
      () => Promise.reject(new Error('pool.end failed')), exit);
    proc.emit('SIGTERM');
    await flush();
    expect(exit).toHaveBeenCalledWith(1);
  });
});
