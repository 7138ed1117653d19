/**
 * An Okta user profile as the agent builds and stores it: attribute name → value. `null` clears an
 * attribute in a partial update. Arrays are Okta array attributes.
 */
export type ProfileValue = string | number | boolean | null | string[] | number[];
export type Profile = Record<string, ProfileValue>;

/**
 * Profiles inherit nothing: an attribute named like a member of Object.prototype (`toString`,
 * `valueOf`, `constructor`) reads as absent unless set. (A class whose prototype is a null-prototype
 * object keeps V8's fast properties, unlike Object.create(null).)
 */
const Inheritless = function () {} as unknown as new () => Profile;
Inheritless.prototype = Object.create(null) as object;

/** A new profile that inherits nothing, with the attributes of `from` when given. */
export function newProfile(from?: Readonly<Record<string, ProfileValue>>): Profile {
  const p = new Inheritless();
  if (from) for (const k of Object.keys(from)) p[k] = from[k];
  return p;
}

/** The value of an attribute of any profile (a plain object from JSON too): its own value only, never an inherited one. */
export function attributeOf(profile: Readonly<Profile>, name: string): ProfileValue | undefined {
  return Object.prototype.hasOwnProperty.call(profile, name) ? profile[name] : undefined;
}

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

/** Whether two profile values are the same value: arrays element by element; an absent value equals null. */
export function profileValuesEqual(a: ProfileValue | undefined, b: ProfileValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return false;
}

/**
 * Okta's limits on profile values, in characters, inclusive. Users: the base user profile (official
 * spec `UserProfile`, management-minimal 2026.06.3; test/unit/okta/profile.test.ts holds the table to
 * the spec). Groups (OKTA_GROUP): name 1–255, description at most 1,024 (Okta's documentation; the
 * spec gives none).
 */
export const OKTA_PROFILE_LIMITS: Readonly<Record<string, { min?: number; max: number }>> = {
  login: { min: 5, max: 100 },
  email: { min: 5, max: 100 },
  secondEmail: { max: 100 },
  firstName: { min: 1, max: 50 },
  lastName: { min: 1, max: 50 },
  city: { max: 128 },
  state: { max: 128 },
  countryCode: { max: 2 },
  zipCode: { max: 50 },
  streetAddress: { max: 1024 },
  postalAddress: { max: 4096 },
  mobilePhone: { max: 100 },
  primaryPhone: { max: 100 },
};
export const OKTA_GROUP_NAME_MAX = 255;
export const OKTA_GROUP_DESCRIPTION_MAX = 1024;
