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
  /** The class, e.g. `TypeError`; `typeof` for a value that is no Error. */
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
const CLASS = /^[A-Za-z_$][\w$]{0,63}$/; // an identifier, as classes have
const SQLSTATE = /^[0-9A-Z]{5}$/; // 23505, 42P01
// Words like ECONNREFUSED or ERR_INVALID_URL. Never 4 digits in a row
// (a card or phone number) nor one long token (an access key id).
const WORDS = /^(?!.*\d{4})[A-Z][A-Z0-9]{0,15}(_[A-Z0-9]{1,16}){0,7}$/;
// One V8 frame: "    at fn (file:1:2)", "(<anonymous>)", "(index 0)"…
const FRAME = /^ {4}at \S.*(:\d+:\d+|\(native|<anonymous>|index \d+)\)?$/;

/** Class, code, frames and causes: never a message or a value. */
export function describeError(value: unknown, depth = 0): ErrorDescription {
  if (!isError(value)) {
    return { name: value === null ? 'null' : typeof value };
  }
  // The constructor's name, which code gives; `err.name` is any string.
  const name = read(() => Object.getPrototypeOf(value).constructor.name);
  const out: ErrorDescription = {
    name: typeof name === 'string' && CLASS.test(name) ? name : 'Error',
  };
  const code = read(() => (value as { code?: unknown }).code);
  if (typeof code === 'string' && (SQLSTATE.test(code) || WORDS.test(code))) {
    out.code = code;
  }
  const frames = read(() => framesOf(value)) ?? [];
  if (frames.length > 0) out.frames = frames;
  const cause = read(() => value.cause);
  if (cause !== undefined && depth < MAX_CAUSES) {
    out.cause = describeError(cause, depth + 1);
  }
  return out;
}

// A stack is a header, the name and message on as many lines as they
// take, then one line per frame. Keep only the frames that follow the
// exact header; if the name or message changed after the stack was
// written, the header is unknown and no frame is kept.
function framesOf(err: Error): string[] {
  const stack = err.stack;
  const head = headers(err).find((h) => stack?.startsWith(`${h}\n`));
  if (stack === undefined || head === undefined) return [];
  const frames: string[] = [];
  for (const line of stack.slice(head.length + 1).split('\n', MAX_FRAMES)) {
    if (!FRAME.test(line)) break; // e.g. "Caused by: …" appended by hand
    frames.push(line.trim());
  }
  return frames;
}
// #endregion describe

/** The header V8 writes (Node's own errors add their code to the name). */
function headers(err: Error): string[] {
  const toString = Error.prototype.toString;
  const code: unknown = (err as { code?: unknown }).code;
  const plain = toString.call(err);
  if (typeof code !== 'string' || typeof err.name !== 'string') return [plain];
  const named = { name: `${err.name} [${code}]`, message: err.message };
  return [plain, toString.call(named)];
}

/** `instanceof Error`, false when a Proxy's trap throws. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** What `get` returns, or undefined when a getter or Proxy trap throws. */
function read<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

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
