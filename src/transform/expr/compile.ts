/**
 * AST → closure compiler. Runs once at start-up; the closures it returns do no parsing, no regex
 * construction and no name resolution per record. Errors are collected (with the offset in the
 * source string), never thrown, so `config validate` reports all of them at once.
 */
import type { CmpOp, Node } from './ast';
import { ArgError, literalRegex, toBool, type Arg, type Kind } from './fn-builders';
import { FUNCTIONS, FUNCTION_NAMES, fnKey } from './functions';
import type { Ev } from './scope';
import { didYouMean } from '../suggest';
import { toNum, toStr, truthy, type Value } from './values';

export interface Compiled extends Arg {
  node: Node;
}

export interface ExprIssue {
  pos: number;
  message: string;
}

/** What the compiler checks references against, and where it records what it saw. */
export interface CompileEnv {
  /** Lower-cased source attribute names the reader provides; null = unchecked. */
  known: ReadonlySet<string> | null;
  /** Collects lower-cased source attribute names read. */
  refs: Set<string>;
  /** Profile attributes assigned by earlier steps (a `profile.x` reference to another is an error); null = unchecked. */
  profileAttrs: ReadonlySet<string> | null;
  /** Inside a lookup step's `map`: collects `row.<column>` names; null = `row.` is not allowed here. */
  rowColumns: Set<string> | null;
}

const constant = (value: Value, node: Node): Compiled => ({
  ev: () => value,
  kind: Array.isArray(value) ? 'list' : 'scalar',
  constant: true,
  value,
  node,
});

export function compileExpr(node: Node, env: CompileEnv, issues: ExprIssue[]): Compiled {
  const c = compileNode(node, env, issues);
  return c;
}

function compileNode(node: Node, env: CompileEnv, issues: ExprIssue[]): Compiled {
  switch (node.t) {
    case 'lit':
      return constant(node.v, node);
    case 'regex': {
      // a bare regex outside =~ / replace / split: keep it so those can read it; evaluates to its source
      const c = constant(node.source, node);
      c.regex = { source: node.source, flags: node.flags };
      return c;
    }
    case 'list': {
      const items = node.items.map((n) => compileNode(n, env, issues));
      if (items.every((i) => i.constant))
        return {
          ...constant(
            items.map((i) => i.value ?? null),
            node,
          ),
          kind: 'list',
        };
      const evs = items.map((i) => i.ev);
      return { ev: (s) => evs.map((e) => e(s)), kind: 'list', constant: false, node };
    }
    case 'attr': {
      if (env.known && !env.known.has(node.name)) {
        issues.push({ pos: node.pos, message: `attribute '${node.raw}' is not in source attributes${didYouMean(node.name, env.known)}` });
      }
      env.refs.add(node.name);
      const name = node.name;
      const idx = node.index;
      let ev: Ev;
      if (idx === undefined) {
        ev = (s) => {
          const a = s.attrs[name];
          return a === undefined || a.length === 0 ? null : a[0];
        };
      } else if (idx === 'all') {
        ev = (s) => {
          const a = s.attrs[name];
          return a === undefined || a.length === 0 ? null : a;
        };
      } else {
        ev = (s) => {
          const a = s.attrs[name];
          return a === undefined ? null : (a[idx] ?? null);
        };
      }
      return { ev, kind: idx === 'all' ? 'list' : 'scalar', constant: false, node };
    }
    case 'profile': {
      const name = node.name;
      if (env.profileAttrs && !env.profileAttrs.has(name)) {
        issues.push({
          pos: node.pos,
          message: `profile attribute '${name}' is not set by an earlier step${didYouMean(name, env.profileAttrs)}`,
        });
      }
      const idx = node.index;
      let ev: Ev;
      if (idx === undefined) {
        ev = (s) => {
          const v = s.profile[name];
          return v === undefined ? null : v;
        };
      } else if (idx === 'all') {
        ev = (s) => {
          const v = s.profile[name];
          return v === undefined || v === null ? null : Array.isArray(v) ? v : [v];
        };
      } else {
        ev = (s) => {
          const v = s.profile[name];
          if (v === undefined || v === null) return null;
          return Array.isArray(v) ? (v[idx] ?? null) : idx === 0 ? v : null;
        };
      }
      return { ev, kind: idx === 'all' ? 'list' : idx === undefined ? 'any' : 'scalar', constant: false, node };
    }
    case 'row': {
      if (!env.rowColumns) {
        issues.push({ pos: node.pos, message: `'row.${node.name}' can only be used in a lookup step's map` });
        return constant(null, node);
      }
      env.rowColumns.add(node.name);
      const name = node.name;
      return { ev: (s) => s.row?.[name] ?? null, kind: 'scalar', constant: false, node };
    }
    case 'special': {
      let ev: Ev;
      switch (node.name) {
        case 'dn':
          ev = (s) => s.record.dn;
          break;
        case 'anchor':
          ev = (s) => s.record.anchor;
          break;
        case 'disabled':
          ev = (s) => s.record.disabled;
          break;
        case 'now':
          ev = (s) => s.nowIso;
          break;
      }
      return { ev, kind: 'scalar', constant: false, node };
    }
    case 'call':
      return compileCall(node, env, issues);
    case 'not': {
      const e = compileNode(node.e, env, issues);
      return fold({ ev: (s) => !truthy(e.ev(s)), kind: 'scalar', constant: e.constant, node });
    }
    case 'and': {
      const l = compileNode(node.l, env, issues),
        r = compileNode(node.r, env, issues);
      const a = l.ev,
        b = r.ev;
      return fold({ ev: (s) => truthy(a(s)) && truthy(b(s)), kind: 'scalar', constant: l.constant && r.constant, node });
    }
    case 'or': {
      const l = compileNode(node.l, env, issues),
        r = compileNode(node.r, env, issues);
      const a = l.ev,
        b = r.ev;
      return fold({ ev: (s) => truthy(a(s)) || truthy(b(s)), kind: 'scalar', constant: l.constant && r.constant, node });
    }
    case 'cond': {
      const c = compileNode(node.c, env, issues),
        a = compileNode(node.a, env, issues),
        b = compileNode(node.b, env, issues);
      const ce = c.ev,
        ae = a.ev,
        be = b.ev;
      return fold({
        ev: (s) => (truthy(ce(s)) ? ae(s) : be(s)),
        kind: a.kind === b.kind ? a.kind : 'any',
        constant: c.constant && a.constant && b.constant,
        node,
      });
    }
    case 'cmp':
      return compileCmp(node, env, issues);
  }
}

/** Evaluate a constant expression once at compile time. */
function fold(c: Compiled): Compiled {
  if (!c.constant) return c;
  const v = c.ev(null as never);
  return { ...constant(v, c.node), kind: c.kind };
}

function compileCall(node: Extract<Node, { t: 'call' }>, env: CompileEnv, issues: ExprIssue[]): Compiled {
  const args = node.args.map((a) => compileNode(a, env, issues));
  const def = FUNCTIONS.get(fnKey(node.name));
  if (!def) {
    issues.push({ pos: node.pos, message: `unknown function '${node.name}'${didYouMean(node.name, FUNCTION_NAMES)}` });
    return constant(null, node);
  }
  if (args.length < def.min || args.length > def.max) {
    const want = def.min === def.max ? `${def.min}` : def.max === Infinity ? `at least ${def.min}` : `${def.min} to ${def.max}`;
    issues.push({
      pos: node.pos,
      message: `${node.name}() takes ${want} argument${want === '1' ? '' : 's'} but got ${args.length} (in a pipe, the piped value is the first): ${def.doc}`,
    });
    return constant(null, node);
  }
  let ev: Ev;
  try {
    ev = def.build(args);
  } catch (e) {
    if (e instanceof ArgError) {
      issues.push({ pos: args[e.argIndex]?.node.pos ?? node.pos, message: `${node.name}(): ${e.message}` });
      return constant(null, node);
    }
    throw e;
  }
  const kind: Kind = def.kind === 'arg0' ? (args[0]?.kind ?? 'scalar') : def.kind === 'union' ? unionKind(args.slice(def.name === 'if' ? 1 : 0)) : def.kind;
  return fold({ ev, kind, constant: args.every((a) => a.constant), node });
}

function unionKind(args: Arg[]): Kind {
  const k = args[0]?.kind ?? 'scalar';
  return args.every((a) => a.kind === k) ? k : 'any';
}

function compileCmp(node: Extract<Node, { t: 'cmp' }>, env: CompileEnv, issues: ExprIssue[]): Compiled {
  const l = compileNode(node.l, env, issues);
  const r = compileNode(node.r, env, issues);
  const a = l.ev,
    b = r.ev;
  const op: CmpOp = node.op;
  let ev: Ev;
  if (op === '=~' || op === '!~') {
    let re: RegExp;
    try {
      re = literalRegex([l, r], 1, null, false);
    } catch (e) {
      issues.push({ pos: r.node.pos, message: `'${op}': ${(e as Error).message}` });
      return constant(null, node);
    }
    const neg = op === '!~';
    ev = (s) => matchAny(a(s), re) !== neg;
  } else if (op === 'in') {
    ev = (s) => {
      const x = a(s),
        list = b(s);
      if (Array.isArray(list)) {
        for (let i = 0; i < list.length; i++) if (eq(x, list[i] as Value)) return true;
        return false;
      }
      return eq(x, list);
    };
  } else if (op === '==') ev = (s) => eq(a(s), b(s));
  else if (op === '!=') ev = (s) => !eq(a(s), b(s));
  else {
    const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
    ev = (s) => {
      const c = order(a(s), b(s));
      return c !== null && test(c);
    };
  }
  return fold({ ev, kind: 'scalar', constant: l.constant && r.constant, node });
}

function matchAny(v: Value, re: RegExp): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (matchAny(v[i] as Value, re)) return true;
    return false;
  }
  const s = toStr(v);
  return s !== null && re.test(s);
}

/**
 * Equality: a list equals a value when any of its values does (LDAP filter semantics); null equals
 * only null; a number or boolean on either side compares numerically / as a boolean; else text
 * (case-sensitive; Buffers as base64).
 */
export function eq(x: Value, y: Value): boolean {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (eq(x[i] as Value, y)) return true;
    return false;
  }
  if (Array.isArray(y)) return eq(y, x);
  if (x === null || y === null) return x === y;
  if (typeof x === 'string' && typeof y === 'string') return x === y;
  if (typeof x === 'number' || typeof y === 'number') {
    const p = toNum(x),
      q = toNum(y);
    return p !== null && p === q;
  }
  if (typeof x === 'boolean' || typeof y === 'boolean') {
    const p = toBool(x),
      q = toBool(y);
    return p !== null && p === q;
  }
  return toStr(x) === toStr(y);
}

/** Ordering: numeric when both sides are numeric, else by text (code units); null when either is missing. */
function order(x: Value, y: Value): number | null {
  if (x === null || y === null) return null;
  const p = toNum(x),
    q = toNum(y);
  if (p !== null && q !== null) return p - q;
  const a = toStr(x),
    b = toStr(y);
  if (a === null || b === null) return null;
  return a < b ? -1 : a > b ? 1 : 0;
}
