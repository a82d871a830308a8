/**
 * A module namespace as the compiled module's `require` hands it out: the
 * same names, read live, marked `__esModule` so Sucrase's and esbuild's
 * interop take `default` from it rather than wrapping it again. Used by the
 * generated dependency and vendor scripts (run-entries.ts).
 */
export function esModule(namespace: Record<string, unknown>): Record<string, unknown> {
  const module: Record<string, unknown> = {};
  Object.defineProperty(module, '__esModule', { value: true });
  for (const key of Object.keys(namespace)) Object.defineProperty(module, key, { enumerable: true, get: () => namespace[key] });
  return module;
}
