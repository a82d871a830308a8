/**
 * Pagefind's index of the built site (`dist/pagefind/`), made inside
 * `astro build`. `start` goes after the integrations that change pages
 * (demo output, the book's ids) and starts Pagefind; `end` goes last and
 * waits for it. In between, the steps that leave indexed pages alone (the
 * EPUB, the runner's files, the sitemap) run beside it: Pagefind is a
 * native process, and the EPUB keeps the build's thread busy for ~1.5 s.
 * The EPUB does write its size into the pages that link to it while
 * Pagefind reads them, so those must stay pages Pagefind skips (no
 * data-pagefind-body; tests/site/epub.test.ts checks). Run after the
 * build as a step of its own, it added ~1 s to every build (2026-12-02).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/**
 * Pagefind's own executable in the repository at `root`, found by the
 * function its command-line wrapper (lib/runner/bin.cjs) uses. Not the
 * wrapper: it runs the executable with spawnSync, so stopping the wrapper
 * would leave the executable running.
 */
function pagefindExecutable(root: string): string {
  // An ES module, loaded with require so Pagefind starts in this tick (see runPagefind).
  const { resolveBinaryPath } = createRequire(import.meta.url)(join(root, 'node_modules/pagefind/lib/resolveBinary.js')) as {
    resolveBinaryPath(names: string[]): string;
  };
  return resolveBinaryPath(['pagefind_extended', 'pagefind']);
}

/**
 * Runs Pagefind over the pages of `site` that `glob` matches (all by
 * default); resolves with what it printed, rejects naming its exit code
 * and last lines. Stopped if this process exits first: when a
 * later integration fails, Astro's CLI exits at once, and Pagefind would
 * otherwise go on writing `pagefind/` into the failed build's folder.
 */
export function runPagefind(root: string, site: string, glob?: string): Promise<string> {
  const args = ['--site', site, ...(glob ? ['--glob', glob] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(pagefindExecutable(root), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = () => child.kill();
    process.once('exit', stop);
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      process.off('exit', stop);
      if (code === 0) resolve(log);
      else reject(new Error(`pagefind ${args.join(' ')} exited with ${code}:\n${log.trim().split('\n').slice(-12).join('\n')}`));
    });
  });
}

/**
 * The pages Pagefind reads: only question pages carry data-pagefind-body
 * (tests/site/built-site.test.ts checks), and with a body on any page
 * Pagefind indexes no page without one. Left to read every page, it also
 * parsed the book's 5 MB for nothing: the index came out byte for byte the
 * same, for ~0.4 s less of its CPU (1.09 against 0.71 s, `pagefind --site
 * dist` on the built site, 2026-12-03).
 */
export const INDEXED_PAGES = 'questions/*/index.html';

/** The two integrations, `start` and `end`, to place as the comment above says. */
export function searchIndex(root: string): { start: AstroIntegration; end: AstroIntegration } {
  let indexing: Promise<string> | undefined;
  return {
    start: {
      name: 'handbook-search-index',
      hooks: {
        'astro:build:done': ({ dir }) => {
          indexing = runPagefind(root, fileURLToPath(dir), INDEXED_PAGES);
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
