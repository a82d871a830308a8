/**
 * A small service with the three probes and a graceful SIGTERM, run as a
 * real process by health-server.test.ts. It prints one JSON line per event
 * (listening, started, draining, exit) so the test can follow it.
 *
 *   PORT=8080 DRAIN_DELAY_MS=5000 DEADLINE_MS=25000 \
 *     node snippets/reliability/health-server.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { exitOnSignals, gracefulShutdown } from './graceful-shutdown.ts';
import { createReadiness } from './health.ts';
import { createProbes } from './readiness.ts';

export interface Settings {
  /** Unset: every address, IPv6 too where the host has it (Node's default). */
  host: string | undefined;
  port: number;
  delayMs: number;
  deadlineMs: number;
  /** How long `/slow` takes: a stand-in for a long request. */
  slowMs: number;
  /** Simulated warm-up before startup passes. */
  warmUpMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number,
  max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) {
    throw new RangeError(`${name} must be an integer 0-${max}, got ${raw}`);
  }
  return Number(raw);
}

/** Reads the settings; a bad value stops the process before it listens. */
export function settings(env: NodeJS.ProcessEnv): Settings {
  const s = {
    host: env.HOST || undefined,
    port: int(env, 'PORT', 8080, 65535),
    delayMs: int(env, 'DRAIN_DELAY_MS', 5_000, 600_000),
    deadlineMs: int(env, 'DEADLINE_MS', 25_000, 600_000),
    slowMs: int(env, 'SLOW_MS', 2_000, 600_000),
    warmUpMs: int(env, 'WARM_UP_MS', 0, 600_000),
  };
  if (s.deadlineMs <= s.delayMs) {
    throw new RangeError('DEADLINE_MS must be greater than DRAIN_DELAY_MS');
  }
  return s;
}

/**
 * Node's http server in front of a Hono app (GET and HEAD only). It never
 * rejects: an async request listener that throws is an unhandled rejection,
 * which ends the process, so one odd request could take the instance down.
 */
export function nodeHandler(app: Hono) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    // Node's parser accepts targets such as `http://[` that URL rejects.
    const url = URL.parse(req.url ?? '/', 'http://localhost');
    if (!url) {
      res.writeHead(400, { Connection: 'close' }).end();
      return;
    }
    try {
      const response = await app.fetch(new Request(url, { method: req.method }));
      const body = req.method === 'HEAD' ? undefined : await response.text();
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(body);
    } catch {
      // The details belong in the log; the client learns nothing from them.
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end();
    }
  };
}

function log(event: object) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

if (import.meta.main) {
  let config: Settings;
  try {
    config = settings(process.env);
  } catch (error) {
    console.error(String(error));
    process.exit(2);
  }
  // #region wiring
  const probes = createProbes(createReadiness({
    checks: { db: async () => {} }, // the real app checks its pool here
  }));
  const app = new Hono()
    .route('/', probes.routes)
    .get('/slow', async () => {
      log({ event: 'request', path: '/slow' });
      await sleep(config.slowMs);
      return new Response('done');
    });
  const server = createServer(nodeHandler(app));
  const shutdown = gracefulShutdown(server, {
    onDrain: () => { probes.drain(); log({ event: 'draining' }); },
    delayMs: config.delayMs,
    deadlineMs: config.deadlineMs,
  });
  exitOnSignals(process, shutdown, (code) => {
    log({ event: 'exit', code });
    process.exit(code);
  });
  // The kubelet probes the Pod's IP, so listen on every interface.
  server.listen(config.port, config.host, async () => {
    const address = server.address();
    const port = typeof address === 'object' && address?.port;
    log({ event: 'listening', port });
    await sleep(config.warmUpMs); // open pools, run checks, fill caches
    probes.started();
    log({ event: 'started' });
  });
  // #endregion wiring
}
