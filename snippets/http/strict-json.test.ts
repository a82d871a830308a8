import { describe, expect, it } from 'vitest';
import {
  findDuplicateKey, JsonInputError, jsonPointer, nestsDeeperThan,
  parseStrictJson, pointerFragment,
} from './strict-json.ts';

function problemOf(text: string) {
  try {
    parseStrictJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonInputError);
    return error as JsonInputError;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('what JSON.parse does on its own (the reason this module exists)', () => {
  it('keeps the last of duplicate names without a word', () => {
    expect(JSON.parse('{"a":1,"a":2}')).toEqual({ a: 2 });
  });

  it('rounds an integer past 2^53 to the nearest double', () => {
    expect(JSON.parse('9007199254740993')).toBe(9007199254740992);
    expect(JSON.parse('{"id":12345678901234567890}').id).toBe(12345678901234567000);
  });

  it('turns an overflowing number into Infinity', () => {
    expect(JSON.parse('1e400')).toBe(Infinity);
  });
});

describe('parseStrictJson accepts every exact JSON value', () => {
  it.each([
    ['{"a":1,"b":[true,false,null],"c":{"d":"e"}}', { a: 1, b: [true, false, null], c: { d: 'e' } }],
    ['[]', []],
    ['"just a string"', 'just a string'],
    ['0', 0],
    ['-0.5e-3', -0.0005],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['-9007199254740991', Number.MIN_SAFE_INTEGER],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['{"id":"9007199254740993"}', { id: '9007199254740993' }],
  ])('%s', (text, expected) => {
    expect(parseStrictJson(text)).toEqual(expected);
  });

  it('allows the same name in different objects and at different depths', () => {
    const text = '{"id":1,"child":{"id":2},"list":[{"id":3},{"id":4}]}';
    expect(findDuplicateKey(text)).toBeUndefined();
    expect(parseStrictJson(text)).toMatchObject({ id: 1, child: { id: 2 } });
  });

  it('is not fooled by braces, commas and quotes inside strings', () => {
    const text = '{"a":"},{\\"a\\":1,","b":"[\\\\","c":"\\\\"}';
    expect(parseStrictJson(text)).toEqual({ a: '},{"a":1,', b: '[\\', c: '\\' });
  });

  it('treats a key that only appears as a string value as no duplicate', () => {
    expect(parseStrictJson('{"a":"a","b":["a","a"]}')).toEqual({ a: 'a', b: ['a', 'a'] });
  });
});

describe('syntax errors', () => {
  it.each([
    ['trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['comment', '{"a":1 /* no */}'],
    ['NaN literal', '[NaN]'],
    ['leading zero', '[01]'],
    ['empty input', ''],
    ['two values', '{} {}'],
    ['unterminated', '{"a":"b'],
  ])('rejects %s', (_name, text) => {
    expect(problemOf(text).problem).toBe('syntax');
  });
});

describe('error messages never echo the body', () => {
  it('reports where a syntax error is, not what V8 quoted from the input', () => {
    // V8 alone says: Unexpected token 'h', "hunter2-is-my-password" is not valid JSON
    expect(() => JSON.parse('hunter2-is-my-password')).toThrow(/hunter2/);
    const error = problemOf('hunter2-is-my-password');
    expect(error.message).toBe('Not valid JSON.');
    expect(problemOf('{"password":"hunter2" x}').message).toBe('Not valid JSON at position 22.');
  });

  it('clips a huge key or number instead of sending it back whole', () => {
    const key = 'k'.repeat(10_000);
    const dup = problemOf(`{"${key}":1,"${key}":2}`);
    expect(dup.message.length).toBeLessThan(120);
    const digits = '9'.repeat(5_000);
    expect(problemOf(`[${digits}]`).message.length).toBeLessThan(200);
  });
});

describe('duplicate member names (RFC 8259 §4, I-JSON §2.3)', () => {
  it('rejects a repeated name and points at it', () => {
    const error = problemOf('{"role":"user","role":"admin"}');
    expect(error.problem).toBe('duplicate-key');
    expect(error.message).toContain('/role');
  });

  it('names the key in the URI-fragment form, so markup comes back encoded', () => {
    const key = '<b onclick=x>';
    const error = problemOf(`{"a":{"${key}":1,"${key}":2}}`);
    expect(error.message).toBe('Duplicate key at #/a/%3Cb%20onclick%3Dx%3E; '
      + 'send each member once.');
    expect(error.message).not.toContain('<');
  });

  it('survives a duplicate lone surrogate, which encodeURIComponent would throw on', () => {
    expect(problemOf('{"\\ud800":1,"\\ud800":2}').message).toContain('#/%EF%BF%BD');
  });

  it('compares names after unescaping, so "sku" and "s\\u006bu" collide', () => {
    expect(findDuplicateKey('{"sku":1,"s\\u006bu":2}')).toBe('/sku');
  });

  it('finds duplicates nested in arrays, with the index in the pointer', () => {
    expect(findDuplicateKey('{"items":[{"a":1},{"a":1,"b":2,"a":3}]}')).toBe('/items/1/a');
  });

  it('escapes ~ and / in the pointer (RFC 6901)', () => {
    expect(findDuplicateKey('{"x":{"a/b~c":1,"a/b~c":2}}')).toBe('/x/a~1b~0c');
  });

  it('rejects duplicates even when both values are equal', () => {
    expect(problemOf('{"a":1,"a":1}').problem).toBe('duplicate-key');
  });

  it('is not tricked by a name that differs only in case', () => {
    expect(findDuplicateKey('{"id":1,"ID":2}')).toBeUndefined();
  });
});

describe('numbers a double cannot hold exactly', () => {
  it.each(['9007199254740992', '9007199254740993', '-9007199254740993', '18446744073709551615'])(
    'rejects the integer literal %s', (digits) => {
      const error = problemOf(`{"id":${digits}}`);
      expect(error.problem).toBe('unsafe-integer');
      expect(error.message).toContain(digits);
      expect(error.message).toContain('as strings');
    },
  );

  it.each(['1e400', '-1e400'])('rejects %s, which overflows to Infinity', (text) => {
    expect(problemOf(`[${text}]`).problem).toBe('out-of-range');
  });

  it('leaves fractions alone: 0.1 is inexact in binary but not rounded by the parser', () => {
    expect(parseStrictJson('[0.1, 1e20, 2.5e-10]')).toEqual([0.1, 1e20, 2.5e-10]);
  });

  it('lets a big integer written with a fraction through; the schema must bound it', () => {
    // `9007199254740993.0` is a float literal: the parser sees no integer,
    // which is why json-body's schema uses z.int() (bounded to ±(2^53 - 1)).
    expect(parseStrictJson('[9007199254740993.0]')).toEqual([9007199254740992]);
  });
});

describe('nestsDeeperThan, the guard to run before parsing', () => {
  it('is needed: the reviver overflows the stack on deep, valid JSON', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => JSON.parse(deep)).not.toThrow();
    expect(problemOf(deep).message).toBe('Not valid JSON.');
  });

  it.each<[string, number, boolean]>([
    ['[[1]]', 2, false],
    ['[[[1]]]', 2, true],
    ['{"a":{"b":[]}}', 3, false],
    ['{"a":{"b":[{}]}}', 3, true],
    ['[1],[2],[3]', 1, false], // siblings do not add up
    ['"[[[[["', 1, false], // inside a string
    ['["\\"[[[["]', 1, false], // an escaped quote does not end it
    ['["\\\\",[[[]]]]', 3, true], // an escaped backslash does not escape
    ['[[[', 2, true], // not JSON yet: depth counts all the same
  ])('%s nests deeper than %i: %s', (text, limit, expected) => {
    expect(nestsDeeperThan(text, limit)).toBe(expected);
  });
});

describe('jsonPointer and pointerFragment', () => {
  it('builds RFC 6901 pointers', () => {
    expect(jsonPointer([])).toBe('');
    expect(jsonPointer(['a', 0, 'b'])).toBe('/a/0/b');
    expect(jsonPointer(['~/'])).toBe('/~0~1');
  });

  it('builds the URI fragment form RFC 9457 examples use', () => {
    expect(pointerFragment([])).toBe('#');
    expect(pointerFragment(['profile', 'color'])).toBe('#/profile/color');
    expect(pointerFragment(['a b', 'c#d', 'é', 'x/y~z'])).toBe('#/a%20b/c%23d/%C3%A9/x~1y~0z');
  });

  it('does not throw on a lone surrogate, which JSON allows in keys', () => {
    expect(pointerFragment(['\uD800'])).toBe('#/%EF%BF%BD');
  });
});

/** Reads an RFC 6901 §6 fragment back into its reference tokens. */
function fromPointer(pointer: string): string[] {
  expect(pointer.startsWith('#')).toBe(true);
  const json = decodeURIComponent(pointer.slice(1));
  if (json === '') return [];
  return json.slice(1).split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

describe('pointerFragment against RFC 6901 §6', () => {
  // The §6 examples, for the §5 document {"foo": [...], "": 0, "a/b": 1, ...}.
  it.each<[PropertyKey[], string]>([
    [[], '#'],
    [['foo'], '#/foo'],
    [['foo', 0], '#/foo/0'],
    [[''], '#/'],
    [['a/b'], '#/a~1b'],
    [['c%d'], '#/c%25d'],
    [['e^f'], '#/e%5Ef'],
    [['g|h'], '#/g%7Ch'],
    [['i\\j'], '#/i%5Cj'],
    [['k"l'], '#/k%22l'],
    [[' '], '#/%20'],
    [['m~n'], '#/m~0n'],
  ])('%j -> %s', (path, pointer) => {
    expect(pointerFragment(path)).toBe(pointer);
  });

  it.each(['~01', '/~', '~1', 'a/b~c/d', 'é', '名前', '🦄', '#?&=+', '..'])(
    'round-trips the key %j', (key) => {
      expect(fromPointer(pointerFragment([key, 3, key]))).toEqual([key, '3', key]);
    });

  it('does not throw on a lone surrogate, which JSON allows', () => {
    const key = JSON.parse('"\\ud800x"') as string;
    expect(pointerFragment([key])).toBe('#/%EF%BF%BDx');
  });

  it('rejects symbols, which JSON cannot carry', () => {
    expect(() => pointerFragment([Symbol('k')])).toThrow(TypeError);
  });
});
