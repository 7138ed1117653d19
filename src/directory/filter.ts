/**
 * LDAP search filters built from data. Every value that comes from data (a login typed on the
 * command line, a watermark, a DN, an objectGUID) goes through {@link escapeFilterValue} (RFC 4515),
 * so `*)(uid=*` matches the literal string and can never widen a search.
 */

/** RFC 4515 §3: escape `\`, `*`, `(`, `)` and NUL (and any byte of a Buffer). */
export function escapeFilterValue(value: string | Buffer): string {
  if (Buffer.isBuffer(value)) {
    let s = '';
    for (const b of value) s += '\\' + b.toString(16).padStart(2, '0');
    return s;
  }
  return value.replace(/[\\*()\u0000]/g, (c) => '\\' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)(;[A-Za-z0-9-]+)*$/;

function attr(name: string): string {
  if (!ATTRIBUTE.test(name)) throw new Error(`not an LDAP attribute description: ${JSON.stringify(name)}`);
  return name;
}

/** (name=value), the value escaped. */
export function eq(name: string, value: string | Buffer): string {
  return `(${attr(name)}=${escapeFilterValue(value)})`;
}

/** (name>=value), the value escaped. */
export function gte(name: string, value: string): string {
  return `(${attr(name)}>=${escapeFilterValue(value)})`;
}

/** (name<=value), the value escaped. */
export function lte(name: string, value: string): string {
  return `(${attr(name)}<=${escapeFilterValue(value)})`;
}

export function and(...filters: string[]): string {
  return filters.length === 1 ? filters[0] : `(&${filters.join('')})`;
}

export function or(...filters: string[]): string {
  return filters.length === 1 ? filters[0] : `(|${filters.join('')})`;
}

/** A configured filter, wrapped in parentheses when the administrator left them out. */
export function wrapFilter(filter: string): string {
  const f = filter.trim();
  return f.startsWith('(') ? f : `(${f})`;
}
