/**
 * The building blocks of the function library (functions.ts): the shape of a function definition,
 * argument checks that run at compile time, and evaluator builders shared by many functions.
 */
import { firstOf, isMissing, mapStr, toStr, type Value } from './values';
import type { Ev } from './scope';

/** Static shape of an expression's result, used to reject a list interpolated into text. */
export type Kind = 'scalar' | 'list' | 'any';

export interface Arg {
  ev: Ev;
  kind: Kind;
  /** Set when the argument is known at compile time. */
  constant: boolean;
  value?: Value;
  /** A regular-expression literal argument (`/…/flags`). */
  regex?: { source: string; flags: string };
}

export class ArgError extends Error {
  constructor(
    message: string,
    readonly argIndex: number,
  ) {
    super(message);
  }
}

export interface FnDef {
  /** Display name (canonical spelling). */
  name: string;
  min: number;
  max: number;
  /** `signature — description`, rendered into the README's function table. */
  doc: string;
  kind: Kind | 'arg0' | 'union';
  /** Build the evaluator. May throw ArgError for arguments that must be literals. */
  build(args: Arg[]): Ev;
}

// ---- builders --------------------------------------------------------------------------------

export function pure(f: (...a: Value[]) => Value): (args: Arg[]) => Ev {
  return (args) => {
    const evs = args.map((a) => a.ev);
    switch (evs.length) {
      case 1: {
        const a = evs[0];
        return (s) => f(a(s));
      }
      case 2: {
        const a = evs[0],
          b = evs[1];
        return (s) => f(a(s), b(s));
      }
      case 3: {
        const a = evs[0],
          b = evs[1],
          c = evs[2];
        return (s) => f(a(s), b(s), c(s));
      }
      default:
        return (s) => f(...evs.map((e) => e(s)));
    }
  };
}
export const strMap = (g: (s: string) => Value) => pure((v) => mapStr(v, g));

/** A regex from a `/…/flags` literal or a string literal (+ optional literal flags argument). */
export function literalRegex(args: Arg[], index: number, flagsIndex: number | null, forceGlobal: boolean): RegExp {
  const a = args[index];
  let source: string;
  let flags = '';
  if (a.regex) {
    source = a.regex.source;
    flags = a.regex.flags;
  } else if (a.constant && typeof a.value === 'string') {
    source = a.value;
  } else {
    throw new ArgError('the pattern must be a literal (/regex/flags or a quoted string), not computed per record', index);
  }
  if (flagsIndex !== null && args[flagsIndex]) {
    const f = args[flagsIndex];
    if (!f.constant || typeof f.value !== 'string') throw new ArgError('flags must be a quoted string', flagsIndex);
    flags += f.value;
  }
  if (/[^gimsu]/.test(flags)) throw new ArgError(`unsupported regular-expression flags '${flags}' (allowed: i, m, s, u)`, index);
  flags = [...new Set(flags.replace(/g/g, '') + (forceGlobal ? 'g' : ''))].join('');
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new ArgError(`invalid regular expression /${source}/: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, index);
  }
}

export const SURROGATE = /[\uD800-\uDFFF]/;
/** ASCII text is already in every normalization form. */
export const NON_ASCII = /[^\x00-\x7f]/;
/** Code-point aware slice with JS `slice` semantics (negative offsets count from the end). */
export function cpSlice(s: string, start: number, end: number | undefined): string {
  if (!SURROGATE.test(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}
export function cpLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off']);
export function toBool(v: Value): boolean | null {
  v = firstOf(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const s = toStr(v);
  if (s === null) return null;
  const t = s.trim().toLowerCase();
  return TRUE_WORDS.has(t) ? true : FALSE_WORDS.has(t) ? false : null;
}

export function lazyCoalesce(args: Arg[]): Ev {
  const evs = args.map((a) => a.ev);
  if (evs.length === 2) {
    const a = evs[0],
      b = evs[1];
    return (s) => {
      const v = a(s);
      return isMissing(v) ? b(s) : v;
    };
  }
  return (s) => {
    let v: Value = null;
    for (let i = 0; i < evs.length; i++) {
      v = evs[i](s);
      if (!isMissing(v)) return v;
    }
    return v; // all missing: the last argument as it is (so default(x, '') yields '')
  };
}

export function anyStr(v: Value, test: (s: string) => boolean): boolean {
  if (Array.isArray(v)) return v.some((x) => anyStr(x as Value, test));
  const s = toStr(v);
  return s !== null && test(s);
}

export const GUID_TEXT = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

export function mapBin(v: Value, f: (b: Buffer) => string): Value {
  return mapAny(v, (x) => {
    if (Buffer.isBuffer(x)) return f(x);
    const s = toStr(x);
    return s === null ? null : f(Buffer.from(s, 'utf8'));
  });
}
export function mapAny(v: Value, f: (x: Value) => Value): Value {
  if (v === null) return null;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const x of v) {
      const r = f(x as Value);
      if (r !== null) out.push(r);
    }
    return out;
  }
  return f(v);
}

/** Canonical lookup key: lower case without '-' and '_'. */
