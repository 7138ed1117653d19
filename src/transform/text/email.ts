/**
 * Pragmatic e-mail syntax check (what Okta's `format: email` accepts in practice): one '@', a
 * non-empty local part of printable characters without spaces, a dotted domain with labels of
 * letters (any script), digits and hyphens, and a top-level label of at least two letters.
 */
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

export function isEmail(s: string): boolean {
  if (s.length > 254) return false;
  if (!EMAIL.test(s)) return false;
  const local = s.slice(0, s.lastIndexOf('@'));
  return local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}
