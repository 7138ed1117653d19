/**
 * THE distinguished-name module (RFC 4514): one parser, used to compare DNs ({@link normalizeDn},
 * {@link isUnder}) and to take them apart ({@link parseDn}, {@link parentDn}: the transform
 * functions `rdn`, `dnValues`, `parentDn`).
 *
 * The parser: attribute types trimmed; spaces around `,` `+` `=` and at the ends of values dropped
 * (unless escaped); values unescaped (`\,` `\2C`, hex-escaped UTF-8 like `\C3\A9`, quoted values
 * `"a, b"` in which escapes apply too, as RFC 2253 says); multi-valued RDNs (`+`); `;` accepted as an
 * RDN separator (RFC 2253); a BER value (`cn=#04…`) kept as its `#hex` text. A string that is not a DN
 * (no `=` in an RDN, a dangling `\`, an unterminated quote, a separator with nothing after it) has
 * no parse.
 *
 * {@link formatDn} writes RDNs back as a DN, with the same escaping as the normal form but the case
 * kept (a DN to send to a server or write to LDIF).
 *
 * The normal form: attribute types lower-cased, values escaped again one way — `\` before `,` `+`
 * `"` `\` `<` `>` `;`, a leading `#` or space and a trailing space, `\00` for NUL, every other
 * character as itself (also `=`) — and lower-cased (the naming attributes of users and groups — cn,
 * uid, ou, dc, o — match ignoring case, in AD and OpenLDAP alike); the AVAs of a multi-valued RDN in
 * a fixed order. So `CN=a\3Db\2C c` (hex escapes, as Samba writes some) and `cn=a\=b\, c` give the
 * same string. The normal form is a key, not a DN to send to a server. A string that is not a DN is
 * lower-cased with the spaces around separators dropped, as before.
 *
 * Hot path (every member value and user DN of a run): DNs without `\`, `"`, `+`, `;`, `#`, `<`,
 * `>` take a split-and-trim fast path in {@link normalizeDn}.
 */

/** One attribute-value assertion of an RDN. */
export interface Ava {
  /** The attribute type as written (trimmed; compare ignoring case). */
  type: string;
  /** The value, unescaped (case kept); a BER value as its `#hex` text. */
  value: string;
  /** The value was BER-encoded (`#hex`) and is given as written. */
  ber?: true;
}

const SLOW = /[\\"+;#<>\0]/;

/** The normal form of `dn` (see the file comment): two spellings of one DN give the same string. */
export function normalizeDn(dn: string): string {
  if (!SLOW.test(dn)) return fast(dn);
  const p = parse(dn);
  return p ? normalForm(p.rdns) : fallback(dn);
}

/** The RDNs of `dn`, leaf first, each a list of AVAs (several for a multi-valued RDN); null when `dn` is not a DN. */
export function parseDn(dn: string): Ava[][] | null {
  return parse(dn)?.rdns ?? null;
}

/** `dn` without its first RDN, as written (escapes kept); null for a single RDN or a string that is not a DN. */
export function parentDn(dn: string): string | null {
  const p = parse(dn);
  return p && p.starts.length > 1 ? dn.slice(p.starts[1], p.end) : null;
}

/** Whether `dn` is `base` or below it. */
export function isUnder(dn: string, base: string): boolean {
  const d = normalizeDn(dn);
  const b = normalizeDn(base);
  if (d === b) return true;
  const sep = d.length - b.length - 1;
  return sep > 0 && d.charCodeAt(sep) === 44 /* , */ && d.endsWith(b) && !escapedAt(d, sep);
}

/**
 * Whether `dn` is in the scope of a search under `bases`: below one of them (sub: at any depth,
 * the base itself included; one: its direct children). No bases: everything is in scope.
 */
export function inScope(dn: string, bases: readonly string[] | undefined, scope: 'sub' | 'one'): boolean {
  if (!bases?.length) return true;
  if (scope === 'sub') return bases.some((b) => isUnder(dn, b));
  const parent = parentDn(dn);
  return parent !== null && bases.some((b) => normalizeDn(parent) === normalizeDn(b));
}

/**
 * How many RDNs `dn` has: `cn=Smith\, John+uid=js,ou=people,dc=example` has 3 (an escaped comma and
 * a multi-valued RDN do not separate RDNs); 0 when the string is not a DN.
 */
export function rdnCount(dn: string): number {
  return parse(dn)?.rdns.length ?? 0;
}

/** RDNs (leaf first, each a list of AVAs) as a DN string, values escaped (RFC 4514), case kept. */
export function formatDn(rdns: readonly (readonly Ava[])[]): string {
  return rdns.map((avas) => avas.map((a) => `${a.type}=${a.ber ? a.value : escapeValue(a.value)}`).join('+')).join(',');
}

/** Whether the character at `i` is escaped (an odd number of backslashes before it). */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s.charCodeAt(j) === 92; j--) n++;
  return n % 2 === 1;
}

function trimSpaces(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** No escapes, quotes, multi-valued RDNs or BER values: split at `,`, trim around the first `=`. */
function fast(dn: string): string {
  let a = 0;
  let b = dn.length;
  while (a < b && dn.charCodeAt(a) <= 32) a++;
  while (b > a && dn.charCodeAt(b - 1) <= 32) b--;
  const rdns = (a === 0 && b === dn.length ? dn : dn.slice(a, b)).toLowerCase().split(',');
  for (let i = 0; i < rdns.length; i++) {
    const r = rdns[i];
    const eq = r.indexOf('=');
    if (eq < 0) return fallback(dn);
    rdns[i] = r.slice(0, eq).trim() + '=' + trimSpaces(r.slice(eq + 1));
  }
  return rdns.join(',');
}

/** Not a DN: the former normalisation (lower case, no spaces around separators). */
function fallback(dn: string): string {
  return dn
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');
}

const isSep = (ch: string | undefined) => ch === ',' || ch === '+' || ch === ';';

interface Parsed {
  rdns: Ava[][];
  /** Where each RDN starts in the string (its attribute type). */
  starts: number[];
  /** Where the DN ends (unescaped trailing white space excluded). */
  end: number;
}

/** The RFC 4514 parse (see the file comment); null when the string is not a DN. */
function parse(dn: string): Parsed | null {
  let n = dn.length;
  while (n > 0 && dn.charCodeAt(n - 1) <= 32 && !(dn.charCodeAt(n - 1) === 32 && escapedAt(dn, n - 1))) n--;
  let i = 0;
  while (i < n && dn.charCodeAt(i) <= 32) i++;
  const out: Parsed = { rdns: [], starts: [], end: n };
  if (i === n) return out;
  out.starts.push(i);
  let avas: Ava[] = [];
  for (;;) {
    // attribute type
    let eq = i;
    while (eq < n && dn[eq] !== '=' && !isSep(dn[eq])) eq++;
    if (eq >= n || dn[eq] !== '=') return null;
    const type = dn.slice(i, eq).trim();
    if (!type) return null;
    i = eq + 1;
    while (i < n && dn[i] === ' ') i++;
    const ber = dn[i] === '#' ? berEnd(dn, i, n) : -1;
    if (ber > 0) {
      // a BER-encoded value (#hex), kept as it is
      avas.push({ type, value: dn.slice(i, ber), ber: true });
      i = ber;
      while (i < n && dn[i] === ' ') i++;
    } else {
      // a string value (an unescaped leading # that is not BER hex is taken as text)
      const value = new ValueBuilder();
      if (dn[i] === '"') {
        // a quoted value (RFC 2253 and before): everything up to the closing quote; escapes still apply
        i++;
        while (i < n && dn[i] !== '"') {
          if (dn[i] === '\\') {
            const used = value.escape(dn, i, n);
            if (!used) return null;
            i += used;
          } else value.char(dn[i++]);
        }
        if (i >= n) return null;
        i++;
        while (i < n && dn[i] === ' ') i++;
        if (i < n && !isSep(dn[i])) return null;
        avas.push({ type, value: value.done(true) });
      } else {
        // up to the next unescaped separator; unescaped trailing spaces are not part of the value
        while (i < n) {
          let j = i;
          for (let c = dn.charCodeAt(j); j < n && c !== 92 && c !== 44 && c !== 43 && c !== 59; c = dn.charCodeAt(++j));
          if (j > i) value.run(dn.slice(i, j));
          i = j;
          if (i >= n || dn.charCodeAt(i) !== 92 /* \\ */) break;
          const used = value.escape(dn, i, n);
          if (!used) return null;
          i += used;
        }
        avas.push({ type, value: value.done(false) });
      }
    }
    if (i >= n) break;
    const nextRdn = dn[i++] !== '+';
    if (nextRdn) {
      out.rdns.push(avas);
      avas = [];
    }
    while (i < n && dn[i] === ' ') i++;
    if (i >= n) return null; // a separator with nothing after it
    if (nextRdn) out.starts.push(i);
  }
  out.rdns.push(avas);
  return out;
}

/** The normal form of parsed RDNs. */
function normalForm(rdns: Ava[][]): string {
  let out = '';
  for (let r = 0; r < rdns.length; r++) {
    const avas = rdns[r];
    let rdn: string;
    if (avas.length === 1) rdn = normalAva(avas[0]);
    else rdn = avas.map(normalAva).sort().join('+');
    out = r === 0 ? rdn : out + ',' + rdn;
  }
  return out;
}

function normalAva(a: Ava): string {
  const value = a.value.toLowerCase();
  return a.type.toLowerCase() + '=' + (a.ber ? value : escapeValue(value));
}

/**
 * A value being unescaped: characters and hex-escaped bytes (decoded as UTF-8 together, so
 * `\C3\A9` is é; bytes that are not UTF-8 — not allowed in an LDAPv3 DN — become U+FFFD). Tracks
 * where the value's significant part ends: unescaped trailing spaces are not part of it.
 */
class ValueBuilder {
  private bytes: number[] = [];
  private text = '';
  private significant = 0;

  char(ch: string): void {
    if (this.bytes.length) this.flush();
    this.text += ch;
    if (ch !== ' ') this.significant = this.text.length;
  }

  /** Unescaped characters. */
  run(s: string): void {
    if (this.bytes.length) this.flush();
    this.text += s;
    let k = s.length;
    while (k > 0 && s.charCodeAt(k - 1) === 32) k--;
    if (k > 0) this.significant = this.text.length - s.length + k;
  }

  /** An escape at dn[i] (a backslash); returns how many characters it used, 0 if malformed. */
  escape(dn: string, i: number, end: number): number {
    if (i + 1 >= end) return 0;
    if (i + 2 < end && isHex(dn.charCodeAt(i + 1)) && isHex(dn.charCodeAt(i + 2))) {
      this.bytes.push(parseInt(dn.slice(i + 1, i + 3), 16));
      return 3;
    }
    if (this.bytes.length) this.flush();
    // an escaped character is that character (`\,` `\ ` `\=` …); a surrogate pair stays whole
    const ch = String.fromCodePoint(dn.codePointAt(i + 1)!);
    this.text += ch;
    this.significant = this.text.length;
    return 1 + ch.length;
  }

  /** The value: all of it (quoted), or without unescaped trailing spaces. */
  done(all: boolean): string {
    if (this.bytes.length) this.flush();
    return all ? this.text : this.text.slice(0, this.significant);
  }

  private flush(): void {
    this.text += Buffer.from(this.bytes).toString('utf8');
    this.significant = this.text.length;
    this.bytes = [];
  }
}

/** The end of a BER value `#hex` starting at `i` (an even number of hex digits, then spaces and a separator or the end), else -1. */
function berEnd(dn: string, i: number, n: number): number {
  let j = i + 1;
  while (j < n && isHex(dn.charCodeAt(j))) j++;
  const digits = j - i - 1;
  if (digits === 0 || digits % 2) return -1;
  let k = j;
  while (k < n && dn[k] === ' ') k++;
  return k >= n || isSep(dn[k]) ? j : -1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Escape a value one canonical way (see the file comment). */
const NEEDS_ESCAPE = /[\\,+"<>;\0]|^[ #]| $/;

function escapeValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  let out = '';
  const last = v.length - 1;
  for (let i = 0; i <= last; i++) {
    const ch = v[i];
    switch (ch) {
      case '\\':
      case ',':
      case '+':
      case '"':
      case '<':
      case '>':
      case ';':
        out += '\\' + ch;
        break;
      case '\0':
        out += '\\00';
        break;
      case ' ':
        out += i === 0 || i === last ? '\\ ' : ' ';
        break;
      case '#':
        out += i === 0 ? '\\#' : '#';
        break;
      default:
        out += ch;
    }
  }
  return out;
}
