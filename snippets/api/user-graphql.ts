/**
 * "Get user" as a GraphQL schema: the client selects fields and follows
 * `manager` in one request; the server resolves each field on its own,
 * which is where N+1 round trips come from and where batching removes them.
 * @see https://spec.graphql.org/September2025/#sec-Executing-Fields
 */
import {
  graphql, GraphQLError, GraphQLID, GraphQLList, GraphQLNonNull,
  GraphQLObjectType, GraphQLSchema, GraphQLString,
  NoSchemaIntrospectionCustomRule, specifiedRules, type ExecutionResult,
} from 'graphql';
import { describeError } from '../http/error-log.ts';
import { createBatchLoader } from './batch-loader.ts';
import { queryLimits } from './query-limits.ts';
import {
  createMemoryUserRepository, isUserId, MAX_BATCH, SAMPLE_USERS,
  type User, type UserRepository,
} from './user-repository.ts';

/** Built fresh for every request; see `createContext`. */
export interface UserContext {
  repo: UserRepository;
  loadUser: (id: string) => Promise<User | undefined>;
}

// #region schema
const UserType: GraphQLObjectType<User, UserContext> = new GraphQLObjectType({
  name: 'User',
  fields: () => ({
    id: { type: new GraphQLNonNull(GraphQLID) },
    name: { type: new GraphQLNonNull(GraphQLString) },
    email: { type: new GraphQLNonNull(GraphQLString) },
    manager: {
      type: UserType,
      // Runs once per user in the result: with N users, N lookups.
      resolve: (user, _args, ctx) =>
        user.managerId === null ? null : ctx.loadUser(user.managerId),
    },
  }),
});

const ids = new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID)));

export const userSchema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, UserContext>({
    name: 'Query',
    fields: {
      user: {
        type: UserType, // nullable: "no such user" is data, not an error
        args: { id: { type: new GraphQLNonNull(GraphQLID) } },
        resolve: (_root, args: { id: string }, ctx) =>
          isUserId(args.id) ? ctx.loadUser(args.id) : null,
      },
      users: {
        type: new GraphQLList(UserType),
        args: { ids: { type: ids } },
        resolve: async (_root, args: { ids: string[] }, ctx) => {
          if (args.ids.length > MAX_BATCH) {
            throw new GraphQLError(`ids: at most ${MAX_BATCH} per query`);
          }
          const found = await ctx.repo.findByIds(args.ids.filter(isUserId));
          const byId = new Map(found.map((u) => [u.id, u]));
          return args.ids.map((id) => byId.get(id) ?? null);
        },
      },
    },
  }),
});
// #endregion schema

// #region execute
/** One context per request, so the loader's cache dies with the request. */
export function createContext(repo: UserRepository, batch: boolean) {
  const fetchMany = async (keys: string[]) =>
    new Map((await repo.findByIds(keys)).map((u) => [u.id, u]));
  const loader = createBatchLoader(fetchMany, { maxBatchSize: MAX_BATCH });
  const loadUser = batch
    ? (id: string) => loader.load(id)
    : (id: string) => repo.findById(id);
  return { repo, loadUser } satisfies UserContext;
}

export const LIMITS = { maxDepth: 6, maxCost: 1000, maxSourceLength: 10_000 };

/** Class, code and stack frames only: a message can hold secrets. */
const logError = (error: Error) =>
  console.error('resolver failed', describeError(error));

/**
 * Parses, validates and executes `source` with a fresh context, within
 * LIMITS. `batch: false` keeps the naive resolvers, for comparison.
 */
export async function executeUserQuery(
  repo: UserRepository,
  source: string,
  variableValues: Record<string, unknown> = {},
  { batch = true, onError = logError }:
    { batch?: boolean; onError?: (error: Error) => void } = {},
): Promise<ExecutionResult> {
  const result = await graphql({ schema: userSchema, source, variableValues,
    contextValue: createContext(repo, batch),
    maxSourceLength: LIMITS.maxSourceLength, // longer is refused unparsed
    rules: [...specifiedRules, queryLimits(LIMITS, variableValues),
      NoSchemaIntrospectionCustomRule] }); // introspection off (OWASP)
  if (!result.errors) return result;
  // A GraphQLError a resolver threw is meant for the client; anything
  // else (a driver's error, say) is logged and replaced by a generic one.
  const errors = result.errors.map((error) => {
    const cause = error.originalError;
    if (!cause || cause instanceof GraphQLError) return error;
    onError(cause);
    return new GraphQLError('Internal server error.',
      { nodes: error.nodes, path: error.path });
  });
  return { ...result, errors };
}
// #endregion execute

if (import.meta.main) {
  let calls = 0;
  const repo = createMemoryUserRepository(SAMPLE_USERS, () => { calls += 1; });
  const show = (r: ExecutionResult) => JSON.stringify(r);

  const one = 'query ($id: ID!) { user(id: $id) { name } }';
  console.log(`${one}\n  -> ${show(await executeUserQuery(repo, one,
    { id: 'u2' }))}`);

  const team = '{ users(ids: ["u2", "u3", "u4"]) { name manager { name } } }';
  console.log(team);
  for (const batch of [false, true]) {
    calls = 0;
    const result = await executeUserQuery(repo, team, {}, { batch });
    const names = (result.data?.users as { manager: { name: string } }[])
      .map((u) => u.manager.name).join(', ');
    console.log(`  ${batch ? 'batched' : 'naive  '}: ${calls} repository ` +
      `calls (managers: ${names})`);
  }

  const typo = '{ user(id: "u2") { salary } }';
  console.log(`${typo}\n  -> ${show(await executeUserQuery(repo, typo))}`);

  const aliases = Array.from({ length: 20 },
    (_, i) => `a${i}: users(ids: $ids) { name }`);
  const flood = `query ($ids: [ID!]!) { ${aliases.join(' ')} }`;
  const ids = Array.from({ length: 100 }, () => 'u1');
  calls = 0;
  const refused = await executeUserQuery(repo, flood, { ids });
  console.log(`20 aliases of users(ids: <100 ids>) { name }\n  -> ` +
    `${refused.errors?.[0]?.message} (${calls} repository calls)`);
}
