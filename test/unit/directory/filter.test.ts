import { and, eq, escapeFilterValue, gte, or, wrapFilter } from '../../../src/directory/filter';
import { compileFilter } from '../../../src/directory/ldap/filter-match';

describe('LDAP filter values are escaped (RFC 4515)', () => {
  test.each([
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\u0000', 'nul\\00'],
    ['Zoë (admin)', 'Zoë \\28admin\\29'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  test('binary values escape every byte', () => {
    expect(escapeFilterValue(Buffer.from([0x4c, 0x91, 0x2a]))).toBe('\\4c\\91\\2a');
  });

  test('an injected value stays one equality assertion', () => {
    const f = and('(objectClass=inetOrgPerson)', or(eq('uid', '*)(uid=*'), eq('mail', '*')));
    expect(f).toBe('(&(objectClass=inetOrgPerson)(|(uid=\\2a\\29\\28uid=\\2a)(mail=\\2a)))');
    const match = compileFilter(f);
    expect(match({ objectclass: ['inetOrgPerson'], uid: ['alice'], mail: ['alice@example.com'] })).toBe(false);
    expect(match({ objectclass: ['inetOrgPerson'], uid: ['*)(uid=*'] })).toBe(true);
  });

  test('attribute names are checked, values are not trusted', () => {
    expect(() => eq('uid)(x', 'a')).toThrow(/not an LDAP attribute/);
    expect(gte('modifyTimestamp', '20261128000000Z')).toBe('(modifyTimestamp>=20261128000000Z)');
  });

  test('a configured filter without parentheses is wrapped', () => {
    expect(wrapFilter('objectClass=person')).toBe('(objectClass=person)');
    expect(wrapFilter(' (a=b) ')).toBe('(a=b)');
  });
});

describe('in-memory filter evaluation (LDIF sources)', () => {
  const m = compileFilter('(&(objectClass=inetOrgPerson)(!(employeeType=service))(|(mail=*@example.com)(uid=ad*)))');
  test('multi-valued attributes match when any value does; values ignore case', () => {
    expect(m({ objectclass: ['top', 'InetOrgPerson'], mail: ['X@EXAMPLE.COM'] })).toBe(true);
    expect(m({ objectclass: ['inetOrgPerson'], uid: ['adm1'] })).toBe(true);
    expect(m({ objectclass: ['inetOrgPerson'], uid: ['adm1'], employeetype: ['Service'] })).toBe(false);
    expect(m({ objectclass: ['groupOfNames'], uid: ['adm1'] })).toBe(false);
  });
  test('ordering compares numbers numerically', () => {
    expect(compileFilter('(uidNumber>=1000)')({ uidnumber: ['999'] })).toBe(false);
    expect(compileFilter('(uidNumber>=1000)')({ uidnumber: ['10000'] })).toBe(true);
  });
});
