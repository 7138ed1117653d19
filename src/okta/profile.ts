/**
 * An Okta user profile as the agent builds and stores it: attribute name → value. `null` clears an
 * attribute in a partial update. Arrays are Okta array attributes.
 */
export type ProfileValue = string | number | boolean | null | string[] | number[];
export type Profile = Record<string, ProfileValue>;

/** Normalised form Okta compares logins by: lower-case, diacritics removed (NFD, combining marks dropped). */
export function normalizeLogin(login: string): string {
  return login.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
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
