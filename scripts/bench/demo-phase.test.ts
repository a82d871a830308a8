import { describe, expect, it } from 'vitest';
import { demoPhase } from './demo-phase.ts';

const line = (file: string, start: number, end: number) => JSON.stringify({ file, start, end });

describe('demoPhase', () => {
  it('reports wall time from first start to last end, and the sum of demo times', () => {
    const log = [line('/r/snippets/a.ts', 1000, 3000), line('/r/snippets/b.ts', 1500, 2000), line('/r/snippets/c.ts', 3000, 4250)].join('\n');
    expect(demoPhase(`${log}\n`, '/r')).toEqual({
      runs: 3,
      wallSeconds: 3.25,
      sumSeconds: 3.75,
      slowest: [{ file: 'snippets/a.ts', seconds: 2 }, { file: 'snippets/c.ts', seconds: 1.25 }, { file: 'snippets/b.ts', seconds: 0.5 }],
    });
  });

  it('is all zero when every demo came from the cache', () => {
    expect(demoPhase('', '/r')).toEqual({ runs: 0, wallSeconds: 0, sumSeconds: 0, slowest: [] });
  });

  it('names the line that is not a timing', () => {
    expect(() => demoPhase(`${line('a.ts', 1, 2)}\n{"file":"b.ts"}\n`, '/r')).toThrow(/line 2 needs file, start and end/);
  });
});
