/**
 * `node:timers/promises` in the browser runner: `setTimeout(ms, value)`,
 * a promise that resolves with `value` after `ms`, as Node's does. Its
 * `options` (an AbortSignal, `ref`) are not supported, so a module that
 * passes them fails to bundle rather than behaving differently.
 */
export function setTimeout<T = void>(ms = 1, value?: T, ...rest: never[]): Promise<T> {
  if (rest.length) throw new TypeError('setTimeout options are not supported in the browser runner');
  return new Promise((resolve) => globalThis.setTimeout(() => resolve(value as T), ms));
}
