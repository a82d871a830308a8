import * as node from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as shim from './crypto-hash.ts';

// Every case runs on the shim and on Node's node:crypto, and must agree.
const ALGORITHMS = ['sha256', 'sha1', 'sha512', 'sha384', 'sha224', 'md5', 'SHA256'];
const OUTPUTS = [undefined, 'buffer', 'hex', 'base64', 'base64url', 'latin1'] as const;
const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 131 + 7) % 256);
const INPUTS: (string | Uint8Array)[] = [
  '', 'a', 'abc', 'héllo wörld', '日本語 😀', '\ud800 lone', 'x'.repeat(1_000_003),
  bytes(0), bytes(1), bytes(55), bytes(56), bytes(63), bytes(64), bytes(65), bytes(111), bytes(112), bytes(128), bytes(1_048_577),
];
/** A digest as comparable data: a Buffer's bytes, or the string. */
const plain = (value: Uint8Array | string) => (typeof value === 'string' ? value : [...value]);

describe('the hash shim equals Node', () => {
  it.each(ALGORITHMS)('createHash(%s) over every input and output encoding', (algorithm) => {
    for (const input of INPUTS) for (const encoding of OUTPUTS) {
      const ours = shim.createHash(algorithm).update(input).digest(encoding);
      expect(plain(ours)).toEqual(plain(node.createHash(algorithm).update(input).digest(encoding as 'hex')));
    }
  });

  it.each(ALGORITHMS)('createHmac(%s) with keys shorter and longer than a block', (algorithm) => {
    for (const key of ['', 'k', 'whsec_demo', 'ü'.repeat(200), bytes(16), bytes(64), bytes(129), bytes(300)]) {
      for (const input of INPUTS.slice(0, 9)) {
        expect(plain(shim.createHmac(algorithm, key).update(input).digest('hex')))
          .toEqual(plain(node.createHmac(algorithm, key).update(input).digest('hex')));
      }
    }
  });

  it('feeds update in pieces, with input encodings, and from other views', () => {
    const feed = (h: { update(d: string | ArrayBufferView, e?: string): unknown }) => {
      h.update('id.');
      h.update('68656c6C6f', 'hex');
      h.update('aGVsbG8', 'base64');
      h.update('-_8', 'base64url');
      h.update('ÿé', 'latin1');
      h.update(new Uint16Array([0x4142, 0x4344]).subarray(1));
      h.update(new DataView(bytes(10).buffer, 3, 4));
      return h;
    };
    expect((feed(shim.createHash('sha256')) as shim.Hash).digest('hex')).toBe((feed(node.createHash('sha256')) as node.Hash).digest('hex'));
    expect((feed(shim.createHmac('sha256', 'k')) as shim.Hmac).digest('base64')).toBe((feed(node.createHmac('sha256', 'k')) as node.Hmac).digest('base64'));
  });

  it('refuses odd-length hex input as Node does', () => {
    const caught = (run: () => unknown) => {
      try {
        return run();
      } catch (error) {
        return [(error as Error).name, (error as Error).message, (error as { code?: string }).code];
      }
    };
    expect(caught(() => shim.createHash('sha256').update('abc', 'hex'))).toEqual(caught(() => node.createHash('sha256').update('abc', 'hex')));
    expect(caught(() => shim.createHmac('sha256', 'k').update('a', 'hex'))).toEqual(caught(() => node.createHmac('sha256', 'k').update('a', 'hex')));
  });

  it('copies a hash midway as Node does', () => {
    const ours = shim.createHash('sha1').update('abc');
    const theirs = node.createHash('sha1').update('abc');
    const [ourCopy, theirCopy] = [ours.copy().update('def'), theirs.copy().update('def')];
    expect([ours.digest('hex'), ourCopy.digest('hex')]).toEqual([theirs.digest('hex'), theirCopy.digest('hex')]);
  });

  it('finishes as Node does: a Hash throws after digest, an Hmac gives nothing', () => {
    for (const h of [shim.createHash('sha256'), node.createHash('sha256')]) {
      h.digest();
      expect(() => h.digest()).toThrow(expect.objectContaining({ message: 'Digest already called', code: 'ERR_CRYPTO_HASH_FINALIZED' }));
      expect(() => h.update('x')).toThrow('Digest already called');
    }
    const [ours, theirs] = [shim.createHmac('sha256', 'k'), node.createHmac('sha256', 'k')];
    ours.digest();
    theirs.digest();
    expect([plain(ours.digest()), ours.digest('hex')]).toEqual([plain(theirs.digest()), theirs.digest('hex')]);
  });

  it('hashes in one call as node:crypto hash() does', () => {
    for (const input of INPUTS) for (const encoding of OUTPUTS.slice(1)) {
      expect(plain(shim.hash('sha256', input, encoding))).toEqual(plain(node.hash('sha256', input, encoding as 'hex')));
    }
    expect(shim.hash('sha1', 'abc')).toBe(node.hash('sha1', 'abc'));
    const first = (digest: Uint8Array | string) => (digest as Buffer).readUInt32BE(0);
    expect(first(shim.hash('sha256', 'abc', 'buffer'))).toBe(first(node.hash('sha256', 'abc', 'buffer')));
  });
});

describe('the hash shim refuses what it does not do as Node does', () => {
  it.each([
    ['sha3-256, which Node has', () => shim.createHash('sha3-256'), 'createHash("sha3-256")'],
    ['an HMAC on RIPEMD', () => shim.createHmac('ripemd160', 'k'), 'createHmac("ripemd160")'],
    ['a one-shot BLAKE2', () => shim.hash('blake2b512', 'x'), 'hash("blake2b512")'],
    ['hash options', () => shim.createHash('sha256', { outputLength: 8 }), 'createHash with options'],
    ['a KeyObject', () => shim.createHmac('sha256', node.createSecretKey(bytes(8)) as never), 'createHmac with a KeyObject'],
  ])('%s', (_, run, what) => {
    expect(run).toThrow(`not available in the browser runner: ${what}`);
  });
});
