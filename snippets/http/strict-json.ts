/**
 * `JSON.parse` plus the two checks it skips. RFC 8259 allows duplicate
 * member names (behaviour "unpredictable", §4) and numbers of any size
 * (§6); `JSON.parse` keeps the last duplicate and rounds big integers,
 * both silently. An API that must read one exact value rejects both, and
 * runs `nestsDeeperThan` first so deep nesting cannot exhaust the stack.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 * @see https://www.rfc-editor.org/rfc/rfc7493#section-2.2
 */

export type JsonInputProblem =
  | 'syntax' | 'duplicate-key' | 'unsafe-integer' | 'out-of-range';

/** Input that is not one exact JSON value; `message` is safe to return. */
export class JsonInputError extends Error {
  override name = 'JsonInputError';
  readonly problem: JsonInputProblem;
  constructor(problem: JsonInputProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

/** The primitive's source text, passed by Node 22 and later (TC39 "JSON.parse
 * source text access"); TypeScript's lib does not declare it yet. */
interface ReviverContext { source?: string }

// #region parse
/** Parses `text`, or throws JsonInputError saying what made it ambiguous. */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text, exactNumbers);
  } catch (error) {
    if (error instanceof JsonInputError) throw error;
    // V8's message can quote the body (a password, say): keep the offset.
    const at = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new JsonInputError('syntax',
      `Not valid JSON${at === undefined ? '' : ` at position ${at}`}.`);
  }
  const duplicate = findDuplicatePath(text);
  if (duplicate !== undefined) { // as a fragment: markup comes back encoded
    throw new JsonInputError('duplicate-key', 'Duplicate key at '
      + `${clip(pointerFragment(duplicate))}; send each member once.`);
  }
  return value;
}

// The reviver sees the parsed double *and* the digits that were sent.
function exactNumbers(_key: string, value: unknown, ctx?: ReviverContext) {
  if (typeof value !== 'number') return value;
  const source = ctx?.source ?? String(value);
  if (!Number.isFinite(value)) {
    throw new JsonInputError('out-of-range',
      `${clip(source)} overflows a double.`);
  }
  // Only 2^53 - 1 and below round-trip exactly (RFC 8259 §6).
  if (/^-?\d+$/.test(source) && !Number.isSafeInteger(value)) {
    throw new JsonInputError('unsafe-integer', `${clip(source)} would be `
      + `rounded to ${value}; send integers past 2^53 - 1 as strings.`);
  }
  return value;
}
// #endregion parse

const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\],]/g;
type Frame =
  | { kind: 'object'; keys: Set<string>; key: string; expectKey: boolean }
  | { kind: 'array'; index: number };

/** JSON Pointer (RFC 6901) to the first repeated member name, if any. */
export function findDuplicateKey(text: string): string | undefined {
  const path = findDuplicatePath(text);
  return path === undefined ? undefined : jsonPointer(path);
}

/**
 * The path to the first repeated member name, if any. Runs on text that
 * already parsed, so only strings and punctuation matter; names compare
 * after unescaping, so "a" and "\u0061" collide.
 */
function findDuplicatePath(text: string): (string | number)[] | undefined {
  const stack: Frame[] = [];
  for (const [token] of text.matchAll(TOKEN)) {
    const top = stack.at(-1);
    if (token === '{') {
      stack.push({ kind: 'object', keys: new Set(), key: '',
        expectKey: true });
    } else if (token === '[') {
      stack.push({ kind: 'array', index: 0 });
    } else if (token === '}' || token === ']') {
      stack.pop();
    } else if (token === ',') {
      if (top?.kind === 'array') top.index += 1;
      else if (top) top.expectKey = true;
    } else if (top?.kind === 'object' && top.expectKey) {
      top.key = JSON.parse(token) as string;
      top.expectKey = false;
      if (top.keys.has(top.key)) return pathOf(stack);
      top.keys.add(top.key);
    }
  }
  return undefined;
}

/**
 * True once arrays and objects nest more than `limit` deep. Call it before
 * parseStrictJson: the reviver makes V8 walk the value recursively, and
 * on Node 24 some 2,300 levels overflow its stack. One pass that skips
 * strings, so it is safe on text not yet known to be JSON.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++; // the escaped character cannot end the string
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '[' || ch === '{') {
      if (++depth > limit) return true;
    } else if (ch === ']' || ch === '}') {
      depth--;
    }
  }
  return false;
}

function pathOf(stack: Frame[]): (string | number)[] {
  return stack.map((f) => (f.kind === 'array' ? f.index : f.key));
}

// #region pointer
/** One reference token (RFC 6901 §4): `~` before `/`, or "/" becomes ~01. */
function token(key: PropertyKey): string {
  if (typeof key === 'symbol') throw new TypeError('JSON keys are strings');
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** RFC 6901 JSON Pointer for a path: `["a/b", 0]` becomes `/a~1b/0`. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${token(key)}`).join('');
}

/**
 * The URI-fragment form (§6) that RFC 9457's example uses: `#/a~1b/0`, a
 * space as `%20`. A lone surrogate is legal in JSON but would make
 * `encodeURIComponent` throw, turning a 422 into a 500: hence toWellFormed.
 */
export function pointerFragment(path: readonly PropertyKey[]): string {
  return '#' + path.map((key) =>
    `/${encodeURIComponent(token(key).toWellFormed())}`).join('');
}
// #endregion pointer

/** Error messages quote input; a 60 KB key should not come back whole. */
function clip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

if (import.meta.main) {
  const inputs = [
    '{"id": 9007199254740991}',
    '{"id": 9007199254740993}',
    '{"id": "9007199254740993"}',
    '{"amount": 1e400}',
    '{"role": "user", "role": "admin"}',
    '{"items": [{"sku": "a", "s\\u006bu": "b"}]}',
    '{"id": 1,}',
  ];
  for (const input of inputs) {
    let shown: string;
    try {
      shown = `ok ${JSON.stringify(parseStrictJson(input))}`;
    } catch (error) {
      shown = `${(error as JsonInputError).problem}: `
        + (error as Error).message;
    }
    console.log(`${input.padEnd(44)} -> ${shown}`);
  }
  console.log('JSON.parse alone:',
    JSON.stringify(JSON.parse('{"id": 9007199254740993, "a": 1, "a": 2}')));
}
