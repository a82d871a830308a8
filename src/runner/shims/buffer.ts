/**
 * Node's `Buffer` in the browser runner: the `buffer` package (feross),
 * corrected where it differs from Node for what our snippets use, and
 * refusing, with a clear error, what it cannot do as Node does.
 *
 * buffer.test.ts compares every method here with Node's own Buffer. The
 * package differs from Node in three places, fixed here: it lacks
 * `base64url`; it decodes a truncated UTF-8 sequence to one U+FFFD per
 * byte where Node (the WHATWG decoder) gives one per maximal subpart; and
 * it reads hex up to a bad digit by `parseInt` ("0g" is 0) where Node
 * stops before the bad pair. Encodings other than those below (utf16le,
 * ucs2, ascii) are refused rather than trusted untested.
 */
import { Buffer } from 'buffer/index.js';
import { unavailable } from './unavailable.ts';

export { Buffer };

type Encoding = 'utf8' | 'hex' | 'base64' | 'base64url' | 'latin1';
const ENCODINGS: Record<string, Encoding> = {
  utf8: 'utf8', 'utf-8': 'utf8', hex: 'hex', base64: 'base64', base64url: 'base64url', latin1: 'latin1', binary: 'latin1',
};

/** `encoding` (any case, default utf8) as one the shim does exactly, or an error naming it. */
function encodingOf(encoding: unknown, where: string): Encoding {
  if (encoding === undefined || encoding === null) return 'utf8';
  const known = typeof encoding === 'string' ? ENCODINGS[encoding.toLowerCase()] : undefined;
  if (!known) throw unavailable(`${where} with encoding ${JSON.stringify(encoding)}`);
  return known;
}

/** Node's hex decoding: whole pairs of hex digits, up to the first pair that is not one. */
function hexBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length >>> 1);
  for (let i = 0; i < bytes.length; i++) {
    const pair = text.slice(2 * i, 2 * i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return bytes.subarray(0, i);
    bytes[i] = parseInt(pair, 16);
  }
  return bytes;
}

/** A string's bytes in `encoding`, as Node writes them. */
function stringBytes(text: string, encoding: Encoding): Uint8Array {
  if (encoding === 'hex') return hexBytes(text);
  // Node decodes base64url and base64 alike: each accepts both alphabets.
  return original.from(text, encoding === 'base64url' ? 'base64' : encoding);
}

/** The package's own methods, before the corrections below replace them. */
const original = {
  from: Buffer.from as (...args: unknown[]) => Buffer,
  byteLength: Buffer.byteLength as (...args: unknown[]) => number,
  toString: Buffer.prototype.toString as (this: Uint8Array, encoding: string) => string,
};
const proto = Buffer.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

Buffer.from = function from(value: unknown, encodingOrOffset?: unknown, length?: number) {
  if (typeof value !== 'string') return original.from(value, encodingOrOffset, length);
  return original.from(stringBytes(value, encodingOf(encodingOrOffset, 'Buffer.from')));
} as typeof Buffer.from;

Buffer.byteLength = function byteLength(value: unknown, encoding?: unknown) {
  if (typeof value !== 'string') return original.byteLength(value);
  const known = encodingOf(encoding, 'Buffer.byteLength');
  if (known === 'hex') return value.length >>> 1;
  if (known === 'base64' || known === 'base64url') {
    // Node's estimate from the text's length, not the decoded bytes.
    const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
    return ((value.length - padding) * 3) >>> 2;
  }
  return original.byteLength(value, known);
} as typeof Buffer.byteLength;

Buffer.isEncoding = (encoding: string) => typeof encoding === 'string' && encoding.toLowerCase() in ENCODINGS;

proto.toString = function (this: Buffer, encoding?: unknown, start?: number, end?: number) {
  const known = encodingOf(encoding, 'buffer.toString');
  // Node's bounds: start and end clamped to the buffer, truncated, '' when empty.
  const from = start === undefined || start <= 0 ? 0 : Math.trunc(start) || 0;
  const to = end === undefined || end > this.length ? this.length : Math.trunc(end) || 0;
  if (from >= this.length || to <= from) return '';
  const bytes = this.subarray(from, to);
  if (known === 'utf8') return utf8.decode(bytes);
  if (known === 'base64url') return original.toString.call(bytes, 'base64').replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
  return original.toString.call(bytes, known);
};

// The package set toLocaleString to its own toString before the one above.
proto.toLocaleString = proto.toString;

// Methods that take a string with an encoding. The package writes UTF-8,
// base64 and latin1 as Node does (Buffer.from above goes through its
// write); hex and base64url it does not, so they are refused here.
for (const name of ['write', 'fill', 'indexOf', 'lastIndexOf', 'includes']) {
  const method = proto[name]!;
  proto[name] = function (this: Buffer, ...args: unknown[]) {
    for (const arg of args.slice(1)) {
      if (typeof arg !== 'string') continue;
      const known = encodingOf(arg, `buffer.${name}`);
      if (known === 'hex' || known === 'base64url') throw unavailable(`buffer.${name} with encoding ${JSON.stringify(arg)}`);
    }
    return method.apply(this, args);
  };
}

// Node compares with any Uint8Array; the package only with a Buffer.
proto.equals = function (this: Buffer, other: unknown) {
  if (!(other instanceof Uint8Array)) throw new TypeError('The "otherBuffer" argument must be an instance of Buffer or Uint8Array.');
  return Buffer.compare(this, other) === 0;
};
