/**
 * `snippets/db/database.ts` in the browser runner: `openDatabase()` gives a
 * fresh, empty PGlite in the worker's memory, as the Node version gives one
 * in a scratch folder. The page fetches PGlite's WebAssembly and data files
 * from this site and hands them over (the sandbox itself has no network);
 * the worker's prelude compiles them and leaves them on its global.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PgliteAssets } from '../../lib/runnable/run-protocol.ts';

export async function openDatabase(): Promise<PGlite> {
  const assets = (globalThis as { __pglite?: PgliteAssets }).__pglite;
  if (!assets) throw new Error('PGlite files were not sent to the runner');
  return PGlite.create({
    pgliteWasmModule: assets.pglite,
    initdbWasmModule: assets.initdb,
    fsBundle: new Blob([assets.data]),
  });
}
