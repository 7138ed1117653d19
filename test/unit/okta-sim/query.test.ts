/** search/filter expression parsing and compilation (users and groups dialects). */
import { OktaSimError } from '../../../src/okta-sim/errors';
import { compileQuery } from '../../../src/okta-sim/query/compile';
import { groupFilterDialect, groupSearchDialect, userFilterDialect, userSearchDialect } from '../../../src/okta-sim/query/dialects';
import { parseQuery } from '../../../src/okta-sim/query/parser';
import type { GroupRecord, UserRecord } from '../../../src/okta-sim/types';

const T0 = Date.parse('2024-01-01T00:00:00.000Z');

function user(id: string, profile: Record<string, unknown>, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    status: 'ACTIVE',
    created: T0,
    activated: T0,
    statusChanged: T0,
    lastLogin: null,
    lastUpdated: T0,
    passwordChanged: null,
    typeId: 'otyDefault',
    profile: profile as UserRecord['profile'],
    credentials: { hasPassword: false, provider: { type: 'OKTA', name: 'OKTA' } },
    version: 1,
    ...extra,
  };
}

const users = [
  user('00u1', { login: 'isaac.brock@example.com', firstName: 'Isaac', lastName: 'Brock', department: 'Engineering', tags: ['a', 'B'] }),
  user('00u2', { login: 'isáàc.bröck@example.com', firstName: 'Isáàc', lastName: 'Bröck', department: 'Sales' }, { status: 'STAGED', lastUpdated: T0 + 1000 }),
  user('00u3', { login: 'zoe@example.com', firstName: 'Zoe', lastName: 'Adams', employeeNumber: 42 }, { status: 'DEPROVISIONED', lastUpdated: T0 + 2000 }),
];

function ids(src: string, dialect = userSearchDialect): string[] {
  const p = compileQuery(src, dialect);
  return users.filter(p).map((u) => u.id);
}

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof OktaSimError) return e.errorCode;
    throw e;
  }
  throw new Error('no error');
}

describe('parser', () => {
  test('and binds tighter than or; parentheses group', () => {
    expect(parseQuery('a eq "1" or b eq "2" and c eq "3"')).toEqual({
      kind: 'or',
      left: { kind: 'compare', attr: 'a', op: 'eq', value: '1' },
      right: { kind: 'and', left: { kind: 'compare', attr: 'b', op: 'eq', value: '2' }, right: { kind: 'compare', attr: 'c', op: 'eq', value: '3' } },
    });
    expect(parseQuery('(a eq "1" or b eq "2") and c pr').kind).toBe('and');
  });

  test('operators and keywords are case-insensitive; escapes, numbers, booleans, null', () => {
    const cmp = (attr: string, op: string, value: unknown) => ({ kind: 'compare', attr, op, value });
    // Upper/mixed-case EQ, AND, GT, Or, OR parse as the lower-case operators with the usual precedence;
    // the escaped quote is unescaped, 5 is a number, true a boolean, null the null literal.
    expect(parseQuery('profile.x EQ "a\\"b" AND y GT 5 Or z eq true OR w eq null')).toEqual({
      kind: 'or',
      left: { kind: 'or', left: { kind: 'and', left: cmp('profile.x', 'eq', 'a"b'), right: cmp('y', 'gt', 5) }, right: cmp('z', 'eq', true) },
      right: cmp('w', 'eq', null),
    });
    expect(parseQuery('x eq false')).toEqual(cmp('x', 'eq', false));
    expect(parseQuery('x Eq TRUE or y eq NULL')).toEqual({ kind: 'or', left: cmp('x', 'eq', true), right: cmp('y', 'eq', null) });
    expect(parseQuery('x ge 12')).toEqual(cmp('x', 'ge', 12));
    expect(parseQuery('x eq "12"')).toEqual(cmp('x', 'eq', '12'));
    expect(parseQuery('Profile.Login PR')).toEqual({ kind: 'present', attr: 'Profile.Login' });
    expect(parseQuery('x eq "back\\\\slash"')).toEqual(cmp('x', 'eq', 'back\\slash'));
    expect(parseQuery('x eq "say \\"hi\\""')).toEqual({ kind: 'compare', attr: 'x', op: 'eq', value: 'say "hi"' });
    expect(parseQuery('x eq -1.5')).toEqual({ kind: 'compare', attr: 'x', op: 'eq', value: -1.5 });
    // and upper-case operators select the same records as lower-case ones
    expect(ids('status EQ "active" OR profile.employeeNumber GE 42')).toEqual(ids('status eq "active" or profile.employeeNumber ge 42'));
    expect(ids('status EQ "active" OR profile.employeeNumber GE 42')).toEqual(['00u1', '00u3']);
  });

  test.each([
    '',
    'status',
    'status eq',
    'status eq "A" and',
    '(status eq "A"',
    'status eq "A")',
    'status xx "A"',
    'status eq "unterminated',
    'not status eq "A"',
    'status eq ACTIVE',
  ])('syntax error → E0000031: %s', (src) => {
    expect(errorCode(() => compileQuery(src, userSearchDialect))).toBe('E0000031');
  });
});

describe('users search', () => {
  test('values case-insensitive, diacritics significant', () => {
    expect(ids('profile.login eq "ISAAC.BROCK@EXAMPLE.COM"')).toEqual(['00u1']);
    expect(ids('profile.firstName eq "isáàc"')).toEqual(['00u2']);
    expect(ids('profile.firstName sw "isa"')).toEqual(['00u1']);
  });

  test('eq, sw, co, pr, ranges, and/or/parentheses, top-level attributes', () => {
    expect(ids('status eq "active"')).toEqual(['00u1']);
    expect(ids('profile.lastName co "ROC"')).toEqual(['00u1']);
    expect(ids('profile.employeeNumber pr')).toEqual(['00u3']);
    expect(ids('profile.employeeNumber eq 42')).toEqual(['00u3']);
    expect(ids('profile.employeeNumber gt 41')).toEqual(['00u3']);
    expect(ids('(status lt "STAGED" or status gt "STAGED")')).toEqual(['00u1', '00u3']);
    expect(ids('profile.department eq "engineering" or (status eq "DEPROVISIONED" and profile.firstName sw "z")')).toEqual(['00u1', '00u3']);
    expect(ids('lastUpdated gt "2024-01-01T00:00:00.500Z"')).toEqual(['00u2', '00u3']);
    expect(ids('lastUpdated le "2024-01-01T00:00:01.000Z" and lastUpdated ge "2024-01-01T00:00:01.000Z"')).toEqual(['00u2']);
    expect(ids('created eq "2024-01-01T01:00:00.000+01:00"')).toEqual(['00u1', '00u2', '00u3']);
    expect(ids('id eq "00u2"')).toEqual(['00u2']);
    expect(ids('type.id eq "otydefault"')).toEqual(['00u1', '00u2', '00u3']);
  });

  test('arrays match when any element matches', () => {
    expect(ids('profile.tags eq "b"')).toEqual(['00u1']);
  });

  test('unsupported: ne, co outside the four attributes, unknown top-level attributes', () => {
    expect(errorCode(() => compileQuery('status ne "ACTIVE"', userSearchDialect))).toBe('E0000031');
    expect(errorCode(() => compileQuery('profile.department co "x"', userSearchDialect))).toBe('E0000031');
    expect(errorCode(() => compileQuery('foo eq "x"', userSearchDialect))).toBe('E0000031');
  });

  test('malformed dates → E0000030', () => {
    expect(errorCode(() => compileQuery('lastUpdated gt "yesterday"', userSearchDialect))).toBe('E0000030');
    expect(errorCode(() => compileQuery('created lt 5', userSearchDialect))).toBe('E0000030');
  });
});

describe('users filter', () => {
  test('values case-sensitive; only the documented attributes; eq (and ranges on lastUpdated)', () => {
    expect(ids('profile.login eq "zoe@example.com"', userFilterDialect)).toEqual(['00u3']);
    expect(ids('profile.login eq "ZOE@example.com"', userFilterDialect)).toEqual([]);
    expect(ids('status eq "STAGED" or status eq "DEPROVISIONED"', userFilterDialect)).toEqual(['00u2', '00u3']);
    expect(ids('lastUpdated gt "2024-01-01T00:00:00.000Z" and lastUpdated lt "2024-01-01T00:00:02.000Z"', userFilterDialect)).toEqual(['00u2']);
    expect(errorCode(() => compileQuery('profile.department eq "Sales"', userFilterDialect))).toBe('E0000031');
    expect(errorCode(() => compileQuery('status sw "A"', userFilterDialect))).toBe('E0000031');
    expect(errorCode(() => compileQuery('created gt "2024-01-01T00:00:00.000Z"', userFilterDialect))).toBe('E0000031');
    expect(errorCode(() => compileQuery('profile.login pr', userFilterDialect))).toBe('E0000031');
  });
});

describe('groups', () => {
  const g = (id: string, type: GroupRecord['type'], name: string, extra: Partial<GroupRecord> = {}): GroupRecord => ({
    id,
    type,
    created: T0,
    lastUpdated: T0,
    lastMembershipUpdated: T0,
    objectClass: ['okta:user_group'],
    profile: { name },
    ...extra,
  });
  const groups = [g('00g1', 'OKTA_GROUP', 'West Coast users'), g('00g2', 'APP_GROUP', 'AD Admins', { sourceId: '0oaAD', lastMembershipUpdated: T0 + 5000 })];
  const gids = (src: string, d = groupSearchDialect) => groups.filter(compileQuery(src, d)).map((x) => x.id);

  test('search: type, profile.name sw/co, source.id, dates', () => {
    expect(gids('type eq "app_group"')).toEqual(['00g2']);
    expect(gids('profile.name sw "west"')).toEqual(['00g1']);
    expect(gids('profile.name co "ADMIN"')).toEqual(['00g2']);
    expect(gids('source.id eq "0oaAD"')).toEqual(['00g2']);
    expect(gids('lastMembershipUpdated gt "2024-01-01T00:00:01.000Z"')).toEqual(['00g2']);
    expect(errorCode(() => compileQuery('profile.samAccountName co "x"', groupSearchDialect))).toBe('E0000031');
  });

  test('filter: id, type, lastUpdated, lastMembershipUpdated only; case-sensitive', () => {
    expect(gids('type eq "OKTA_GROUP"', groupFilterDialect)).toEqual(['00g1']);
    expect(gids('type eq "okta_group"', groupFilterDialect)).toEqual([]);
    expect(errorCode(() => compileQuery('profile.name eq "x"', groupFilterDialect))).toBe('E0000031');
  });
});
