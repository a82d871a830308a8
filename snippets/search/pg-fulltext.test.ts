import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../db/use-database.ts';
import {
  addToCatalog, catalogSchema, searchCatalog, UNACCENT_CONFIG,
} from './pg-fulltext.ts';

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

describe('searchCatalog (PGlite)', () => {
  const db = useDatabase(catalogSchema(), { reset: 'TRUNCATE catalog' });
  const seed = async () => {
    await addToCatalog(db(), { id: 'p1', title: 'Trail running shoes', brand: 'acme',
      description: 'Light, with a grippy sole' });
    await addToCatalog(db(), { id: 'p2', title: 'Rain jacket', brand: 'acme',
      description: 'Good for running in the rain' });
    await addToCatalog(db(), { id: 'p3', title: 'Road shoe', brand: 'zenith',
      description: 'Cushioned for long runs' });
  };

  it('matches other forms of a word: the english configuration stems both sides', async () => {
    await seed();
    expect(ids(await searchCatalog(db(), 'run'))).toEqual(['p1', 'p2', 'p3']);
    expect(ids(await searchCatalog(db(), 'RUNS'))).toEqual(['p1', 'p2', 'p3']);
    expect(ids(await searchCatalog(db(), 'shoe'))).toEqual(['p1', 'p3']);
  });

  it('ranks a match in the title (weight A) above one in the description (B)', async () => {
    await seed();
    const hits = await searchCatalog(db(), 'running');
    expect(hits[0]!.id).toBe('p1'); // "running" in the title
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
    const rain = await searchCatalog(db(), 'rain');
    expect(ids(rain)).toEqual(['p2']);
  });

  it('understands search-box syntax: "phrases", or, and -exclusions', async () => {
    await seed();
    expect(ids(await searchCatalog(db(), '"rain jacket"'))).toEqual(['p2']);
    expect(ids(await searchCatalog(db(), '"jacket rain"'))).toEqual([]);
    expect(ids(await searchCatalog(db(), 'jacket or road'))).toEqual(['p2', 'p3']);
    expect(ids(await searchCatalog(db(), 'shoe -road'))).toEqual(['p1']);
  });

  it('filters by brand with plain SQL', async () => {
    await seed();
    expect(ids(await searchCatalog(db(), 'run', { brand: 'zenith' }))).toEqual(['p3']);
    expect(await searchCatalog(db(), 'run', { brand: "zenith' OR 1=1 --" })).toEqual([]);
  });

  it('finds nothing for stop words only, or for an empty box', async () => {
    await seed();
    expect(await searchCatalog(db(), 'the and of')).toEqual([]);
    expect(await searchCatalog(db(), '   ')).toEqual([]);
  });

  it.each([
    "'); DROP TABLE catalog; --",
    'shoe & | ! ( :* <->',
    '"unbalanced',
    '\\',
  ])('takes hostile input without an error: %j', async (q) => {
    await seed();
    await expect(searchCatalog(db(), q)).resolves.toBeInstanceOf(Array);
    expect((await db().query('SELECT count(*)::int AS n FROM catalog')).rows)
      .toEqual([{ n: 3 }]);
  });

  it('where to_tsquery would raise a syntax error on the same text', async () => {
    await expect(db().query("SELECT to_tsquery('english', 'shoe & | (')"))
      .rejects.toThrow(/syntax error in tsquery/);
  });

  it('keeps the tsvector in step with the row: it is a generated column', async () => {
    await seed();
    await db().query("UPDATE catalog SET title = 'Trail sandals' WHERE id = 'p1'");
    expect(ids(await searchCatalog(db(), 'sandal'))).toEqual(['p1']);
    expect(ids(await searchCatalog(db(), 'shoe'))).toEqual(['p3']);
  });

  it('answers from the GIN index', async () => {
    await seed();
    await db().exec('SET enable_seqscan = off'); // three rows: force the plan
    try {
      const { rows } = await db().query<{ 'QUERY PLAN': string }>(`EXPLAIN
        SELECT id FROM catalog WHERE search @@ websearch_to_tsquery('english', 'shoe')`);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on catalog_search/);
    } finally {
      await db().exec('RESET enable_seqscan');
    }
  });

  it('refuses oversized input and nonsense options', async () => {
    await expect(searchCatalog(db(), 'x'.repeat(201))).rejects.toThrow(RangeError);
    await expect(searchCatalog(db(), 'x', { limit: 0 })).rejects.toThrow(RangeError);
    await expect(searchCatalog(db(), 'x', { limit: 51 })).rejects.toThrow(RangeError);
    await expect(searchCatalog(db(), 'x', { config: "english'); --" })).rejects.toThrow(TypeError);
    expect(() => catalogSchema('english; DROP TABLE x')).toThrow(TypeError);
  });
});

describe('accents', () => {
  it('unaccent is not loaded in the shared PGlite database', async () => {
    const { openDatabase } = await import('../db/database.ts');
    const plain = await openDatabase();
    try {
      await expect(plain.exec('CREATE EXTENSION unaccent')).rejects.toThrow(/is not available/);
    } finally {
      await plain.close();
    }
  }, 60_000);

  describe('with PGlite\'s unaccent extension loaded', () => {
    let db: PGlite;
    beforeAll(async () => {
      db = await PGlite.create({ extensions: { unaccent } });
      await db.exec(UNACCENT_CONFIG + catalogSchema('english_unaccent'));
      await addToCatalog(db, { id: 'd1', title: 'Crème brûlée torch', brand: 'acme' });
    }, 60_000);
    afterAll(async () => { await db?.close(); });

    it('matches with or without the accents', async () => {
      const search = (q: string) => searchCatalog(db, q, { config: 'english_unaccent' });
      expect(ids(await search('creme brulee'))).toEqual(['d1']);
      expect(ids(await search('Crème Brûlée'))).toEqual(['d1']);
      // The query needs the same configuration: english keeps the accent.
      expect(ids(await searchCatalog(db, 'crème'))).toEqual([]);
    });

    it('cannot call unaccent() in a generated column: it is not immutable', async () => {
      await expect(db.exec(`CREATE TABLE t (s text, v tsvector GENERATED ALWAYS AS
        (to_tsvector('english', unaccent(s))) STORED)`)).rejects.toThrow(/immutable/);
    });
  });
});
