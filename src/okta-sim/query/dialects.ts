/**
 * What each list endpoint's `search` and `filter` parameters accept (official spec, listUsers /
 * listGroups parameter descriptions):
 *
 * - users `search`: any `profile.*` attribute, `id`, `status`, `created`, `activated`,
 *   `statusChanged`, `lastUpdated`, `type.id`; operators eq, sw, gt, ge, lt, le, pr, and `co` only on
 *   profile.firstName/lastName/email/login; no `ne`. Values case-insensitive.
 * - users `filter`: `status`, `id`, `profile.login`, `profile.email`, `profile.firstName`,
 *   `profile.lastName` with `eq`; `lastUpdated` with eq/gt/ge/lt/le. Values case-sensitive.
 * - groups `search`: any `profile.*`, `id`, `type`, `created`, `lastUpdated`,
 *   `lastMembershipUpdated`, `source.id`; eq, sw, co (co only profile.name/description), and
 *   gt/ge/lt/le on dates. Values case-insensitive (assumed, like users).
 * - groups `filter`: `id`, `type` with eq; `lastUpdated`, `lastMembershipUpdated` with eq/gt/ge/lt/le.
 */
import type { GroupRecord, UserRecord } from '../types';
import type { AttributeSpec, Operator, QueryDialect } from './compile';

const ops = (...o: Operator[]): ReadonlySet<Operator> => new Set(o);

const SEARCH_VALUE = ops('eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr');
const SEARCH_VALUE_CO = ops('eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le', 'pr');
const SEARCH_DATE = ops('eq', 'gt', 'ge', 'lt', 'le', 'pr');
const FILTER_EQ = ops('eq');
const FILTER_DATE = ops('eq', 'gt', 'ge', 'lt', 'le');
const GROUP_SEARCH_VALUE = ops('eq', 'sw', 'pr');
const GROUP_SEARCH_VALUE_CO = ops('eq', 'sw', 'co', 'pr');

const USER_CO_ATTRS = new Set(['firstName', 'lastName', 'email', 'login']);
const GROUP_CO_ATTRS = new Set(['name', 'description']);

type UserDateField = 'created' | 'activated' | 'statusChanged' | 'lastUpdated';
const USER_DATES = new Set<string>(['created', 'activated', 'statusChanged', 'lastUpdated']);

const profileGetter =
  (name: string) =>
  (r: { profile: Readonly<Record<string, unknown>> }): unknown =>
    r.profile[name];

export const userSearchDialect: QueryDialect<UserRecord> = {
  caseInsensitive: true,
  resolve(attr): AttributeSpec<UserRecord> | undefined {
    if (attr.startsWith('profile.')) {
      const name = attr.slice('profile.'.length);
      if (!name || name.includes('.')) return undefined;
      return { get: profileGetter(name), kind: 'value', ops: USER_CO_ATTRS.has(name) ? SEARCH_VALUE_CO : SEARCH_VALUE };
    }
    if (attr === 'id') return { get: (r) => r.id, kind: 'value', ops: SEARCH_VALUE };
    if (attr === 'status') return { get: (r) => r.status, kind: 'value', ops: SEARCH_VALUE };
    if (attr === 'type.id') return { get: (r) => r.typeId, kind: 'value', ops: SEARCH_VALUE };
    if (USER_DATES.has(attr)) {
      const f = attr as UserDateField;
      return { get: (r) => r[f], kind: 'date', ops: SEARCH_DATE };
    }
    return undefined;
  },
};

const USER_FILTER_PROFILE = new Set(['login', 'email', 'firstName', 'lastName']);

export const userFilterDialect: QueryDialect<UserRecord> = {
  caseInsensitive: false,
  resolve(attr): AttributeSpec<UserRecord> | undefined {
    if (attr.startsWith('profile.')) {
      const name = attr.slice('profile.'.length);
      return USER_FILTER_PROFILE.has(name) ? { get: profileGetter(name), kind: 'value', ops: FILTER_EQ } : undefined;
    }
    if (attr === 'id') return { get: (r) => r.id, kind: 'value', ops: FILTER_EQ };
    if (attr === 'status') return { get: (r) => r.status, kind: 'value', ops: FILTER_EQ };
    if (attr === 'lastUpdated') return { get: (r) => r.lastUpdated, kind: 'date', ops: FILTER_DATE };
    return undefined;
  },
};

export const groupSearchDialect: QueryDialect<GroupRecord> = {
  caseInsensitive: true,
  resolve(attr): AttributeSpec<GroupRecord> | undefined {
    if (attr.startsWith('profile.')) {
      const name = attr.slice('profile.'.length);
      if (!name || name.includes('.')) return undefined;
      return { get: profileGetter(name), kind: 'value', ops: GROUP_CO_ATTRS.has(name) ? GROUP_SEARCH_VALUE_CO : GROUP_SEARCH_VALUE };
    }
    if (attr === 'id') return { get: (r) => r.id, kind: 'value', ops: GROUP_SEARCH_VALUE };
    if (attr === 'type') return { get: (r) => r.type, kind: 'value', ops: GROUP_SEARCH_VALUE };
    if (attr === 'source.id') return { get: (r) => r.sourceId, kind: 'value', ops: GROUP_SEARCH_VALUE };
    if (attr === 'created') return { get: (r) => r.created, kind: 'date', ops: SEARCH_DATE };
    if (attr === 'lastUpdated') return { get: (r) => r.lastUpdated, kind: 'date', ops: SEARCH_DATE };
    if (attr === 'lastMembershipUpdated') return { get: (r) => r.lastMembershipUpdated, kind: 'date', ops: SEARCH_DATE };
    return undefined;
  },
};

export const groupFilterDialect: QueryDialect<GroupRecord> = {
  caseInsensitive: false,
  resolve(attr): AttributeSpec<GroupRecord> | undefined {
    if (attr === 'id') return { get: (r) => r.id, kind: 'value', ops: FILTER_EQ };
    if (attr === 'type') return { get: (r) => r.type, kind: 'value', ops: FILTER_EQ };
    if (attr === 'lastUpdated') return { get: (r) => r.lastUpdated, kind: 'date', ops: FILTER_DATE };
    if (attr === 'lastMembershipUpdated') return { get: (r) => r.lastMembershipUpdated, kind: 'date', ops: FILTER_DATE };
    return undefined;
  },
};
