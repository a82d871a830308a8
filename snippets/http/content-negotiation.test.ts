import { describe, expect, it } from 'vitest';
import { negotiate, parseAccept, quality } from './content-negotiation.ts';

const OFFERS = ['application/json', 'text/csv; charset=utf-8'];

describe('parseAccept', () => {
  it('reads ranges, parameters and weights; names and types are case-insensitive', () => {
    expect(parseAccept('Text/HTML;Level=1, */*;Q=0.5 ,application/*;q=0')).toEqual([
      { type: 'text', subtype: 'html', params: { level: '1' }, q: 1 },
      { type: '*', subtype: '*', params: {}, q: 0.5 },
      { type: 'application', subtype: '*', params: {}, q: 0 },
    ]);
  });

  it('takes q as the weight wherever it appears, and unquotes values', () => {
    expect(parseAccept('text/plain;q=0.3;format="a,b;c"')).toEqual([
      { type: 'text', subtype: 'plain', params: { format: 'a,b;c' }, q: 0.3 },
    ]);
  });

  it('keeps an escaped quote inside a quoted value (§5.6.4)', () => {
    expect(parseAccept('text/plain;format="a\\",b", text/csv')).toEqual([
      { type: 'text', subtype: 'plain', params: { format: 'a",b' }, q: 1 },
      { type: 'text', subtype: 'csv', params: {}, q: 1 },
    ]);
  });

  it('accepts the qvalue grammar and nothing else (§12.4.2)', () => {
    for (const q of ['0', '0.', '0.5', '0.001', '1', '1.', '1.000']) {
      expect(parseAccept(`text/csv;q=${q}`)).toHaveLength(1);
    }
    for (const q of ['2', '1.001', '0.0001', '-1', '.5', 'abc', '', '0x1']) {
      expect(parseAccept(`text/csv;q=${q}`), q).toEqual([]);
    }
  });

  it('accepts empty parameters, which the grammar allows (§5.6.6)', () => {
    expect(parseAccept('text/csv;')).toEqual([
      { type: 'text', subtype: 'csv', params: {}, q: 1 }]);
    expect(parseAccept('text/csv; ; q=0.5;')).toEqual([
      { type: 'text', subtype: 'csv', params: {}, q: 0.5 }]);
    expect(negotiate('text/csv;', OFFERS)).toBe('text/csv; charset=utf-8');
  });

  it('skips malformed members and keeps the rest', () => {
    const ranges = parseAccept('garbage, */json, text/, a/b/c, ;q=1, , text/csv, x/y;=1, x/y;a');
    expect(ranges.map((r) => `${r.type}/${r.subtype}`)).toEqual(['text/csv']);
  });
});

describe('quality against RFC 9110 §12.5.1', () => {
  // The RFC's own example of ranges with precedence.
  const ranges = parseAccept('text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, '
    + 'text/plain;format=fixed;q=0.4, */*;q=0.5');

  it.each([
    ['text/plain;format=flowed', 1],
    ['text/plain', 0.7],
    ['text/html', 0.3],
    ['image/jpeg', 0.5],
    ['text/plain;format=fixed', 0.4],
    // The RFC's table says 0.7, carried over from RFC 7231's example (erratum
    // 7138); by the rule above it, only text/* and */* match, so text/* wins.
    ['text/html;level=3', 0.3],
  ])('%s -> %d', (type, q) => {
    expect(quality(ranges, type)).toBe(q);
  });

  it('ranks the RFC precedence example most specific first', () => {
    const accept = parseAccept('text/*;q=0.1, text/plain;q=0.2, text/plain;format=flowed;q=0.3, */*;q=0.4');
    expect(quality(accept, 'text/plain;format=flowed')).toBe(0.3);
    expect(quality(accept, 'text/plain')).toBe(0.2);
    expect(quality(accept, 'text/csv')).toBe(0.1);
    expect(quality(accept, 'image/png')).toBe(0.4);
  });

  it('compares charset values case-insensitively and other values exactly', () => {
    expect(quality(parseAccept('text/csv;charset=UTF-8'), 'text/csv; charset=utf-8')).toBe(1);
    expect(quality(parseAccept('text/plain;format=Flowed'), 'text/plain;format=flowed')).toBe(0);
  });

  it('does not mistake inherited object keys for parameters', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(quality(parseAccept(`text/csv;${name}=x`), 'text/csv')).toBe(0);
    }
    expect(quality(parseAccept('text/csv;__proto__=x, */*;q=0.2'), 'text/csv')).toBe(0.2);
  });

  it('rejects an offer that is not a media type', () => {
    expect(() => quality([], 'json')).toThrow(TypeError);
  });
});

describe('negotiate', () => {
  it.each([
    ['text/csv', 'text/csv; charset=utf-8'],
    ['TEXT/CSV; CHARSET=utf-8', 'text/csv; charset=utf-8'],
    ['application/json', 'application/json'],
    ['text/csv;q=0.5, application/json;q=0.9', 'application/json'],
    ['application/*;q=0.5, text/*', 'text/csv; charset=utf-8'],
    ['*/*', 'application/json'],
    ['text/csv, application/json', 'application/json'],
    ['text/*, text/csv;q=0', undefined],
    ['*/*;q=0', undefined],
    ['image/png, text/html', undefined],
  ])('Accept: %s -> %s', (accept, expected) => {
    expect(negotiate(accept, OFFERS)).toBe(expected);
  });

  it('treats a missing or unusable Accept as no preference (§12.4.1)', () => {
    expect(negotiate(null, OFFERS)).toBe('application/json');
    expect(negotiate('', OFFERS)).toBe('application/json');
    expect(negotiate('garbage', OFFERS)).toBe('application/json');
  });

  it('reads a combined field value from repeated header lines', () => {
    const headers = new Headers();
    headers.append('Accept', 'application/json;q=0.1');
    headers.append('accept', 'text/csv');
    expect(headers.get('ACCEPT')).toBe('application/json;q=0.1, text/csv');
    expect(negotiate(headers.get('Accept'), OFFERS)).toBe('text/csv; charset=utf-8');
  });

  it('returns undefined when there is nothing to offer', () => {
    expect(negotiate('*/*', [])).toBeUndefined();
  });
});
