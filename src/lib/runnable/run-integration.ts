/**
 * The browser runner in the build: starts the one runner build
 * (run-manifest.ts) as Astro sets up a build, so it is done, or kept, by
 * the time pages ask which demos run; then writes into `dist/_run/` the
 * files of the demos pages show with a Run button, the sandbox script the
 * iframe loads, and PGlite's WebAssembly and data when a shown demo uses
 * PGlite. Nothing here loads before a reader presses Run.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { stop as stopEsbuild } from 'esbuild';
import { runFiles, usedModules } from './run-manifest.ts';

/** PGlite's files the runner sends into the sandbox, by the name the page fetches. */
export const PGLITE_FILES = { 'pglite.wasm': 'pglite.wasm', 'pglite.data': 'pglite.data' } as const;

export function runnerFiles(root: string): AstroIntegration {
  return {
    name: 'handbook-runner',
    hooks: {
      'astro:config:setup': ({ command, updateConfig }) => {
        if (command !== 'build') return;
        // Started, not awaited, as soon as the build is known to be one: the
        // pages wait for it where they need it, and a failure shows there,
        // naming the module. Started at astro:build:start, ~1.5 s later, it was
        // still running when pages asked, and they waited (CPU profile of a
        // cold build, 2026-12-02).
        runFiles(root).catch(() => {});
        // Stops this thread's esbuild service once Vite's builds are done:
        // Astro transforms server modules with it (import.meta.env), and left
        // running it stays ~15 MB resident through page rendering and the
        // EPUB, where a warm build peaks (2026-12-02, RSS sampled every
        // 0.25 s). Not sooner: a call in flight when it stops never settles.
        // The client build is Vite's last; a later call starts it again.
        // The runner build has its own, in its thread (run-manifest.ts).
        updateConfig({ vite: { plugins: [{
          name: 'handbook-runner-stop-esbuild',
          // Not in the dev server Astro runs to sync content, whose close also ends in closeBundle.
          apply: 'build',
          async closeBundle() {
            if (this.environment.name === 'client') await stopEsbuild();
          },
        }] } });
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = join(fileURLToPath(dir), '_run');
        mkdirSync(out, { recursive: true });
        const { dir: kept, manifest } = await runFiles(root);
        const names = new Set(['sandbox.js']);
        let pglite = false;
        for (const module of usedModules) {
          const demo = manifest.modules[module];
          if (!demo?.runnable) continue;
          [demo.main, demo.source, ...demo.scripts, ...(demo.pglite ? [demo.pglite] : [])].forEach((name) => names.add(name));
          pglite ||= demo.pglite !== undefined;
        }
        for (const name of names) copyFileSync(join(kept, name), join(out, name));
        if (pglite) {
          const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
          for (const [name, file] of Object.entries(PGLITE_FILES)) copyFileSync(join(dist, file), join(out, name));
        }
        logger.info(`wrote _run/: ${usedModules.size} runnable demos, ${names.size} files${pglite ? ', PGlite' : ''}`);
      },
    },
  };
}
