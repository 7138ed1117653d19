/**
 * The value model of the expression language.
 *
 * A value is `null` (missing), a string, a number, a boolean, a Buffer (binary attribute value),
 * or a list of values (all values of a multi-valued attribute, the result of `split`). Functions
 * never throw on data: a value they cannot use yields `null`.
 */
export type Value = null | string | number | boolean | Buffer | readonly Value[];

/** What the expression language renders a value as when text is needed. Buffers render as base64. */
export function toStr(v: Value): string | null {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Buffer.isBuffer(v)) return v.toString('base64');
  // list: joined with ", " (a static multi-valued reference in a mixed template is a compile error)
  return joinList(v, ', ');
}

export function joinList(list: readonly Value[], sep: string): string | null {
  let out: string | null = null;
  for (let i = 0; i < list.length; i++) {
    const s = toStr(list[i]);
    if (s === null) continue;
    out = out === null ? s : out + sep + s;
  }
  return out;
}

/** Missing means null, the empty string or an empty list. */
export function isMissing(v: Value): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Truthiness used by `if`, `when`, `skip`, `and`, `or`, `not`: null, '', false, 0 and [] are false. */
export function truthy(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (Buffer.isBuffer(v)) return v.length > 0;
  return v.length > 0;
}

/** Apply a string function to a scalar, or to each element of a list (dropping nulls). */
export function mapStr(v: Value, f: (s: string) => Value): Value {
  if (typeof v === 'string') return f(v);
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = mapStr(v[i] as Value, f);
      if (r !== null) out.push(r);
    }
    return out;
  }
  const s = toStr(v);
  return s === null ? null : f(s);
}

/** A value as a list: null → [], scalar → [scalar]. */
export function asList(v: Value): readonly Value[] {
  if (v === null || v === undefined) return EMPTY;
  return Array.isArray(v) ? (v as readonly Value[]) : [v];
}
const EMPTY: readonly Value[] = Object.freeze([]);

/** First element of a list value (or the scalar itself). */
export function firstOf(v: Value): Value {
  if (Array.isArray(v)) return v.length ? (v[0] as Value) : null;
  return v;
}

/** A number from a number or numeric string, else null. */
export function toNum(v: Value): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = toStr(firstOf(v));
  if (s === null) return null;
  const t = s.trim();
  if (t === '' || !NUMERIC.test(t)) return null;
  return Number(t);
}
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
