import { describe, expect, it, vi } from 'vitest';
import { createReadiness, type Check } from './health.ts';
import { createProbes } from './readiness.ts';

function setup(db: Check = async () => {}) {
  const check = vi.fn(db);
  const probes = createProbes(createReadiness({ checks: { db: check }, cacheMs: 0 }));
  const status = async (path: string) => {
    const res = await probes.routes.request(path);
    return { code: res.status, body: await res.json() };
  };
  return { probes, check, status };
}

describe('probes across the lifecycle', () => {
  it('while starting: startup and readiness fail, liveness passes', async () => {
    const { probes, check, status } = setup();
    expect(probes.phase()).toBe('starting');
    expect(await status('/startupz')).toEqual({ code: 503, body: { status: 'starting' } });
    expect(await status('/readyz')).toEqual({ code: 503, body: { status: 'starting' } });
    expect((await status('/livez')).code).toBe(200);
    expect(check).not.toHaveBeenCalled(); // no dependency load during boot
  });

  it('once started: startup passes and readiness asks the checks', async () => {
    const { probes, check, status } = setup();
    probes.started();
    expect(await status('/startupz')).toEqual({ code: 200, body: { status: 'up' } });
    expect(await status('/readyz')).toEqual(
      { code: 200, body: { status: 'up', checks: { db: 'up' } } });
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('a dependency outage fails readiness only, never liveness', async () => {
    const { probes, status } = setup(async () => { throw new Error('down'); });
    probes.started();
    expect((await status('/readyz')).code).toBe(503);
    expect((await status('/livez')).code).toBe(200);
    expect((await status('/startupz')).code).toBe(200);
  });

  it('draining: readiness fails without checking, liveness still passes',
    async () => {
      const { probes, check, status } = setup();
      probes.started();
      probes.drain();
      expect(await status('/readyz')).toEqual(
        { code: 503, body: { status: 'draining' } });
      expect((await status('/livez')).code).toBe(200);
      expect(check).not.toHaveBeenCalled();
    });

  it('never returns from draining, even if started() comes late', async () => {
    const { probes, status } = setup();
    probes.drain(); // SIGTERM during warm-up
    probes.started();
    expect(probes.phase()).toBe('draining');
    expect((await status('/readyz')).code).toBe(503);
  });

  it('answers with no-store so no cache replays an old state', async () => {
    const { probes } = setup();
    for (const path of ['/startupz', '/livez', '/readyz']) {
      const res = await probes.routes.request(path);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});
