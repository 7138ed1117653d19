/** AST of the expression language (see src/transform/README.md). Positions are 0-based offsets into the source string. */
import type { Value } from './values';

export type Node =
  | { t: 'lit'; v: Value; pos: number }
  | { t: 'regex'; source: string; flags: string; pos: number }
  | { t: 'list'; items: Node[]; pos: number }
  /** Source attribute (name lower-cased). `index`: undefined = first value, 'all' = every value, n = n-th value. */
  | { t: 'attr'; name: string; raw: string; index: Index; pos: number }
  /** The profile being built: `profile.<name>`. */
  | { t: 'profile'; name: string; index: Index; pos: number }
  /** A lookup row column: `row.<name>` (only inside a lookup step's `map`). */
  | { t: 'row'; name: string; pos: number }
  | { t: 'special'; name: 'dn' | 'anchor' | 'disabled' | 'now'; pos: number }
  | { t: 'call'; name: string; args: Node[]; pos: number }
  | { t: 'cmp'; op: CmpOp; l: Node; r: Node; pos: number }
  | { t: 'and' | 'or'; l: Node; r: Node; pos: number }
  | { t: 'not'; e: Node; pos: number }
  | { t: 'cond'; c: Node; a: Node; b: Node; pos: number };

export type Index = undefined | 'all' | number;
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~' | 'in';

export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}
