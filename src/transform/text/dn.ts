/** RFC 4514 distinguished-name parsing (escapes `\,` `\+` `\"` `\\` and hex pairs like `\C3\A9`, quoted values). */

export interface Ava {
  type: string;
  value: string;
}

/** Parse a DN into RDNs, each a list of attribute-value assertions (multi-valued RDNs joined by '+'). Returns null when malformed. */
export function parseDn(dn: string): Ava[][] | null {
  const rdns: Ava[][] = [];
  let i = 0;
  const n = dn.length;
  if (dn.trim() === '') return rdns;
  let rdn: Ava[] = [];
  while (i < n) {
    while (i < n && dn[i] === ' ') i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) return null;
    const type = dn.slice(i, eq).trim();
    if (!type) return null;
    i = eq + 1;
    while (i < n && dn[i] === ' ') i++;
    const bytes: number[] = [];
    let value = '';
    const flush = () => {
      if (bytes.length) {
        value += Buffer.from(bytes).toString('utf8');
        bytes.length = 0;
      }
    };
    if (dn[i] === '"') {
      i++;
      while (i < n && dn[i] !== '"') {
        if (dn[i] === '\\' && i + 1 < n) i++;
        value += dn[i];
        i++;
      }
      if (dn[i] !== '"') return null;
      i++;
      while (i < n && dn[i] === ' ') i++;
    } else {
      let trailingSpaces = 0;
      while (i < n && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') {
        const ch = dn[i];
        if (ch === '\\') {
          const h = dn.substr(i + 1, 2);
          if (/^[0-9a-fA-F]{2}$/.test(h)) {
            bytes.push(parseInt(h, 16));
            i += 3;
          } else if (i + 1 < n) {
            flush();
            value += dn[i + 1];
            i += 2;
          } else return null;
          trailingSpaces = 0;
          continue;
        }
        flush();
        value += ch;
        trailingSpaces = ch === ' ' ? trailingSpaces + 1 : 0;
        i++;
      }
      flush();
      if (trailingSpaces) value = value.slice(0, value.length - trailingSpaces);
    }
    rdn.push({ type, value });
    if (i < n && dn[i] === '+') {
      i++;
      continue;
    }
    rdns.push(rdn);
    rdn = [];
    if (i < n) i++; // ',' or ';'
  }
  if (rdn.length) rdns.push(rdn);
  return rdns;
}

/** The parent DN (everything after the first unescaped RDN separator), or null. */
export function parentDn(dn: string): string | null {
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '"') {
      const close = dn.indexOf('"', i + 1);
      if (close < 0) return null;
      i = close;
      continue;
    }
    if (ch === ',' || ch === ';') {
      const rest = dn.slice(i + 1).trim();
      return rest === '' ? null : rest;
    }
  }
  return null;
}
