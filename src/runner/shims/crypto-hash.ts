/**
 * `node:crypto`'s synchronous hashes and HMACs (`createHash`, `createHmac`,
 * `hash`) in the browser runner, on @noble/hashes (audited, synchronous,
 * where Web Crypto's digest is asynchronous). The objects behave as Node's:
 * `update` chains and takes strings in any encoding the Buffer shim does,
 * `digest` returns a Buffer or a string, a Hash digested twice throws and
 * an Hmac digested twice gives nothing. crypto-hash.test.ts compares each
 * with Node's. Node's stream interface on these objects is not here: the
 * bundle fails to build on it, or a call says it is not available.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { Buffer } from './buffer.ts';
import { unavailable } from './unavailable.ts';

type Algorithm = Parameters<typeof hmac.create>[0];
type Hasher = ReturnType<Algorithm['create']>;
type Data = string | ArrayBufferView;

/** Digests Node names in lower case, as OpenSSL accepts them in any case. */
const ALGORITHMS: Record<string, Algorithm> = { md5, sha1, sha224, sha256, sha384, sha512 };

function algorithmOf(name: string, where: string): Algorithm {
  const algorithm = typeof name === 'string' ? ALGORITHMS[name.toLowerCase()] : undefined;
  if (!algorithm) throw unavailable(`${where}(${JSON.stringify(name)})`);
  return algorithm;
}

/** `data` as bytes: a string in `encoding` (Buffer.from's), or a view's own bytes. */
export function bytesOf(data: Data, encoding?: string): Uint8Array {
  if (typeof data === 'string') {
    // Node's update refuses odd-length hex, which Buffer.from would cut short.
    if (encoding === 'hex' && data.length % 2) {
      throw Object.assign(new TypeError(`The argument 'encoding' is invalid for data of length ${data.length}. Received 'hex'`), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    data = Buffer.from(data, encoding as BufferEncoding);
  }
  if (!ArrayBuffer.isView(data)) throw new TypeError('The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView.');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const output = (bytes: Uint8Array, encoding?: string) => {
  const buffer = Buffer.from(bytes);
  return encoding === undefined || encoding === 'buffer' ? buffer : buffer.toString(encoding as BufferEncoding);
};

const finalized = () => Object.assign(new Error('Digest already called'), { code: 'ERR_CRYPTO_HASH_FINALIZED' });

/** Node's Hash: digest once, then every call throws. */
export class Hash {
  #state: Hasher | undefined;
  constructor(state: Hasher) { this.#state = state; }
  update(data: Data, encoding?: string): this {
    if (!this.#state) throw finalized();
    this.#state.update(bytesOf(data, encoding));
    return this;
  }
  digest(encoding?: string): Buffer | string {
    if (!this.#state) throw finalized();
    const bytes = this.#state.digest();
    this.#state = undefined;
    return output(bytes, encoding);
  }
  copy(): Hash {
    if (!this.#state) throw finalized();
    return new Hash(this.#state.clone());
  }
}

/** Node's Hmac: a second digest gives an empty result rather than an error. */
export class Hmac {
  #state: ReturnType<typeof hmac.create> | undefined;
  constructor(state: ReturnType<typeof hmac.create>) { this.#state = state; }
  update(data: Data, encoding?: string): this {
    if (!this.#state) throw finalized();
    this.#state.update(bytesOf(data, encoding));
    return this;
  }
  digest(encoding?: string): Buffer | string {
    const bytes = this.#state?.digest() ?? new Uint8Array();
    this.#state = undefined;
    return output(bytes, encoding);
  }
}

export const createHash = (algorithm: string, options?: unknown): Hash => {
  if (options !== undefined) throw unavailable('createHash with options');
  return new Hash(algorithmOf(algorithm, 'createHash').create());
};

export const createHmac = (algorithm: string, key: Data, options?: unknown): Hmac => {
  if (options !== undefined) throw unavailable('createHmac with options');
  if (typeof key === 'object' && !ArrayBuffer.isView(key)) throw unavailable('createHmac with a KeyObject');
  return new Hmac(hmac.create(algorithmOf(algorithm, 'createHmac'), bytesOf(key)));
};

/** Node's one-shot `crypto.hash`: hex unless told. */
export const hash = (algorithm: string, data: Data, outputEncoding = 'hex'): Buffer | string =>
  output(algorithmOf(algorithm, 'hash').create().update(bytesOf(data)).digest(), outputEncoding);
