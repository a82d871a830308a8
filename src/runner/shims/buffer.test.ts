import { Buffer as NodeBuffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Buffer } from './buffer.ts';

// Every case runs on the shim and on Node's own Buffer, and must agree.
// 'UTF8' too: Node takes an encoding in any case.
const ENCODINGS = ['utf8', 'utf-8', 'UTF8', 'hex', 'base64', 'base64url', 'latin1', 'binary'] as BufferEncoding[];

/** A fixed pseudo-random sequence, so a failure can be replayed. */
function* random(seed: number): Generator<number> {
  for (;;) yield ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) >>> 16) & 0xff;
}
const rng = random(22);
const bytesOf = (length: number) => Array.from({ length }, () => rng.next().value as number);
const textOf = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[(rng.next().value as number) % alphabet.length]).join('');

const STRINGS = [
  '', 'a', 'ab', 'abc', 'abcd', 'héllo wörld', '日本語', '😀', '\ud800', 'a\udc00b', '\u0000\u00ff\u0100', '\ufeffbom',
  'x'.repeat(70_001), 'QUJD', 'QUJDRA', 'QUJDRA==', 'QUJDR', 'QU JD\nRA', 'QUJD=RA', 'QUJDRA=', '-_-_', '+/+/', '==', '=', 'Q',
  'abc!def', 'zz', 'abz', '0g', 'ABCDEF0', 'deadBEEF', 'whsec_ZGVtbyBrZXk=', 'eyJ0IjoxfQ',
  ...Array.from({ length: 300 }, (_, i) => textOf('ABCabcxyz0189+/-_=!. \n', i % 13)),
  ...Array.from({ length: 100 }, (_, i) => textOf('0123456789abcdefABCDEFg', i % 9)),
];
const BYTES = [
  [], [0], [0xff], [0xc3], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xc0, 0x80], [0x80, 0x80, 0x41], [0xef, 0xbb, 0xbf, 0x41], [0xe0, 0x80, 0x80], [...Array(256).keys()], bytesOf(100_001),
  ...Array.from({ length: 200 }, (_, i) => bytesOf(i % 11)),
];

describe('the Buffer shim equals Node', () => {
  it.each(ENCODINGS)('reads strings as %s', (encoding) => {
    for (const text of STRINGS) {
      expect([Buffer.from(text, encoding).toString('hex'), text]).toEqual([NodeBuffer.from(text, encoding).toString('hex'), text]);
      expect([Buffer.byteLength(text, encoding), text]).toEqual([NodeBuffer.byteLength(text, encoding), text]);
    }
  });

  it.each(ENCODINGS)('writes bytes as %s', (encoding) => {
    for (const bytes of BYTES) {
      expect([Buffer.from(bytes).toString(encoding), bytes]).toEqual([NodeBuffer.from(bytes).toString(encoding), bytes]);
    }
  });

  it('takes start and end in toString as Node does', () => {
    const bytes = [0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f];
    for (const [start, end] of [[1, 3], [2, 3], [-1, 99], [5, 2], [6, 9], [1.7, 4.2], [undefined, 2], [0, 0], [NaN, NaN]]) {
      expect(Buffer.from(bytes).toString('utf8', start, end)).toBe(NodeBuffer.from(bytes).toString('utf8', start, end));
      expect(Buffer.from(bytes).toString('base64url', start, end)).toBe(NodeBuffer.from(bytes).toString('base64url', start, end));
    }
  });

  it('builds, joins, compares and slices as Node does', () => {
    const both = <T>(run: (B: typeof NodeBuffer) => T) => expect(run(Buffer as unknown as typeof NodeBuffer)).toEqual(run(NodeBuffer));
    both((B) => [...B.alloc(5)]);
    both((B) => [...B.alloc(7, 7)]);
    both((B) => [...B.alloc(5, 'ab')]);
    both((B) => [...B.concat([B.from('a'), new Uint8Array([1, 2]), B.from('é')])]);
    both((B) => [...B.concat([B.from('abc'), B.from('def')], 4)]);
    both((B) => [...B.concat([])]);
    both((B) => [B.compare(B.from('a'), B.from('b')), B.compare(B.from('b'), B.from('a')), B.compare(B.from('a'), B.from('a')), B.compare(B.from('a'), B.from('ab'))]);
    both((B) => [B.from('abc').equals(B.from('abc')), B.from('abc').equals(B.from('abd')), B.from('').equals(new Uint8Array())]);
    both((B) => B.from('hello world').subarray(6).toString('hex'));
    both((B) => B.from('hello world').subarray(-5, -1).toString());
    both((B) => B.from('hello').slice(1, 3).toString('base64url'));
    both((B) => B.isBuffer(B.from('x')) && B.isBuffer(B.from('x').subarray(1)) && !B.isBuffer(new Uint8Array(1)) && !B.isBuffer('x'));
    both((B) => ['base64url', 'HEX', 'utf-8', 'latin1', 'nope'].map((e) => B.isEncoding(e)));
    both((B) => B.from('héllo').toJSON());
    both((B) => [B.from([0xe2, 0x82]).toLocaleString(), `${B.from([0xef, 0xbb, 0xbf, 0x41])}`]);
    both((B) => JSON.stringify({ b: B.from([1, 2, 3]) }));
    both((B) => [B.from('hello').indexOf('l'), B.from('hello').lastIndexOf('l'), B.from('hello').includes('ell'), B.from('hello').indexOf(0x6f)]);
    both((B) => [...B.from(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)]);
    both((B) => {
      const target = B.alloc(6);
      B.from('abcd').copy(target, 1, 1);
      return [...target, target.write('zé', 4)];
    });
  });

  it('reads numbers as Node does', () => {
    const bytes = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x80, 0x7f, 0xff, 0x00];
    const read = (b: NodeBuffer) => [b.readUInt8(1), b.readUInt16BE(1), b.readUInt16LE(1), b.readUInt32BE(0), b.readUInt32LE(3),
      b.readUint32BE(2), b.readInt8(5), b.readInt16BE(5), b.readInt32BE(1), b.readInt32LE(4), b.readBigUInt64BE(1), b.readDoubleBE(1)];
    expect(read(Buffer.from(bytes) as unknown as NodeBuffer)).toEqual(read(NodeBuffer.from(bytes)));
    expect(() => Buffer.from(bytes).readUInt32BE(6)).toThrow(RangeError);
    expect(() => NodeBuffer.from(bytes).readUInt32BE(6)).toThrow(RangeError);
  });
});

describe('the Buffer shim refuses what it does not do as Node does', () => {
  it.each([
    ['toString', () => Buffer.from('ab').toString('utf16le'), 'buffer.toString with encoding "utf16le"'],
    ['from', () => Buffer.from('ab', 'ucs2'), 'Buffer.from with encoding "ucs2"'],
    ['byteLength', () => Buffer.byteLength('ab', 'ascii'), 'Buffer.byteLength with encoding "ascii"'],
    ['write', () => Buffer.alloc(4).write('ff', 'hex' as never), 'buffer.write with encoding "hex"'],
    ['fill', () => Buffer.alloc(4, 'ff', 'hex'), 'buffer.fill with encoding "hex"'],
    ['indexOf', () => Buffer.alloc(4).indexOf('AA', 0, 'base64url' as never), 'buffer.indexOf with encoding "base64url"'],
  ])('%s', (_, run, what) => {
    expect(run).toThrow(`not available in the browser runner: ${what}`);
  });
});
