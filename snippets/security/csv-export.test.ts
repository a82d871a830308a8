import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  CONTACT_COLUMNS, contactsOf, csvCell, csvLine, csvStream, type Column,
} from './csv-export.ts';
import { CONTACTS_SCHEMA, chunksOf, parseCsv } from './csv-import.ts';

describe('csvCell', () => {
  it('neutralizes every character OWASP lists at the start of a cell', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r', '\n']) {
      expect(csvCell(`${start}1+2`)).toBe(`"'${start}1+2"`);
    }
  });

  it('also neutralizes a leading NUL (ASVS 5.0 requirement 1.2.10)', () => {
    expect(csvCell('\0=1+2')).toBe(`"'\0=1+2"`);
  });

  it("matches OWASP's two escaping examples", () => {
    expect(csvCell('=1+2";=1+2')).toBe(`"'=1+2"";=1+2"`);
    expect(csvCell(`=1+2'" ;,=1+2`)).toBe(`"'=1+2'"" ;,=1+2"`);
  });

  it('quotes all text, so a separator cannot start a new cell', () => {
    expect(csvCell('a;=1+2')).toBe('"a;=1+2"');
    expect(csvCell('a,=1+2')).toBe('"a,=1+2"');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('')).toBe('""');
    expect(csvCell(' =1')).toBe('" =1"');
  });

  it('leaves numbers as numbers and writes empty for null', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(12n)).toBe('12');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(new Date(Date.UTC(2026, 11, 2)))).toBe('"2026-12-02T00:00:00.000Z"');
  });

  it('refuses numbers that have no CSV form', () => {
    expect(() => csvCell(Number.NaN)).toThrow(/NaN has no CSV form/);
    expect(() => csvCell(Infinity)).toThrow(TypeError);
  });

  it('ends lines with CRLF (RFC 4180 §2.1)', () => {
    expect(csvLine(['a', 1, null])).toBe('"a",1,\r\n');
  });
});

describe('csvStream', () => {
  const columns: Column<number>[] = [
    { header: 'n', value: (n) => n }, { header: 'label', value: (n) => `=row ${n}` },
  ];

  it('round-trips through the importer\'s parser', async () => {
    const rows = ['plain', 'say "hi"', 'a,b', 'x\r\ny', '=cmd', 'é ü 中'];
    const stream = csvStream(rows, [{ header: 'v', value: (r) => r }]);
    const parsed = [];
    for await (const r of parseCsv(stream)) parsed.push(r.fields[0]);
    expect(parsed).toEqual(['v', 'plain', 'say "hi"', 'a,b', 'x\r\ny', "'=cmd", 'é ü 中']);
  });

  it('starts with a BOM unless asked not to', async () => {
    const first = async (bom: boolean) => {
      for await (const chunk of csvStream([], columns, { bom })) return String(chunk);
      return '';
    };
    expect(await first(true)).toBe('\uFEFF"n","label"\r\n');
    expect(await first(false)).toBe('"n","label"\r\n');
  });

  it('pulls rows only as fast as the reader takes them', async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 100_000; i++) { pulled++; yield i; }
    }
    let release: () => void = () => {};
    let written = 0;
    const stalled = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        written += chunk.length;
        if (written > 4096) release = done; // stop reading, like a slow client
        else done();
      },
    });
    const finished = new Promise((resolve, reject) => {
      stalled.on('finish', resolve).on('error', reject);
    });
    csvStream(source(), columns).pipe(stalled);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(2_000); // not 100,000
    // Now let it drain: every row arrives.
    stalled._write = (chunk: Buffer, _enc, done) => { written += chunk.length; done(); };
    release();
    await finished;
    expect(pulled).toBe(100_000);
  });
});

describe('contactsOf', () => {
  const db = useDatabase(CONTACTS_SCHEMA, { reset: 'TRUNCATE contacts' });

  it('streams only the owner\'s rows, across pages, in id order', async () => {
    for (let i = 1; i <= 5; i++) {
      await db().query(`INSERT INTO contacts (owner_id, email, display_name,
        monthly_limit) VALUES ('acme', $1, $2, $3), ('other', $1, 'x', 0)`,
      [`u${i}@example.com`, `User ${i}`, i]);
    }
    const emails = [];
    for await (const row of contactsOf(db(), 'acme', 2)) emails.push(row.email);
    expect(emails).toEqual([1, 2, 3, 4, 5].map((i) => `u${i}@example.com`));
  });

  it('exports hostile stored values as text', async () => {
    await db().query(`INSERT INTO contacts (owner_id, email, display_name,
      monthly_limit, note) VALUES ('acme', 'e@example.com', '@SUM(1+1)', 0, '-2+3')`);
    let out = '';
    for await (const c of csvStream(contactsOf(db(), 'acme'), CONTACT_COLUMNS)) out += c;
    expect(out).toBe('\uFEFF"email","display_name","monthly_limit","note"\r\n' +
      `"e@example.com","'@SUM(1+1)",0,"'-2+3"\r\n`);
    const parsed = [];
    for await (const r of parseCsv(chunksOf(out))) parsed.push(r.fields);
    expect(parsed[1]).toEqual(['e@example.com', "'@SUM(1+1)", '0', "'-2+3"]);
  });
});
