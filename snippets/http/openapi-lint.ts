/**
 * The OpenAPI 3.1 rules a generated document can break, checked without a
 * validator dependency: path templates vs path parameters, unique
 * operationIds, responses with descriptions, resolvable `$ref`s. A real
 * pipeline would also run a full validator or linter in CI.
 * @see https://spec.openapis.org/oas/v3.1.2.html#path-templating
 */
import { operationsOf, type OpenApiDocument } from './openapi-document.ts';

type Json = Record<string, unknown>;

const NO_BODY_SEMANTICS = new Set(['get', 'head', 'delete']);

/** Every rule `doc` breaks, as readable sentences; empty means none. */
export function openApiProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(doc.openapi)) {
    problems.push(`openapi "${doc.openapi}" is not 3.1.x`);
  }
  if (!doc.info.title || !doc.info.version) {
    problems.push('info.title and info.version are required');
  }
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) {
      problems.push(`path "${path}" must start with /`);
    }
    const template = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    // Parameters on the Path Item apply to each operation, which may
    // override one with the same name and location.
    const shared = ((item as Json).parameters ?? []) as Json[];
    const key = (p: Json) => `${String(p.in)}:${String(p.name)}`;
    for (const [method, op] of operationsOf(item)) {
      const at = `${method.toUpperCase()} ${path}`;
      const id = String(op.operationId);
      if (ids.has(id)) {
        problems.push(`${at}: operationId "${id}" is not unique`);
      }
      ids.add(id);
      const own = (op.parameters ?? []) as Json[];
      const ownKeys = new Set(own.map(key));
      const params = [...shared.filter((p) => !ownKeys.has(key(p))), ...own];
      const inPath = params.filter((p) => p.in === 'path');
      const names = inPath.map((p) => String(p.name)).sort();
      if (names.join() !== template.join()) {
        problems.push(
          `${at}: path parameters [${names}] must match {${template}}`);
      }
      for (const p of inPath.filter((p) => p.required !== true)) {
        problems.push(
          `${at}: path parameter "${String(p.name)}" must be required`);
      }
      if (new Set(params.map(key)).size !== params.length) {
        problems.push(`${at}: duplicate parameters`);
      }
      if (op.requestBody && NO_BODY_SEMANTICS.has(method)) {
        problems.push(
          `${at}: a request body on ${method} has no defined meaning`);
      }
      const responses = (op.responses ?? {}) as Record<string, Json>;
      if (Object.keys(responses).length === 0) {
        problems.push(`${at}: needs at least one response`);
      }
      for (const [code, response] of Object.entries(responses)) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(code)) {
          problems.push(`${at}: "${code}" is not a status code`);
        }
        if (typeof response.description !== 'string') {
          problems.push(`${at} ${code}: description is required`);
        }
      }
    }
  }
  const components = doc.components.schemas;
  for (const name of Object.keys(components)) {
    if (!/^[a-zA-Z0-9.\-_]+$/.test(name)) {
      problems.push(`component name "${name}" is not allowed`);
    }
  }
  // Only local component refs are expected; `#/$defs/...` would resolve
  // against the document root, where no `$defs` exists.
  const refs = JSON.stringify(doc).matchAll(/"\$ref":"([^"]*)"/g);
  for (const [, ref = ''] of refs) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
    if (name === undefined || !Object.hasOwn(components, name)) {
      problems.push(`unresolved $ref ${ref}`);
    }
  }
  // A house rule, not a MUST: components use the document's OAS dialect.
  if (/"\$(schema|id)":/.test(JSON.stringify(components))) {
    problems.push('component schemas must not carry $schema or $id');
  }
  return problems;
}
