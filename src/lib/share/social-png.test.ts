import { describe, expect, it } from 'vitest';
import { pngSize } from './social-png.ts';

/** The first 24 bytes of a PNG: signature, IHDR length and type, width, height. */
function pngHead(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(24);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

describe('pngSize', () => {
  it('reads width and height from the IHDR chunk', () => {
    expect(pngSize(pngHead(1200, 630))).toEqual({ width: 1200, height: 630 });
    expect(pngSize(pngHead(70_000, 1))).toEqual({ width: 70_000, height: 1 });
  });

  it('names the file when the bytes are not a PNG', () => {
    expect(() => pngSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'og/4.png')).toThrow('og/4.png is not a PNG');
    expect(() => pngSize(pngHead(1, 1).subarray(0, 20), 'short.png')).toThrow('short.png is not a PNG');
  });
});
