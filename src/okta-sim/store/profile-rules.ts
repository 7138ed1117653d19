/**
 * Validation of user profiles against Okta's default user schema (spec `UserProfile`):
 * `login`, `email`, `firstName`, `lastName` are required; login and email 5–100 characters,
 * firstName/lastName 1–50; `email` and `secondEmail` must be email addresses; `login` must be
 * email-formatted unless the org relaxed the login pattern (option `loginFormat`); a handful of
 * base attributes carry maximum lengths. Custom attributes are accepted as-is (the simulator has no
 * profile-schema editor). Returns every problem at once; the caller turns them into 400 E0000001.
 *
 * The simulator keeps its own table of these limits rather than importing the agent's
 * (src/okta/profile.ts): it stands in for Okta and depends on nothing of the agent, so a wrong limit
 * in the agent shows up as a failing test instead of being agreed with. test/unit/okta/profile.test.ts
 * holds both tables to the official spec.
 *
 * Cause texts: "The field cannot be left blank" and "Username must be in the form of an email
 * address" are Okta's; the length and type messages are the simulator's own wording.
 */
import type { FieldProblem } from '../errors';
import type { Profile } from '../types';

export type LoginFormat = 'email' | 'any' | RegExp;

/** Same shape as ajv-formats' `email` so that every accepted email also validates against the spec. */
const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** Logins may contain non-ASCII letters (Okta's own example: `isáàc.bröck@example.com`). */
const LOGIN_EMAIL = /^[^\s@]+@[^\s@.][^\s@]*$/u;

interface LengthRule {
  min?: number;
  max?: number;
  required?: boolean;
  email?: boolean;
}

const RULES: Record<string, LengthRule> = {
  login: { required: true, min: 5, max: 100 },
  email: { required: true, min: 5, max: 100, email: true },
  firstName: { required: true, min: 1, max: 50 },
  lastName: { required: true, min: 1, max: 50 },
  secondEmail: { max: 100, email: true },
  city: { max: 128 },
  countryCode: { max: 2 },
  mobilePhone: { max: 100 },
  primaryPhone: { max: 100 },
  postalAddress: { max: 4096 },
  state: { max: 128 },
  streetAddress: { max: 1024 },
  zipCode: { max: 50 },
};

export function validateProfile(profile: Profile, loginFormat: LoginFormat): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, rule] of Object.entries(RULES)) {
    const v = profile[field];
    if (v === undefined || v === null || v === '') {
      if (rule.required) problems.push({ field, message: 'The field cannot be left blank' });
      continue;
    }
    if (typeof v !== 'string') {
      problems.push({ field, message: 'The field must be a string' });
      continue;
    }
    if (rule.min !== undefined && v.length < rule.min) {
      problems.push({ field, message: `The field must be at least ${rule.min} characters long` });
    } else if (rule.max !== undefined && v.length > rule.max) {
      problems.push({ field, message: `The field cannot be longer than ${rule.max} characters` });
    } else if (rule.email && !EMAIL.test(v)) {
      problems.push({ field, message: 'Does not match required pattern' });
    }
  }
  const login = profile.login;
  if (typeof login === 'string' && login.length >= 5 && login.length <= 100) {
    const ok = loginFormat === 'any' ? true : loginFormat === 'email' ? LOGIN_EMAIL.test(login) : loginFormat.test(login);
    if (!ok) problems.push({ field: 'login', message: 'Username must be in the form of an email address' });
  }
  return problems;
}

/** Profile values the API accepts: JSON scalars, arrays and objects (objects only inside custom attributes). */
export function isProfileObject(v: unknown): v is Profile {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
