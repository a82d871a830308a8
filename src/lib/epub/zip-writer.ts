import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3.10, sections 4.3 and 4.4) for the
 * EPUB, whose Open Container Format asks for what general zip libraries do
 * not promise: the `mimetype` entry first, STORED (not compressed), with no
 * extra field, so a reader can sniff the type at a fixed offset (byte 38).
 * No ZIP64, no encryption, no data descriptors: sizes and CRCs are known
 * before each entry is written.
 * @see https://www.w3.org/TR/epub-33/#sec-zip-container-mime
 */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated, no leading slash. */
  name: string;
  data: string | Uint8Array;
  /** Keep the bytes as they are (method 0) instead of deflating them (method 8). */
  store?: boolean;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Version 2.0: deflate. Bit 11 of the flags: names are UTF-8. */
const VERSION = 20;
const UTF8_NAMES = 0x0800;
const MAX_32 = 0xffffffff;

/** MS-DOS date and time (local fields, 2-second steps) of `date`, read in UTC so builds agree. */
export function dosDateTime(date: Date): { date: number; time: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
  };
}

/** The archive's bytes: entries in the order given, every entry stamped with `modified`. */
export function writeZip(entries: readonly ZipEntry[], modified: Date): Buffer {
  const stamp = dosDateTime(modified);
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (!entry.name || entry.name.startsWith('/') || entry.name.includes('\\')) {
      throw new Error(`zip entry name must be a relative /-separated path; got "${entry.name}"`);
    }
    if (seen.has(entry.name)) throw new Error(`zip entry "${entry.name}" is written twice`);
    seen.add(entry.name);
    const name = Buffer.from(entry.name, 'utf8');
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data);
    const body = entry.store ? raw : deflateRawSync(raw, { level: 9 });
    if (raw.length > MAX_32 || offset + body.length > MAX_32) throw new Error(`zip entry "${entry.name}" needs ZIP64, which this writer does not do`);
    const fields = { method: entry.store ? 0 : 8, crc: crc32(raw), compressed: body.length, size: raw.length, name };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    writeCommon(local, 4, fields, stamp);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(VERSION, 4); // made by: MS-DOS attributes, version 2.0
    writeCommon(central, 6, fields, stamp);
    // comment length, disk number, internal and external attributes: all 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

interface Fields { method: number; crc: number; compressed: number; size: number; name: Buffer }

/** The run of fields local and central headers share, from "version needed" to "extra field length". */
function writeCommon(header: Buffer, at: number, f: Fields, stamp: { date: number; time: number }): void {
  header.writeUInt16LE(VERSION, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(f.method, at + 4);
  header.writeUInt16LE(stamp.time, at + 6);
  header.writeUInt16LE(stamp.date, at + 8);
  header.writeUInt32LE(f.crc, at + 10);
  header.writeUInt32LE(f.compressed, at + 14);
  header.writeUInt32LE(f.size, at + 18);
  header.writeUInt16LE(f.name.length, at + 22);
  header.writeUInt16LE(0, at + 24); // no extra field
}
