/**
 * LDIF content records (RFC 2849) as text, the counterpart of parser.ts: `dn:` and `attr: value`
 * lines, base64 (`attr:: …`) for a value that is not a SAFE-STRING (non-ASCII, a leading space,
 * colon or `<`, a trailing space, a line break) and for every binary value, `#` comment lines.
 * Lines are not folded (RFC 2849 allows any length; slapadd, ldapadd and parser.ts read them).
 */

/** A value written as it is: ASCII without NUL, CR or LF, not starting with a space, `:` or `<`, not ending with a space. */
const SAFE_STRING = /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/;

/** One `name: value` line (`name:: base64` when the value needs it). */
export function ldifLine(name: string, value: string | Buffer): string {
  if (Buffer.isBuffer(value)) return `${name}:: ${value.toString('base64')}`;
  if (!SAFE_STRING.test(value) || value.endsWith(' ')) return `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
  return value === '' ? `${name}:` : `${name}: ${value}`;
}

/** Comment lines (`# …`), one per line of `text`. */
export function ldifComment(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => (l ? `# ${l}` : '#'))
    .join('\n');
}

export interface LdifRecord {
  dn: string;
  /** Attribute name → values, written in this order. */
  attributes: readonly (readonly [string, readonly (string | Buffer)[]])[];
  /** Comment lines written just before the `dn:` line. */
  comment?: string;
}

/** One content record, followed by the blank line that ends it. */
export function ldifRecord(r: LdifRecord): string {
  const lines: string[] = [];
  if (r.comment !== undefined) lines.push(ldifComment(r.comment));
  lines.push(ldifLine('dn', r.dn));
  for (const [name, values] of r.attributes) for (const v of values) lines.push(ldifLine(name, v));
  return lines.join('\n') + '\n\n';
}
