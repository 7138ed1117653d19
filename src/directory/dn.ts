/**
 * DN comparison: two spellings of one DN (case, spaces around separators) compare equal after
 * {@link normalizeDn}. Enough for DNs written by the same server; escaped-character variants
 * (`\2C` for `\,`) are not unified.
 */
export function normalizeDn(dn: string): string {
  return dn.trim().toLowerCase().replace(/\s*([,=+])\s*/g, '$1');
}

/** Whether `dn` is `base` or below it. */
export function isUnder(dn: string, base: string): boolean {
  const d = normalizeDn(dn);
  const b = normalizeDn(base);
  return d === b || d.endsWith(',' + b);
}
