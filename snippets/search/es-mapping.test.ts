import { errors, type estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import {
  checkAnalyzers, checkIndexName, createIndex, offlineClient, PRODUCT_INDEX,
  type WireRequest,
} from './es-mapping.ts';

const props = PRODUCT_INDEX.mappings!.properties!;
const field = (name: string) => props[name] as Record<string, unknown>;

describe('PRODUCT_INDEX', () => {
  it('rejects unknown fields instead of guessing a mapping for them', () => {
    expect(PRODUCT_INDEX.mappings?.dynamic).toBe('strict');
  });

  it('stems the searchable text and keeps an unstemmed copy of the title', () => {
    expect(field('title')).toMatchObject({ type: 'text', analyzer: 'english' });
    expect(field('description')).toMatchObject({ type: 'text', analyzer: 'english' });
    expect(field('title').fields).toMatchObject({
      exact: { type: 'text', analyzer: 'standard' } });
  });

  it('maps every filter and sort field as an exact type, never as analyzed text', () => {
    for (const name of ['id', 'brand', 'category']) {
      expect(field(name).type, name).toBe('keyword');
    }
    expect(field('price_cents').type).toBe('integer');
    expect(field('in_stock').type).toBe('boolean');
    expect(field('updated_at').type).toBe('date');
  });

  it('builds edge n-grams at index time only, as the tokenizer docs advise', () => {
    const suggest = (field('title').fields as Record<string, Record<string, unknown>>)
      .suggest!;
    expect(suggest).toEqual({ type: 'text', analyzer: 'autocomplete',
      search_analyzer: 'autocomplete_search' });
    const analysis = PRODUCT_INDEX.settings!.analysis!;
    expect(analysis.tokenizer!.prefixes).toMatchObject({ type: 'edge_ngram',
      min_gram: 2, max_gram: 15 });
    expect(analysis.analyzer!.autocomplete_search).toEqual({ type: 'custom',
      tokenizer: 'words', filter: ['lowercase'] });
  });

  it('splits typed text where the index splits it, digits included', () => {
    // Enough of each tokenizer to compare where they cut words: edge_ngram
    // keeps runs of its token_chars; lowercase keeps runs of letters only.
    const analysis = PRODUCT_INDEX.settings!.analysis!;
    const indexSide = analysis.tokenizer!.prefixes as { token_chars: string[] };
    expect(indexSide.token_chars).toEqual(['letter', 'digit']);
    const indexWords = (text: string) => text.split(/[^\p{L}\p{Nd}]+/u).filter(Boolean);
    const name = (analysis.analyzer!.autocomplete_search as { tokenizer: string }).tokenizer;
    const custom = analysis.tokenizer![name] as { type: string; pattern: string } | undefined;
    const searchWords = (text: string) => text.split(name === 'lowercase'
      ? /[^\p{L}]+/u : new RegExp(custom!.pattern, 'u')).filter(Boolean);
    for (const text of ['PS5 Wi-Fi 4K, 2-pack', 'Crème brûlée', 'iphone 15']) {
      expect(searchWords(text), text).toEqual(indexWords(text));
    }
  });

  it('names only analyzers and tokenizers that exist', () => {
    expect(checkAnalyzers(PRODUCT_INDEX)).toEqual([]);
  });
});

describe('checkAnalyzers', () => {
  it('finds a misspelt analyzer, in a field and in a sub-field', () => {
    const body = structuredClone(PRODUCT_INDEX);
    const title = body.mappings!.properties!.title as estypes.MappingTextProperty;
    title.analyzer = 'englsh';
    title.fields!.suggest = { type: 'text', analyzer: 'autocomplete',
      search_analyzer: 'autocomplete_serch' };
    expect(checkAnalyzers(body)).toEqual([
      'title: unknown analyzer englsh',
      'title.suggest: unknown search_analyzer autocomplete_serch',
    ]);
  });

  it('finds a custom analyzer whose tokenizer is not defined', () => {
    const body = structuredClone(PRODUCT_INDEX);
    body.settings!.analysis!.tokenizer = {};
    expect(checkAnalyzers(body)).toEqual([
      'analyzer autocomplete: unknown tokenizer prefixes',
      'analyzer autocomplete_search: unknown tokenizer words']);
  });

  it('accepts an empty body', () => {
    expect(checkAnalyzers({})).toEqual([]);
  });
});

describe('checkIndexName', () => {
  it('accepts versioned lowercase names', () => {
    expect(checkIndexName('products-v2')).toBe('products-v2');
  });

  it.each(['', 'Products', '_products', '-v1', 'a/b', 'a b', 'p*', 'x'.repeat(101)])(
    'refuses %j', (name) => {
      expect(() => checkIndexName(name)).toThrow(/index name must be/);
    });
});

describe('offlineClient', () => {
  it('lets the real client build the create-index request without a network', async () => {
    const sent: WireRequest[] = [];
    const client = offlineClient((request) => {
      sent.push(request);
      return { status: 200, body: { acknowledged: true,
        shards_acknowledged: true, index: 'products-v1' } };
    });
    await createIndex(client, 'products-v1');
    expect(sent).toEqual([{ method: 'PUT', path: '/products-v1',
      querystring: '', body: PRODUCT_INDEX }]);
  });

  it('refuses a bad index name before sending anything', async () => {
    let calls = 0;
    const client = offlineClient(() => { calls++; return { status: 200, body: {} }; });
    await expect(createIndex(client, '../_all')).rejects.toThrow(TypeError);
    expect(calls).toBe(0);
  });

  it('turns an error status into the client\'s ResponseError', async () => {
    const client = offlineClient(() => ({ status: 400, body: { error: {
      type: 'resource_already_exists_exception' }, status: 400 } }));
    const failure = await createIndex(client, 'products-v1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.ResponseError);
    expect((failure as errors.ResponseError).statusCode).toBe(400);
  });

  it('parses an NDJSON bulk body into its lines', async () => {
    const sent: WireRequest[] = [];
    const client = offlineClient((request) => {
      sent.push(request);
      return { status: 200, body: { took: 1, errors: false, items: [] } };
    });
    await client.bulk({ operations: [{ index: { _index: 'i', _id: '1' } }, { a: 1 }] });
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/_bulk',
      body: [{ index: { _index: 'i', _id: '1' } }, { a: 1 }] });
  });
});
