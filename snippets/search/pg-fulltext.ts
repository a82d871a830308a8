/**
 * Full-text search inside PostgreSQL, the runnable contrast to the
 * Elasticsearch modules: a stored generated `tsvector` column (so it can
 * never drift from the row), a GIN index over it, `websearch_to_tsquery`
 * for raw search-box text and `ts_rank` for ordering. No second system and
 * no sync: the search sees each commit at once.
 * @see https://www.postgresql.org/docs/current/textsearch-tables.html
 * @see https://www.postgresql.org/docs/current/textsearch-controls.html
 */
import type { Queryable } from '../db/idempotency-keys.ts';

const CONFIG = /^[a-z_][a-z0-9_]{0,62}$/;

// #region schema
/** `config` is a text search configuration: english stems and drops
 *  stop words; english_unaccent (below) also folds accents. */
export function catalogSchema(config = 'english'): string {
  if (!CONFIG.test(config)) throw new TypeError('bad configuration name');
  return `
CREATE TABLE IF NOT EXISTS catalog (
  id          text PRIMARY KEY,
  title       text NOT NULL,
  description text NOT NULL DEFAULT '',
  brand       text NOT NULL,
  -- Title words weigh A, description words B: ts_rank ranks by weight.
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('${config}', title), 'A') ||
    setweight(to_tsvector('${config}', description), 'B')) STORED
);
CREATE INDEX IF NOT EXISTS catalog_search ON catalog USING gin (search);`;
}

/** unaccent() itself is not IMMUTABLE, so a generated column cannot call
 *  it; a configuration that maps words through its dictionary can. */
export const UNACCENT_CONFIG = `
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
ALTER TEXT SEARCH CONFIGURATION english_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;`;
// #endregion schema

export interface CatalogRow {
  id: string;
  title: string;
  description?: string;
  brand: string;
}

export async function addToCatalog(db: Queryable, row: CatalogRow) {
  await db.query(`INSERT INTO catalog (id, title, description, brand)
    VALUES ($1, $2, $3, $4)`,
  [row.id, row.title, row.description ?? '', row.brand]);
}

// #region search
export interface Hit { id: string; title: string; rank: number }

export async function searchCatalog(db: Queryable, raw: string,
  { brand, limit = 20, config = 'english' }:
  { brand?: string; limit?: number; config?: string } = {},
): Promise<Hit[]> {
  const q = raw.normalize('NFC').trim();
  if (q.length > 200) throw new RangeError('query over 200 characters');
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
    throw new RangeError('limit must be 1-50');
  }
  if (!CONFIG.test(config)) throw new TypeError('bad configuration name');
  if (q === '') return [];
  // websearch_to_tsquery takes raw input: "quoted phrase", or, -not.
  // It never raises a syntax error, and $1 keeps it out of the SQL.
  const { rows } = await db.query<Hit>(`
    SELECT id, title, ts_rank(search, query) AS rank
    FROM catalog, websearch_to_tsquery($4::regconfig, $1) AS query
    WHERE search @@ query AND ($2::text IS NULL OR brand = $2)
    ORDER BY rank DESC, id
    LIMIT $3`, [q, brand ?? null, limit, config]);
  return rows;
}
// #endregion search

if (import.meta.main) {
  const { openDatabase } = await import('../db/database.ts');
  const db = await openDatabase();
  await db.exec(catalogSchema());
  for (const row of [
    { id: 'p1', title: 'Trail running shoes', brand: 'acme',
      description: 'Light shoes with a grippy sole' },
    { id: 'p2', title: 'Rain jacket', brand: 'acme',
      description: 'Packs small; good for running in the rain' },
    { id: 'p3', title: 'Road shoe', brand: 'zenith',
      description: 'Cushioned, for long runs on pavement' },
  ]) await addToCatalog(db, row);

  const show = async (q: string, opts?: { brand?: string }) => {
    const hits = await searchCatalog(db, q, opts);
    console.log(`${JSON.stringify(q)}${opts?.brand ? ` brand=${opts.brand}`
      : ''} -> ${hits.map((h) => `${h.id} ${h.rank.toFixed(3)}`)
      .join(', ') || 'nothing'}`);
  };
  await show('run'); // stems: running, runs
  await show('shoes'); // p1 says it twice: title and description
  const minus = await searchCatalog(db, 'shoes -road'); // minus excludes
  console.log(`"shoes -road" -> ${minus.map((h) => h.id).join(', ')}`);
  await show('"rain jacket" or road');
  await show('run', { brand: 'zenith' });
  await show('the'); // only a stop word: an empty query, no hits
  await show("'); DROP TABLE catalog; --"); // just words to search
  await db.close();
}
