import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, Agent } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHandler, settings } from './health-server.ts';

const SERVER = fileURLToPath(new URL('./health-server.ts', import.meta.url));

interface Reply { status: number; body: string; connection?: string }

function get(port: number, path: string, agent?: Agent,
  method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body,
        connection: res.headers.connection }));
    }).on('error', reject).end();
  });
}

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill('SIGKILL'); });

/** Starts the server as its own process and follows its JSON lines. */
function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c) => { stderr += c; });
  const events: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    for (const w of waiters.filter((x) => x.event === event.event)) w.resolve(event);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
  });
  return {
    child, events, exited, stderr: () => stderr,
    /** Resolves with the first line of this event, past or future. */
    next(event: string) {
      const seen = events.find((e) => e.event === event);
      return seen ? Promise.resolve(seen)
        : new Promise<Record<string, unknown>>((resolve) => {
          waiters.push({ event, resolve });
        });
    },
  };
}

describe('health-server as a real process receiving SIGTERM', () => {
  it('fails readiness, finishes the slow request, and exits 0', async () => {
    // Margins for a busy CI machine: the two probes below must land within
    // the 600 ms delay, and the slow request must outlast them.
    const server = run({ DRAIN_DELAY_MS: '600', DEADLINE_MS: '5000', SLOW_MS: '1000' });
    const { port } = await server.next('listening') as { port: number };
    await server.next('started');
    expect((await get(port, '/readyz')).status).toBe(200);

    const agent = new Agent({ keepAlive: true });
    let slowDone = false;
    const slow = get(port, '/slow', agent).finally(() => { slowDone = true; });
    await server.next('request'); // the slow request is in flight
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await server.next('draining');

    // Still listening during the delay, but out of the load balancer.
    expect(await get(port, '/readyz')).toMatchObject(
      { status: 503, body: '{"status":"draining"}' });
    expect((await get(port, '/livez')).status).toBe(200);
    expect(slowDone).toBe(false);
    server.child.kill('SIGTERM'); // a second signal changes nothing

    expect(await slow).toMatchObject(
      { status: 200, body: 'done', connection: 'close' });
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000); // before the deadline
    expect(server.events.at(-1)).toEqual({ event: 'exit', code: 0 });
    expect(server.events.filter((e) => e.event === 'draining')).toHaveLength(1);
    await expect(get(port, '/livez')).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  }, 15_000);

  it('cuts off a request still running at the deadline and exits 1',
    async () => {
      const server = run({ DRAIN_DELAY_MS: '100', DEADLINE_MS: '500', SLOW_MS: '60000' });
      const { port } = await server.next('listening') as { port: number };
      const slow = get(port, '/slow', new Agent({ keepAlive: true }));
      await server.next('request');
      server.child.kill('SIGTERM');
      await expect(slow).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(await server.exited).toBe(1);
    }, 15_000);

  it('refuses to start with a bad setting', async () => {
    const server = run({ DRAIN_DELAY_MS: '5000', DEADLINE_MS: '1000' });
    expect(await server.exited).toBe(2);
    expect(server.events).toEqual([]); // it never listened
    expect(server.stderr()).toMatch(/DEADLINE_MS must be greater/);
  }, 15_000);
});

describe('settings', () => {
  it('defaults to a 5 s delay and a 25 s deadline, inside 30 s of grace', () => {
    expect(settings({})).toEqual({
      host: undefined, port: 8080, delayMs: 5000, deadlineMs: 25000, slowMs: 2000, warmUpMs: 0,
    });
  });

  it('by default listens on every address, IPv6 included', async () => {
    // The kubelet probes the Pod's IP, which is IPv6 on an IPv6 cluster;
    // 0.0.0.0 would leave every probe there unanswered.
    // Node's default is `::` (dual stack) where the host has IPv6.
    const listen = async (host?: string) => {
      const server = createServer();
      await new Promise<void>((r) => server.listen(0, host, () => r()));
      const { address } = server.address() as AddressInfo;
      server.close();
      return address;
    };
    expect(await listen(settings({}).host)).toBe(await listen());
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer 0-65535/],
    [{ PORT: '-1' }, /PORT/],
    [{ DEADLINE_MS: '1e3' }, /DEADLINE_MS/],
    [{ DRAIN_DELAY_MS: '9999999999' }, /DRAIN_DELAY_MS/],
    [{ DRAIN_DELAY_MS: '30000', DEADLINE_MS: '25000' }, /greater than/],
  ])('rejects %o', (env, message) => {
    expect(() => settings(env)).toThrow(message);
  });
});

describe('nodeHandler', () => {
  it('serves GET and HEAD from the Hono app and refuses other methods',
    async () => {
      const app = new Hono().get('/x', () => new Response('body'));
      const server = createServer(nodeHandler(app));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      try {
        expect(await get(port, '/x')).toMatchObject({ status: 200, body: 'body' });
        expect(await get(port, '/x', undefined, 'HEAD'))
          .toMatchObject({ status: 200, body: '' });
        expect((await get(port, '/x', undefined, 'POST')).status).toBe(405);
        expect((await get(port, '/nope')).status).toBe(404);
      } finally {
        server.close();
      }
    });

  it('answers 400 to a request target URL cannot parse, and keeps serving',
    async () => {
      // `GET http://[ HTTP/1.1` passes Node's parser; `new URL` throws on it.
      // Unhandled, that rejection would crash the process: one request from
      // anyone who can reach the port would take the instance down.
      const app = new Hono().get('/x', () => new Response('body'));
      const handle = nodeHandler(app);
      const server = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy()); // keep vitest alive
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      try {
        const raw = await new Promise<string>((resolve, reject) => {
          let text = '';
          const socket = connect(port, '127.0.0.1', () => socket.end(
            'GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
          socket.setEncoding('utf8').on('data', (c) => { text += c; })
            .on('close', () => resolve(text)).on('error', reject);
        });
        expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
        expect(raw).not.toMatch(/Invalid URL|ERR_INVALID_URL|at new URL/);
        expect(await get(port, '/x')).toMatchObject({ status: 200, body: 'body' });
      } finally {
        server.close();
      }
    });

  it('answers 500, saying nothing, when the app throws', async () => {
    const app = { fetch: () => { throw new Error('db at 10.0.3.7 down'); } };
    const server = createServer(nodeHandler(app as unknown as Hono));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const reply = await get(port, '/x');
      expect(reply.status).toBe(500);
      expect(reply.body).not.toContain('10.0.3.7');
    } finally {
      server.close();
    }
  }, 5_000);
});
