import { describe, expect, it, vi } from 'vitest';
import { DeferredDemos } from './deferred-demos.ts';

const failure = (where: string) => (error: unknown) => new Error(`${where}: ${(error as Error).message}`);

describe('DeferredDemos', () => {
  it('is off until the build turns it on', () => {
    expect(new DeferredDemos().active).toBe(false);
  });

  it('gives a placeholder at once and runs each demo once, however many places show it', async () => {
    const demos = new DeferredDemos();
    const run = vi.fn(async () => 'out');
    expect(demos.placeholder('snippets/a.ts', run, failure('p.mdx:1'))).toBe('@@demo-output snippets/a.ts@@');
    demos.placeholder('snippets/a.ts', run, failure('q.mdx:2'));
    expect(run).toHaveBeenCalledTimes(1);
    expect(demos.size).toBe(1);
    await expect(demos.outcomes()).resolves.toEqual({ outputs: new Map([['snippets/a.ts', 'out']]), failures: [] });
  });

  it('does not wait for a demo to give its placeholder', () => {
    const demos = new DeferredDemos();
    expect(demos.placeholder('snippets/slow.ts', () => new Promise(() => {}), failure('p.mdx:1'))).toContain('snippets/slow.ts');
  });

  it('turns a failed demo into the error of every place that shows it, once each', async () => {
    const demos = new DeferredDemos();
    const run = async () => {
      throw new Error('exited with code 3');
    };
    demos.placeholder('snippets/a.ts', run, failure('p.mdx:1'));
    demos.placeholder('snippets/a.ts', run, failure('q.mdx:2'));
    demos.placeholder('snippets/a.ts', run, failure('q.mdx:2'));
    demos.placeholder('snippets/b.ts', async () => 'fine', failure('r.mdx:3'));
    const { outputs, failures } = await demos.outcomes();
    expect(failures).toEqual(['p.mdx:1: exited with code 3', 'q.mdx:2: exited with code 3']);
    expect(outputs).toEqual(new Map([['snippets/b.ts', 'fine']]));
  });

  it('counts a demo that throws before it starts as failed', async () => {
    const demos = new DeferredDemos();
    demos.placeholder('snippets/a.ts', () => {
      throw new Error('no such file');
    }, failure('p.mdx:1'));
    await expect(demos.outcomes()).resolves.toMatchObject({ failures: ['p.mdx:1: no such file'] });
  });
});
