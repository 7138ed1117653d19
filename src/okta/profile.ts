/**
 * An Okta user profile as the agent builds and stores it: attribute name → value. `null` clears an
 * attribute in a partial update. Arrays are Okta array attributes.
 */
export type ProfileValue = string | number | boolean | null | string[] | number[];
export type Profile = Record<string, ProfileValue>;

const MARKS = /\p{M}+/gu;
const NEEDS_WORK = /[^a-z0-9@._\-+]/;

/**
 * The comparison key Okta uses for logins: case-insensitive and diacritic-insensitive
 * (`Isaac.Brock@example.com`, `isaac.brock@example.com` and `isáàc.bröck@example.com` collide).
 * State claims, the plan and the username step all compare logins through this function.
 */
export function normalizeLogin(login: string): string {
  if (!NEEDS_WORK.test(login)) return login; // already lower-case ASCII: the common case, no allocation
  return login.toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/** Deterministic JSON (sorted keys) so equal profiles serialise equally. */
export function canonicalJson(profile: Profile): string {
  const keys = Object.keys(profile).sort();
  const o: Profile = {};
  for (const k of keys) o[k] = profile[k];
  return JSON.stringify(o);
}

export function profileValuesEqual(a: ProfileValue | undefined, b: ProfileValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return false;
}
