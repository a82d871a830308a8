/**
 * Messages about configuration that are safe to log. A secret's problem is
 * worded from the rule that failed, never from the value or from text a
 * refinement wrote; names from the environment and the command line are
 * quoted when they could forge a log line; an exception thrown inside a
 * schema is rethrown without what it quoted.
 * @see https://zod.dev/error-customization
 * @see https://cheatsheetseries.owasp.org/cheatsheets/
 *   Secrets_Management_Cheat_Sheet.html#83-detection-lifecycle
 */
import type { z } from 'zod';
import { quote } from './secret.ts';

/**
 * What a failed rule expected, worded from the rule alone (its code and
 * limits), never from the value or from text a refinement wrote. A secret
 * field's problems use only this: a custom message can quote its input
 * whole, escaped or in part, and withholding only the messages that seem to
 * quote it would tell the reader which ones did.
 */
export function expectation(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}`;
    case 'too_small': case 'too_big': {
      const small = issue.code === 'too_small';
      const n = small ? issue.minimum : issue.maximum;
      const word = issue.exact ? 'exactly' : small ? 'at least' : 'at most';
      const unit = issue.origin === 'string' ? ' characters' : '';
      return `expected ${word} ${n}${unit}`;
    }
    case 'invalid_format': return format(issue);
    default: return undefined; // custom checks, unions: no safe wording
  }
}

/** `expectation`, or a fixed phrase when the rule has no safe wording. */
export function secretProblem(issue: Issue): string {
  return expectation(issue) ?? 'failed a check (not described for a secret)';
}

type Issue = z.core.$ZodIssue | z.core.$ZodRawIssue;

function format(issue: Issue & { code: 'invalid_format' }): string {
  const rule = issue as {
    format: string; pattern?: string; note?: string;
    prefix?: string; suffix?: string; includes?: string;
  };
  if (rule.prefix !== undefined) return `expected text starting ${quote(rule.prefix)}`;
  if (rule.suffix !== undefined) return `expected text ending ${quote(rule.suffix)}`;
  if (rule.includes !== undefined) return `expected text with ${quote(rule.includes)}`;
  const p = rule.pattern ?? ''; // a regex check's is "/…/", a URL's bare
  const pattern = p === '' || p.startsWith('/') ? p : `/${p}/`;
  if (rule.format === 'regex') return `expected text matching ${pattern}`;
  const part = rule.note?.replace(/^Invalid /, '');
  return part && pattern
    ? `expected a valid ${rule.format} whose ${part} matches ${pattern}`
    : `expected a valid ${rule.format}`;
}

/**
 * A name from the environment or the command line, safe on one log line:
 * as is when it is a plain identifier, else quoted and cut like a value.
 */
export function shownName(name: string): string {
  return /^-{0,2}[\w.-]{1,100}$/.test(name) ? name : quote(name);
}

/**
 * An error thrown inside a schema, say by a transform that calls `new URL`
 * or `JSON.parse`, may quote its input: in its message, or in a property
 * (Node's URL errors carry `input`). Keep its name, code and stack frames,
 * nothing else, so a crash report cannot print a secret.
 */
export function withoutInput(error: unknown, what: string): Error {
  if (!(error instanceof Error)) {
    return new Error(`${what}: the schema threw a ${typeof error}`);
  }
  const { code } = error as { code?: unknown };
  const tag = typeof code === 'string' ? ` (${code})` : '';
  const safe = new Error(`${what}: the schema threw ${error.name}${tag}; ` +
    'its message is not shown, as it may quote a value');
  const header = `${error.name}: ${error.message}\n`;
  const frames = error.stack?.startsWith(header)
    ? error.stack.slice(header.length) : '';
  safe.stack = `Error: ${safe.message}\n${frames}`;
  return safe;
}
