/**
 * Parsing of user request bodies (create / update): the body object, `profile` without nulls,
 * `credentials` (password, recovery question, provider) and `type`. Problems are collected as
 * field problems for one 400 E0000001; a body that is not a JSON object is 400 E0000003.
 * Secrets are never kept: a password only sets `hasPassword`.
 */
import { errors, type FieldProblem } from '../errors';
import { PROVIDER_TYPES, type Profile, type ProviderType, type UserCredentialsRecord } from '../types';

export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw errors.malformedBody();
  return body as Record<string, unknown>;
}

export function stripNulls(profile: Profile): Profile {
  const out: Profile = {};
  for (const [k, v] of Object.entries(profile)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** `type: {id}`; undefined when absent. */
export function parseTypeId(raw: unknown, problems: FieldProblem[]): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  if (typeof raw !== 'object' || typeof id !== 'string' || id === '') {
    problems.push({ field: 'type', message: 'The field must be an object with a user type id' });
    return undefined;
  }
  return id;
}

/** Credentials of a create (`providerFlag` = `?provider=true`) or an update (`current` set: provider is read-only). */
export function parseCredentials(raw: unknown, providerFlag: boolean, problems: FieldProblem[], current?: UserCredentialsRecord): UserCredentialsRecord {
  const base: UserCredentialsRecord = current
    ? { ...current }
    : { hasPassword: false, provider: providerFlag ? { type: 'FEDERATION', name: 'FEDERATION' } : { type: 'OKTA', name: 'OKTA' } };
  if (raw === undefined || raw === null) return base;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ field: 'credentials', message: 'The field must be an object' });
    return base;
  }
  const c = raw as Record<string, unknown>;
  if (c.password !== undefined && c.password !== null) {
    const p = c.password as Record<string, unknown>;
    if (typeof p !== 'object' || (p.value === undefined && p.hash === undefined && p.hook === undefined)) {
      problems.push({ field: 'password', message: 'The field cannot be left blank' });
    } else {
      base.hasPassword = true;
    }
  }
  const rq = c.recovery_question as Record<string, unknown> | undefined;
  if (rq && typeof rq === 'object' && typeof rq.question === 'string') base.recoveryQuestion = rq.question;
  if (!current && c.provider !== undefined && c.provider !== null) {
    const pr = c.provider as Record<string, unknown>;
    const type = pr.type;
    if (typeof type !== 'string' || !(PROVIDER_TYPES as readonly string[]).includes(type)) {
      problems.push({ field: 'provider', message: `Valid values are ${PROVIDER_TYPES.join(', ')}` });
    } else {
      base.provider = { type: type as ProviderType, name: typeof pr.name === 'string' ? pr.name : type };
    }
  }
  return base;
}

/** Profile equality (values compared as JSON). */
export function shallowEqual(a: Profile, b: Readonly<Profile>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
