/**
 * Validation of user profiles against the org's user schema (user-schema.ts), as Okta validates a
 * create or an update:
 * - an attribute the schema does not define → `Property name '<name>' is not defined in profile`
 *   (Okta's cause text, seen for group profiles; assumed the same for users);
 * - required attributes (`login`, `email`, `firstName`, `lastName`, required custom ones) present;
 * - the value's JSON type is the attribute's type (an integer for `integer`, any number for
 *   `number`, an array of the item type for `array`);
 * - strings within minLength..maxLength (in UTF-16 code units, as Java counts: assumed);
 * - a value (or each array item) among the attribute's `enum` values;
 * - `email` and `secondEmail` are email addresses; `login` is email-formatted unless the org relaxed
 *   the login pattern (option `loginFormat`). Other formats (locale, timezone, …) are not checked.
 * Returns every problem at once; the caller turns them into 400 E0000001.
 *
 * Cause texts: "The field cannot be left blank" and "Username must be in the form of an email
 * address" are Okta's; the length, type and enum messages are the simulator's own wording.
 */
import type { FieldProblem } from '../errors';
import type { Profile, ProfileValue } from '../types';
import type { SchemaAttribute, UserSchemaStore } from './user-schema';

export type LoginFormat = 'email' | 'any' | RegExp;

/** Same shape as ajv-formats' `email` so that every accepted email also validates against the spec. */
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** Logins may contain non-ASCII letters (Okta's own example: `isáàc.bröck@example.com`). */
const LOGIN_EMAIL = /^[^\s@]+@[^\s@.][^\s@]*$/u;

/** What validation reads of the schema. */
export type ProfileSchema = Pick<UserSchemaStore, 'attribute' | 'baseAttributes' | 'customAttributes'>;

export function validateProfile(profile: Profile, schema: ProfileSchema, loginFormat: LoginFormat): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // attribute by attribute in the schema's order (Okta's: login, firstName, lastName, …, email), then unknown ones
  for (const [field, attr] of [...schema.baseAttributes(), ...schema.customAttributes()]) {
    const v = profile[field];
    if (v === undefined || v === null || v === '') {
      if (attr.required) problems.push({ field, message: 'The field cannot be left blank' });
      continue;
    }
    const message = valueProblem(attr, v);
    if (message) problems.push({ field, message });
    else if (attr.format === 'email' && !EMAIL.test(v as string)) problems.push({ field, message: 'Does not match required pattern' });
  }
  for (const field of Object.keys(profile)) {
    if (!schema.attribute(field) && profile[field] !== null && profile[field] !== undefined) {
      problems.push({ field, message: 'is not defined in profile', cause: `Property name '${field}' is not defined in profile` });
    }
  }
  const login = profile.login;
  if (typeof login === 'string' && login.length >= 5 && login.length <= 100) {
    const ok = loginFormat === 'any' ? true : loginFormat === 'email' ? LOGIN_EMAIL.test(login) : loginFormat.test(login);
    if (!ok) problems.push({ field: 'login', message: 'Username must be in the form of an email address' });
  }
  return problems;
}

const TYPE_OK: Record<string, (v: ProfileValue) => boolean> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
};

/** What is wrong with a (present) value for the attribute, or undefined. */
function valueProblem(attr: SchemaAttribute, v: ProfileValue): string | undefined {
  if (attr.type === 'array') {
    const itemType = attr.items?.type ?? 'string';
    if (!Array.isArray(v) || !v.every((x) => TYPE_OK[itemType](x))) return `The field must be an array of ${itemType} values`;
    const allowed = attr.items?.enum;
    if (allowed && !v.every((x) => allowed.includes(x as string | number))) return 'The field contains a value that is not one of the allowed values';
    return undefined;
  }
  if (!TYPE_OK[attr.type](v)) return `The field must be ${attr.type === 'integer' ? 'an' : 'a'} ${attr.type}`;
  if (typeof v === 'string') {
    if (attr.minLength !== undefined && v.length < attr.minLength) return `The field must be at least ${attr.minLength} characters long`;
    if (attr.maxLength !== undefined && v.length > attr.maxLength) return `The field cannot be longer than ${attr.maxLength} characters`;
  }
  if (attr.enum && !attr.enum.includes(v as string | number)) return 'The field value is not one of the allowed values';
  return undefined;
}

/** Profile values the API accepts: JSON scalars, arrays and objects (objects only inside custom attributes). */
export function isProfileObject(v: unknown): v is Profile {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
