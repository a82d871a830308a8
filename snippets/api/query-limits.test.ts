import { buildSchema, Kind, parse, validate, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { listSize, queryLimits, type QueryLimits } from './query-limits.ts';

const schema = buildSchema(`
  type Query { user(id: ID!): User, users(ids: [ID!]!): [User] }
  type User { name: String, manager: User }
`);

/** The messages the rule alone reports for `source`. */
function check(source: string, limits: Partial<QueryLimits> = {}, variables: Record<string, unknown> = {}) {
  const rule = queryLimits({ maxDepth: 100, maxCost: 1e9, ...limits }, variables);
  return validate(schema, parse(source), [rule]).map((e) => e.message);
}

/** The depth and cost the rule measured, read back from its messages. */
function measured(source: string, variables: Record<string, unknown> = {}) {
  const [depth, cost] = check(source, { maxDepth: 0, maxCost: 0 }, variables)
    .map((m) => Number(/ (\d+) exceeds/.exec(m)?.[1]));
  return { depth, cost };
}

describe('depth', () => {
  it('counts nested fields, the leaf included', () => {
    expect(measured('{ user(id: "1") { name } }').depth).toBe(2);
    expect(measured('{ user(id: "1") { manager { manager { name } } } }').depth).toBe(4);
  });

  it('refuses an operation deeper than maxDepth, pointing at it', () => {
    const source = '{ user(id: "1") { manager { manager { name } } } }';
    expect(check(source, { maxDepth: 4 })).toEqual([]);
    const [error] = validate(schema, parse(source), [queryLimits({ maxDepth: 3, maxCost: 1e9 })]);
    expect(error?.message).toBe('Query depth 4 exceeds the limit 3.');
    expect(error?.locations).toEqual([{ line: 1, column: 1 }]);
  });

  it('follows named and inline fragments at the level they are spread', () => {
    const source = `{ user(id: "1") { ...Chain } }
      fragment Chain on User { manager { ... on User { manager { name } } } }`;
    expect(measured(source).depth).toBe(4);
  });
});

describe('cost', () => {
  it('multiplies what is below a list field by the length of its list argument', () => {
    // users: 1, then 3 × (name + manager + manager.name)
    expect(measured('{ users(ids: ["a", "b", "c"]) { name manager { name } } }').cost).toBe(1 + 3 * 3);
  });

  it('reads a list passed as a variable from this request\'s variables', () => {
    const source = 'query ($ids: [ID!]!) { users(ids: $ids) { name } }';
    expect(measured(source, { ids: ['a', 'b', 'c', 'd'] }).cost).toBe(1 + 4);
    expect(measured(source, { ids: 'a' }).cost).toBe(1 + 1); // coerced to a list of one
  });

  it('reads a list from the variable\'s default value when the request omits it', () => {
    const source = 'query ($ids: [ID!]! = ["a", "b", "c"]) { users(ids: $ids) { name } }';
    expect(measured(source).cost).toBe(1 + 3);
    expect(measured(source, { ids: ['a'] }).cost).toBe(1 + 1); // a sent value wins
  });

  it('measures a shared fragment with the defaults of each operation', () => {
    const source = `query Cheap ($ids: [ID!]! = []) { ...Team }
      query Costly ($ids: [ID!]! = ["a", "b", "c", "d", "e"]) { ...Team }
      fragment Team on Query { users(ids: $ids) { name } }`;
    expect(check(source, { maxCost: 5 })).toEqual(['Query cost 6 exceeds the limit 5.']);
  });

  it('adds up aliases, so repeating a list field costs what it returns', () => {
    const one = 'a: users(ids: ["1", "2"]) { name }';
    expect(measured(`{ ${one} }`).cost).toBe(3);
    expect(measured(`{ ${one} ${one.replace('a:', 'b:')} ${one.replace('a:', 'c:')} }`).cost).toBe(9);
    expect(check(`{ ${Array.from({ length: 400 }, (_, i) => one.replace('a:', `a${i}:`)).join(' ')} }`,
      { maxCost: 1000 })).toEqual(['Query cost 1200 exceeds the limit 1000.']);
  });

  it('counts introspection fields like any other', () => {
    expect(measured('{ __typename __schema { types { fields { type { ofType { name } } } } } }'))
      .toEqual({ depth: 6, cost: 7 });
  });
});

describe('hostile documents', () => {
  it('measures a fragment once, however often it is spread (no exponential blow-up)', () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^20 fields if expanded.
    const levels = 20;
    const fragments = Array.from({ length: levels }, (_, i) => i === levels - 1
      ? `fragment F${i} on User { name }`
      : `fragment F${i} on User { manager { ...F${i + 1} } a: manager { ...F${i + 1} } }`);
    const document = parse(`{ user(id: "1") { ...F0 } } ${fragments.join(' ')}`);
    let reads = 0; // how often anything reads a fragment's selections
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
      const { selectionSet } = definition;
      Object.defineProperty(definition, 'selectionSet', { get: () => { reads += 1; return selectionSet; } });
    }
    const errors = validate(schema, document, [queryLimits({ maxDepth: 100, maxCost: 1000 })]);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Query cost \d+ exceeds/)]);
    expect(reads).toBeLessThan(3 * levels);
  });

  it('stops at a fragment cycle and leaves reporting it to the standard rules', () => {
    const source = `{ user(id: "1") { ...A } }
      fragment A on User { manager { ...B } } fragment B on User { manager { ...A } }`;
    expect(check(source)).toEqual([]);
    expect(validate(schema, parse(source)).map((e) => e.message))
      .toEqual([expect.stringMatching(/Cannot spread fragment "A" within itself/)]);
  });

  it('ignores a spread of a fragment the document does not define', () => {
    expect(check('{ user(id: "1") { ...Missing } }')).toEqual([]);
  });
});

describe('listSize', () => {
  const field = (source: string) =>
    ((parse(source).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode);

  it('is 1 without a list argument and the longest list otherwise', () => {
    expect(listSize(field('{ user(id: "1") { name } }'))).toBe(1);
    expect(listSize(field('{ users(ids: []) { name } }'))).toBe(1);
    expect(listSize(field('{ users(ids: ["1", "2"], more: ["1", "2", "3"]) { name } }'))).toBe(3);
    expect(field('{ users(ids: $ids) { name } }').arguments?.[0]?.value.kind).toBe(Kind.VARIABLE);
    expect(listSize(field('{ users(ids: $ids) { name } }'), { ids: ['1', '2'] })).toBe(2);
    expect(listSize(field('{ users(ids: $ids) { name } }'))).toBe(1);
  });
});
