/**
 * What a file is, from its first bytes. The client's `Content-Type` and
 * file name are claims anyone can forge; the leading "magic bytes" of the
 * content are what a decoder will act on. Only an allow-list passes.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html
 */

// #region signatures
export interface FileType {
  mime: 'image/png' | 'image/jpeg' | 'application/pdf';
  /** Extensions a download name may keep; the first is the default. */
  extensions: readonly string[];
  magic: readonly number[];
}

/** The allow-list. Anything whose first bytes match none is refused. */
export const ALLOWED_TYPES: readonly FileType[] = [
  { mime: 'image/png', extensions: ['png'], // PNG signature
    magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], // SOI, then a marker
    magic: [0xff, 0xd8, 0xff] },
  { mime: 'application/pdf', extensions: ['pdf'], // "%PDF-"
    magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

/** Bytes to buffer before deciding: the longest signature. */
export const SNIFF_BYTES = Math.max(
  ...ALLOWED_TYPES.map((t) => t.magic.length));

/** The allowed type `head` starts with, at offset 0, or undefined. */
export function sniff(head: Uint8Array): FileType | undefined {
  return ALLOWED_TYPES.find((t) => t.magic.length <= head.length
    && t.magic.every((byte, i) => head[i] === byte));
}
// #endregion signatures

if (import.meta.main) {
  const samples: [string, Uint8Array][] = [
    ['photo.png', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a,
      0x0a, 0, 0, 0, 13)],
    ['scan.jpg', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16)],
    ['cv.pdf', new TextEncoder().encode('%PDF-2.0\n')],
    ['cat.png (HTML inside)', new TextEncoder().encode('<html><script>')],
    ['report.pdf (PNG header cut short)', Uint8Array.of(0x89, 0x50, 0x4e)],
  ];
  for (const [name, bytes] of samples) {
    console.log(`${name.padEnd(36)} ${sniff(bytes)?.mime ?? 'refused'}`);
  }
}
