/**
 * `snippets/db/database.ts` in the browser runner: `openDatabase()` gives a
 * fresh, empty PGlite in the worker's memory, as the Node version gives one
 * in a scratch folder, from the same empty cluster (pglite-data.ts), so no
 * initdb runs. The page fetches PGlite's WebAssembly and data files
 * from this site and hands them over (the sandbox itself has no network);
 * the worker's prelude compiles them and leaves them on its global.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PgliteAssets } from '../../lib/runnable/run-protocol.ts';

export async function openDatabase(): Promise<PGlite> {
  const assets = (globalThis as { __pglite?: PgliteAssets }).__pglite;
  if (!assets) throw new Error('PGlite files were not sent to the runner');
  const db = await PGlite.create({
    pgliteWasmModule: assets.pglite,
    // Started from the build's empty cluster, PGlite never runs initdb; given no module for it, it would
    // fetch initdb.wasm, which the sandbox may not. The smallest valid module (its header) stands in.
    initdbWasmModule: new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])),
    fsBundle: new Blob([assets.data]),
    loadDataDir: new Blob([assets.cluster]),
  });
  // As the Node version does (snippets/db/database.ts says why), so pg_settings reads the same here.
  try {
    await db.exec(`LOAD 'plpgsql'`);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
