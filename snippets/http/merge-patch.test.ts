import { describe, expect, it } from 'vitest';
import { mergePatch, type JsonValue } from './merge-patch.ts';

/** Freezes a parsed value all the way down, so any mutation throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

const parse = (text: string) => deepFreeze(JSON.parse(text) as JsonValue);

// RFC 7396 Appendix A, "Example Test Cases": every row, transcribed as
// ORIGINAL, PATCH, RESULT.
// https://www.rfc-editor.org/rfc/rfc7396#appendix-A
const APPENDIX_A: [original: string, patch: string, result: string][] = [
  ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
  ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
  ['{"a":"b"}', '{"a":null}', '{}'],
  ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
  ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
  ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
  ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
  ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
  ['["a","b"]', '["c","d"]', '["c","d"]'],
  ['{"a":"b"}', '["c"]', '["c"]'],
  ['{"a":"foo"}', 'null', 'null'],
  ['{"a":"foo"}', '"bar"', '"bar"'],
  ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
  ['[1,2]', '{"a":"b","c":null}', '{"a":"b"}'],
  ['{}', '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
];

describe('RFC 7396 Appendix A', () => {
  it('has all 15 rows of the table', () => {
    expect(APPENDIX_A).toHaveLength(15);
  });

  it.each(APPENDIX_A)('%s + %s = %s', (original, patch, result) => {
    expect(mergePatch(parse(original), parse(patch))).toEqual(JSON.parse(result));
  });

  it.each(APPENDIX_A)('%s + %s keeps member order, as the table writes it', (original, patch, result) => {
    expect(JSON.stringify(mergePatch(parse(original), parse(patch)))).toBe(result);
  });

  it.each(APPENDIX_A)('%s + %s twice lands where once does', (original, patch) => {
    const once = mergePatch(parse(original), parse(patch));
    expect(mergePatch(once, parse(patch))).toEqual(once);
  });
});

describe('RFC 7396 worked examples', () => {
  it('§1: replaces "a" and removes "f", leaving the rest untouched', () => {
    const target = parse('{"a":"b","c":{"d":"e","f":"g"}}');
    const patch = parse('{"a":"z","c":{"f":null}}');
    expect(mergePatch(target, patch)).toEqual({ a: 'z', c: { d: 'e' } });
  });

  it('§3: the blog post example', () => {
    const target = parse(`{
      "title": "Goodbye!",
      "author": { "givenName": "John", "familyName": "Doe" },
      "tags": ["example", "sample"],
      "content": "This will be unchanged"
    }`);
    const patch = parse(`{
      "title": "Hello!",
      "phoneNumber": "+01-123-456-7890",
      "author": { "familyName": null },
      "tags": ["example"]
    }`);
    expect(mergePatch(target, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    });
  });
});

describe('what merge patch cannot say', () => {
  it('cannot set a member to null: null always deletes', () => {
    expect(mergePatch({ bio: 'x' }, { bio: null })).toEqual({});
    expect(mergePatch({}, { bio: null })).toEqual({});
  });

  it('cannot change one array element: the array is replaced whole', () => {
    const tags = mergePatch({ tags: ['a', 'b', 'c'] }, { tags: ['b'] });
    expect(tags).toEqual({ tags: ['b'] });
  });

  it('keeps null inside an array: it is data there, not a deletion', () => {
    expect(mergePatch({}, { a: [null, 1] })).toEqual({ a: [null, 1] });
  });
});

describe('safety', () => {
  it('never mutates the target or the patch', () => {
    const target = parse('{"a":{"b":1,"c":[1]},"d":2}');
    const patch = parse('{"a":{"b":null,"e":3},"d":null}');
    const before = JSON.stringify([target, patch]);
    const result = mergePatch(target, patch);
    expect(result).toEqual({ a: { c: [1], e: 3 } });
    expect(JSON.stringify([target, patch])).toBe(before);
    expect(result).not.toBe(target);
  });

  it('an empty patch object returns an equal copy, not the target itself', () => {
    const target = parse('{"a":1}');
    const result = mergePatch(target, {});
    expect(result).toEqual({ a: 1 });
    expect(result).not.toBe(target);
  });

  it('a "__proto__" member stays a member and pollutes nothing', () => {
    const patch = JSON.parse('{"__proto__":{"admin":true},"a":1}') as JsonValue;
    const result = mergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__', 'a']);
    expect((result as { admin?: unknown }).admin).toBeUndefined();
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it('"constructor" and "prototype" are ordinary members too', () => {
    const patch = JSON.parse('{"constructor":{"prototype":{"x":1}}}') as JsonValue;
    const result = mergePatch({}, patch) as Record<string, unknown>;
    expect(result.constructor).toEqual({ prototype: { x: 1 } });
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  it('handles nesting as deep as a 16 KiB body can hold', () => {
    const depth = Math.floor((16 * 1024) / 6); // '{"a":' and '}' per level
    const patch = JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as JsonValue;
    let node = mergePatch({}, patch);
    for (let i = 0; i < depth; i++) node = (node as { a: unknown }).a;
    expect(node).toBe(1);
  });
});
