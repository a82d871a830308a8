/**
 * `snippets/db/database.ts` in the browser runner: `openDatabase()` gives a
 * fresh, empty PGlite in the worker's memory, as the Node version gives one
 * in a scratch folder. The runner fetches PGlite's WebAssembly and data
 * files from this site and hands them over (worker-prelude.ts keeps them
 * in `pgliteAssets`), so the sandbox itself needs no network.
 */
import { PGlite } from '@electric-sql/pglite';
import { pgliteAssets } from '../worker-prelude.ts';

export async function openDatabase(): Promise<PGlite> {
  const assets = pgliteAssets();
  return PGlite.create({
    pgliteWasmModule: assets.pglite,
    initdbWasmModule: assets.initdb,
    fsBundle: new Blob([assets.data]),
  });
}
