/**
 * Templates: literal text with `{expression}` placeholders; `{{` and `}}` are literal braces.
 *
 * - A template that is exactly one placeholder yields the expression's value as it is (a list stays
 *   a list, a boolean stays a boolean, missing stays null).
 * - Otherwise the parts are concatenated as text; if any placeholder is missing (null) the whole
 *   template is null, so `"{givenName}.{sn}@x"` is never "undefined.smith@x".
 * - A placeholder that is statically multi-valued (`{proxyAddresses[]}`, `split(...)`) inside
 *   other text is a compile error: use `join(…)` or `first(…)`.
 */
import { ExprSyntaxError } from './ast';
import { compileExpr, type CompileEnv, type ExprIssue } from './compile';
import type { Kind } from './fn-builders';
import { parseExpression, parsePlaceholder } from './parser';
import type { Ev } from './scope';
import { toStr, type Value } from './values';

export interface CompiledTemplate {
  ev: Ev;
  kind: Kind;
  constant: boolean;
  /** The template text. */
  source: string;
}

type Part = string | Ev;

export function compileTemplate(src: string, env: CompileEnv, issues: ExprIssue[]): CompiledTemplate {
  const parts: Part[] = [];
  const kinds: Kind[] = [];
  let constant = true;
  let lit = '';
  let i = 0;
  let placeholders = 0;
  let only: { ev: Ev; kind: Kind; constant: boolean } | null = null;
  let sawText = false;
  try {
    while (i < src.length) {
      const ch = src[i];
      if (ch === '{') {
        if (src[i + 1] === '{') {
          sawText = true;
          lit += '{';
          i += 2;
          continue;
        }
        const { node, end } = parsePlaceholder(src, i + 1);
        const c = compileExpr(node, env, issues);
        placeholders++;
        only = c;
        if (lit) parts.push(lit);
        lit = '';
        if (c.constant) parts.push(toStr(c.value ?? null) ?? NULL_MARK);
        else {
          parts.push(c.ev);
          constant = false;
        }
        kinds.push(c.kind);
        i = end + 1;
        continue;
      }
      if (ch === '}') {
        if (src[i + 1] === '}') {
          sawText = true;
          lit += '}';
          i += 2;
          continue;
        }
        throw new ExprSyntaxError("unmatched '}' (write '}}' for a literal brace)", i);
      }
      lit += ch;
      sawText = true;
      i++;
    }
  } catch (e) {
    if (e instanceof ExprSyntaxError) {
      issues.push({ pos: e.pos, message: e.message });
      return { ev: () => null, kind: 'scalar', constant: true, source: src };
    }
    throw e;
  }
  if (lit) parts.push(lit);

  // exactly one placeholder and nothing else: the raw value
  if (placeholders === 1 && !sawText && only) return { ev: only.ev, kind: only.kind, constant: only.constant, source: src };
  for (let k = 0; k < kinds.length; k++) {
    if (kinds[k] === 'list') {
      issues.push({ pos: 0, message: `placeholder ${k + 1} is multi-valued and is inside text: use join(…, ', ') or first(…)` });
    }
  }
  if (parts.includes(NULL_MARK)) return { ev: () => null, kind: 'scalar', constant: true, source: src };
  if (constant) {
    const v = (parts as string[]).join('');
    return { ev: () => v, kind: 'scalar', constant: true, source: src };
  }
  return { ev: concatParts(parts), kind: 'scalar', constant: false, source: src };
}

/** Marks a constant placeholder that is null (the whole template is then null). */
const NULL_MARK = '\u0000null\u0000';

function concatParts(parts: Part[]): Ev {
  if (parts.length === 2) {
    const [p, q] = parts;
    if (typeof p === 'string') {
      const e = q as Ev;
      return (s) => {
        const v = str(e(s));
        return v === null ? null : p + v;
      };
    }
    if (typeof q === 'string') {
      return (s) => {
        const v = str(p(s));
        return v === null ? null : v + q;
      };
    }
  }
  if (parts.length === 3 && typeof parts[0] !== 'string' && typeof parts[1] === 'string' && typeof parts[2] !== 'string') {
    const a = parts[0],
      mid = parts[1],
      b = parts[2];
    return (s) => {
      const x = str(a(s));
      if (x === null) return null;
      const y = str(b(s));
      return y === null ? null : x + mid + y;
    };
  }
  const n = parts.length;
  return (s) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      const p = parts[i];
      if (typeof p === 'string') out += p;
      else {
        const v = str(p(s));
        if (v === null) return null;
        out += v;
      }
    }
    return out;
  };
}

function str(v: Value): string | null {
  return typeof v === 'string' ? v : toStr(v);
}

/** Compile a condition (`if:`), a bare expression without braces. */
export function compileCondition(src: string, env: CompileEnv, issues: ExprIssue[]): Ev {
  try {
    return compileExpr(parseExpression(src), env, issues).ev;
  } catch (e) {
    if (e instanceof ExprSyntaxError) {
      issues.push({ pos: e.pos, message: e.message });
      return () => null;
    }
    throw e;
  }
}
