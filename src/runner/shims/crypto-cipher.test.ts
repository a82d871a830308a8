import * as node from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as shim from './crypto-cipher.ts';

// Every step runs on the shim and on Node's node:crypto, and must agree.
const bytes = (length: number, salt = 7) => Uint8Array.from({ length }, (_, i) => (i * 131 + salt) % 256);
const KEYS = { 'aes-128-gcm': bytes(16, 1), 'aes-192-gcm': bytes(24, 2), 'aes-256-gcm': bytes(32, 3), 'AES-256-GCM': bytes(32, 4) };
const IV = bytes(12, 9);
const PLAINTEXTS = [bytes(0), bytes(1), bytes(15), bytes(16), bytes(17), bytes(1000), bytes(100_003), Buffer.from('héllo 😀')];
const AADS = [undefined, bytes(0), bytes(5), bytes(40)];
type Api = Pick<typeof node, 'createCipheriv' | 'createDecipheriv'>;
const SHIM = shim as unknown as Api;

/** What a cipher gives at every step, chunk by chunk, with the tag. */
function seal(api: Api, algorithm: string, key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, cut = 7) {
  const cipher = api.createCipheriv(algorithm as 'aes-256-gcm', key, IV, { authTagLength: 16 });
  if (aad) cipher.setAAD(aad);
  const parts = [cipher.update(plaintext.subarray(0, cut)), cipher.update(plaintext.subarray(cut)), cipher.final()];
  return { parts: parts.map((p) => [...p]), tag: [...cipher.getAuthTag()] };
}

function open(api: Api, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array) {
  const decipher = api.createDecipheriv('aes-256-gcm', KEYS['aes-256-gcm'], IV, { authTagLength: 16 });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const out = [...decipher.update(ciphertext)];
  try {
    return { out, final: [...decipher.final()] };
  } catch (error) {
    return { out, error: (error as Error).message };
  }
}

const caught = (run: () => unknown) => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return [(error as Error).name, (error as Error).message, (error as { code?: string }).code];
  }
};

describe('the AES-GCM shim equals Node', () => {
  it('seals every length, key size and AAD alike, chunk by chunk', () => {
    for (const [algorithm, key] of Object.entries(KEYS)) for (const plaintext of PLAINTEXTS) for (const aad of AADS) {
      expect(seal(SHIM, algorithm, key, plaintext, aad)).toEqual(seal(node, algorithm, key, plaintext, aad));
    }
  });

  it('opens what it sealed, and refuses a changed byte, tag or AAD as Node does', () => {
    const plaintext = bytes(33);
    const sealed = node.createCipheriv('aes-256-gcm', KEYS['aes-256-gcm'], IV).setAAD(bytes(5));
    const ciphertext = Buffer.concat([sealed.update(plaintext), sealed.final()]);
    const tag = sealed.getAuthTag();
    const flipped = (b: Uint8Array, at: number) => Uint8Array.from(b, (x, i) => (i === at ? x ^ 1 : x));
    for (const [c, t, aad] of [[ciphertext, tag, bytes(5)], [flipped(ciphertext, 3), tag, bytes(5)], [ciphertext, flipped(tag, 15), bytes(5)], [ciphertext, tag, bytes(6)], [ciphertext, tag, undefined]] as const) {
      expect(open(SHIM, c, t, aad)).toEqual(open(node, c, t, aad));
    }
    expect(open(SHIM, ciphertext, tag, bytes(5)).final).toEqual([]);
  });

  it('takes and gives strings in the encodings asked', () => {
    const run = (api: Api) => {
      const cipher = api.createCipheriv('aes-256-gcm', KEYS['aes-256-gcm'], IV);
      return [cipher.update('héllo', 'utf8', 'hex'), cipher.update('6869', 'hex', 'hex'), cipher.update('aGk', 'base64', 'hex'), cipher.final('hex'), cipher.getAuthTag().toString('base64url')];
    };
    expect(run(SHIM)).toEqual(run(node));
    const latin1 = (api: Api) => api.createDecipheriv('aes-128-gcm', KEYS['aes-128-gcm'], IV).update(bytes(300), undefined, 'latin1');
    expect(latin1(SHIM)).toBe(latin1(node));
  });

  it('fails as Node fails: key length, tag length, state', () => {
    const key = KEYS['aes-256-gcm'];
    const cases: ((api: Api) => unknown)[] = [
      (api) => api.createCipheriv('aes-256-gcm', bytes(16), IV),
      (api) => api.createDecipheriv('aes-256-gcm', key, IV, { authTagLength: 16 }).setAuthTag(bytes(15)),
      (api) => { const c = api.createCipheriv('aes-256-gcm', key, IV); c.update('ab', 'utf8', 'hex'); c.update('ab', 'utf8', 'latin1'); },
      (api) => api.createCipheriv('aes-256-gcm', key, IV).getAuthTag(),
      (api) => { const c = api.createCipheriv('aes-256-gcm', key, IV); c.final(); c.final(); },
      (api) => { const c = api.createCipheriv('aes-256-gcm', key, IV); c.final(); c.update('x'); },
      (api) => { const d = api.createDecipheriv('aes-256-gcm', key, IV); d.update(bytes(4)); d.final(); },
      (api) => api.createDecipheriv('aes-256-gcm', key, IV).setAuthTag(bytes(16)).setAuthTag(bytes(16)),
      (api) => { const c = api.createCipheriv('aes-256-gcm', key, IV); c.final(); c.setAAD(bytes(1)); },
    ];
    for (const run of cases) expect(caught(() => run(SHIM))).toEqual(caught(() => run(node)));
  });
});

describe('the AES-GCM shim refuses what it does not do as Node does', () => {
  it.each([
    ['another cipher', () => shim.createCipheriv('aes-256-cbc', bytes(32), bytes(16)), 'createCipheriv("aes-256-cbc")'],
    ['a 16-byte IV', () => shim.createDecipheriv('aes-256-gcm', bytes(32), bytes(16)), 'createDecipheriv with a 16-byte IV'],
    ['a short tag', () => shim.createCipheriv('aes-256-gcm', bytes(32), IV, { authTagLength: 12 }), 'createCipheriv with authTagLength 12'],
    ['base64 output', () => shim.createCipheriv('aes-256-gcm', bytes(32), IV).update('x', 'utf8', 'base64'), 'update with outputEncoding "base64"'],
    ['a short tag without authTagLength', () => shim.createDecipheriv('aes-256-gcm', bytes(32), IV).setAuthTag(bytes(12)), 'setAuthTag with a 12-byte tag'],
    ['AAD after data', () => { const c = shim.createCipheriv('aes-256-gcm', bytes(32), IV); c.update('x'); c.setAAD(bytes(1)); }, 'setAAD after update'],
  ])('%s', (_, run, what) => {
    expect(run).toThrow(`not available in the browser runner: ${what}`);
  });
});
