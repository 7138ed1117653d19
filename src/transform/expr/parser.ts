/**
 * Recursive-descent parser: expression text → AST. Grammar (lowest precedence first):
 *
 *   expr    := or ('?' expr ':' expr)?
 *   or      := and (('||' | 'or') and)*
 *   and     := not (('&&' | 'and') not)*
 *   not     := ('!' | 'not') not | cmp
 *   cmp     := pipe (('==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~' | 'in') pipe)?
 *   pipe    := primary ('|' NAME ('(' args ')')?)*          -- `x | f(a)` is `f(x, a)`
 *   primary := NUMBER | STRING | /regex/flags | true | false | null | '[' args ']' | '(' expr ')'
 *            | NAME '(' args ')' | ref
 *   ref     := NAME ('[' NUMBER? ']')? | profile.NAME ('[' NUMBER? ']')? | row.NAME | $dn | $anchor | $disabled | $now
 */
import { CmpOp, ExprSyntaxError, Index, Node } from './ast';
import { Token, tokenize } from './lexer';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);
const CMP_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '=~', '!~']);
const SPECIALS = new Set(['dn', 'anchor', 'disabled', 'now']);

/** Parse a whole string as one expression (used for `if:` conditions). */
export function parseExpression(src: string): Node {
  const p = new Parser(tokenize(src, 0, false));
  const node = p.expr();
  p.expectEnd();
  return node;
}

/** Parse a template placeholder starting at `start` (just after `{`); returns the AST and the offset of the closing `}`. */
export function parsePlaceholder(src: string, start: number): { node: Node; end: number } {
  const toks = tokenize(src, start, true);
  const p = new Parser(toks);
  if (toks[0].type === 'end') throw new ExprSyntaxError('empty placeholder {}', start - 1);
  const node = p.expr();
  const end = p.expectEnd();
  return { node, end };
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i];
  }
  private next(): Token {
    return this.toks[this.i++];
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === text;
  }
  private isWord(text: string): boolean {
    const t = this.peek();
    return t.type === 'ident' && t.text === text;
  }
  private expectOp(text: string): Token {
    const t = this.next();
    if (t.type !== 'op' || t.text !== text) throw new ExprSyntaxError(`expected '${text}' but found ${describe(t)}`, t.pos);
    return t;
  }
  expectEnd(): number {
    const t = this.peek();
    if (t.type !== 'end') throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.pos);
    return t.pos;
  }

  expr(): Node {
    const c = this.or();
    if (this.isOp('?')) {
      const pos = this.next().pos;
      const a = this.expr();
      this.expectOp(':');
      const b = this.expr();
      return { t: 'cond', c, a, b, pos };
    }
    return c;
  }
  private or(): Node {
    let l = this.and();
    while (this.isOp('||') || this.isWord('or')) {
      const pos = this.next().pos;
      l = { t: 'or', l, r: this.and(), pos };
    }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.isOp('&&') || this.isWord('and')) {
      const pos = this.next().pos;
      l = { t: 'and', l, r: this.not(), pos };
    }
    return l;
  }
  private not(): Node {
    if (this.isOp('!') || this.isWord('not')) {
      const pos = this.next().pos;
      return { t: 'not', e: this.not(), pos };
    }
    return this.cmp();
  }
  private cmp(): Node {
    const l = this.pipe();
    const t = this.peek();
    if ((t.type === 'op' && CMP_OPS.has(t.text)) || (t.type === 'ident' && t.text === 'in')) {
      this.next();
      const r = this.pipe();
      return { t: 'cmp', op: t.text as CmpOp, l, r, pos: t.pos };
    }
    return l;
  }
  private pipe(): Node {
    let v = this.primary();
    while (this.isOp('|')) {
      this.next();
      const name = this.next();
      if (name.type !== 'ident' || KEYWORDS.has(name.text)) {
        throw new ExprSyntaxError(`expected a function name after '|' but found ${describe(name)}`, name.pos);
      }
      const args = [v];
      if (this.isOp('(')) args.push(...this.args('('));
      v = { t: 'call', name: name.text, args, pos: name.pos };
    }
    return v;
  }
  /** Parses `( a, b )` or `[ a, b ]` after the opening bracket has been peeked. */
  private args(open: '(' | '['): Node[] {
    this.expectOp(open);
    const close = open === '(' ? ')' : ']';
    const out: Node[] = [];
    if (this.isOp(close)) {
      this.next();
      return out;
    }
    for (;;) {
      out.push(this.expr());
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      this.expectOp(close);
      return out;
    }
  }
  private primary(): Node {
    const t = this.peek();
    switch (t.type) {
      case 'num':
        this.next();
        return { t: 'lit', v: t.num!, pos: t.pos };
      case 'str':
        this.next();
        return { t: 'lit', v: t.text, pos: t.pos };
      case 'regex':
        this.next();
        return { t: 'regex', source: t.text, flags: t.flags ?? '', pos: t.pos };
      case 'op':
        if (t.text === '(') {
          this.next();
          const e = this.expr();
          this.expectOp(')');
          return e;
        }
        if (t.text === '[') return { t: 'list', items: this.args('['), pos: t.pos };
        throw new ExprSyntaxError(`unexpected ${describe(t)}`, t.pos);
      case 'end':
        throw new ExprSyntaxError('unexpected end of expression', t.pos);
      case 'ident':
        return this.identifier();
    }
  }
  private identifier(): Node {
    const t = this.next();
    const name = t.text;
    if (name === 'true' || name === 'false') return { t: 'lit', v: name === 'true', pos: t.pos };
    if (name === 'null') return { t: 'lit', v: null, pos: t.pos };
    if (KEYWORDS.has(name)) throw new ExprSyntaxError(`unexpected '${name}'`, t.pos);
    if (this.isOp('(')) return { t: 'call', name, args: this.args('('), pos: t.pos };
    if (name.startsWith('$')) {
      const s = name.slice(1);
      if (!SPECIALS.has(s)) {
        throw new ExprSyntaxError(`unknown variable '${name}' (known: $dn, $anchor, $disabled, $now)`, t.pos);
      }
      return { t: 'special', name: s as 'dn' | 'anchor' | 'disabled' | 'now', pos: t.pos };
    }
    if ((name === 'profile' || name === 'row') && this.isOp('.')) {
      this.next();
      const field = this.next();
      if (field.type !== 'ident') throw new ExprSyntaxError(`expected an attribute name after '${name}.'`, field.pos);
      if (name === 'row') return { t: 'row', name: field.text, pos: t.pos };
      return { t: 'profile', name: field.text, index: this.index(), pos: t.pos };
    }
    if (this.isOp('.')) throw new ExprSyntaxError(`unexpected '.' after '${name}' (only profile.<name> and row.<name> have fields)`, this.peek().pos);
    return { t: 'attr', name: name.toLowerCase(), raw: name, index: this.index(), pos: t.pos };
  }
  private index(): Index {
    if (!this.isOp('[')) return undefined;
    this.next();
    if (this.isOp(']')) {
      this.next();
      return 'all';
    }
    const n = this.next();
    if (n.type !== 'num' || !Number.isInteger(n.num) || n.num! < 0) {
      throw new ExprSyntaxError('an index must be a non-negative integer, or empty ([]) for all values', n.pos);
    }
    this.expectOp(']');
    return n.num!;
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'end':
      return t.text === '}' ? "'}'" : 'end of expression';
    case 'str':
      return `string '${t.text}'`;
    case 'num':
      return `number ${t.text}`;
    case 'regex':
      return `regular expression /${t.text}/`;
    default:
      return `'${t.text}'`;
  }
}
