/**
 * Compiles a parsed `search`/`filter` expression into a predicate, once per request.
 *
 * A {@link QueryDialect} says which attributes an endpoint's parameter accepts, with which operators,
 * and whether string values compare case-insensitively (`search`) or case-sensitively (`filter`).
 * Unsupported attributes or operators and syntax errors → 400 E0000031; malformed dates → 400 E0000030.
 *
 * Semantics: a multi-valued (array) attribute matches when any element matches; `pr` = present and
 * non-empty; `gt/ge/lt/le` compare numbers numerically, dates chronologically, anything else as strings.
 */
import { errors } from '../errors';
import { parseQuery, QuerySyntaxError, type CompareOp, type Literal, type QueryExpr } from './parser';

export type Operator = CompareOp | 'pr';

export interface AttributeSpec<T> {
  get(record: T): unknown;
  /** `date` attributes hold epoch milliseconds (or null) and compare with ISO-8601 literals. */
  kind: 'value' | 'date';
  ops: ReadonlySet<Operator>;
}

export interface QueryDialect<T> {
  /** Undefined when the attribute cannot be used with this parameter. */
  resolve(attr: string): AttributeSpec<T> | undefined;
  caseInsensitive: boolean;
}

export type Predicate<T> = (record: T) => boolean;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;

function parseDate(lit: Literal): number {
  if (typeof lit !== 'string' || !ISO_DATE.test(lit)) throw errors.invalidDate();
  const ms = Date.parse(lit);
  if (Number.isNaN(ms)) throw errors.invalidDate();
  return ms;
}

function isPresent(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.some(isPresent);
  return true;
}

function compareScalar(op: CompareOp, actual: unknown, lit: Literal, fold: (s: string) => string): boolean {
  if (lit === null) {
    if (op === 'eq') return actual === null || actual === undefined;
    if (op === 'ne') return actual !== null && actual !== undefined;
    return false;
  }
  if (actual === null || actual === undefined || typeof actual === 'object') return false;
  if ((op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') && typeof lit === 'number' && typeof actual === 'number') {
    return op === 'gt' ? actual > lit : op === 'ge' ? actual >= lit : op === 'lt' ? actual < lit : actual <= lit;
  }
  const a = fold(String(actual));
  const b = fold(String(lit));
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    case 'co':
      return a.includes(b);
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

function compileNode<T>(node: QueryExpr, dialect: QueryDialect<T>): Predicate<T> {
  if (node.kind === 'and' || node.kind === 'or') {
    const l = compileNode(node.left, dialect);
    const r = compileNode(node.right, dialect);
    return node.kind === 'and' ? (x) => l(x) && r(x) : (x) => l(x) || r(x);
  }
  const spec = dialect.resolve(node.attr);
  if (!spec) throw errors.invalidFilter(`Unsupported attribute: ${node.attr}`);
  const op: Operator = node.kind === 'present' ? 'pr' : node.op;
  if (!spec.ops.has(op)) throw errors.invalidFilter(`Unsupported operator '${op}' for attribute ${node.attr}`);
  const get = (x: Parameters<typeof spec.get>[0]) => spec.get(x);
  if (node.kind === 'present') return (x) => isPresent(get(x));

  const cmp = node.op;
  if (spec.kind === 'date') {
    if (node.value === null) return (x) => compareScalar(cmp, get(x), null, (s) => s);
    const t = parseDate(node.value);
    return (x) => {
      const v = get(x);
      if (typeof v !== 'number') return false;
      switch (cmp) {
        case 'eq':
          return v === t;
        case 'ne':
          return v !== t;
        case 'gt':
          return v > t;
        case 'ge':
          return v >= t;
        case 'lt':
          return v < t;
        case 'le':
          return v <= t;
        default:
          return false;
      }
    };
  }
  const fold = dialect.caseInsensitive ? (s: string) => s.toLowerCase() : (s: string) => s;
  const lit = node.value;
  return (x) => {
    const v = get(x);
    if (Array.isArray(v)) return v.some((e) => compareScalar(cmp, e, lit, fold));
    return compareScalar(cmp, v, lit, fold);
  };
}

/** Parse and compile; throws OktaSimError (400) on any problem. */
export function compileQuery<T>(src: string, dialect: QueryDialect<T>): Predicate<T> {
  let ast: QueryExpr;
  try {
    ast = parseQuery(src);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw errors.invalidFilter(e.message);
    throw e;
  }
  return compileNode(ast, dialect);
}
