/**
 * `node:crypto`'s AES-GCM (`createCipheriv`, `createDecipheriv`) in the
 * browser runner, on @noble/ciphers (audited, synchronous). GCM encrypts
 * with a counter stream, so, as in Node, `update` hands back the bytes of
 * each chunk at once (for a decipher, before the tag is checked) and
 * `final` gives nothing but checks or makes the tag. Each call recomputes
 * the stream over all input so far: fine for a demo's few kilobytes.
 * crypto-cipher.test.ts compares every step with Node's. Other ciphers,
 * IVs other than 12 bytes and tags other than 16 are refused.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { Buffer } from './buffer.ts';
import { bytesOf } from './crypto-hash.ts';
import { unavailable } from './unavailable.ts';

const KEY_BYTES: Record<string, number> = { 'aes-128-gcm': 16, 'aes-192-gcm': 24, 'aes-256-gcm': 32 };
type Data = string | ArrayBufferView;

const nodeError = (make: (m: string) => Error, message: string, code?: string) => Object.assign(make(message), code ? { code } : {});
const invalidState = (operation?: string) =>
  nodeError((m) => new Error(m), operation ? `Invalid state for operation ${operation}` : 'Invalid state', 'ERR_CRYPTO_INVALID_STATE');
const unauthenticated = () => nodeError((m) => new Error(m), 'Unsupported state or unable to authenticate data');

class Gcm {
  readonly #key: Uint8Array;
  readonly #iv: Uint8Array;
  #aad = new Uint8Array();
  #input: Uint8Array[] = [];
  #done = false;
  #outputEncoding: string | undefined;
  protected tag: Uint8Array | undefined;

  constructor(algorithm: string, key: Data, iv: Data, options: { authTagLength?: number } | undefined, where: string) {
    const keyBytes = typeof algorithm === 'string' ? KEY_BYTES[algorithm.toLowerCase()] : undefined;
    if (!keyBytes) throw unavailable(`${where}(${JSON.stringify(algorithm)})`);
    if ((options?.authTagLength ?? 16) !== 16) throw unavailable(`${where} with authTagLength ${options?.authTagLength}`);
    this.#key = Uint8Array.from(bytesOf(key));
    this.#iv = Uint8Array.from(bytesOf(iv));
    if (this.#key.length !== keyBytes) throw nodeError((m) => new RangeError(m), 'Invalid key length', 'ERR_CRYPTO_INVALID_KEYLEN');
    if (this.#iv.length !== 12) throw unavailable(`${where} with a ${this.#iv.length}-byte IV`);
  }

  setAAD(aad: ArrayBufferView): this {
    if (this.#done) throw invalidState('setAAD');
    if (this.#input.length) throw unavailable('setAAD after update');
    this.#aad = Uint8Array.from(bytesOf(aad));
    return this;
  }

  update(data: Data, inputEncoding?: string, outputEncoding?: string): Buffer | string {
    if (this.#done) throw new Error('Trying to add data in unsupported state');
    const before = this.#length();
    this.#input.push(Uint8Array.from(bytesOf(data, inputEncoding)));
    // Counter mode: the stream over all input so far, and this chunk's part of it.
    const out = Buffer.from(this.#stream().subarray(before, this.#length()));
    if (outputEncoding === undefined || outputEncoding === 'buffer') return out;
    // Node decodes output with a StringDecoder that carries partial base64
    // groups and UTF-8 characters to the next call; hex and latin1 carry nothing.
    if (outputEncoding !== 'hex' && outputEncoding !== 'latin1') throw unavailable(`update with outputEncoding ${JSON.stringify(outputEncoding)}`);
    if ((this.#outputEncoding ??= outputEncoding) !== outputEncoding) {
      throw nodeError((m) => new TypeError(m), `The argument 'outputEncoding' cannot be changed from '${this.#outputEncoding}'. Received '${outputEncoding}'`, 'ERR_INVALID_ARG_VALUE');
    }
    return out.toString(outputEncoding);
  }

  final(outputEncoding?: string): Buffer | string {
    if (this.#done) throw invalidState();
    this.#done = true;
    this.finish(this.#key, this.#iv, this.#aad, Buffer.concat(this.#input));
    return outputEncoding === undefined || outputEncoding === 'buffer' ? Buffer.alloc(0) : '';
  }

  /** Makes or checks the tag over all the input. */
  protected finish(_key: Uint8Array, _iv: Uint8Array, _aad: Uint8Array, _input: Uint8Array): void {}

  protected get finished(): boolean { return this.#done; }

  #length(): number { return this.#input.reduce((n, b) => n + b.length, 0); }

  /** The input XOR the GCM key stream: ciphertext for plaintext, and back. */
  #stream(): Uint8Array {
    const input = Buffer.concat(this.#input);
    return gcm(this.#key, this.#iv).encrypt(input).subarray(0, input.length); // AAD changes only the tag
  }
}

export class Cipheriv extends Gcm {
  constructor(algorithm: string, key: Data, iv: Data, options?: { authTagLength?: number }) {
    super(algorithm, key, iv, options, 'createCipheriv');
  }
  protected override finish(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, input: Uint8Array): void {
    this.tag = gcm(key, iv, aad).encrypt(input).subarray(input.length);
  }
  getAuthTag(): Buffer {
    if (!this.tag) throw invalidState('getAuthTag');
    return Buffer.from(this.tag);
  }
}

export class Decipheriv extends Gcm {
  readonly #tagLengthGiven: boolean;
  constructor(algorithm: string, key: Data, iv: Data, options?: { authTagLength?: number }) {
    super(algorithm, key, iv, options, 'createDecipheriv');
    this.#tagLengthGiven = options?.authTagLength !== undefined;
  }
  setAuthTag(tag: ArrayBufferView): this {
    if (this.finished || this.tag) throw invalidState('setAuthTag');
    const bytes = Uint8Array.from(bytesOf(tag));
    // Without authTagLength Node takes a shorter GCM tag too; the shim does not.
    if (bytes.length !== 16 && !this.#tagLengthGiven) throw unavailable(`setAuthTag with a ${bytes.length}-byte tag`);
    if (bytes.length !== 16) throw nodeError((m) => new TypeError(m), `Invalid authentication tag length: ${bytes.length}`, 'ERR_CRYPTO_INVALID_AUTH_TAG');
    this.tag = bytes;
    return this;
  }
  protected override finish(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, input: Uint8Array): void {
    if (!this.tag) throw unauthenticated();
    try {
      gcm(key, iv, aad).decrypt(Buffer.concat([input, this.tag]));
    } catch {
      throw unauthenticated();
    }
  }
}

export const createCipheriv = (algorithm: string, key: Data, iv: Data, options?: { authTagLength?: number }) =>
  new Cipheriv(algorithm, key, iv, options);
export const createDecipheriv = (algorithm: string, key: Data, iv: Data, options?: { authTagLength?: number }) =>
  new Decipheriv(algorithm, key, iv, options);
