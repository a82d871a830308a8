import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dosDateTime, writeZip } from './zip-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modified = new Date('2026-12-02T10:20:31Z');
const text = 'The same line, again and again, so deflate has work to do.\n'.repeat(200);
const entries = [
  { name: 'mimetype', data: 'application/epub+zip', store: true },
  { name: 'META-INF/container.xml', data: '<?xml version="1.0"?><container/>' },
  { name: 'EPUB/chapter.xhtml', data: text },
  { name: 'EPUB/naïve.bin', data: new Uint8Array([0, 1, 2, 255]) },
];

function written(): string {
  const file = join(dir, 'book.zip');
  writeFileSync(file, writeZip(entries, modified));
  return file;
}

/** What Python's zipfile (an independent reader) sees: name, method, CRC, sizes, time, bytes. */
function readWithPython(file: string): { name: string; method: number; crc: number; size: number; compressed: number; time: number[]; data: number[] }[] {
  const script = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None, z.testzip()
    print(json.dumps([dict(name=i.filename, method=i.compress_type, crc=i.CRC, size=i.file_size,
        compressed=i.compress_size, time=list(i.date_time), data=list(z.read(i))) for i in z.infolist()]))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
}

describe('writeZip', () => {
  it('writes entries in the order given, which unzip -t reads back with good CRCs', () => {
    const out = execFileSync('unzip', ['-t', written()], { encoding: 'utf8' });
    expect(out).toMatch(/No errors detected/);
    // unzip prints a UTF-8 name in its own charset; Python checks that name below.
    const names = [...out.matchAll(/testing: (\S+)\s+OK/g)].map((m) => m[1]);
    expect(names.slice(0, 3)).toEqual(entries.slice(0, 3).map((e) => e.name));
    expect(names).toHaveLength(entries.length);
  });

  it('stores the mimetype uncompressed and first, its text at byte 38 as OCF requires', () => {
    const bytes = writeZip(entries, modified);
    expect(bytes.subarray(30, 38).toString()).toBe('mimetype');
    expect(bytes.subarray(38, 58).toString()).toBe('application/epub+zip');
    expect(bytes.readUInt16LE(8)).toBe(0); // method: stored
    expect(bytes.readUInt16LE(28)).toBe(0); // no extra field
  });

  it('deflates the other entries, and an independent reader gets the same bytes, CRCs and time back', () => {
    const read = readWithPython(written());
    expect(read.map((e) => [e.name, e.method])).toEqual([
      ['mimetype', 0], ['META-INF/container.xml', 8], ['EPUB/chapter.xhtml', 8], ['EPUB/naïve.bin', 8],
    ]);
    const chapter = read[2]!;
    expect(Buffer.from(chapter.data).toString()).toBe(text);
    expect(chapter.compressed).toBeLessThan(chapter.size / 10);
    expect(read[3]!.data).toEqual([0, 1, 2, 255]);
    expect(read[0]!.time).toEqual([2026, 12, 2, 10, 20, 30]); // DOS time keeps even seconds
    for (const entry of read) expect(entry.crc).toBe(crc32Of(Buffer.from(entry.data)));
  });

  it('refuses a name twice, and names that are not relative paths', () => {
    expect(() => writeZip([entries[0]!, entries[0]!], modified)).toThrow('zip entry "mimetype" is written twice');
    expect(() => writeZip([{ name: '/abs.txt', data: '' }], modified)).toThrow('must be a relative /-separated path; got "/abs.txt"');
  });
});

describe('dosDateTime', () => {
  it('packs the UTC date and time into MS-DOS fields', () => {
    expect(dosDateTime(new Date('1980-01-01T00:00:00Z'))).toEqual({ date: (1 << 5) | 1, time: 0 });
    expect(dosDateTime(new Date('2026-12-02T10:20:31Z'))).toEqual({ date: (46 << 9) | (12 << 5) | 2, time: (10 << 11) | (20 << 5) | 15 });
  });
});

/** CRC-32 written out from its definition (reflected polynomial 0xEDB88320), not taken from zlib. */
function crc32Of(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
