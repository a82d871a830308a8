/**
 * What of a thrown value may reach the log. An allow-list, not a filter:
 * the error's class name, a machine-readable code and its stack frames
 * are kept; its message, its causes' messages and the fields of a thrown
 * object are not, because they carry whatever the code that threw put in
 * them (SQL with customer emails, tokens, connection strings).
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude
 */

/** An error as the log sees it. */
export interface ErrorDescription {
  /** The class name, e.g. `TypeError`; `typeof` for a non-Error. */
  name: string;
  /** A library's stable code, e.g. `ECONNREFUSED` or SQLSTATE `42703`. */
  code?: string;
  /** Stack frames, `at fn (file:line:col)`, without the message. */
  frames?: string[];
  cause?: ErrorDescription;
}

const MAX_FRAMES = 20;
const MAX_CAUSES = 5;

// #region describe
const NAME = /^[A-Za-z_$][\w$]{0,63}$/; // an identifier, as classes have
const CODE = /^[A-Z0-9_]{1,40}$/; // ECONNREFUSED, 23505, ERR_INVALID_URL
const FRAME = /^ {4}at \S/; // how V8 writes one stack frame

/** Name, code, frames and cause chain: never a message or a value. */
export function describeError(value: unknown, depth = 0): ErrorDescription {
  if (!(value instanceof Error)) {
    return { name: value === null ? 'null' : typeof value };
  }
  const out: ErrorDescription = {
    name: NAME.test(value.name) ? value.name : 'Error',
  };
  const code: unknown = (value as { code?: unknown }).code;
  if (typeof code === 'string' && CODE.test(code)) out.code = code;
  const frames = framesOf(value);
  if (frames.length > 0) out.frames = frames;
  if (value.cause !== undefined && depth < MAX_CAUSES) {
    out.cause = describeError(value.cause, depth + 1);
  }
  return out;
}

// The stack starts "Name: message", and a message can span lines, even
// lines that look like frames. Cut the message out, then keep the run
// of frame lines at the end.
function framesOf(err: Error): string[] {
  let stack = typeof err.stack === 'string' ? err.stack : '';
  if (err.message) stack = stack.replace(err.message, '');
  const lines = stack.split('\n');
  let first = lines.length;
  while (first > 0 && FRAME.test(lines[first - 1] ?? '')) first--;
  return lines.slice(first, first + MAX_FRAMES).map((l) => l.trim());
}
// #endregion describe

if (import.meta.main) {
  const driver = Object.assign(
    new Error('column "emial" does not exist'), { code: '42703' });
  const err = new Error("load order failed for 'ann@example.com'",
    { cause: driver });
  const logged = describeError(err);
  // Frames hold this machine's file paths: shown here as a placeholder.
  const short = (key: string, value: unknown) =>
    key === 'frames' ? '(frames)' : value;
  console.log(JSON.stringify(logged, short, 2));
}
