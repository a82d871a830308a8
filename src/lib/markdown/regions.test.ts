import { describe, expect, it } from 'vitest';
import { extractRegion, parseRegions } from './regions.ts';

const source = [
  "import { x } from './x.ts';", // 1
  '', // 2
  '// #region outer', // 3
  'export function f() {', // 4
  '  // #region inner', // 5
  '  return x;', // 6
  '  // #endregion inner', // 7
  '}', // 8
  '', // 9
  '// #endregion outer', // 10
].join('\n');

describe('extractRegion', () => {
  it('returns the lines between the markers with inner markers stripped', () => {
    const region = extractRegion(source, 'a.ts', 'outer');
    expect(region.code).toBe('export function f() {\n  return x;\n}');
    expect(region).toMatchObject({ startLine: 4, endLine: 8 });
  });

  it('dedents a nested region', () => {
    expect(extractRegion(source, 'a.ts', 'inner')).toMatchObject({ code: 'return x;', startLine: 6, endLine: 6 });
  });

  it('names the file, the region and the regions that exist when one is missing', () => {
    expect(() => extractRegion(source, 'snippets/a.ts', 'verify')).toThrow(
      'snippets/a.ts: no region "verify" (regions in that file: inner, outer); mark it with "// #region verify" … "// #endregion verify"',
    );
  });

  it('says when a file has no regions at all', () => {
    expect(() => extractRegion('const a = 1;', 'b.ts', 'x')).toThrow(/that file has no regions yet/);
  });
});

describe('parseRegions', () => {
  it.each([
    ['// #region a\nx\n', /b.ts:1: region "a" is never closed/],
    ['x\n// #endregion a', /b.ts:2: "#endregion a" has no matching "#region a"/],
    ['// #region a\n// #region b\nx\n// #endregion a\n// #endregion b', /b.ts:4: "#endregion a" closes region "b" \(opened at line 2\)/],
    ['// #region a\nx\n// #endregion a\n// #region a\ny\n// #endregion a', /b.ts:4: region "a" is defined twice/],
    ['// #region\nx\n// #endregion', /b.ts:1: "#region" needs a name/],
    ['// #region Has Space\nx\n// #endregion Has Space', /needs a name in kebab-case/],
    ['// #region a\n\n// #endregion a', /region "a" \(line 1\) is empty/],
  ])('rejects malformed markers: %j', (text, message) => {
    expect(() => parseRegions(text, 'b.ts')).toThrow(message);
  });

  it('accepts CRLF line endings', () => {
    expect(parseRegions('// #region a\r\nx\r\n// #endregion a\r\n', 'c.ts').get('a')?.code).toBe('x');
  });
});

describe('regions in Python files', () => {
  const py = [
    'from fastapi import APIRouter', // 1
    '', // 2
    '# region routes', // 3
    'def f():', // 4
    '    #region inner', // 5
    '    return 1', // 6
    '    #endregion inner', // 7
    '# endregion routes', // 8
  ].join('\n');

  it('reads "# region" and "#region" markers in a .py file and strips them', () => {
    expect(extractRegion(py, 'm.py', 'routes')).toMatchObject({ code: 'def f():\n    return 1', startLine: 4, endLine: 6 });
    expect(extractRegion(py, 'm.py', 'inner').code).toBe('return 1');
  });

  it('names the Python marker syntax in its errors', () => {
    expect(() => extractRegion(py, 'm.py', 'nope')).toThrow('mark it with "# region nope" … "# endregion nope"');
    expect(() => parseRegions('# region a\nx = 1\n', 'm.py')).toThrow('m.py:1: region "a" is never closed; add "# endregion a"');
  });

  it('applies the same rules (names, balance) as in TypeScript', () => {
    expect(() => parseRegions('# region A B\nx = 1\n# endregion A B', 'm.py')).toThrow(/needs a name in kebab-case, like "# region verify-signature"/);
    expect(() => parseRegions('x = 1\n# endregion a', 'm.py')).toThrow(/m.py:2: "#endregion a" has no matching/);
  });

  it('keeps each language to its own markers', () => {
    // A "//" marker in Python and a "#" line in TypeScript are plain text.
    expect(parseRegions('// #region a\nx = 1\n// #endregion a', 'm.py').size).toBe(0);
    expect(parseRegions('# region a\nx\n# endregion a', 'm.ts').size).toBe(0);
  });
});
