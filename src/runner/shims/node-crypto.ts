/**
 * `node:crypto` in the browser runner: what it can do exactly as Node
 * does. Hashes and HMACs come from crypto-hash.ts; random bytes and UUIDs
 * from Web Crypto's CSPRNG, as Node draws them from OpenSSL's; `webcrypto`
 * and `subtle` are the same Web Crypto API. A name not exported here fails
 * the bundle, and shims.ts makes the module Node-only saying which.
 */
import { Buffer } from './buffer.ts';
import { unavailable } from './unavailable.ts';

export { createHash, createHmac, hash, Hash, Hmac } from './crypto-hash.ts';
export { Cipheriv, createCipheriv, createDecipheriv, Decipheriv } from './crypto-cipher.ts';

export const webcrypto: Crypto = globalThis.crypto;
export const subtle: SubtleCrypto = globalThis.crypto.subtle;
export const randomUUID = (): string => globalThis.crypto.randomUUID();
export const getRandomValues: Crypto['getRandomValues'] = (array) => globalThis.crypto.getRandomValues(array);

/** Web Crypto fills at most this many bytes a call. */
const QUOTA = 65_536;

/** `size` random bytes in a Buffer; Node's callback form is not here. */
export function randomBytes(size: number, callback?: unknown): Buffer {
  if (callback !== undefined) throw unavailable('randomBytes with a callback');
  if (typeof size !== 'number') throw new TypeError('The "size" argument must be of type number.');
  if (!(size >= 0 && size <= 2 ** 31 - 1)) {
    const message = `The value of "size" is out of range. It must be >= 0 && <= ${2 ** 31 - 1}. Received ${size}`;
    throw Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });
  }
  const bytes = Buffer.alloc(Math.trunc(size)); // Node's 1.5 gives 1 byte
  for (let at = 0; at < size; at += QUOTA) globalThis.crypto.getRandomValues(bytes.subarray(at, at + QUOTA));
  return bytes;
}

/** Whether two equal-length byte sequences are equal, in time that does not depend on where they differ. */
export function timingSafeEqual(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  const x = viewOf(a, 'buf1');
  const y = viewOf(b, 'buf2');
  if (x.byteLength !== y.byteLength) {
    throw Object.assign(new RangeError('Input buffers must have the same byte length'), { code: 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH' });
  }
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}

function viewOf(value: ArrayBufferView | ArrayBuffer, name: string): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw Object.assign(new TypeError(`The "${name}" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView.`), { code: 'ERR_INVALID_ARG_TYPE' });
}
