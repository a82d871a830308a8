import { describe, expect, it } from 'vitest';
import { describeError } from './error-log.ts';

const SECRET = "SELECT * FROM users WHERE email = 'ann@example.com'";
const text = (value: unknown) => JSON.stringify(describeError(value));

describe('describeError', () => {
  it('keeps the class name and the stack frames, not the message', () => {
    const d = describeError(new TypeError(SECRET));
    expect(d.name).toBe('TypeError');
    expect(d.frames?.[0]).toMatch(/^at .*error-log\.test\.ts:\d+:\d+/);
    expect(text(new TypeError(SECRET))).not.toContain('ann@example.com');
  });

  it('drops every line of a multi-line message', () => {
    const err = new Error(`first line\n${SECRET}\nlast line`);
    const out = text(err);
    for (const part of ['first line', 'ann@example.com', 'last line']) {
      expect(out).not.toContain(part);
    }
    expect(describeError(err).frames?.length).toBeGreaterThan(0);
  });

  it('drops message lines that imitate stack frames', () => {
    const err = new Error('boom\n    at hunter2 (postgres://u:s3cret@db/x)');
    expect(text(err)).not.toMatch(/hunter2|s3cret/);
    expect(describeError(err).frames?.every((f) => f.startsWith('at ')))
      .toBe(true);
  });

  it('still finds the frames when the message changed after the throw', () => {
    const err = new Error('original');
    void err.stack; // V8 writes the stack text on first access
    err.message = `context: ${SECRET}`;
    expect(text(err)).not.toContain('ann@example.com');
    expect(describeError(err).frames?.length).toBeGreaterThan(0);
  });

  it('keeps a code that looks like one, and drops one that does not', () => {
    const pg = Object.assign(new Error(SECRET), { code: '23505' });
    const sys = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    const odd = Object.assign(new Error('x'), { code: 'ann@example.com' });
    expect(describeError(pg).code).toBe('23505');
    expect(describeError(sys).code).toBe('ECONNREFUSED');
    expect(describeError(odd)).not.toHaveProperty('code');
    expect(describeError(Object.assign(new Error('x'), { code: 42 })))
      .not.toHaveProperty('code');
  });

  it('replaces a name that is not an identifier', () => {
    const err = Object.assign(new Error('x'), { name: 'ann@example.com' });
    expect(describeError(err).name).toBe('Error');
  });

  it('follows the cause chain with the same rules', () => {
    const err = new Error('load failed', {
      cause: Object.assign(new Error(SECRET), { code: '42703' }) });
    expect(describeError(err).cause).toMatchObject(
      { name: 'Error', code: '42703' });
    expect(text(err)).not.toContain('users');
  });

  it.each([
    ['a string', SECRET, 'string'],
    ['an object', { password: 'hunter2' }, 'object'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a number', 4111111111111111, 'number'],
  ])('records %s as its type alone', (_, value, name) => {
    expect(describeError(value)).toEqual({ name });
  });

  it('has no frames for an error without a stack', () => {
    const err = new Error(SECRET);
    err.stack = undefined;
    expect(describeError(err)).toEqual({ name: 'Error' });
  });

  it('caps the frames and survives a cause cycle', () => {
    const a = new Error('a');
    a.stack = `Error: a\n${'    at f (x.ts:1:1)\n'.repeat(50)}`.trimEnd();
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(describeError(a).frames).toHaveLength(20);
    let depth = 0;
    for (let d = describeError(a); d.cause; d = d.cause) depth++;
    expect(depth).toBe(5);
  });
});
