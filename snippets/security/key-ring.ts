/**
 * A local key ring that stands in for a KMS: it holds key-encryption keys
 * (KEKs) by id and wraps and unwraps data keys with AES-256-GCM. A real KMS
 * (AWS KMS `Encrypt`/`Decrypt`, Google Cloud KMS, Vault transit) keeps the
 * KEK inside its own boundary and does exactly these two calls for you; the
 * interface is async so either can sit behind it.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/data-keys.html
 * @see https://csrc.nist.gov/pubs/sp/800/38/d/final (§8.3)
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { KEY_BYTES, open, type RandomBytes, seal } from './envelope.ts';

// #region key-ring
/** A key-encryption key: 32 random bytes from your KMS or secret store. */
export interface Kek { id: string; key: Uint8Array }

/** A data key wrapped by one KEK; the id travels with it. */
export interface Wrapped { kekId: string; wrapped: Buffer }

export interface KeyRing {
  /** The KEK that wraps new data keys. */
  readonly currentId: string;
  wrap(dataKey: Uint8Array, aad: Uint8Array): Promise<Wrapped>;
  unwrap(w: Wrapped, aad: Uint8Array): Promise<Buffer>;
}

/** No KEK with that id: retired before every data key was re-wrapped. */
export class UnknownKekError extends Error {
  override name = 'UnknownKekError';
}

/** SP 800-38D §8.3: random 96-bit nonces allow 2^32 encryptions a key. */
export const GCM_RANDOM_NONCE_LIMIT = 2 ** 32;
const KEK_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function localKeyRing(
  keks: readonly Kek[],
  currentId: string,
  opts: { maxWraps?: number; random?: RandomBytes } = {},
): KeyRing {
  const keys = new Map<string, Buffer>(); // in this closure, never printed
  for (const { id, key } of keks) {
    if (!KEK_ID.test(id)) throw new RangeError('bad KEK id');
    if (keys.has(id)) throw new RangeError(`KEK "${id}" is listed twice`);
    if (key.length !== KEY_BYTES) {
      throw new RangeError(`KEK "${id}" must be ${KEY_BYTES} bytes`);
    }
    keys.set(id, Buffer.from(key));
  }
  if (!keys.has(currentId)) throw new UnknownKekError(`no KEK "${currentId}"`);
  const maxWraps = opts.maxWraps ?? GCM_RANDOM_NONCE_LIMIT;
  if (!Number.isInteger(maxWraps) || maxWraps < 1 ||
    maxWraps > GCM_RANDOM_NONCE_LIMIT) {
    throw new RangeError('maxWraps must be an integer from 1 to 2^32');
  }
  const wraps = new Map<string, number>(); // per process: a KMS counts for you
  const keyFor = (id: string) => {
    const key = keys.get(id);
    if (!key) throw new UnknownKekError(`no KEK "${id}": keep it until ` +
      'every data key it wrapped has been re-wrapped');
    return key;
  };
  // The KEK id is authenticated too: a wrapped key names the KEK it needs.
  const bound = (id: string, aad: Uint8Array) =>
    Buffer.concat([Buffer.from(`${id}\n`), aad]);
  return {
    currentId,
    async wrap(dataKey, aad) {
      if (dataKey.length !== KEY_BYTES) {
        throw new RangeError(`data key must be ${KEY_BYTES} bytes`);
      }
      const used = wraps.get(currentId) ?? 0;
      if (used >= maxWraps) {
        throw new RangeError(`KEK "${currentId}" reached ${maxWraps} ` +
          'encryptions: rotate to a new KEK');
      }
      wraps.set(currentId, used + 1);
      const wrapped = seal(keyFor(currentId), dataKey,
        bound(currentId, aad), opts.random ?? nodeRandomBytes);
      return { kekId: currentId, wrapped };
    },
    async unwrap({ kekId, wrapped }, aad) {
      return open(keyFor(kekId), wrapped, bound(kekId, aad));
    },
  };
}
// #endregion key-ring
