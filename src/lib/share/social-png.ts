/**
 * The PNG format as the share cards need it (PNG spec, W3C 2003): reading a
 * PNG's size, to prove the cards are 1200×630, and writing an opaque image.
 */
import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG's size from its IHDR chunk (section 11.2.2): the 8-byte signature,
 * then the chunk length and type, then width and height as big-endian
 * 32-bit integers.
 */
export function pngSize(bytes: Uint8Array, name = 'image'): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isPng = bytes.length >= 24 && SIGNATURE.every((b, i) => bytes[i] === b);
  const type = isPng ? String.fromCharCode(...bytes.subarray(12, 16)) : '';
  if (type !== 'IHDR') throw new Error(`${name} is not a PNG: it lacks the PNG signature and IHDR chunk`);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** One chunk (section 5.3): length, type, data, and the CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))));
  return Buffer.concat([head, data, crc]);
}

const deflateAsync = promisify(deflate);

/**
 * An 8-bit RGB PNG of `rgba` (width × height pixels, 4 bytes each, as
 * resvg renders them), which must be opaque: a card has a solid background,
 * and a pixel that is not would lose its transparency, so it throws.
 * Every row unfiltered, deflated at zlib's default level 6 on libuv's thread
 * pool. resvg's own asPng() took ~10 ms of the build's thread per card and
 * wrote the 101 cards in 4.03 MB; this takes 3–8 ms of it, the copy to RGB,
 * and writes 2.64 MB. Level 1 wrote 4.29 MB for ~3 ms less of the pool's
 * time per card (2026-12-02).
 */
export async function opaquePng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== width * height * 4) {
    throw new Error(`opaquePng: ${rgba.length} bytes are not the RGBA pixels of a ${width}×${height} image`);
  }
  const stride = width * 3 + 1;
  const rows = Buffer.alloc(stride * height); // each row's filter byte stays 0, None
  for (let y = 0, from = 0; y < height; y++) {
    for (let x = 0, to = y * stride + 1; x < width; x++, from += 4, to += 3) {
      if (rgba[from + 3] !== 255) throw new Error(`opaquePng: pixel (${x}, ${y}) is not opaque; an RGB PNG would drop its alpha`);
      rows[to] = rgba[from]!;
      rows[to + 1] = rgba[from + 1]!;
      rows[to + 2] = rgba[from + 2]!;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // colour type: truecolour; compression, filter and interlace methods stay 0
  const data = await deflateAsync(rows, { level: 6 });
  return Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', Buffer.alloc(0))]);
}
