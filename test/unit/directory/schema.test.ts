/**
 * The directory's config checks: a DN list that YAML flow style split at its commas is flagged
 * (a warning on the first piece), real DN lists and a lone one-RDN base are not.
 */
import { checkDnList } from '../../../src/directory/schema';
import { rdnCount } from '../../../src/directory/dn';

describe('rdnCount', () => {
  test('counts RDNs, not commas: escaped and hex-escaped commas, quoted values and multi-valued RDNs are one RDN', () => {
    expect(rdnCount('ou=groups,dc=corp,dc=example')).toBe(3);
    expect(rdnCount('dc=example')).toBe(1);
    expect(rdnCount('cn=Smith\\, John')).toBe(1);
    expect(rdnCount('cn=Smith\\2C John,ou=people,dc=x')).toBe(3);
    expect(rdnCount('cn="Smith, John",dc=x')).toBe(2);
    expect(rdnCount('cn=a+uid=b,dc=x')).toBe(2);
    expect(rdnCount(' ou=people ; dc=x ')).toBe(2);
  });

  test('a string that is not a DN has none', () => {
    expect(rdnCount('')).toBe(0);
    expect(rdnCount('people')).toBe(0);
  });
});

describe('checkDnList', () => {
  test('a DN split into one-RDN entries gets one warning, on the first piece, naming the DN and the fix', () => {
    const issues = checkDnList(['groups', 'baseDns'], ['ou=groups', ' dc=corp', 'dc=example']);
    expect(issues).toEqual([{ path: ['groups', 'baseDns', 0], severity: 'warning', message: expect.any(String) }]);
    expect(issues[0].message).toContain('split into 3 entries ("ou=groups", "dc=corp", "dc=example")');
    expect(issues[0].message).toContain('quote it ("ou=groups,dc=corp,dc=example")');
  });

  test('the pieces are found beside full DNs, each run of pieces once', () => {
    const issues = checkDnList(['source', 'users', 'baseDns'], ['ou=staff,dc=x', 'ou=people', 'dc=x', 'ou=b,dc=y', 'ou=c', 'dc=y']);
    expect(issues.map((i) => i.path)).toEqual([
      ['source', 'users', 'baseDns', 1],
      ['source', 'users', 'baseDns', 4],
    ]);
  });

  test('a list of full DNs is what it says', () => {
    expect(checkDnList(['groups', 'baseDns'], ['ou=people,dc=corp,dc=example', 'ou=staff,dc=corp,dc=example', 'cn=Smith\\, John,dc=x'])).toEqual([]);
  });

  test('a single one-RDN base DN, alone or beside full DNs, is what it says', () => {
    expect(checkDnList(['groups', 'baseDns'], ['dc=example'])).toEqual([]);
    expect(checkDnList(['groups', 'baseDns'], ['dc=example', 'ou=people,dc=other'])).toEqual([]);
    expect(checkDnList(['groups', 'baseDns'], ['cn=Smith\\, John'])).toEqual([]);
  });
});
