// `npm run build`: Astro builds dist/ (running every snippet demo a page
// shows), then Pagefind indexes it. The test build (build-for-tests.ts) and
// the benchmark import these steps, so both run exactly this build.
//
// Astro runs with a 4 MB young generation (V8's default grows to 32 MB per
// semi-space). A static build makes short-lived garbage in small batches, so
// the smaller nursery is collected as often at no extra cost and never holds
// the pages faulted in for a large one: the build took less memory and less
// time. Its old generation is capped at 768 MB: left to itself V8 let
// garbage pile up to ~400 MB of heap while what was live stayed under
// 240 MB (after every full collection of a cold build, 2026-12-02), and
// the cap has it collect sooner. A cold build's peak fell from ~1,340 to
// ~1,150 MB PSS for no time we could tell from noise. Should the build one
// day hold more than that live, it stops with "Reached heap limit": raise
// the cap. Measure a change here with `npm run bench` (bench/README.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Astro's command-line entry, which `astro build` runs. */
export const ASTRO_BIN = `${root}node_modules/astro/bin/astro.mjs`;

/** Node arguments for each step, in order; run each with `process.execPath` in the repository root. */
export const BUILD_STEPS = {
  astro: ['--max-semi-space-size=4', '--max-old-space-size=768', ASTRO_BIN, 'build'],
  pagefind: [`${root}node_modules/pagefind/lib/runner/bin.cjs`, '--site', 'dist'],
} as const;

/** Runs the build steps in order with `env`; the exit status of the first that fails, or 0. */
export function runBuild(env: NodeJS.ProcessEnv = process.env): number {
  for (const args of Object.values(BUILD_STEPS)) {
    const { status } = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    if (status !== 0) return status ?? 1;
  }
  return 0;
}

if (import.meta.main) process.exit(runBuild());
