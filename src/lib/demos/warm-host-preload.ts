/**
 * Starts the demo host as `npm run build` starts: scripts/build.ts runs
 * `node --import` with this module ahead of `astro build`, so
 * warmDemoHost (demo-output.ts) starts the host before Node has loaded
 * Astro. Called from astro.config.mjs instead, it started ~0.8 s into a
 * cold build, once Astro had loaded the config and the integrations it
 * imports; until then the build ran on one core of two (perf timeline of
 * a cold build, 2026-12-03). Astro's config imports the same
 * demo-output.ts by the same URL, so the prefetched demos queue on this
 * host.
 *
 * Node loads `--import` modules into the build's worker threads too (and
 * a worker may be given any argv), so only `astro build`'s main thread
 * starts a host.
 */
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { warmDemoHost } from './demo-output.ts';

if (isMainThread && process.argv[2] === 'build') warmDemoHost(fileURLToPath(new URL('../../../', import.meta.url)));
