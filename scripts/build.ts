// `npm run build`: Astro builds dist/, running every snippet demo a page
// shows, and Pagefind indexes it inside the same build
// (src/lib/search/search-index-integration.ts). The test build
// (build-for-tests.ts) and the benchmark import these steps, so both run
// exactly this build.
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

/** Node arguments of the build; run them with `process.execPath` in the repository root. */
export const BUILD_ARGS = ['--max-semi-space-size=4', '--max-old-space-size=768', ASTRO_BIN, 'build'] as const;

/** Runs the build with `env`; its exit status. */
export function runBuild(env: NodeJS.ProcessEnv = process.env): number {
  return spawnSync(process.execPath, BUILD_ARGS, { cwd: root, env, stdio: 'inherit' }).status ?? 1;
}

if (import.meta.main) process.exit(runBuild());
