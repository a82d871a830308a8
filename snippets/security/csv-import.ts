/**
 * CSV import that a hostile file cannot exhaust or half-apply: a streaming
 * RFC 4180 parser with caps on bytes, rows, fields and field length; each
 * row validated with zod; errors reported as (row, field, message) without
 * echoing the data; and every row inserted in one transaction, so a bad
 * row anywhere means nothing is imported.
 * @see https://www.rfc-editor.org/rfc/rfc4180#section-2
 */
import type { PGlite } from '@electric-sql/pglite';
import { z } from 'zod';

export const CONTACTS_SCHEMA = `
  CREATE TABLE contacts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id text NOT NULL,
    email text NOT NULL,
    display_name text NOT NULL,
    monthly_limit integer NOT NULL CHECK (monthly_limit >= 0),
    note text NOT NULL DEFAULT '',
    UNIQUE (owner_id, email)
  )`;

export interface CsvLimits {
  maxBytes: number; maxRows: number; maxFields: number;
  maxFieldChars: number;
}
export const DEFAULT_LIMITS: CsvLimits = {
  maxBytes: 5 * 1024 * 1024, maxRows: 50_000, maxFields: 20,
  maxFieldChars: 2_000,
};

export class CsvError extends Error {
  readonly row: number;
  readonly detail: string;
  constructor(row: number, detail: string) {
    super(`row ${row}: ${detail}`);
    this.name = 'CsvError';
    this.row = row;
    this.detail = detail;
  }
}

// #region parse
/**
 * Records from a byte stream. Rows are counted as a spreadsheet shows
 * them (the header is row 1); a quoted newline stays inside its row.
 * Accepts CRLF, LF or CR line ends, skips empty rows (but counts
 * them) and drops a UTF-8 BOM. Rejects NUL, which no text column stores.
 */
export async function* parseCsv(source: AsyncIterable<Uint8Array>,
  limits: CsvLimits = DEFAULT_LIMITS):
  AsyncGenerator<{ row: number; fields: string[] }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0, records = 0, row = 1, field = '';
  let fields: string[] = [];
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  let afterCR = false;
  const fail = (message: string) => new CsvError(row, message);
  const endField = () => {
    if (fields.length === limits.maxFields) {
      throw fail(`more than ${limits.maxFields} fields`);
    }
    fields.push(field);
    field = '';
    state = 'start';
  };
  const take = () => {
    if (++records > limits.maxRows + 1) {
      throw fail(`more than ${limits.maxRows} data rows`);
    }
    const record = { row, fields };
    fields = [];
    row++;
    return record;
  };
  for await (const chunk of source) {
    bytes += chunk.byteLength;
    if (bytes > limits.maxBytes) throw fail(`over ${limits.maxBytes} bytes`);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw fail('not valid UTF-8');
    }
    for (const c of text) {
      if (c === '\0') throw fail('a NUL character');
      const cr = afterCR;
      afterCR = false;
      if (state === 'quoted') {
        if (c === '"') state = 'closed';
        else field += c;
      } else if (state === 'closed' && c === '"') {
        field += '"'; // "" inside quotes is one quote
        state = 'quoted';
      } else if (c === ',') {
        endField();
      } else if (c === '\r' || c === '\n') {
        if (c === '\n' && cr) continue; // the LF of a CRLF
        afterCR = c === '\r';
        const blank = state === 'start' && fields.length === 0;
        if (blank) { row++; continue; } // an empty row: skip it
        endField();
        yield take();
      } else if (state === 'closed') {
        throw fail('text after a closing quote');
      } else if (c === '"') {
        if (state === 'plain') throw fail('a quote inside an unquoted field');
        state = 'quoted';
      } else {
        field += c;
        state = 'plain';
      }
      if (field.length > limits.maxFieldChars) {
        throw fail(`a field over ${limits.maxFieldChars} characters`);
      }
    }
  }
  try {
    decoder.decode();
  } catch {
    throw fail('ends inside a UTF-8 character');
  }
  if (state === 'quoted') throw fail('a quoted field is never closed');
  if (state !== 'start' || fields.length > 0) {
    endField();
    yield take();
  }
}
// #endregion parse

// #region validate
const contactRow = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  display_name: z.string().trim().min(1).max(80),
  monthly_limit: z.string().regex(/^\d{1,6}$/, 'a whole number')
    .transform(Number).pipe(z.number().max(100_000)),
  // Kept as data: "=SUM(A1)" is a legal note; export escapes it.
  note: z.string().max(500),
});
const COLUMNS = Object.keys(contactRow.shape);

export interface RowError { row: number; field: string | null;
  message: string }
export interface ImportReport {
  imported: number; errors: RowError[]; errorCount: number;
}
export const MAX_REPORTED = 50;

/** Header names: lower case, trimmed, each known column exactly once. */
function checkHeader(fields: string[]): string | null {
  const names = fields.map((f) => f.trim().toLowerCase());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) return `column "${dup}" appears twice`;
  const unknown = names.find((n) => !COLUMNS.includes(n));
  if (unknown !== undefined) return `unknown column "${unknown.slice(0, 40)}"`;
  const missing = COLUMNS.filter((c) => !names.includes(c));
  return missing.length ? `missing column(s): ${missing.join(', ')}` : null;
}
// #endregion validate

class Rollback extends Error {}

// #region import
export async function importContacts(db: PGlite, ownerId: string,
  source: AsyncIterable<Uint8Array>, limits = DEFAULT_LIMITS,
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, errors: [], errorCount: 0 };
  const add = (row: number, field: string | null, message: string) => {
    if (++report.errorCount <= MAX_REPORTED) {
      report.errors.push({ row, field, message });
    }
  };
  try {
    await db.transaction(async (tx) => {
      let header: string[] | null = null;
      for await (const { row, fields } of parseCsv(source, limits)) {
        if (header === null) {
          const problem = checkHeader(fields);
          if (problem !== null) { add(row, null, problem); break; }
          header = fields.map((f) => f.trim().toLowerCase());
          continue;
        }
        if (fields.length !== header.length) {
          add(row, null, `${fields.length} fields, expected ${header.length}`);
          continue;
        }
        const parsed = contactRow.safeParse(
          Object.fromEntries(header.map((h, i) => [h, fields[i]])));
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            add(row, String(issue.path[0] ?? ''), issue.message);
          }
          continue;
        }
        if (report.errorCount > 0) continue; // validate the rest only
        const c = parsed.data;
        try {
          await tx.query(`INSERT INTO contacts (owner_id, email,
            display_name, monthly_limit, note) VALUES ($1, $2, $3, $4, $5)`,
          [ownerId, c.email, c.display_name, c.monthly_limit, c.note]);
          report.imported++;
        } catch (error) {
          if ((error as { code?: string }).code !== '23505') throw error;
          add(row, 'email', 'already exists');
        }
      }
      if (header === null && report.errorCount === 0) {
        add(1, null, 'the file is empty');
      }
      if (report.errorCount > 0) throw new Rollback();
    });
  } catch (error) {
    if (error instanceof CsvError) add(error.row, null, error.detail);
    else if (!(error instanceof Rollback)) throw error;
    report.imported = 0; // the transaction rolled back
  }
  return report;
}
// #endregion import

/** Test and demo helper: a string as a stream of small byte chunks. */
export async function* chunksOf(text: string | Uint8Array, size = 7) {
  const bytes = typeof text === 'string'
    ? new TextEncoder().encode(text) : text;
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
  }
}

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(CONTACTS_SCHEMA);
  const bad = '\uFEFFemail,display_name,monthly_limit,note\r\n' +
    'ana@example.com,Ana,500,"line one\nline two"\r\n' +
    'not-an-email,,12.5,"=HYPERLINK(""https://evil.example"")"\r\n' +
    'bo@example.com,Bo,100,\r\n';
  const show = (name: string, r: ImportReport) => {
    console.log(`${name}: imported ${r.imported}, ${r.errorCount} error(s)`);
    for (const e of r.errors) {
      console.log(`  row ${e.row} ${e.field ?? '(row)'}: ${e.message}`);
    }
  };
  show('bad file', await importContacts(db, 'acme', chunksOf(bad)));
  const good = bad.replace('not-an-email,,12.5', 'eve@example.com,Eve,0');
  show('fixed file', await importContacts(db, 'acme', chunksOf(good)));
  const { rows } = await db.query<{ note: string }>(
    'SELECT note FROM contacts ORDER BY id');
  console.log('stored notes:', rows.map((r) => r.note));
  await db.close();
}
