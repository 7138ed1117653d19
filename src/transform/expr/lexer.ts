/** Tokenizer of the expression language. No evaluation happens here or anywhere: tokens become an AST. */
import { ExprSyntaxError } from './ast';

export type TokType = 'ident' | 'str' | 'num' | 'regex' | 'op' | 'end';
export interface Token {
  type: TokType;
  /** ident name, string contents, operator text, regex source */
  text: string;
  num?: number;
  flags?: string;
  pos: number;
}

const OPS3: readonly string[] = [];
const OPS2 = ['||', '&&', '==', '!=', '<=', '>=', '=~', '!~'];
const OPS1 = ['|', '!', '<', '>', '?', ':', '(', ')', '[', ']', ',', '.', '}'];

const isIdStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36; // A-Z a-z _ $
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 59; // digits - ;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Tokenize `src` from `start`. When `stopAtBrace` is set (a template placeholder), lexing ends at the
 * first `}` outside strings and regexes and the `end` token's pos is that brace.
 */
export function tokenize(src: string, start: number, stopAtBrace: boolean): Token[] {
  const out: Token[] = [];
  let i = start;
  const n = src.length;
  for (;;) {
    while (i < n && (src[i] === ' ' || src[i] === '\t' || src[i] === '\n' || src[i] === '\r')) i++;
    if (i >= n) {
      if (stopAtBrace) throw new ExprSyntaxError("unclosed '{' in template (missing '}')", start - 1);
      out.push({ type: 'end', text: '', pos: i });
      return out;
    }
    const c = src.charCodeAt(i);
    const ch = src[i];
    if (ch === '}') {
      if (!stopAtBrace) throw new ExprSyntaxError("unexpected '}'", i);
      out.push({ type: 'end', text: '}', pos: i });
      return out;
    }
    if (ch === '{') throw new ExprSyntaxError("unexpected '{' inside an expression", i);
    if (ch === "'" || ch === '"') {
      const [text, next] = readString(src, i);
      out.push({ type: 'str', text, pos: i });
      i = next;
      continue;
    }
    if (ch === '/') {
      const [source, flags, next] = readRegex(src, i);
      out.push({ type: 'regex', text: source, flags, pos: i });
      i = next;
      continue;
    }
    if (isDigit(c) || (ch === '-' && i + 1 < n && isDigit(src.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      if (src[j] === '.' && isDigit(src.charCodeAt(j + 1))) {
        j++;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      const text = src.slice(i, j);
      out.push({ type: 'num', text, num: Number(text), pos: i });
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < n && isIdPart(src.charCodeAt(j))) j++;
      // a trailing '-' is never part of a name
      while (src[j - 1] === '-' && j - 1 > i) j--;
      out.push({ type: 'ident', text: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    const two = src.substr(i, 2);
    if (OPS2.includes(two) || OPS3.includes(two)) {
      out.push({ type: 'op', text: two, pos: i });
      i += 2;
      continue;
    }
    if (OPS1.includes(ch)) {
      out.push({ type: 'op', text: ch, pos: i });
      i++;
      continue;
    }
    if (ch === '=') throw new ExprSyntaxError("unexpected '=' (use '==' to compare)", i);
    if (ch === '&') throw new ExprSyntaxError("unexpected '&' (use '&&' or 'and')", i);
    throw new ExprSyntaxError(`unexpected character '${ch}'`, i);
  }
}

function readString(src: string, i: number): [string, number] {
  const q = src[i];
  let j = i + 1;
  let out = '';
  while (j < src.length) {
    const ch = src[j];
    if (ch === q) return [out, j + 1];
    if (ch === '\\') {
      const e = src[j + 1];
      if (e === undefined) break;
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'u') {
        const hex = src.substr(j + 2, 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ExprSyntaxError('invalid \\u escape (need 4 hex digits)', j);
        out += String.fromCharCode(parseInt(hex, 16));
        j += 6;
        continue;
      } else out += e; // \\ \' \" and any other char taken literally
      j += 2;
      continue;
    }
    out += ch;
    j++;
  }
  throw new ExprSyntaxError('unterminated string', i);
}

function readRegex(src: string, i: number): [string, string, number] {
  let j = i + 1;
  let inClass = false;
  while (j < src.length) {
    const ch = src[j];
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      const source = src.slice(i + 1, j);
      let k = j + 1;
      while (k < src.length && /[a-z]/.test(src[k])) k++;
      const flags = src.slice(j + 1, k);
      if (source === '') throw new ExprSyntaxError('empty regular expression', i);
      return [source, flags, k];
    }
    j++;
  }
  throw new ExprSyntaxError('unterminated regular expression (missing closing /)', i);
}
