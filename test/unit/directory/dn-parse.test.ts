import { normalizeDn, parentDn, parseDn } from '../../../src/directory/dn';

/** parseDn and parentDn: the same RFC 4514 parser normalizeDn uses (the transform functions rdn, dnValues, parentDn). */
describe('parseDn', () => {
  test('RDNs leaf first, values unescaped with their case, types as written', () => {
    expect(parseDn('CN=Smith\\, John,OU=R\\C3\\A9seau, DC=corp')).toEqual([
      [{ type: 'CN', value: 'Smith, John' }],
      [{ type: 'OU', value: 'Réseau' }],
      [{ type: 'DC', value: 'corp' }],
    ]);
  });

  test('multi-valued RDNs keep their AVAs in order; ; separates RDNs', () => {
    expect(parseDn('cn=John + uid=jsmith;dc=x')).toEqual([
      [
        { type: 'cn', value: 'John' },
        { type: 'uid', value: 'jsmith' },
      ],
      [{ type: 'dc', value: 'x' }],
    ]);
  });

  test('quoted values: separators inside are text, and escapes (hex too) apply inside quotes (RFC 2253)', () => {
    expect(parseDn('OU="Sales, EMEA",DC=corp')?.[0]).toEqual([{ type: 'OU', value: 'Sales, EMEA' }]);
    expect(parseDn('cn="a\\2Cb\\"c",dc=x')?.[0]).toEqual([{ type: 'cn', value: 'a,b"c' }]);
  });

  test('a BER value is given as its #hex text and marked; an escaped or non-hex # is text', () => {
    expect(parseDn('cn=#04024869,dc=x')?.[0]).toEqual([{ type: 'cn', value: '#04024869', ber: true }]);
    expect(parseDn('cn=\\#hash,dc=x')?.[0]).toEqual([{ type: 'cn', value: '#hash' }]);
    expect(parseDn('cn=#hash,dc=x')?.[0]).toEqual([{ type: 'cn', value: '#hash' }]);
  });

  test('escaped spaces at the ends belong to the value; white space around the whole DN does not', () => {
    expect(parseDn('cn=\\ a\\ ,dc=x')?.[0]).toEqual([{ type: 'cn', value: ' a ' }]);
    expect(parseDn('\tcn=a,dc=x\n')).toEqual([[{ type: 'cn', value: 'a' }], [{ type: 'dc', value: 'x' }]]);
  });

  test('the empty DN has no RDNs; strings that are not DNs have no parse', () => {
    expect(parseDn('')).toEqual([]);
    expect(parseDn('  ')).toEqual([]);
    for (const bad of ['not a dn', 'cn=a,', 'cn=a,,dc=x', 'cn=a+,dc=x', '=a,dc=x', 'cn=a\\', 'cn="unterminated,dc=x', 'cn="a"x,dc=b']) {
      expect([bad, parseDn(bad)]).toEqual([bad, null]);
    }
  });

  test('the normal form is built from the same parse', () => {
    const dn = 'CN="Smith, J\\C3\\A9",OU=Sales\\2C EMEA,DC=x';
    const rdns = parseDn(dn)!;
    expect(rdns.map((r) => r[0].value)).toEqual(['Smith, Jé', 'Sales, EMEA', 'x']);
    expect(normalizeDn(dn)).toBe('cn=smith\\, jé,ou=sales\\, emea,dc=x');
  });
});

describe('parentDn', () => {
  test('the DN without its first RDN, as written', () => {
    expect(parentDn('CN=Smith\\, John,OU=Sales,DC=corp')).toBe('OU=Sales,DC=corp');
    expect(parentDn('cn=a ,  ou=B\\2C c ,dc=x')).toBe('ou=B\\2C c ,dc=x');
    expect(parentDn('cn=x;dc=y')).toBe('dc=y');
  });

  test('an escaped quote inside a quoted value does not end it', () => {
    expect(parentDn('cn="a\\"b, c",dc=x')).toBe('dc=x');
  });

  test('an escaped trailing space is kept; unescaped trailing white space is not', () => {
    expect(parentDn('cn=x,dc=y\\ ')).toBe('dc=y\\ ');
    expect(parentDn('cn=x,dc=y  \n')).toBe('dc=y');
  });

  test('a single RDN, the empty DN and strings that are not DNs have no parent', () => {
    expect(parentDn('cn=a')).toBeNull();
    expect(parentDn('')).toBeNull();
    expect(parentDn('foo,bar')).toBeNull();
    expect(parentDn('cn=a,dc=x,')).toBeNull();
  });
});
