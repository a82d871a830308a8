/**
 * Reads a PNG's size from its IHDR chunk (PNG spec, section 11.2.2): the
 * 8-byte signature, then the chunk length and type, then width and height
 * as big-endian 32-bit integers. Used to prove the share cards are 1200×630.
 */
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function pngSize(bytes: Uint8Array, name = 'image'): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isPng = bytes.length >= 24 && SIGNATURE.every((b, i) => bytes[i] === b);
  const type = isPng ? String.fromCharCode(...bytes.subarray(12, 16)) : '';
  if (type !== 'IHDR') throw new Error(`${name} is not a PNG: it lacks the PNG signature and IHDR chunk`);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
