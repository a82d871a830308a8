import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { asClassicScript, depsEntry, isPackage, packageFamily, packageStub, vendorEntry } from './run-entries.ts';

describe('sorting specifiers', () => {
  it('takes bare names for packages, and relative, #imports and Node built-ins for bundled modules', () => {
    expect(['hono', 'hono/cors', '@scope/pkg/x', './a.ts', '../b.ts', '#shop/x.ts', 'node:http', 'crypto'].map(isPackage))
      .toEqual([true, true, true, false, false, false, false, false]);
  });

  it("groups a package's subpaths, and a scope's packages, into one family", () => {
    expect(['hono/cors', 'hono', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'].map(packageFamily)).toEqual(['hono', 'hono', '@aws-sdk', '@aws-sdk']);
  });
});

describe('depsEntry', () => {
  it("registers each specifier as the module writes it: bundled modules imported, packages read from the vendor's table", () => {
    const text = depsEntry(['./a.ts', 'hono', 'node:http']);
    expect(text).toContain('import * as d0 from "./a.ts";');
    expect(text).toContain('import * as d1 from "node:http";');
    expect(text).not.toMatch(/from "hono"/);
    expect(text).toMatch(/self\.__deps = \{ "\.\/a\.ts": esModule\(d0\), "hono": self\.__packages\["hono"\], "node:http": esModule\(d1\) \};/);
  });


  it('puts a shimmed Node global the module uses on the worker\'s global first', () => {
    const text = depsEntry(['./a.ts'], [['Buffer', '/r/shims/buffer.ts']]);
    expect(text).toContain('import { Buffer as g0 } from "/r/shims/buffer.ts";\nglobalThis.Buffer = g0;\nimport * as d0 from "./a.ts";');
  });
});

describe('vendorEntry and packageStub', () => {
  it('registers every package once, beside what other scripts registered, and a stub reads it back', () => {
    const text = vendorEntry(['zod', 'hono/cors']);
    expect(text).toContain('import * as p1 from "hono/cors";');
    expect(text).toContain('self.__packages = Object.assign(self.__packages || {}, { "zod": esModule(p0), "hono/cors": esModule(p1) });');
    const scope = { self: { __packages: { zod: 'z' } }, module: { exports: {} } };
    runInNewContext(packageStub('zod'), scope);
    expect(scope.module.exports).toBe('z');
  });
});

describe('asClassicScript', () => {
  it('runs a bundle in an async function whose promise the prelude awaits', async () => {
    const scope: { self?: { __loading?: Promise<unknown>[]; x?: number } } = {};
    scope.self = {};
    runInNewContext(asClassicScript('await null; self.x = 1;'), scope);
    expect(scope.self.__loading).toHaveLength(1);
    await Promise.all(scope.self.__loading!);
    expect(scope.self.x).toBe(1);
  });

  it('refuses a bundle that still imports, exports or reads import.meta', () => {
    expect(() => asClassicScript('import "x";')).toThrow(/imports or exports/);
    expect(() => asClassicScript('let a;export{a};')).toThrow(/imports or exports/);
    expect(() => asClassicScript('f(import.meta.url)')).toThrow(/import\.meta/);
  });
});
