import { describe, expect, it } from 'vitest';
import { etagOf, ifMatchHolds, ifNoneMatchHits, parseEtags } from './etag.ts';

describe('etagOf', () => {
  it('is a quoted strong tag that changes with the representation', () => {
    const a = etagOf({ id: 1, title: 'a' });
    expect(a).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(etagOf({ id: 1, title: 'a' })).toBe(a);
    expect(etagOf({ id: 1, title: 'b' })).not.toBe(a);
  });

  it('rejects values JSON cannot represent', () => {
    expect(() => etagOf(undefined)).toThrow(TypeError);
  });
});

describe('parseEtags', () => {
  it('reads lists, weak tags and the wildcard', () => {
    expect(parseEtags('"a", W/"b" ,"c"')).toEqual(['"a"', 'W/"b"', '"c"']);
    expect(parseEtags(' * ')).toEqual(['*']);
    expect(parseEtags('')).toEqual([]);
    expect(parseEtags(null)).toEqual([]);
  });

  it('drops unquoted junk', () => {
    expect(parseEtags('abc, "ok"')).toEqual(['"ok"']);
  });

  it('drops malformed members instead of reading a tag out of them', () => {
    // W/ is case-sensitive (§8.8.3): w/"x" is no tag at all, not "x".
    expect(parseEtags('w/"x", "ok"')).toEqual(['"ok"']);
    expect(parseEtags('"a"junk, "b"')).toEqual(['"b"']);
    expect(parseEtags('x"y", "z"')).toEqual(['"z"']);
  });

  it('keeps commas inside a tag, which etagc allows', () => {
    expect(parseEtags('"a,b", W/"c"')).toEqual(['"a,b"', 'W/"c"']);
  });

  it('never reads a tag out of the middle of a quoted one', () => {
    // "a," is a whole tag (etagc allows commas), so b" cannot start one.
    expect(parseEtags('"a,"b"')).toEqual([]);
    expect(parseEtags('"x", "a,"b"')).toEqual(['"x"']);
    expect(parseEtags('junk"a,"b", "c"')).toEqual([]);
    expect(ifMatchHolds('"v1,"v2"', '"v2"')).toBe(false);
  });
});

describe('ifNoneMatchHits', () => {
  it('matches by weak comparison and on *', () => {
    expect(ifNoneMatchHits('W/"x"', '"x"')).toBe(true);
    expect(ifNoneMatchHits('"y", "x"', '"x"')).toBe(true);
    expect(ifNoneMatchHits('*', '"x"')).toBe(true);
    expect(ifNoneMatchHits('"y"', '"x"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"x"')).toBe(false);
  });
});

describe('ifMatchHolds', () => {
  it('needs a strong match, and holds when the header is absent', () => {
    expect(ifMatchHolds('"x"', '"x"')).toBe(true);
    expect(ifMatchHolds(undefined, '"x"')).toBe(true);
    expect(ifMatchHolds('W/"x"', '"x"')).toBe(false);
    expect(ifMatchHolds('"x"', 'W/"x"')).toBe(false);
    // Strong comparison: two weak tags never match, even identical ones.
    expect(ifMatchHolds('W/"x"', 'W/"x"')).toBe(false);
    expect(ifMatchHolds('w/"x"', '"x"')).toBe(false);
    expect(ifMatchHolds('"y"', '"x"')).toBe(false);
  });

  it('treats * as "the resource exists"', () => {
    expect(ifMatchHolds('*', '"x"')).toBe(true);
    expect(ifMatchHolds('*', undefined)).toBe(false);
    expect(ifMatchHolds('"x"', undefined)).toBe(false);
  });
});
