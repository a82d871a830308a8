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

  it('keeps no frames once the message changed after the stack was written', () => {
    const err = new Error('boom\n    at hunter2 (postgres://u:s3cret@db/x)');
    void err.stack; // V8 writes the stack text on first access
    err.message = `context: ${SECRET}`;
    // The old header no longer matches, so it cannot be told from frames.
    expect(text(err)).not.toMatch(/hunter2|s3cret|ann@example\.com/);
    expect(describeError(err)).not.toHaveProperty('frames');
  });

  it('keeps no message line when the message was cut short after the stack was written', () => {
    const err = new Error('boom\n    at hunter2 (postgres://u:s3cret@db/x)');
    void err.stack;
    err.message = 'boom'; // the old header now starts with the new one
    expect(text(err)).not.toMatch(/hunter2|s3cret/);
  });

  it('drops frame-like lines smuggled in through the name', () => {
    const err = new Error('x');
    err.name = 'Error\n    at s3cret (postgres://u:s3cret@db/x)';
    expect(text(err)).not.toContain('s3cret');
    expect(describeError(err).frames?.length).toBeGreaterThan(0);
  });

  it('stops at the first line that is not a frame (a stack with a cause appended)', () => {
    const err = new Error('outer');
    const inner = new Error('inner\n    at hunter2 (postgres://u:s3cret@db/x:1:1)');
    err.stack = `${err.stack}\nCaused by: ${inner.stack}`;
    expect(text(err)).not.toMatch(/hunter2|s3cret|Caused/);
    expect(describeError(err).frames?.length).toBeGreaterThan(0);
  });

  it("keeps the frames of Node's own errors, whose stack header names the code", () => {
    // vitest formats stacks itself; Node's own formatter (what `node` runs)
    // writes "RangeError [ERR_OUT_OF_RANGE]: …" as the header.
    const vitests = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
    let err: unknown;
    try {
      Reflect.deleteProperty(Error, 'prepareStackTrace');
      Buffer.alloc(-1);
    } catch (e) {
      err = e;
      void (e as Error).stack;
    } finally {
      if (vitests) Object.defineProperty(Error, 'prepareStackTrace', vitests);
    }
    expect((err as Error).stack).toMatch(/^RangeError \[ERR_OUT_OF_RANGE\]: /);
    expect(describeError(err)).toMatchObject(
      { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(describeError(err).frames?.[0]).toMatch(/^at /);
    expect(text(err)).not.toContain('out of range');
  });

  it.each(['23505', '42P01', 'P2002', 'ECONNREFUSED', 'EAI_AGAIN',
    'ERR_INVALID_URL', 'UND_ERR_CONNECT_TIMEOUT', 'ER_DUP_ENTRY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_HTTP2_STREAM_CANCEL',
  ])('keeps the code %s', (code) => {
    expect(describeError(Object.assign(new Error(SECRET), { code })).code)
      .toBe(code);
  });

  it.each([
    ['an email', 'ann@example.com'],
    ['a card number', '4111111111111111'],
    ['a phone number', '4915112345678'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['an IBAN', 'DE89370400440532013000'],
    ['a passport number', 'X12345678'],
    ['lower case', 'card_declined'],
    ['a number', 42],
  ])('drops a code that is %s', (_, code) => {
    expect(describeError(Object.assign(new Error('x'), { code })))
      .not.toHaveProperty('code');
  });

  it('logs the class, never a name set from data', () => {
    for (const name of ['ann@example.com', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']) {
      const err = Object.assign(new Error('x'), { name });
      expect(describeError(err).name).toBe('Error');
      expect(text(err)).not.toContain(name);
    }
    class PaymentError extends Error { override name = 'hunter2'; }
    expect(describeError(new PaymentError('x')).name).toBe('PaymentError');
  });

  it('never throws, whatever getters and Proxies do', () => {
    const trap = () => { throw new Error(SECRET); };
    const getters = new Error('x');
    for (const key of ['name', 'message', 'stack', 'code', 'cause']) {
      Object.defineProperty(getters, key, { get: trap });
    }
    const proxy = new Proxy(new Error('x'), { get: trap });
    const opaque = new Proxy(new Error('x'), { getPrototypeOf: trap });
    expect(describeError(getters)).toEqual({ name: 'Error' });
    expect(describeError(proxy)).toEqual({ name: 'Error' });
    expect(describeError(opaque)).toEqual({ name: 'object' });
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
