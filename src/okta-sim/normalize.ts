/**
 * Login normalisation. Okta treats logins that differ only in case and/or diacritical marks as the
 * same login (`Isaac.Brock@example.com` = `isaac.brock@example.com` = `isáàc.bröck@example.com`).
 */
export function normalizeLogin(login: string): string {
  return login
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The short name of a login: the part before the last `@` (the whole login when there is none). */
export function loginShortName(login: string): string {
  const at = login.lastIndexOf('@');
  return at > 0 ? login.slice(0, at) : login;
}
