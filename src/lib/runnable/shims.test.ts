import { describe, expect, it } from 'vitest';
import { globalsUsed, importedNames, sourceBlockers } from './shims.ts';

describe('importedNames', () => {
  it('reads named, renamed, default and namespace imports, types left out', () => {
    expect(importedNames('{ a, b as c, type T }')).toEqual(['a', 'b']);
    expect(importedNames('d, { a }')).toEqual(['default', 'a']);
    expect(importedNames('* as ns')).toEqual([]);
    expect(importedNames('{\n  createHash,\n  randomUUID,\n}')).toEqual(['createHash', 'randomUUID']);
  });
});

describe('sourceBlockers', () => {
  it('names what a shim lacks, and a Node global, with the importer', () => {
    const source = "import { randomUUID, createHash } from 'node:crypto';\nimport type { X } from 'node:http';\nexport const b = Buffer.from('x');\n";
    expect(sourceBlockers(source, 'snippets/a.ts')).toEqual([
      { need: 'Buffer', importer: 'snippets/a.ts' },
      { need: 'node:crypto#createHash', importer: 'snippets/a.ts' },
    ]);
  });

  it('lets a Node global through once GLOBAL_SHIMS has a shim for it', () => {
    const source = "export const b = Buffer.from('x');\n";
    expect(sourceBlockers(source, 'snippets/a.ts', { Buffer: 'shims/buffer.ts' })).toEqual([]);
    expect(globalsUsed(source, { Buffer: 'shims/buffer.ts' })).toEqual([['Buffer', expect.stringMatching(/src\/runner\/shims\/buffer\.ts$/)]]);
    expect(globalsUsed('const x = 1;\n', { Buffer: 'shims/buffer.ts' })).toEqual([]);
  });

  it('finds nothing in a module whose shim imports all exist', () => {
    expect(sourceBlockers("import { STATUS_CODES } from 'node:http';\nimport { setTimeout as sleep } from 'node:timers/promises';\n", 'snippets/a.ts')).toEqual([]);
  });
});
