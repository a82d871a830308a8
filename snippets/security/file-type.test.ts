import { describe, expect, it } from 'vitest';
import { ALLOWED_TYPES, SNIFF_BYTES, sniff } from './file-type.ts';

const bytes = (...b: number[]) => Uint8Array.of(...b);
const ascii = (s: string) => new TextEncoder().encode(s);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('sniff', () => {
  it.each<[string, Uint8Array, string]>([
    ['a PNG', bytes(...PNG, 0, 0, 0, 13), 'image/png'],
    ['a JFIF JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
    ['an Exif JPEG', bytes(0xff, 0xd8, 0xff, 0xe1), 'image/jpeg'],
    ['a PDF 1.7', ascii('%PDF-1.7\n'), 'application/pdf'],
    ['a PDF 2.0', ascii('%PDF-2.0\n'), 'application/pdf'],
  ])('knows %s', (_, head, mime) => {
    expect(sniff(head)?.mime).toBe(mime);
  });

  it.each<[string, Uint8Array]>([
    ['HTML', ascii('<!doctype html><script>alert(1)</script>')],
    ['SVG, which can hold script', ascii('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['a GIF (not on the list)', ascii('GIF89a')],
    ['a ZIP', bytes(0x50, 0x4b, 0x03, 0x04)],
    ['a PDF header after a prefix', ascii('<html>%PDF-1.7')],
    ['a leading space', ascii(' %PDF-1.7')],
    ['"%PDF" without its dash', ascii('%PDF1.7\n')],
    ['a truncated PNG signature', bytes(...PNG.slice(0, 7))],
    ['a PNG signature with one bit flipped', bytes(...PNG.slice(0, 7), 0x0b)],
    ['the JPEG SOI alone', bytes(0xff, 0xd8)],
    ['nothing', bytes()],
  ])('refuses %s', (_, head) => {
    expect(sniff(head)).toBeUndefined();
  });

  it('buffers enough bytes for the longest signature', () => {
    expect(SNIFF_BYTES).toBe(8);
    for (const t of ALLOWED_TYPES) {
      expect(t.magic.length).toBeLessThanOrEqual(SNIFF_BYTES);
    }
  });
});
