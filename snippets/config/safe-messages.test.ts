import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  expectation, secretProblem, shownName, withoutInput,
} from './safe-messages.ts';

describe('expectation and secretProblem', () => {
  /** The first issue zod raises for `value`. */
  const issue = (schema: z.ZodType, value: unknown) =>
    schema.safeParse(value).error!.issues[0]!;

  it('words each rule from its code and limits', () => {
    expect(expectation(issue(z.string().min(32), 'short')))
      .toBe('expected at least 32 characters');
    expect(expectation(issue(z.number().max(9), 10))).toBe('expected at most 9');
    expect(expectation(issue(z.string().length(4), 'abc')))
      .toBe('expected exactly 4 characters');
    expect(expectation(issue(z.number(), 'x'))).toBe('expected number');
    expect(expectation(issue(z.enum(['a', 'b']), 'c')))
      .toBe('expected one of a, b');
    expect(expectation(issue(z.url({ protocol: /^postgres$/ }), 'mysql://h')))
      .toBe('expected a valid url whose protocol matches /^postgres$/');
    expect(expectation(issue(z.url(), 'not a url')))
      .toBe('expected a valid url');
    expect(expectation(issue(z.string().regex(/^sk_/), 'pk_1')))
      .toBe('expected text matching /^sk_/');
    expect(expectation(issue(z.string().startsWith('sk_'), 'pk_1')))
      .toBe('expected text starting "sk_"');
  });

  it('has no wording for a custom check, and says so for a secret', () => {
    const custom = issue(z.string().refine(() => false, 'quotes hunter2'), 'x');
    expect(expectation(custom)).toBeUndefined();
    expect(secretProblem(custom)).toBe(
      'failed a check (not described for a secret)');
  });

  it('depends on the rule, never on the value', () => {
    const rule = z.string().min(32);
    expect(secretProblem(issue(rule, 'ore'))).toBe(
      secretProblem(issue(rule, 'x')));
  });
});

describe('shownName', () => {
  it('keeps plain names, quotes the rest', () => {
    expect(shownName('APP_SERVER__PORT')).toBe('APP_SERVER__PORT');
    expect(shownName('--server.timeout-ms')).toBe('--server.timeout-ms');
    expect(shownName('APP_X\nERROR forged')).toBe('"APP_X\\nERROR forged"');
    expect(shownName('APP_\u202Egnp')).toBe('"APP_\\u202egnp"');
  });
});

describe('withoutInput', () => {
  it('keeps the name, code and frames of an error, not what it quoted', () => {
    let thrown: unknown;
    try {
      new URL('postgres://u:hunter2@[bad');
    } catch (error) {
      thrown = error;
    }
    const safe = withoutInput(thrown, 'Environment');
    expect(safe.message).toBe('Environment: the schema threw TypeError ' +
      '(ERR_INVALID_URL); its message is not shown, as it may quote a value');
    expect(safe.stack).toMatch(/\n\s+at /);
    const rendered = [safe.message, safe.stack, inspect(safe),
      JSON.stringify(safe)].join('\n');
    expect(rendered).not.toContain('hunter2');
    expect(withoutInput('hunter2', 'X').message)
      .toBe('X: the schema threw a string');
  });
});
