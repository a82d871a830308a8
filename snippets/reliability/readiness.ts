/**
 * The three Kubernetes probes over one instance's lifecycle: starting
 * (startup and readiness fail, liveness passes), serving (readiness runs
 * the dependency checks of health.ts) and draining after SIGTERM
 * (readiness fails so the load balancers stop sending, liveness still
 * passes so the kubelet does not restart a process that is finishing).
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes
 */
import { Hono } from 'hono';
import { createReadiness, reportResponse, type Report } from './health.ts';

export type Phase = 'starting' | 'serving' | 'draining';

const HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
};

function json(status: number, body: object): Response {
  return new Response(JSON.stringify(body), { status, headers: HEADERS });
}

// #region probes
export function createProbes(readiness: { report(): Promise<Report> }) {
  let phase: Phase = 'starting';
  const routes = new Hono()
    // Startup: 503 until the warm-up is done; the kubelet holds the other
    // probes back until this one passes once.
    .get('/startupz', () => phase === 'starting'
      ? json(503, { status: 'starting' }) : json(200, { status: 'up' }))
    // Liveness: answering is the whole test. Passes while draining too.
    .get('/livez', () => json(200, { status: 'up' }))
    // Readiness: fails while starting or draining, else asks the checks.
    .get('/readyz', async () => phase === 'serving'
      ? reportResponse(await readiness.report())
      : json(503, { status: phase }));
  return {
    routes,
    phase: (): Phase => phase,
    /** Warm-up done: connections open, migrations checked, caches filled. */
    started() { if (phase === 'starting') phase = 'serving'; },
    /** SIGTERM: from now on readiness fails; there is no way back. */
    drain() { phase = 'draining'; },
  };
}
// #endregion probes

if (import.meta.main) {
  let dbUp = true;
  const probes = createProbes(createReadiness({
    checks: { db: async () => { if (!dbUp) throw new Error('down'); } },
    cacheMs: 0,
  }));
  const show = async (moment: string) => {
    const codes = [];
    for (const path of ['/startupz', '/livez', '/readyz']) {
      codes.push(`${path} ${(await probes.routes.request(path)).status}`);
    }
    console.log(`${moment.padEnd(16)} ${codes.join('  ')}`);
  };
  await show('starting');
  probes.started();
  await show('serving');
  dbUp = false;
  await show('database down');
  dbUp = true;
  probes.drain();
  await show('after SIGTERM');
}
