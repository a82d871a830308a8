/**
 * The product search index: its analyzers and its mapping, typed with the
 * official client's `estypes`, so a misspelt option fails `tsc`, not the
 * deploy. es-query.ts searches it; es-sync.ts keeps it in step with the
 * primary database.
 *
 * There is no Elasticsearch server in this repository, so `offlineClient`
 * gives the real client a Connection that answers from a function: the
 * client builds and serializes every request as it would for a cluster,
 * and the tests read exactly what would go over the wire.
 * @see https://www.elastic.co/docs/manage-data/data-store/mapping/explicit-mapping
 */
import {
  BaseConnection, Client, type ConnectionRequestOptions,
  type ConnectionRequestOptionsAsStream,
  type ConnectionRequestParams, type ConnectionRequestResponse, type estypes,
} from '@elastic/elasticsearch';

/** What the index stores per product: a projection, not the source of truth. */
export interface ProductDoc {
  id: string;
  title: string;
  description: string;
  brand: string;
  category: string;
  price_cents: number;
  in_stock: boolean;
  updated_at: string;
}

// #region mapping
type IndexBody = Pick<estypes.IndicesCreateRequest, 'settings' | 'mappings'>;

export const PRODUCT_INDEX: IndexBody = {
  settings: {
    analysis: {
      tokenizer: {
        // "Lap" -> la, lap: prefixes of each word, for search-as-you-type.
        prefixes: { type: 'edge_ngram', min_gram: 2, max_gram: 15,
          token_chars: ['letter', 'digit'] },
        // The same word breaks, without the n-grams ("ps5" stays ps5).
        words: { type: 'pattern', pattern: '[^\\p{L}\\p{Nd}]+' },
      },
      analyzer: {
        autocomplete: { type: 'custom', tokenizer: 'prefixes',
          filter: ['lowercase'] },
        // At search time the typed text is used as is, never n-grammed.
        autocomplete_search: { type: 'custom', tokenizer: 'words',
          filter: ['lowercase'] },
      },
    },
  },
  mappings: {
    dynamic: 'strict', // an unknown field is an error, not a new mapping
    properties: {
      id: { type: 'keyword' }, // unique: the sort tiebreaker
      title: {
        type: 'text', analyzer: 'english', // runs, running -> run
        fields: {
          exact: { type: 'text', analyzer: 'standard' }, // no stemming
          suggest: { type: 'text', analyzer: 'autocomplete',
            search_analyzer: 'autocomplete_search' },
        },
      },
      description: { type: 'text', analyzer: 'english' },
      brand: { type: 'keyword' }, // exact values: filters, facets, sorts
      category: { type: 'keyword' },
      price_cents: { type: 'integer' },
      in_stock: { type: 'boolean' },
      updated_at: { type: 'date' },
    },
  },
};
// #endregion mapping

/** Analyzers and tokenizers Elasticsearch has built in, that we use. */
const BUILT_IN_ANALYZERS = new Set(['standard', 'simple', 'whitespace',
  'keyword', 'stop', 'english']);
const BUILT_IN_TOKENIZERS = new Set(['standard', 'lowercase', 'whitespace',
  'keyword', 'letter']);

/**
 * Every analyzer a field names must exist, and every tokenizer a custom
 * analyzer names. A cluster reports a typo only when the index is created;
 * this finds it in a unit test. Returns the problems, empty when sound.
 */
export function checkAnalyzers(body: IndexBody): string[] {
  const analysis = body.settings?.analysis ?? {};
  const analyzers = analysis.analyzer ?? {};
  const tokenizers = analysis.tokenizer ?? {};
  const problems: string[] = [];
  for (const [name, def] of Object.entries(analyzers)) {
    const tokenizer = 'tokenizer' in def ? def.tokenizer : undefined;
    if (typeof tokenizer === 'string' && !BUILT_IN_TOKENIZERS.has(tokenizer)
      && !(tokenizer in tokenizers)) {
      problems.push(`analyzer ${name}: unknown tokenizer ${tokenizer}`);
    }
  }
  const visit = (props: Record<string, estypes.MappingProperty>,
    path: string) => {
    for (const [field, prop] of Object.entries(props)) {
      const at = path ? `${path}.${field}` : field;
      for (const key of ['analyzer', 'search_analyzer'] as const) {
        const name = (prop as Record<string, unknown>)[key];
        if (typeof name === 'string' && !BUILT_IN_ANALYZERS.has(name)
          && !(name in analyzers)) {
          problems.push(`${at}: unknown ${key} ${name}`);
        }
      }
      if ('fields' in prop && prop.fields) visit(prop.fields, at);
      if ('properties' in prop && prop.properties) visit(prop.properties, at);
    }
  };
  visit(body.mappings?.properties ?? {}, '');
  return problems;
}

/** A safe subset of Elasticsearch index names: lowercase, no separators. */
const INDEX_NAME = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export function checkIndexName(name: string): string {
  if (!INDEX_NAME.test(name)) {
    throw new TypeError(
      'index name must be 1-100 of a-z, 0-9, _ and -, not starting with _ or -');
  }
  return name;
}

/** Creates a concrete, versioned index (products-v2); the alias comes later. */
export async function createIndex(client: Client, name: string) {
  return client.indices.create({ index: checkIndexName(name), ...PRODUCT_INDEX });
}

/** A request as the client put it on the wire, body parsed back from JSON. */
export interface WireRequest {
  method: string;
  path: string;
  querystring: string;
  body: unknown;
}
export type Responder = (request: WireRequest) => { status: number; body: unknown };

/** NDJSON (the bulk API) becomes an array of objects; JSON an object. */
function parseBody(raw: ConnectionRequestParams['body']): unknown {
  if (raw == null) return undefined;
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) {
    throw new TypeError('offlineClient does not take streamed bodies');
  }
  const text = raw.toString();
  if (text === '') return undefined;
  const lines = text.split('\n').filter((line) => line !== '');
  return lines.length > 1 || text.endsWith('\n')
    ? lines.map((line) => JSON.parse(line) as unknown)
    : JSON.parse(text) as unknown;
}

/**
 * The official client over a Connection that never opens a socket: each
 * request goes to `respond`, and its answer comes back as the response.
 */
export function offlineClient(respond: Responder): Client {
  class OfflineConnection extends BaseConnection {
    override request(params: ConnectionRequestParams,
      options: ConnectionRequestOptions): Promise<ConnectionRequestResponse>;
    override request(params: ConnectionRequestParams,
      options: ConnectionRequestOptionsAsStream): Promise<never>;
    override async request(params: ConnectionRequestParams,
      options: ConnectionRequestOptions): Promise<ConnectionRequestResponse> {
      if ('asStream' in options && options.asStream) {
        throw new TypeError('offlineClient does not stream responses');
      }
      const { status, body } = respond({ method: params.method,
        path: params.path, querystring: params.querystring ?? '',
        body: parseBody(params.body) });
      return { statusCode: status, body: JSON.stringify(body), headers: {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch', // the client checks for it
      } };
    }
  }
  return new Client({ node: 'http://search.invalid:9200',
    Connection: OfflineConnection, maxRetries: 0 });
}

if (import.meta.main) {
  const sent: WireRequest[] = [];
  const client = offlineClient((request) => {
    sent.push(request);
    return { status: 200, body: { acknowledged: true,
      shards_acknowledged: true, index: 'products-v1' } };
  });
  await createIndex(client, 'products-v1');
  const [request] = sent;
  console.log(request?.method, request?.path);
  console.log('problems:', checkAnalyzers(PRODUCT_INDEX));
  const typo = structuredClone(PRODUCT_INDEX);
  const title = typo.mappings?.properties?.title;
  if (title && 'analyzer' in title) title.analyzer = 'englsh';
  console.log('with a typo:', checkAnalyzers(typo));
}
