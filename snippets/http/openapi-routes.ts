/**
 * One route table drives both the Hono router and the OpenAPI 3.1
 * document, so the schemas that validate requests are the schemas the
 * document publishes. Statuses the wrapper itself can send (bad body, bad
 * path) are documented for every route that can send them.
 * @see https://spec.openapis.org/oas/v3.1.2.html
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { readJsonBody } from './json-body.ts';
import { statusProblem } from './problem.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented response; 4xx/5xx bodies are always problem+json. */
export interface ResponseSpec {
  description: string;
  /** JSON body of a success; omit for none (204). */
  schema?: z.ZodType;
  /** Response headers the handler sets: name → description. */
  headers?: Record<string, string>;
}
type Responses = Record<number, ResponseSpec>;

// #region reply
type Codes<R> = Extract<keyof R, number>;

/** What a handler may return: only statuses its route documents. */
export type Reply<R extends Responses> = {
  [S in Codes<R>]: R[S] extends { schema: infer T extends z.ZodType }
    ? { status: S; body: z.input<T>; headers?: Record<string, string> }
    : { status: S; detail?: string; headers?: Record<string, string> };
}[Codes<R>];
// #endregion reply

type Shape = z.ZodObject<Record<string, z.ZodType>>;

export interface RouteSpec<P extends Shape, B extends z.ZodType,
  R extends Responses> {
  method: Method;
  /** OpenAPI path template, e.g. `/notes/{id}`. */
  path: `/${string}`;
  operationId: string;
  summary: string;
  params?: P;
  body?: B;
  responses: R;
  // NoInfer: `responses` alone decides the statuses; a handler cannot
  // widen them by returning one more.
  handle(input: { params: z.output<P>; body: z.output<B> }):
    NoInfer<Reply<R>> | Promise<NoInfer<Reply<R>>>;
}

/** A checked route with its types erased, so routes fit in one array. */
export interface Route {
  method: Method;
  path: `/${string}`;
  operationId: string;
  summary: string;
  params?: Shape;
  body?: z.ZodType;
  responses: Responses;
  handle(input: { params: unknown; body: unknown }):
    AnyReply | Promise<AnyReply>;
}
type AnyReply = { status: number; body?: unknown; detail?: string;
  headers?: Record<string, string> };

/** Type-checks a route (statuses, body types), then erases its types. */
export function defineRoute<P extends Shape, B extends z.ZodType,
  R extends Responses>(spec: RouteSpec<P, B, R>): Route {
  return spec as unknown as Route;
}

/** The route's own responses plus those the wrapper can send for it. */
export function responsesOf(route: Route): Responses {
  const implied: Responses = {};
  if (route.params) implied[404] = { description: 'No resource at this path' };
  if (route.body) {
    implied[400] = { description: 'Body is not one exact JSON value' };
    implied[413] = { description: 'Body is too large' };
    implied[415] = { description: 'Body is not application/json' };
    implied[422] = { description: 'Body failed validation' };
  }
  return { ...implied, ...route.responses };
}

/** Registers every route on `app`, validating input on the way in. */
export function mountRoutes(app: Hono, routes: readonly Route[]): void {
  for (const route of routes) {
    const honoPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    app.on(route.method.toUpperCase(), honoPath, async (c) => {
      const params = (route.params ?? z.object({})).safeParse(c.req.param());
      if (!params.success) return send(route, { status: 404 });
      let body: unknown;
      if (route.body) {
        const read = await readJsonBody(c.req.raw, route.body);
        if (!read.ok) return read.response;
        body = read.data;
      }
      return send(route, await route.handle({ params: params.data, body }));
    });
  }
}

function send(route: Route, reply: AnyReply): Response {
  const { status, headers = {} } = reply;
  if (status >= 400) {
    return statusProblem(status,
      reply.detail ?? responsesOf(route)[status]?.description, headers);
  }
  const schema = route.responses[status]?.schema;
  if (!schema) return new Response(null, { status, headers });
  // Encoding through the schema drops fields the document does not list,
  // and a reply that breaks its own contract throws (a 500), never ships.
  return Response.json(schema.parse(reply.body), { status, headers });
}
