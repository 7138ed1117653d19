import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * LDAP entries as plain data, DN and filter escaping, and LDIF (RFC 2849) reading/writing for the test
 * harness: seeding slapd with slapadd, fixtures, and checking generated sample directories.
 */
export type LdapValue = string | Buffer;
export type LdapAttributes = Record<string, LdapValue | readonly LdapValue[]>;
export interface LdapEntry {
  dn: string;
  attributes: LdapAttributes;
}

/** Values of an attribute as an array (case-insensitive name lookup; [] when absent). */
export function values(entry: LdapEntry, name: string): LdapValue[] {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(entry.attributes)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? [...(v as LdapValue[])] : [v as LdapValue];
  }
  return [];
}

/** First value of an attribute as a string, or undefined. */
export function first(entry: LdapEntry, name: string): string | undefined {
  const v = values(entry, name)[0];
  return v === undefined ? undefined : v.toString();
}

// ---------------------------------------------------------------------------------------------------
// DNs

/**
 * Escapes an attribute value for use in a DN (RFC 4514 section 2.4). `ad: true` also escapes '=', which
 * Active Directory (Samba included) rejects unescaped inside a value.
 */
export function escapeDnValue(value: string, opts: { ad?: boolean } = {}): string {
  const specials = opts.ad ? ',+"\\<>;=' : ',+"\\<>;';
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\0') out += '\\00';
    else if (specials.includes(c)) out += `\\${c}`;
    else if (i === 0 && (c === ' ' || c === '#')) out += `\\${c}`;
    else if (i === value.length - 1 && c === ' ') out += '\\ ';
    else out += c;
  }
  return out;
}

/** Reverses escapeDnValue (also `\XX` hex pairs, so UTF-8 escapes from servers decode too). */
export function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(value, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x5c && i + 1 < raw.length) {
      const hex = raw.subarray(i + 1, i + 3).toString('latin1');
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(raw[i + 1]);
        i += 1;
      }
    } else bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Splits a DN into its RDN strings (still escaped), honouring backslash escapes and quoted values. */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const c = dn.charAt(i);
    if (c === '\\' && i + 1 < dn.length) {
      cur += c + dn.charAt(i + 1);
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if ((c === ',' || c === ';') && !quoted) {
      parts.push(trimRdn(cur));
      cur = '';
    } else cur += c;
  }
  if (cur.trim() || parts.length) parts.push(trimRdn(cur));
  return parts.filter((p) => p.length > 0);
}

/** Trims insignificant spaces around an RDN, keeping an escaped trailing space (`cn=Bob\ `). */
function trimRdn(rdnText: string): string {
  let end = rdnText.length;
  while (end > 0 && rdnText.charAt(end - 1) === ' ') {
    let backslashes = 0;
    for (let i = end - 2; i >= 0 && rdnText.charAt(i) === '\\'; i--) backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return rdnText.slice(0, end).trimStart();
}

/** The DN one level up ('' for a single RDN). */
export function parentDn(dn: string): string {
  return splitDn(dn).slice(1).join(',');
}

/** A DN in a form good enough to compare DNs the harness itself built: lower case, no spaces around separators. */
export function normalizeDn(dn: string): string {
  return splitDn(dn)
    .map((rdn) => rdn.replace(/^\s*([^=]+?)\s*=\s*/, (_m, attr: string) => `${attr}=`))
    .join(',')
    .toLowerCase();
}

/** `attr=value` with the value escaped. */
export function rdn(attr: string, value: string): string {
  return `${attr}=${escapeDnValue(value)}`;
}

/** Escapes a value for use inside an LDAP search filter (RFC 4515). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// ---------------------------------------------------------------------------------------------------
// LDIF writing

const SAFE_STRING = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

/** True when an LDIF value must be written base64 (`attr:: …`): non-ASCII, leading space/colon/'<', trailing space. */
export function needsBase64(value: LdapValue): boolean {
  if (Buffer.isBuffer(value)) return true;
  if (value === '') return false;
  return !SAFE_STRING.test(value) || value.endsWith(' ');
}

/** Folds one logical LDIF line at `width` columns (continuation lines start with one space). */
export function foldLine(line: string, width = 76): string {
  if (width <= 1 || line.length <= width) return line;
  const out = [line.slice(0, width)];
  for (let i = width; i < line.length; i += width - 1) out.push(` ${line.slice(i, i + width - 1)}`);
  return out.join('\n');
}

export function ldifAttrLine(name: string, value: LdapValue): string {
  if (needsBase64(value)) return `${name}:: ${(Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8')).toString('base64')}`;
  return value === '' ? `${name}:` : `${name}: ${value as string}`;
}

/** One entry as an LDIF content record (no trailing blank line). `fold: 0` disables folding. */
export function entryToLdif(entry: LdapEntry, opts: { fold?: number } = {}): string {
  const width = opts.fold ?? 76;
  const lines = [ldifAttrLine('dn', entry.dn)];
  for (const [name, v] of Object.entries(entry.attributes)) {
    const list = Array.isArray(v) ? (v as LdapValue[]) : [v as LdapValue];
    for (const value of list) lines.push(ldifAttrLine(name, value));
  }
  return lines.map((l) => foldLine(l, width)).join('\n');
}

/** Entries as an LDIF document (records separated by blank lines, trailing newline). */
export function toLdif(entries: Iterable<LdapEntry>, opts: { fold?: number; version?: boolean } = {}): string {
  const parts: string[] = opts.version ? ['version: 1'] : [];
  for (const e of entries) parts.push(entryToLdif(e, opts));
  return `${parts.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------
// LDIF reading

export interface ParseLdifOptions {
  /** Attributes whose base64 values stay Buffers; other base64 values become strings when valid UTF-8. */
  binaryAttributes?: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses LDIF content records (RFC 2849): folded lines, comments, `version:`, base64 (`::`) and file URL
 * (`:<`) values. `changetype: add` records are read as content (ldifde exports); other change records
 * are rejected. Attribute names keep the case of their
 * first occurrence; values keep file order.
 */
export function parseLdif(text: string, opts: ParseLdifOptions = {}): LdapEntry[] {
  const binary = new Set((opts.binaryAttributes ?? []).map((a) => a.toLowerCase()));
  const physical = text.replace(/\r\n/g, '\n').split('\n');
  // unfold, dropping comments (a comment's continuation lines belong to the comment)
  const logical: { text: string; line: number }[] = [];
  let inComment = false;
  physical.forEach((l, idx) => {
    if (l.startsWith(' ') && logical.length && !inComment) {
      const last = logical[logical.length - 1];
      if (last.text !== '') {
        last.text += l.slice(1);
        return;
      }
    }
    if (l.startsWith(' ') && inComment) return;
    inComment = l.startsWith('#');
    if (!inComment) logical.push({ text: l, line: idx + 1 });
  });
  const entries: LdapEntry[] = [];
  let cur: { dn: string; attributes: Record<string, LdapValue[]> } | undefined;
  const names = new Map<string, string>();
  for (const { text: l, line } of logical) {
    if (l.trim() === '') {
      if (cur) entries.push(cur);
      cur = undefined;
      names.clear();
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9;.-]*)(::?|:<)\s*(.*)$/.exec(l);
    if (!m) throw new Error(`LDIF line ${line}: cannot parse "${l.slice(0, 60)}"`);
    const [, name, sep, rest] = m as unknown as [string, string, string, string];
    let value: LdapValue;
    if (sep === '::') {
      const buf = Buffer.from(rest, 'base64');
      if (binary.has(name.toLowerCase())) value = buf;
      else {
        try {
          value = utf8.decode(buf);
        } catch {
          value = buf;
        }
      }
    } else if (sep === ':<') {
      value = readFileSync(rest.startsWith('file:') ? fileURLToPath(rest) : rest);
    } else value = rest;
    const lname = name.toLowerCase();
    if (!cur) {
      if (lname === 'version') continue;
      if (lname !== 'dn') throw new Error(`LDIF line ${line}: record must start with dn:, got ${name}`);
      cur = { dn: value.toString(), attributes: {} };
      continue;
    }
    if (lname === 'changetype') {
      // ldifde exports write every entry as `changetype: add`: that is still content
      if (value.toString().trim().toLowerCase() === 'add' && Object.keys(cur.attributes).length === 0) continue;
      throw new Error(`LDIF line ${line}: change records (changetype: ${value.toString()}) are not supported here`);
    }
    const key = names.get(lname) ?? name;
    names.set(lname, key);
    (cur.attributes[key] ??= []).push(value);
  }
  if (cur) entries.push(cur);
  return entries;
}
