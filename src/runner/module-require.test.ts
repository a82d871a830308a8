import { expect, it } from 'vitest';
import { moduleRequire } from './module-require.ts';

it("gives each of the original module's imports, and refuses any other, listing what it may import", () => {
  const hono = { Hono: class {} };
  const require = moduleRequire({ hono, './a.ts': { a: 1 } });
  expect(require('hono')).toBe(hono);
  expect(require('./a.ts')).toEqual({ a: 1 });
  expect(() => require('zod')).toThrow('Cannot import "zod": the page can run only what the original module imports: hono, ./a.ts');
  expect(() => require('toString')).toThrow(/Cannot import "toString"/);
});

it('refuses a package its vendor script did not register', () => {
  expect(() => moduleRequire({ hono: undefined })('hono')).toThrow(/Cannot import "hono"/);
});
