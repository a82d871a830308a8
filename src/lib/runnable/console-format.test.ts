import { format, inspect as nodeInspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatArgs, inspect } from './console-format.ts';

// Each case is checked against Node's own util.format: the runner's console
// must print what `node file.ts` prints.
const CASES: unknown[][] = [
  [],
  ['plain text'],
  ['%s is %d years, %i whole, %f float, %j json, 100%%', 'Ada', 36.5, 36.9, '1.5', { a: 1 }],
  ['%s', { nested: { deep: { deeper: 1 } } }],
  ['%d', 10n],
  ['too few %s %s', 'one'],
  [1, -0, 2n, true, null, undefined, Symbol('s')],
  ['a', { id: 1, name: "O'Brien", tags: ['x', 'y'] }],
  [[1, 2, 3], [], {}],
  [{ 'needs-quotes': 1, ok: 'line\nbreak' }],
  [new Map([['k', 1]]), new Set(['a'])],
  [new Date(Date.UTC(2025, 0, 2))],
  [{ a: { b: { c: { d: { e: 1 } } } } }],
  [{ first: 'a fairly long value here', second: 'another long value', third: 'and a third one' }],
  [{ outer: { inner: 'a fairly long value here to force a break', other: 'another value' } }],
  [Object.assign(Object.create(null), { x: 1 })],
  [class Point { x = 1 }, function named() {}, () => 1],
];

describe('formatArgs', () => {
  for (const args of CASES) {
    it(`prints ${nodeInspect(args, { breakLength: Infinity }).slice(0, 60)} as Node does`, () => {
      expect(formatArgs(args)).toBe(format(...args));
    });
  }

  it('refuses an array Node would lay out in columns, rather than print it differently', () => {
    expect(() => inspect(Array.from({ length: 30 }, (_, i) => i * 1000))).toThrow(/grouped in columns/);
  });
});
