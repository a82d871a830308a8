import * as node from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as shim from './node-crypto.ts';

// Random output cannot be compared; its shape, its errors and
// timingSafeEqual's answers can, against Node's.
const caught = (run: () => unknown) => {
  try {
    return run();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message, code: (error as { code?: string }).code };
  }
};

describe('the node:crypto shim equals Node', () => {
  it('gives random bytes as a Buffer of the size asked, up to and past Web Crypto quota', () => {
    for (const size of [0, 1, 16, 32, 65_536, 65_537, 200_001]) {
      const ours = shim.randomBytes(size);
      expect([ours.length, Buffer.isBuffer(ours) || ours.constructor.name]).toEqual([node.randomBytes(size).length, 'Buffer']);
      if (size > 65_536) expect(ours.subarray(65_536).some((b) => b !== 0)).toBe(true);
    }
    expect(shim.randomBytes(32).toString('base64url')).toMatch(/^[\w-]{43}$/);
  });

  it('refuses the sizes Node refuses', () => {
    for (const size of [-1, 2 ** 31, NaN, Infinity]) expect(caught(() => shim.randomBytes(size))).toEqual(caught(() => node.randomBytes(size)));
    expect(shim.randomBytes(1.5).length).toBe(node.randomBytes(1.5).length);
  });

  it('compares as timingSafeEqual does, for every kind of view', () => {
    const cases: [ArrayBufferView | ArrayBuffer, ArrayBufferView | ArrayBuffer][] = [
      [Buffer.from(''), Buffer.from('')], [Buffer.from('abc'), Buffer.from('abc')], [Buffer.from('abc'), Buffer.from('abd')],
      [new Uint8Array([1, 2, 3, 4]), new Uint16Array([0x0201, 0x0403])], [new Uint8Array([9, 1, 2]).subarray(1), new Uint8Array([1, 2])],
      [new Uint8Array([1, 2]).buffer, new DataView(new Uint8Array([0, 1, 2]).buffer, 1)], [new Uint8Array([128]), new Uint8Array([0])],
      [Buffer.from('ab'), Buffer.from('abc')],
      // Not bytes at all: Node's TypeError carries the code ERR_INVALID_ARG_TYPE.
      ['abc' as unknown as Uint8Array, Buffer.from('abc')], [Buffer.from('abc'), null as unknown as Uint8Array],
    ];
    // Node takes an ArrayBuffer too, which its types do not say.
    for (const [a, b] of cases) expect(caught(() => shim.timingSafeEqual(a, b))).toEqual(caught(() => node.timingSafeEqual(a as Uint8Array, b as Uint8Array)));
  });

  it('makes version 4 UUIDs and fills arrays from the same CSPRNG API', () => {
    expect(shim.randomUUID()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(shim.getRandomValues(new Uint32Array(4)).length).toBe(node.getRandomValues(new Uint32Array(4)).length);
    expect(shim.subtle).toBe(globalThis.crypto.subtle);
  });

  it('refuses the callback form', () => {
    expect(() => shim.randomBytes(8, () => {})).toThrow('not available in the browser runner: randomBytes with a callback');
  });
});
