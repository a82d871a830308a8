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
