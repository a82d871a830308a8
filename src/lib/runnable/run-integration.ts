/**
 * Writes the browser runner's files into `dist/_run/` after the build: the
 * chunks of the demos pages show with a Run button (run-chunks.ts), the
 * sandbox script the iframe loads, and PGlite's WebAssembly and data when a
 * chunk uses PGlite. Nothing here loads before a reader presses Run.
 */
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { runCacheDir, usedChunks } from './run-chunks.ts';

const SANDBOX = fileURLToPath(new URL('../../runner/sandbox.ts', import.meta.url));

/** PGlite's files the runner sends into the sandbox, by the name the page fetches. */
export const PGLITE_FILES = { 'pglite.wasm': 'pglite.wasm', 'initdb.wasm': 'initdb.wasm', 'pglite.data': 'pglite.data' } as const;

export function runnerFiles(root: string): AstroIntegration {
  return {
    name: 'handbook-runner',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const out = join(fileURLToPath(dir), '_run');
        mkdirSync(out, { recursive: true });
        let pglite = false;
        for (const chunk of usedChunks) {
          const from = join(runCacheDir(root), 'chunks', chunk);
          copyFileSync(from, join(out, chunk));
          pglite ||= readFileSync(from, 'utf8').includes('pgliteWasmModule');
        }
        await esbuild.build({ entryPoints: [SANDBOX], bundle: true, format: 'iife', target: 'es2023', minify: true, outfile: join(out, 'sandbox.js'), logLevel: 'silent' });
        if (pglite) {
          const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
          for (const [name, file] of Object.entries(PGLITE_FILES)) copyFileSync(join(dist, file), join(out, name));
        }
        logger.info(`wrote _run/: ${usedChunks.size} runnable demos${pglite ? ', PGlite' : ''}`);
      },
    },
  };
}
