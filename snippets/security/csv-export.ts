/**
 * CSV export that a spreadsheet cannot turn into code and that never holds
 * the whole file in memory: every text cell is quoted (RFC 4180 §2.6-2.7),
 * a text cell that starts like a formula gets a leading apostrophe (OWASP
 * CSV Injection), and rows stream from the database a page at a time.
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 * @see https://www.rfc-editor.org/rfc/rfc4180#section-2
 */
import { Readable } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';

export type Cell = string | number | bigint | boolean | Date | null
  | undefined;

// #region escape
// OWASP's list: = + - @ tab, carriage return and line feed;
// ASVS 5.0 (requirement 1.2.10) adds the NUL character.
const FORMULA_START = /^[=+\-@\t\r\n\0]/;

/** One field. Text is always quoted, so `,` or `;` cannot split it. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`csvCell: ${value} has no CSV form`);
  }
  if (typeof value !== 'string' && !(value instanceof Date)) {
    return String(value); // numbers are data: -5 stays -5
  }
  const text = value instanceof Date ? value.toISOString() : value;
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
// #endregion escape

// #region stream
export interface Column<R> { header: string; value: (row: R) => Cell }

/**
 * A byte stream of CSV. Readable.from pulls the next row only when the
 * reader has room, so a slow client slows the query, not the heap.
 * The BOM tells Excel the file is UTF-8.
 */
export function csvStream<R>(rows: AsyncIterable<R> | Iterable<R>,
  columns: readonly Column<R>[], { bom = true } = {}): Readable {
  async function* lines() {
    yield (bom ? '\uFEFF' : '') + csvLine(columns.map((c) => c.header));
    for await (const row of rows) {
      yield csvLine(columns.map((c) => c.value(row)));
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
// #endregion stream

// #region source
export interface ContactRow {
  id: number; email: string; display_name: string;
  monthly_limit: number; note: string;
}

/** One owner's rows, a page at a time (keyset pagination). */
export async function* contactsOf(db: PGlite, ownerId: string,
  pageSize = 500): AsyncGenerator<ContactRow> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query<ContactRow>(
      `SELECT id, email, display_name, monthly_limit, note
         FROM contacts WHERE owner_id = $1 AND id > $2
        ORDER BY id LIMIT $3`, [ownerId, after, pageSize]);
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

export const CONTACT_COLUMNS: readonly Column<ContactRow>[] = [
  { header: 'email', value: (r) => r.email },
  { header: 'display_name', value: (r) => r.display_name },
  { header: 'monthly_limit', value: (r) => r.monthly_limit },
  { header: 'note', value: (r) => r.note },
];
// #endregion source

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const { CONTACTS_SCHEMA } = await import('./csv-import.ts');
  const db = await openDatabase();
  await db.exec(CONTACTS_SCHEMA);
  await db.query(`INSERT INTO contacts
    (owner_id, email, display_name, monthly_limit, note) VALUES
    ('acme', 'ana@example.com', 'Ana', 500, 'pays "on time", mostly'),
    ('acme', 'eve@example.com', '=HYPERLINK("https://evil.example")', 0,
     '@SUM(A1)'),
    ('other', 'x@example.com', 'Not yours', 1, '')`);
  const csv = csvStream(contactsOf(db, 'acme'), CONTACT_COLUMNS,
    { bom: false });
  for await (const chunk of csv) process.stdout.write(chunk);
  await db.close();
}
