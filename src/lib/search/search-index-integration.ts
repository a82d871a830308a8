/**
 * Pagefind's index of the built site (`dist/pagefind/`), made inside
 * `astro build`. `start` goes after the integrations that change pages
 * (demo output, the book's ids) and starts Pagefind; `end` goes last and
 * waits for it. In between, the steps that only read pages (the EPUB, the
 * runner's files, the sitemap) run beside it: Pagefind is a native process,
 * and the EPUB keeps the build's thread busy for ~1.5 s. Run after the
 * build as a step of its own, it added ~1 s to every build (2026-12-02).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/** Pagefind's command-line entry in the repository at `root`. */
const pagefindBin = (root: string) => join(root, 'node_modules/pagefind/lib/runner/bin.cjs');

/** Runs Pagefind over `site`; resolves with what it printed, rejects naming its exit code and last lines. */
export function runPagefind(root: string, site: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pagefindBin(root), '--site', site], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(log);
      else reject(new Error(`pagefind --site ${site} exited with ${code}:\n${log.trim().split('\n').slice(-12).join('\n')}`));
    });
  });
}

/** The two integrations, `start` and `end`, to place as the comment above says. */
export function searchIndex(root: string): { start: AstroIntegration; end: AstroIntegration } {
  let indexing: Promise<string> | undefined;
  return {
    start: {
      name: 'handbook-search-index',
      hooks: {
        'astro:build:done': ({ dir }) => {
          indexing = runPagefind(root, fileURLToPath(dir));
          // Awaited by `end`; until then a failure must not count as unhandled.
          indexing.catch(() => {});
        },
      },
    },
    end: {
      name: 'handbook-search-index-end',
      hooks: {
        'astro:build:done': async ({ logger }) => {
          if (!indexing) throw new Error('searchIndex: `end` ran without `start`; place `start` before it in astro.config.mjs');
          const indexed = (await indexing).match(/Indexed \d+ pages/)?.[0] ?? 'done';
          logger.info(`pagefind: ${indexed.toLowerCase()}`);
        },
      },
    },
  };
}
