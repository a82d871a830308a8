import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { opaquePng, pngSize } from './social-png.ts';

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

describe('opaquePng', () => {
  /** A 3×2 image: red, green, blue over white, grey, black. */
  const pixels = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 128, 128, 128, 255, 0, 0, 0, 255]);

  it('writes a PNG that a real decoder reads back pixel for pixel', async () => {
    const png = await opaquePng(pixels, 3, 2);
    expect(pngSize(png)).toEqual({ width: 3, height: 2 });
    // resvg decodes a PNG it is given as an <image>: drawn at its own size, every pixel comes back.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="3" height="2"><image width="3" height="2" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
    expect([...new Resvg(svg).render().pixels]).toEqual([...pixels]);
  });

  it('refuses pixels that are not opaque, and bytes that do not fit the size', async () => {
    const clear = pixels.slice();
    clear[7] = 0;
    await expect(opaquePng(clear, 3, 2)).rejects.toThrow('pixel (1, 0) is not opaque');
    // An anti-aliased edge over no background is the likely way a card gets one: almost opaque.
    const edge = pixels.slice();
    edge[23] = 254;
    await expect(opaquePng(edge, 3, 2)).rejects.toThrow('pixel (2, 1) is not opaque');
    await expect(opaquePng(pixels, 2, 2)).rejects.toThrow('24 bytes are not the RGBA pixels of a 2×2 image');
  });
});
