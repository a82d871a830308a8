// `npm run build`: Astro builds dist/, running every snippet demo a page
// shows, and Pagefind indexes it inside the same build
// (src/lib/search/search-index-integration.ts). The test build
// (build-for-tests.ts) and the benchmark import these steps, so both run
// exactly this build.
//
// Astro runs with 16 MB semi-spaces (its young generation two of them and
// a large-object space as big). V8 13.6 (Node 24) lets a semi-space grow
// to 64 MB by default with a heap limit of 2 GB or more, 16 MB at 512 MB
// (new space committed 128 MB and 32 MB under --trace-gc-verbose in an
// allocation loop, 2026-12-02). Larger semi-spaces are collected less
// often: in a cold build 4 MB took 807 scavenges, 2.9 s of the build
// thread's time (--trace-gc), 16 MB 220 and 2.0 s, 64 MB 80 and 1.3 s
// (one cold build each, 2026-12-02). The build's peak comes while its
// memory is at its highest: with 16 MB it went past Starlight's at first
// (npm run bench, 2026-12-02: 1,207 against 1,175 MB PSS, median of 3),
// then stayed under it once share cards no longer loaded the machine's
// fonts (1,184 against 1,198 MB, the bench of 22:05). Measure before
// going higher.
//
// Most of Astro's memory is not V8's heap (which stayed under ~350 MB in a
// cold build, --trace-gc) but native. Three packages of the build carry a
// copy of the mimalloc allocator in their native code: rolldown (Vite's
// bundler; mimalloc 3.6, which kept memory it had freed for 1 s by default,
// its arenas 4 s), Astro's compiler and resvg (the share cards; mimalloc 2,
// 10 ms). ALLOCATOR_ENV has all three hand freed pages back at once
// (MIMALLOC_VERBOSE=1 prints each one's options; PURGE_DECOMMITS=1 is
// already their default; build.test.ts checks they read PURGE_DELAY).
// Sätteri (the Markdown parser) uses glibc's malloc, Pagefind jemalloc.
// A cold build's peak fell by ~100 MB PSS. That let the old-generation cap
// (--max-old-space-size=768) go: it made V8 collect ~2.5× as often (36 full
// collections instead of 14) for ~3.5 s more CPU on a 2-core machine, and
// now the peak stays under Starlight's without it (paired cold builds,
// 2026-12-02: 1,069–1,178 MB against 949–1,018 with the cap, 26.0–28.6 s
// against 28.3–31.2 s). Without the cap V8's limit is half the machine's
// (or container's) memory, at most 4 GB, far above the ~240 MB a cold
// build held live: a machine too small for the build's peak runs out of
// memory before V8 reaches its limit. Should the peak grow past
// Starlight's again, put the cap back (768 MB took ~120–160 MB off it, for
// the CPU above). Measure a change here with `npm run bench`
// (bench/README.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Astro's command-line entry, which `astro build` runs. */
export const ASTRO_BIN = `${root}node_modules/astro/bin/astro.mjs`;

/** Starts the demo host before Node loads Astro (the module says why); a URL, as `--import` reads it. */
export const WARM_HOST = pathToFileURL(`${root}src/lib/demos/warm-host-preload.ts`).href;

/** Node arguments of the build; run them with `process.execPath` in the repository root, with `buildEnv`. */
export const BUILD_ARGS = ['--max-semi-space-size=16', '--import', WARM_HOST, ASTRO_BIN, 'build'] as const;

/** mimalloc's options (see above): decommit freed pages, with no delay. */
const ALLOCATOR_ENV = { MIMALLOC_PURGE_DECOMMITS: '1', MIMALLOC_PURGE_DELAY: '0' } as const;

/** The build's environment: `env` over ALLOCATOR_ENV, so a variable set by hand wins. */
export const buildEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...ALLOCATOR_ENV, ...env });

/** Runs the build with `env`; its exit status. */
export function runBuild(env: NodeJS.ProcessEnv = process.env): number {
  return spawnSync(process.execPath, BUILD_ARGS, { cwd: root, env: buildEnv(env), stdio: 'inherit' }).status ?? 1;
}

if (import.meta.main) process.exit(runBuild());
