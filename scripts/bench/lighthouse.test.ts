import { describe, expect, it } from 'vitest';
import { figuresOf, type LighthouseFigures, type LighthouseResult, lighthouseMetrics, medianFigures, withRetries } from './lighthouse.ts';

/** A Lighthouse result with the fields read, as Lighthouse 13 writes them. */
function lhr(performance: number | null, lcpMs = 900): LighthouseResult {
  return {
    requestedUrl: 'http://127.0.0.1:1/',
    categories: {
      performance: { score: performance },
      accessibility: { score: 1 },
      'best-practices': { score: 1 },
      seo: { score: 0.92 },
      'agentic-browsing': { score: 0.5 },
    },
    audits: {
      'first-contentful-paint': { numericValue: 850.4 },
      'largest-contentful-paint': { numericValue: lcpMs },
      'total-blocking-time': { numericValue: 0 },
      'cumulative-layout-shift': { numericValue: 0.073 },
      'total-byte-weight': { numericValue: 21299 },
    },
  };
}

describe('figuresOf', () => {
  it('reads the four category scores as 0–100 and the five audits', () => {
    expect(figuresOf(lhr(0.99))).toEqual({
      performance: 99,
      accessibility: 100,
      'best-practices': 100,
      seo: 92,
      fcpMs: 850.4,
      lcpMs: 900,
      tbtMs: 0,
      cls: 0.073,
      transferBytes: 21299,
    });
  });

  it('names the page and the category when a score is missing', () => {
    expect(() => figuresOf(lhr(null))).toThrow('Lighthouse gave http://127.0.0.1:1/ no "performance" score (found null)');
  });

  it('names the audit when a figure is missing', () => {
    const result = lhr(1);
    delete result.audits['total-blocking-time'];
    expect(() => figuresOf(result)).toThrow('no numericValue for audit "total-blocking-time" (found undefined)');
  });

  it("passes on Lighthouse's own error when the page did not load", () => {
    const result = { ...lhr(null), runtimeError: { code: 'ERRORED_DOCUMENT_REQUEST', message: 'Status code: 404.' } };
    expect(() => figuresOf(result)).toThrow('could not measure http://127.0.0.1:1/: ERRORED_DOCUMENT_REQUEST: Status code: 404.');
  });
});

describe('medianFigures', () => {
  it('takes the median of each figure on its own', () => {
    const runs = [lhr(0.97, 1200), lhr(1, 800), lhr(0.99, 1000)].map(figuresOf);
    expect(medianFigures(runs)).toMatchObject({ performance: 99, lcpMs: 1000, fcpMs: 850.4 });
  });

  it('refuses no runs', () => {
    expect(() => medianFigures([])).toThrow(/no runs/);
  });
});

describe('lighthouseMetrics', () => {
  const home = figuresOf(lhr(0.99, 1200));
  const peerHome: LighthouseFigures = { ...home, performance: 100, lcpMs: 1000 };

  it('gives nine rows per page, with the peer figure where the peer has the page', () => {
    const rows = lighthouseMetrics({ home, practice: home }, { home: peerHome });
    expect(rows).toHaveLength(18);
    expect(rows.find((r) => r.name === 'Lighthouse home: LCP')).toEqual({ name: 'Lighthouse home: LCP', unit: 'ms', ours: 1200, peer: 1000 });
    expect(rows.find((r) => r.name === 'Lighthouse practice: performance')).toEqual({
      name: 'Lighthouse practice: performance', unit: 'score', ours: 99, peer: null,
    });
  });

  it('has no peer figures without a peer', () => {
    expect(lighthouseMetrics({ home }, null).every((r) => r.peer === null)).toBe(true);
  });
});

describe('withRetries', () => {
  it('tries again after a failure, and gives the first success', async () => {
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new Error('NO_NAVSTART');
      return 'report';
    };
    expect(await withRetries(3, flaky)).toBe('report');
    expect(calls).toBe(3);
  });

  it('throws the last error once every attempt has failed', async () => {
    let calls = 0;
    const broken = async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    };
    await expect(withRetries(2, broken)).rejects.toThrow('failure 2');
    expect(calls).toBe(2);
  });
});
