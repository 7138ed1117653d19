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

/**
 * The longest text the agent sends for an attribute that has no length limit of its own (in the
 * org's user schema, or, when none could be read, in {@link OKTA_PROFILE_LIMITS}): Okta names none
 * for most attributes (title, department, many custom ones), so the agent holds such values to the
 * longest limit the base profile names (postalAddress, 4,096 characters). A value past it is a data
 * error (a 100 KB title), not a profile. okta/user-schema.ts profileProblems applies it.
 */
export const OKTA_TEXT_MAX = 4096;

const SURROGATE = /[\uD800-\uDFFF]/;

/** Characters as a person counts them: code points (an emoji is one, not two UTF-16 units). */
export function textLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const BIDI_NAMES: Readonly<Record<number, string>> = {
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
};

/**
 * Characters no profile value may hold: C0 controls but tab and line feed (a carriage return only
 * before a line feed), DEL and C1 controls (what mis-decoded text leaves behind), lone surrogates
 * (not text: they cannot be sent as UTF-8), and the bidirectional embeddings, overrides and isolates
 * that make a value display in another order than it is stored (`Ann \u202Egnp.exe`).
 */
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\r(?!\n)|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A value with characters Okta refuses or a person would misread: which attribute, in words. */
export interface CharacterProblem {
  attribute: string;
  message: string;
}

function characterProblem(attribute: string, s: string): CharacterProblem | undefined {
  const bad = FORBIDDEN.exec(s);
  if (!bad) return undefined;
  const code = bad[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const at = textLength(s.slice(0, bad.index)) + 1;
  const message = BIDI_NAMES[code]
    ? `${attribute} contains ${hex} (${BIDI_NAMES[code]}) at character ${at}, which makes text display in another order than it is stored`
    : code >= 0xd800 && code <= 0xdfff
      ? `${attribute} contains a lone surrogate (${hex}) at character ${at}: not text`
      : `${attribute} contains ${hex} (a control character) at character ${at}; Okta takes no control characters but tab and newline`;
  return { attribute, message };
}

/**
 * The characters of a profile's text values (arrays element by element) Okta would refuse or a
 * person would misread: one problem per attribute, in the profile's order. The pipeline's last step
 * (transform/steps/okta-characters.ts) applies it to every record, whatever the steps say; lengths,
 * types and allowed values are the user schema's check (okta/user-schema.ts profileProblems).
 */
export function characterProblems(profile: Readonly<Profile>): CharacterProblem[] {
  const out: CharacterProblem[] = [];
  for (const attribute of Object.keys(profile)) {
    const v = profile[attribute];
    const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    for (const s of texts) {
      const problem = characterProblem(attribute, s);
      if (problem) {
        out.push(problem);
        break;
      }
    }
  }
  return out;
}
