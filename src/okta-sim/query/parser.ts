/**
 * Parser for Okta's `search` / `filter` expression language (SCIM-like):
 *
 *   expr       := andExpr ("or" andExpr)*
 *   andExpr    := primary ("and" primary)*
 *   primary    := "(" expr ")" | attrPath "pr" | attrPath op value
 *   op         := eq | ne | co | sw | ew | gt | ge | lt | le        (case-insensitive)
 *   value      := "string" | number | true | false | null
 *
 * Operators and logical keywords are case-insensitive; attribute paths are kept as written (Okta's
 * property names are case-sensitive). The parser accepts every SCIM operator; which ones a given
 * endpoint supports is decided by the compiler (`compile.ts`). Syntax errors throw
 * {@link QuerySyntaxError}; the HTTP layer reports them as 400 E0000031.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

export type QueryExpr =
  | { kind: 'and'; left: QueryExpr; right: QueryExpr }
  | { kind: 'or'; left: QueryExpr; right: QueryExpr }
  | { kind: 'compare'; attr: string; op: CompareOp; value: Literal }
  | { kind: 'present'; attr: string };

export class QuerySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

type Token =
  | { t: 'lparen' | 'rparen'; pos: number }
  | { t: 'word'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      tokens.push({ t: 'lparen', pos: i++ });
    } else if (c === ')') {
      tokens.push({ t: 'rparen', pos: i++ });
    } else if (c === '"') {
      const start = i++;
      let v = '';
      for (;;) {
        if (i >= src.length) throw new QuerySyntaxError(`unterminated string starting at ${start}`);
        const d = src[i++];
        if (d === '"') break;
        if (d === '\\') {
          if (i >= src.length) throw new QuerySyntaxError(`dangling escape at ${i - 1}`);
          v += src[i++];
        } else {
          v += d;
        }
      }
      tokens.push({ t: 'string', v, pos: start });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new QuerySyntaxError(`unexpected '${c}' at ${i}`);
      tokens.push({ t: 'number', v: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$.:-]*/.exec(src.slice(i));
      tokens.push({ t: 'word', v: m![0], pos: i });
      i += m![0].length;
    } else {
      throw new QuerySyntaxError(`unexpected '${c}' at ${i}`);
    }
  }
  return tokens;
}

export function parseQuery(src: string): QueryExpr {
  const tokens = tokenize(src);
  let p = 0;
  const peekWord = (): string | undefined => {
    const tok = tokens[p];
    return tok && tok.t === 'word' ? tok.v.toLowerCase() : undefined;
  };

  function parseOr(): QueryExpr {
    let left = parseAnd();
    while (peekWord() === 'or') {
      p++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }

  function parseAnd(): QueryExpr {
    let left = parsePrimary();
    while (peekWord() === 'and') {
      p++;
      left = { kind: 'and', left, right: parsePrimary() };
    }
    return left;
  }

  function parsePrimary(): QueryExpr {
    const tok = tokens[p];
    if (!tok) throw new QuerySyntaxError('unexpected end of expression');
    if (tok.t === 'lparen') {
      p++;
      const inner = parseOr();
      const close = tokens[p];
      if (!close || close.t !== 'rparen') throw new QuerySyntaxError(`expected ')' at ${close ? close.pos : 'end'}`);
      p++;
      return inner;
    }
    if (tok.t !== 'word') throw new QuerySyntaxError(`expected an attribute at ${tok.pos}`);
    const lower = tok.v.toLowerCase();
    if (lower === 'and' || lower === 'or' || lower === 'not') {
      throw new QuerySyntaxError(`unexpected '${tok.v}' at ${tok.pos}`);
    }
    p++;
    const attr = tok.v;
    const opTok = tokens[p];
    if (!opTok || opTok.t !== 'word') throw new QuerySyntaxError(`expected an operator after '${attr}'`);
    const op = opTok.v.toLowerCase();
    p++;
    if (op === 'pr') return { kind: 'present', attr };
    if (!COMPARE_OPS.has(op)) throw new QuerySyntaxError(`unknown operator '${opTok.v}' at ${opTok.pos}`);
    const valTok = tokens[p];
    if (!valTok) throw new QuerySyntaxError(`expected a value after '${attr} ${opTok.v}'`);
    p++;
    let value: Literal;
    if (valTok.t === 'string' || valTok.t === 'number') {
      value = valTok.v;
    } else if (valTok.t === 'word' && ['true', 'false', 'null'].includes(valTok.v.toLowerCase())) {
      const w = valTok.v.toLowerCase();
      value = w === 'null' ? null : w === 'true';
    } else {
      throw new QuerySyntaxError(`expected a value at ${valTok.pos}`);
    }
    return { kind: 'compare', attr, op: op as CompareOp, value };
  }

  const expr = parseOr();
  if (p < tokens.length) throw new QuerySyntaxError(`unexpected token at ${tokens[p].pos}`);
  return expr;
}
