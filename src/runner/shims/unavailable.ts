/**
 * The error a shim throws for what it cannot do exactly as Node does: the
 * run stops and says what was missing, instead of printing something Node
 * would not.
 */
export function unavailable(what: string): Error {
  return new Error(`not available in the browser runner: ${what}`);
}
