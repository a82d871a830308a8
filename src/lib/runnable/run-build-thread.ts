/**
 * The thread run-manifest.ts makes the runner build in: it builds and keeps
 * the files for the root it is given, answers with where they are (or why
 * there are none), then stops its own esbuild service, which ends it.
 */
import { stop } from 'esbuild';
import { parentPort, workerData } from 'node:worker_threads';
import { buildAndKeep, type RunBuildReply, type RunBuildRequest } from './run-manifest.ts';

const port = parentPort;
if (!port) throw new Error('run-build-thread.ts runs as a worker thread of run-manifest.ts');
const { root } = workerData as RunBuildRequest;
try {
  port.postMessage({ kept: await buildAndKeep(root) } satisfies RunBuildReply);
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies RunBuildReply);
} finally {
  await stop();
}
