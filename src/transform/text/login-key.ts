/**
 * The comparison key Okta uses for logins: case-insensitive and diacritic-insensitive
 * (`Isaac.Brock@example.com`, `isaac.brock@example.com` and `isáàc.bröck@example.com` collide).
 * State claims, the Okta simulator and the username step all compare logins through this function.
 */
const MARKS = /\p{M}+/gu;
const NEEDS_WORK = /[^a-z0-9@._\-+]/;

export function oktaLoginKey(login: string): string {
  if (!NEEDS_WORK.test(login)) return login; // already lower-case ASCII: the common case, no allocation
  return login.toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');
}
