/**
 * Builds the OpenAPI 3.1 document from the route table, and reports drift:
 * routes the document misses, documented operations nothing serves, and
 * documented statuses no test ever produced.
 * @see https://spec.openapis.org/oas/v3.1.2.html
 */
import { z } from 'zod';
import { responsesOf, type Method, type Route } from './openapi-routes.ts';

/** The latest 3.1 text. Patch releases only clarify it; tooling "SHOULD
 * NOT" tell 3.1.x versions apart (OAS 3.1.2, "Versions"). */
export const OPENAPI_VERSION = '3.1.2';

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Partial<Record<Method, Json>>>;
  components: { schemas: Record<string, Json> };
}

/** RFC 9457 §3.1 members; extensions such as `errors` are allowed. */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
});

const PROBLEM = { $ref: '#/components/schemas/Problem' };

/** Path Item keys that hold an Operation; `summary`, `parameters`,
 * `servers` and `$ref` describe the path itself (OAS 3.1 Path Item). */
export const OPERATION_KEYS: readonly string[] =
  ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The [method, Operation] pairs of one Path Item. */
export const operationsOf = (item: object) => Object.entries(item)
  .filter(([key]) => OPERATION_KEYS.includes(key)) as [string, Json][];

// zod writes `$schema` (which would switch a component from the OAS
// dialect to plain 2020-12) and, for registries, a fragment-only `$id`,
// which 2020-12 forbids (Core §8.2.1). Neither belongs in a component.
function strip({ $schema: _s, $id: _i, ...schema }: Json): Json {
  return schema;
}

const toSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  strip(z.toJSONSchema(schema, { io }) as Json);

const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

// #region document
/** Named schemas become components; requests are documented as input
 * (defaults optional), responses as output (what the server sends). */
export function openApiDocument(info: OpenApiDocument['info'],
  routes: readonly Route[],
  named: z.core.$ZodRegistry<{ id: string }>): OpenApiDocument {
  const ref = (schema: z.ZodType) => {
    const id = named.get(schema)?.id;
    return id ? { $ref: `#/components/schemas/${id}` }
      : toSchema(schema, 'output');
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const responses: Record<string, Json> = {};
    for (const [code, spec] of Object.entries(responsesOf(route))) {
      const media: [string, Json] | undefined = Number(code) >= 400
        ? ['application/problem+json', PROBLEM]
        : spec.schema && ['application/json', ref(spec.schema)];
      responses[code] = {
        description: spec.description,
        ...(spec.headers && { headers: mapValues(spec.headers,
          (description) => ({ description, schema: { type: 'string' } })) }),
        ...(media && { content: { [media[0]]: { schema: media[1] } } }),
      };
    }
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.params && { parameters: Object.entries(route.params.shape)
        .map(([name, schema]) => ({ name, in: 'path', required: true,
          schema: toSchema(schema, 'input') })) }),
      ...(route.body && { requestBody: { required: true, content: {
        'application/json': { schema: toSchema(route.body, 'input') } } } }),
      responses,
    };
  }
  const { schemas } = z.toJSONSchema(named,
    { uri: (id) => `#/components/schemas/${id}` });
  return { openapi: OPENAPI_VERSION, info, paths, components: { schemas: {
    ...mapValues(schemas, (s) => strip(s as Json)),
    Problem: toSchema(problemSchema, 'output') } } };
}
// #endregion document

// #region drift
const minus = (a: Set<string>, b: Set<string>) =>
  [...a].filter((x) => !b.has(x)).sort();

/** Routes Hono serves vs operations the document lists, as "GET /a/{id}".
 * Both lists empty means the two agree. */
export function routeDrift(served: readonly { method: string; path: string }[],
  doc: OpenApiDocument, ignore: readonly string[] = []) {
  const routed = new Set(served
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`)
    .filter((key) => !ignore.includes(key)));
  const listed = new Set(Object.entries(doc.paths).flatMap(([path, item]) =>
    operationsOf(item).map(([method]) => `${method.toUpperCase()} ${path}`)));
  return { undocumented: minus(routed, listed),
    unserved: minus(listed, routed) };
}

/** Statuses tests produced vs statuses the document promises, as
 * "getNote 404": a promise no test keeps is a guess. */
export function statusDrift(doc: OpenApiDocument, seen: Iterable<string>) {
  const promised = new Set(Object.values(doc.paths).flatMap((item) =>
    operationsOf(item).flatMap(([, op]) => Object.keys(op.responses as Json)
      .map((code) => `${String(op.operationId)} ${code}`))));
  const observed = new Set(seen);
  return { undocumented: minus(observed, promised),
    unexercised: minus(promised, observed) };
}
// #endregion drift
