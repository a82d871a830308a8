import { describe, expect, it } from 'vitest';
import { chooseRequestId, isWellFormedRequestId } from './request-id.ts';

describe('isWellFormedRequestId', () => {
  it.each([
    'edge-7f3a',
    '3f2504e0-4f89-41d3-9a0c-0305e82c3301', // UUID
    '01ARZ3NDEKTSV4RRFFQ69G5FAV', // ULID
    'Root=1-67891233-abcdef012345678912345678', // AWS X-Amzn-Trace-Id
    'x'.repeat(128),
  ])('accepts %s', (id) => {
    expect(isWellFormedRequestId(id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['10 KB', 'x'.repeat(10_240)],
    ['CR LF (a forged log line)', 'a\r\n{"level":"info"}'],
    ['a lone LF', 'a\nb'],
    ['NUL', 'a\u0000b'],
    ['a tab', 'a\tb'],
    ['non-ASCII letters', 'caf\u00e9'],
    ['a lookalike digit', '\u0661\u0662\u0663'],
    ['markup', '<script>'],
    ['a JSON breakout', 'id"}'],
    ['a space', 'a b'],
    ['a trailing newline', 'abc\n'],
  ])('rejects %s', (_, id) => {
    expect(isWellFormedRequestId(id)).toBe(false);
  });

  it('never sees CR or LF from the wire: Headers refuses them first', () => {
    expect(() => new Headers({ 'X-Request-Id': 'a\r\nb' })).toThrow(TypeError);
  });
});

// The middleware that applies this choice, and its tests with a real
// peer address, are in ../observability/request-context.test.ts.
describe('chooseRequestId', () => {
  const newId = () => 'new-1';

  it('mints an id when none is sent', () => {
    expect(chooseRequestId(undefined, true, newId)).toBe('new-1');
  });

  it('defaults to a random UUID', () => {
    expect(chooseRequestId(undefined, false))
      .toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("ignores a client's id when the sender is not trusted", () => {
    expect(chooseRequestId('chosen-by-client', false, newId)).toBe('new-1');
  });

  it('keeps a well-formed id from a trusted sender', () => {
    expect(chooseRequestId('lb-42', true, newId)).toBe('lb-42');
  });

  it('mints a fresh id when a trusted sender sends a malformed one', () => {
    for (const bad of ['x'.repeat(10_240), 'caf\u00e9', '', 'a b']) {
      expect(chooseRequestId(bad, true, newId)).toBe('new-1');
    }
  });
});
