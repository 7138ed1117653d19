/**
 * How the state stores a profile (`users.profile`, `okta_users.profile`): a JSON array of name,
 * value pairs, `[0,"jdoe@example.com",2,"Jane",…]`, where an attribute of Okta's base user profile
 * is named by a number (its place in {@link CODES}) and any other attribute by its name. The key
 * names were close to half of a stored profile, and the state holds two profiles a user: this saves
 * about 150 of the 1,154 bytes a user the sync bench measured (issue 10; bench/sync.ts `stateBytesPerUser`).
 *
 * Attributes keep their order. Rows written before (schema version 7 and older) hold a JSON object
 * and are read as they are; a row is written in this form the next time it is written.
 */
import { newProfile, type Profile, type ProfileValue } from '../okta/profile';

/**
 * A storage format: a number once given stays that attribute's, for every state file ever written.
 * Append only. The most used attributes come first (one digit).
 */
const CODES: readonly string[] = [
  'login',
  'email',
  'firstName',
  'lastName',
  'displayName',
  'title',
  'department',
  'primaryPhone',
  'mobilePhone',
  'employeeNumber',
  'secondEmail',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
  'nickName',
  'profileUrl',
  'streetAddress',
  'city',
  'state',
  'zipCode',
  'postalAddress',
  'countryCode',
  'preferredLanguage',
  'locale',
  'timezone',
  'userType',
  'costCenter',
  'organization',
  'division',
  'managerId',
  'manager',
];
const CODE_OF = new Map(CODES.map((name, i) => [name, i]));

/** The stored form of a profile (attributes whose value is `undefined` are left out, as JSON.stringify leaves them out of an object). */
export function encodeProfile(profile: Readonly<Profile>): string {
  const pairs: (string | number | ProfileValue)[] = [];
  for (const name of Object.keys(profile)) {
    const value = profile[name];
    if (value !== undefined) pairs.push(CODE_OF.get(name) ?? name, value);
  }
  return JSON.stringify(pairs);
}

/** A stored profile read back (either form), as a profile that inherits nothing. */
export function decodeProfile(stored: string): Profile {
  const parsed = JSON.parse(stored) as unknown;
  if (!Array.isArray(parsed)) return newProfile(parsed as Record<string, ProfileValue>);
  const profile = newProfile();
  for (let i = 0; i < parsed.length; i += 2) {
    const key = parsed[i] as string | number;
    const name = typeof key === 'number' ? CODES[key] : key;
    if (name === undefined) throw new Error(`stored profile names attribute number ${key}, which this agent does not know`);
    profile[name] = parsed[i + 1] as ProfileValue;
  }
  return profile;
}
