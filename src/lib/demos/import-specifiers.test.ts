import { describe, expect, it } from 'vitest';
import { dynamicImports, staticImports } from './import-specifiers.ts';

describe('staticImports', () => {
  it('finds minified static imports and re-exports but not dynamic import()', () => {
    const code = 'import{a as b}from"./chunk.js";import"./side.js";export{c}from"./re.js";const s=()=>import("./search.js");';
    expect(staticImports(code)).toEqual(['./chunk.js', './side.js', './re.js']);
  });
});

describe('dynamicImports', () => {
  it('finds import() with a literal string, not static imports or a computed specifier', () => {
    const code = "import { a } from './a.ts';\nconst lazy = () => import( './lazy.ts' );\nconst other = (n: string) => import(n);\n";
    expect(dynamicImports(code)).toEqual(['./lazy.ts']);
  });
});

/** TypeScript es-module-lexer cannot lex (it throws), so the pattern reads the file. */
const LEXER_TRIPS = [
  'export const CODES = {',
  "  a: { status: 400, title: 'Bad' },",
  '} as const satisfies Record<string, { status: number; title: string }>;',
];

describe('text that only looks like an import', () => {
  it('is not followed in strings, templates or comments', () => {
    const code = [
      "import { a } from './a.ts';",
      "const fixture = \"import { x } from '../other/internal.ts'\";",
      "const t = `export * from './t.ts'`;",
      "// import { y } from './commented.ts';",
      "const lazy = () => import('./lazy.ts');",
    ].join('\n');
    expect(staticImports(code)).toEqual(['./a.ts']);
    expect(dynamicImports(code)).toEqual(['./lazy.ts']);
  });

  it('still reads a TypeScript file the lexer gives up on, by the pattern', () => {
    const code = [
      "import { z } from 'zod';",
      ...LEXER_TRIPS,
      "const lazy = () => import('./lazy.ts');",
    ].join('\n');
    expect(staticImports(code)).toEqual(['zod']);
    expect(dynamicImports(code)).toEqual(['./lazy.ts']);
  });
});

describe('dynamicImports, by the pattern (the lexer gave up)', () => {
  it('finds import() with a template literal or an options argument', () => {
    const code = [...LEXER_TRIPS, 'const a = () => import(`./a.ts`);', "const b = () => import('./b.json', { with: { type: 'json' } });"].join('\n');
    expect(dynamicImports(code)).toEqual(['./a.ts', './b.json']);
  });
});
