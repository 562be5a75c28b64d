// `$filter` for directory collections: a small OData expression parser compiled into a predicate, accepting
// only the (property, operator) pairs Graph supports on each resource (facts §2) and answering everything
// else with Graph's 400 Request_UnsupportedQuery. Advanced pairs need ConsistencyLevel + `$count=true`.
import { type GraphError, graphErrors } from './errors.ts';
import { type FilterNode, type Literal, parseFilter } from './filter-parse.ts';

export type FilterOp = 'eq' | 'ne' | 'ge' | 'le' | 'startswith' | 'in';

/**
 * Graph's known issue 13635 (developer.microsoft.com/graph/known-issues): "When using the 'in' operator, the
 * request is limited to 15 expressions in the filter clause by default OR a URL length of 2,048 characters
 * when using advanced query capabilities". Each value of an `in` list and each operand of an `or` counts.
 */
export const DEFAULT_FILTER_CLAUSE_LIMIT = 15;
export type ValueKind = 'string' | 'id' | 'bool' | 'datetime';

export interface FilterProperty {
  /** Canonical property name on the stored object. */
  name: string;
  kind: ValueKind;
  /** Operators supported by default. */
  ops: readonly FilterOp[];
  /** Operators supported only as advanced queries. */
  advancedOps?: readonly FilterOp[];
}

/** `collection/any(x: x/property op value)` on complex values, or `collection/any(x: x op value)`. */
export interface FilterAnyRule {
  collection: string;
  /** '' for a collection of primitives (e.g. signIn.signInEventTypes): the lambda compares `x` itself. */
  property: string;
  kind: ValueKind;
  ops: readonly FilterOp[];
  advancedOps?: readonly FilterOp[];
}

export interface FilterTable {
  /** Resource name as Graph writes it in filter errors ("Application", "ServicePrincipal", "User"). */
  resource: string;
  properties: readonly FilterProperty[];
  any?: readonly FilterAnyRule[];
}

export type Predicate = (item: Record<string, unknown>) => boolean;

interface CompileState {
  table: FilterTable;
  /** First reason the query is advanced; thrown when ConsistencyLevel or $count is missing. */
  advanced: GraphError | null;
}

const OPERATOR_NAMES: Record<string, string> = {
  ne: 'NotEqualsMatch',
  gt: 'GreaterThan',
  lt: 'LessThan',
  endswith: 'EndsWith',
  contains: 'Contains',
  in: 'In',
};

function checkOperator(
  state: CompileState,
  subject: string,
  op: string,
  rule: { ops: readonly FilterOp[]; advancedOps?: readonly FilterOp[] },
) {
  if ((rule.ops as readonly string[]).includes(op)) return;
  const refusal =
    op === 'ne' && rule.ops.includes('eq')
      ? graphErrors.unsupportedFilterOperator(OPERATOR_NAMES.ne!)
      : graphErrors.unsupportedFilterProperty(subject, state.table.resource);
  // `ne` is advanced wherever `eq` is supported (Graph's advanced-query table).
  const advanced = (rule.advancedOps ?? []) as readonly string[];
  if (advanced.includes(op) || (op === 'ne' && rule.ops.includes('eq'))) {
    state.advanced ??= refusal;
    return;
  }
  throw refusal;
}

function literalValue(kind: ValueKind, literal: Literal, subject: string, resource: string): unknown {
  switch (kind) {
    case 'string':
    case 'id':
      if (literal.type !== 'string') throw graphErrors.unsupportedFilterProperty(subject, resource);
      return literal.value.toLowerCase();
    case 'bool':
      if (literal.type !== 'bool') throw graphErrors.unsupportedFilterProperty(subject, resource);
      return literal.value;
    case 'datetime': {
      const ms = literal.type === 'raw' ? Date.parse(literal.value) : Number.NaN;
      if (Number.isNaN(ms)) throw graphErrors.invalidFilter(`'${subject}' needs a DateTimeOffset value.`);
      return ms;
    }
  }
}

function comparison(kind: ValueKind, op: string, expected: unknown): (actual: unknown) => boolean {
  if (kind === 'datetime') {
    const want = expected as number;
    const read = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number.NaN);
    if (op === 'ge') return (v) => read(v) >= want;
    if (op === 'le') return (v) => read(v) <= want;
    if (op === 'ne') return (v) => read(v) !== want;
    return (v) => read(v) === want;
  }
  if (kind === 'bool') return op === 'ne' ? (v) => v !== expected : (v) => v === expected;
  // Directory string comparisons are case-insensitive.
  const want = expected as string;
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : null);
  if (op === 'startswith') return (v) => lower(v)?.startsWith(want) ?? false;
  if (op === 'ne') return (v) => lower(v) !== want;
  return (v) => lower(v) === want;
}

function findProperty(table: FilterTable, name: string): FilterProperty {
  const found = table.properties.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!found) throw graphErrors.unsupportedFilterProperty(name, table.resource);
  return found;
}

function compileNode(node: FilterNode, state: CompileState): Predicate {
  switch (node.kind) {
    case 'and': {
      const [l, r] = [compileNode(node.left, state), compileNode(node.right, state)];
      return (o) => l(o) && r(o);
    }
    case 'or': {
      const [l, r] = [compileNode(node.left, state), compileNode(node.right, state)];
      return (o) => l(o) || r(o);
    }
    case 'not': {
      state.advanced ??= graphErrors.unsupportedQuery();
      const inner = compileNode(node.expr, state);
      return (o) => !inner(o);
    }
    case 'cmp':
    case 'fn': {
      const op = node.kind === 'cmp' ? node.op : node.name;
      if (node.kind === 'fn' && op !== 'startswith') {
        throw graphErrors.unsupportedFilterOperator(OPERATOR_NAMES[op] ?? op);
      }
      if (node.kind === 'cmp' && OPERATOR_NAMES[op] && op !== 'ne') {
        throw graphErrors.unsupportedFilterOperator(OPERATOR_NAMES[op]!);
      }
      const prop = findProperty(state.table, node.property);
      checkOperator(state, prop.name, op, prop);
      const test = comparison(
        prop.kind,
        op,
        literalValue(prop.kind, node.value, prop.name, state.table.resource),
      );
      return (o) => test(o[prop.name]);
    }
    case 'in': {
      const prop = findProperty(state.table, node.property);
      checkOperator(state, prop.name, 'in', prop);
      const wanted = new Set(
        node.values.map((v) => literalValue(prop.kind, v, prop.name, state.table.resource)),
      );
      const lower = (v: unknown) => (typeof v === 'string' && prop.kind !== 'bool' ? v.toLowerCase() : v);
      return (o) => wanted.has(lower(o[prop.name]));
    }
    case 'any':
      return compileAny(node, state);
  }
}

/** The most `or` clauses one expression joins: each `in` value counts as one (known issue 13635). */
function widestDisjunction(node: FilterNode): number {
  const clauses = (n: FilterNode): number =>
    n.kind === 'or' ? clauses(n.left) + clauses(n.right) : n.kind === 'in' ? n.values.length : 1;
  switch (node.kind) {
    case 'or':
      return Math.max(clauses(node), widestDisjunction(node.left), widestDisjunction(node.right));
    case 'and':
      return Math.max(widestDisjunction(node.left), widestDisjunction(node.right));
    case 'not':
      return widestDisjunction(node.expr);
    case 'in':
      return node.values.length;
    default:
      return 1;
  }
}

function compileAny(node: Extract<FilterNode, { kind: 'any' }>, state: CompileState): Predicate {
  const { table } = state;
  const rule = table.any?.find((r) => r.collection.toLowerCase() === node.collection.toLowerCase());
  if (!rule || node.quantifier !== 'any')
    throw graphErrors.unsupportedFilterProperty(node.collection, table.resource);
  const inner = node.body;
  const path = (rule.property ? `${node.variable}/${rule.property}` : node.variable).toLowerCase();
  if (inner.kind !== 'cmp' || inner.property.toLowerCase() !== path) {
    throw graphErrors.unsupportedFilterProperty(rule.collection, table.resource);
  }
  checkOperator(state, rule.collection, inner.op, rule);
  const test = comparison(
    rule.kind,
    inner.op,
    literalValue(rule.kind, inner.value, rule.collection, table.resource),
  );
  return (o) => {
    const list = o[rule.collection];
    if (!Array.isArray(list)) return false;
    return rule.property
      ? list.some((el: Record<string, unknown>) => test(el?.[rule.property]))
      : list.some((el: unknown) => test(el));
  };
}

/** Compiles `$filter` against a resource's table, or throws the error Graph would send. */
export function compileFilter(
  text: string,
  table: FilterTable,
  query: { eventual: boolean; count: boolean },
): { predicate: Predicate; advanced: boolean } {
  const state: CompileState = { table, advanced: null };
  const tree = parseFilter(text);
  const predicate = compileNode(tree, state);
  const advancedQuery = query.eventual && query.count;
  if (state.advanced && !advancedQuery) throw state.advanced;
  // With advanced query capabilities the limit is the URL's length, which the HTTP layer bounds instead.
  const clauses = widestDisjunction(tree);
  if (!advancedQuery && clauses > DEFAULT_FILTER_CLAUSE_LIMIT) {
    throw graphErrors.tooManyFilterClauses(clauses, DEFAULT_FILTER_CLAUSE_LIMIT);
  }
  return { predicate, advanced: state.advanced !== null };
}

/**
 * The ids a filter names when it is nothing but `id eq '…'` or `id in ('…', …)`: such a listing is served by
 * looking the ids up instead of scanning the collection (the far-end reads of a scan send thousands of them).
 */
export function filteredIds(text: string): string[] | null {
  const node = parseFilter(text);
  const values =
    node.kind === 'in' ? node.values : node.kind === 'cmp' && node.op === 'eq' ? [node.value] : null;
  if (!values || (node.kind !== 'in' && node.kind !== 'cmp') || node.property.toLowerCase() !== 'id') {
    return null;
  }
  const ids = values.map((v) => (v.type === 'string' ? v.value : null));
  return ids.every((id): id is string => id !== null) ? ids : null;
}
