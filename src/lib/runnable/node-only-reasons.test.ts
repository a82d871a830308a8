import { describe, expect, it } from 'vitest';
import { reasonFor } from './node-only-reasons.ts';

describe('reasonFor', () => {
  it('names the outside program a module needs before anything else', () => {
    expect(reasonFor([
      { need: 'node:fs/promises', importer: 'snippets/git/git-run.ts' },
      { need: 'node:crypto#createHash', importer: 'snippets/git/objects.ts' },
    ])).toBe('needs git');
    expect(reasonFor([{ need: 'node:util', importer: 'snippets/x.ts' }, { need: 'pg', importer: 'snippets/db/pool.ts' }]))
      .toBe('needs a PostgreSQL server');
  });

  it('says what a Node built-in does, and which export of a shim is missing', () => {
    expect(reasonFor([{ need: 'node:fs', importer: 'snippets/a.ts' }])).toBe('reads and writes files (node:fs)');
    expect(reasonFor([{ need: 'events', importer: 'node_modules/x/index.js' }])).toBe('uses node:events');
    expect(reasonFor([{ need: 'node:crypto#createHmac', importer: 'snippets/a.ts' }])).toBe("uses node:crypto's createHmac, which the browser lacks");
    expect(reasonFor([{ need: 'Buffer', importer: 'snippets/a.ts' }])).toBe("uses Node's Buffer");
  });

  it('names a package that cannot run in a browser', () => {
    expect(reasonFor([{ need: '@scope/pkg/deep', importer: 'snippets/a.ts' }])).toBe('uses @scope/pkg, which does not run in a browser');
  });
});
