import { transform } from 'esbuild';
import type { Plugin } from 'vite';
import { describe, expect, it, vi } from 'vitest';
import { esbuildChildren, esbuildChildrenSettle } from '../../../tests/esbuild-children.ts';
import { runnerFiles } from './run-integration.ts';

// The runner build, stood in for: one that fails, as a build of '/nowhere' would.
// Not a vi.fn, which handles the promises it returns and so would hide an unhandled rejection.
const started = vi.hoisted(() => [] as string[]);
vi.mock('./run-manifest.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./run-manifest.ts')>()),
  runFiles: (root: string) => {
    started.push(root);
    return Promise.reject(new Error('no runner build here'));
  },
}));

/** The Vite plugins the integration adds to `command`'s config. */
function vitePlugins(command: 'build' | 'dev'): Plugin[] {
  const plugins: Plugin[] = [];
  const setup = runnerFiles('/nowhere').hooks['astro:config:setup']!;
  setup({ command, updateConfig: (config: { vite?: { plugins?: Plugin[] } }) => plugins.push(...(config.vite?.plugins ?? [])) } as never);
  return plugins;
}

describe('the runner integration', () => {
  // Astro transforms server modules with this thread's service; left running, it stays through page rendering.
  it("stops this thread's esbuild service once Vite's client build closes, not sooner", async () => {
    const [plugin] = vitePlugins('build');
    const closeBundle = plugin?.closeBundle as ((this: unknown) => Promise<void>) | undefined;
    if (!closeBundle) throw new Error('no plugin with closeBundle');
    await transform('export const x = 1;', { loader: 'js' });
    expect(esbuildChildren()).toBe(1);
    await closeBundle.call({ environment: { name: 'ssr' } });
    expect(esbuildChildren()).toBe(1);
    await closeBundle.call({ environment: { name: 'client' } });
    expect(await esbuildChildrenSettle(0)).toBe(0);
  });

  it('adds no plugin outside a build (the dev server keeps its service)', () => {
    expect(vitePlugins('dev')).toEqual([]);
  });

  it('starts the runner build as Astro sets up a build, and only then; its failure waits for the pages', async () => {
    started.length = 0;
    vitePlugins('dev');
    expect(started).toEqual([]);
    vitePlugins('build');
    expect(started).toEqual(['/nowhere']);
    // A rejection left unhandled would fail this run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
