/**
 * Limits on what one GraphQL document may ask for, checked as a validation
 * rule, so nothing runs before they pass: how deeply fields nest, and how
 * many values the response could hold. Without them one request can repeat
 * a list field under a thousand aliases, or follow a relation back and
 * forth a hundred levels deep. A list field without a list argument
 * (introspection's `types`, say) counts as one item, so a server that
 * relies on these limits also turns introspection off.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html
 */
import {
  GraphQLError, Kind, valueFromASTUntyped, type FieldNode,
  type OperationDefinitionNode, type SelectionSetNode,
  type ValidationContext, type ValidationRule,
} from 'graphql';

export interface QueryLimits {
  /** Fields nested in one another, the leaf included: `{ a { b } }` is 2. */
  maxDepth: number;
  /** Values the response could hold: every field, times each list above. */
  maxCost: number;
}

type Measure = { depth: number; cost: number };
type Variables = Readonly<Record<string, unknown>>;

/** How many items a field asks for: the longest list among its arguments,
 * written inline or passed as a variable; 1 when it has none. */
export function listSize(field: FieldNode, variables: Variables = {}): number {
  let size = 1;
  for (const { value } of field.arguments ?? []) {
    const list = value.kind === Kind.LIST ? value.values
      : value.kind === Kind.VARIABLE ? variables[value.name.value]
      : undefined;
    if (Array.isArray(list)) size = Math.max(size, list.length);
  }
  return size;
}

// #region limits
/** A rule that refuses an operation deeper than `maxDepth` or costlier
 * than `maxCost`, measured with this request's variables. */
export function queryLimits(limits: QueryLimits,
  variables: Variables = {}): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const { depth, cost } = measure(context, operation, variables);
      const refuse = (message: string) => context.reportError(
        new GraphQLError(message, { nodes: operation }));
      if (depth > limits.maxDepth) {
        refuse(`Query depth ${depth} exceeds the limit ${limits.maxDepth}.`);
      }
      if (cost > limits.maxCost) {
        refuse(`Query cost ${cost} exceeds the limit ${limits.maxCost}.`);
      }
    },
  });
}

function measure(context: ValidationContext,
  operation: OperationDefinitionNode, sent: Variables): Measure {
  // A variable the request omits takes its default: a list there counts.
  const values: Record<string, unknown> = Object.create(null);
  for (const { variable, defaultValue } of
    operation.variableDefinitions ?? []) {
    const name = variable.name.value;
    values[name] = Object.hasOwn(sent, name) ? sent[name]
      : defaultValue && valueFromASTUntyped(defaultValue);
  }
  // Each fragment is measured once per operation, however often it is
  // spread; `open` stops at a cycle, which NoFragmentCyclesRule reports.
  const fragments = new Map<string, Measure>();
  const open = new Set<string>();

  const selections = (set: SelectionSetNode): Measure => {
    let depth = 0;
    let cost = 0;
    for (const node of set.selections) {
      let part: Measure = { depth: 0, cost: 0 };
      if (node.kind === Kind.FIELD) {
        const below = node.selectionSet
          ? selections(node.selectionSet) : part;
        part = { depth: 1 + below.depth,
          cost: 1 + listSize(node, values) * below.cost };
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        part = selections(node.selectionSet);
      } else {
        part = spread(node.name.value);
      }
      depth = Math.max(depth, part.depth);
      cost += part.cost;
    }
    return { depth, cost };
  };

  const spread = (name: string): Measure => {
    const known = fragments.get(name);
    const fragment = context.getFragment(name);
    if (known || !fragment || open.has(name)) {
      return known ?? { depth: 0, cost: 0 };
    }
    open.add(name);
    const result = selections(fragment.selectionSet);
    open.delete(name);
    fragments.set(name, result);
    return result;
  };

  return selections(operation.selectionSet);
}
// #endregion limits
