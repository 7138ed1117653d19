import { isUnder, normalizeDn } from '../../../src/directory/dn';

const same = (a: string, b: string) => expect(normalizeDn(a)).toBe(normalizeDn(b));
const differ = (a: string, b: string) => expect(normalizeDn(a)).not.toBe(normalizeDn(b));

describe('normalizeDn: plain DNs', () => {
  test('case and spaces around separators do not matter', () => {
    expect(normalizeDn('CN=John Smith, OU=People ,DC=Example,DC=com')).toBe('cn=john smith,ou=people,dc=example,dc=com');
    same(' uid = jsmith , ou=people,dc=x ', 'uid=jsmith,ou=people,dc=x');
  });

  test('spaces inside a value matter', () => {
    differ('cn=John Smith,dc=x', 'cn=JohnSmith,dc=x');
    differ('cn=a = b,dc=x', 'cn=a=b,dc=x');
  });

  test('attribute types compare ignoring case', () => {
    same('CN=x,Ou=y,dC=z', 'cn=x,ou=y,dc=z');
  });

  test('an unescaped = inside a value is part of the value', () => {
    expect(normalizeDn('CN=a=b,DC=x')).toBe('cn=a=b,dc=x');
  });

  test('the empty DN, and strings that are not DNs, do not throw', () => {
    expect(normalizeDn('')).toBe('');
    expect(normalizeDn('  ')).toBe('');
    expect(normalizeDn('not a dn')).toBe('not a dn');
    expect(normalizeDn('cn=a\\')).toBe('cn=a\\');
    expect(normalizeDn('cn="unterminated,dc=x')).toBe('cn="unterminated,dc=x');
  });
});

describe('normalizeDn: escapes (RFC 4514)', () => {
  // each special character: the backslash form, the hex form (either case), the same DN
  const pairs: [string, string, string][] = [
    [',', '\\,', '\\2C'],
    ['+', '\\+', '\\2B'],
    ['"', '\\"', '\\22'],
    ['\\', '\\\\', '\\5C'],
    ['<', '\\<', '\\3C'],
    ['>', '\\>', '\\3E'],
    [';', '\\;', '\\3B'],
    ['=', '\\=', '\\3D'],
    ['#', '\\#', '\\23'],
  ];
  test.each(pairs)('%s: backslash form, upper- and lower-case hex compare equal', (_ch, esc, hex) => {
    const a = `CN=Smith${esc}John,OU=People,DC=x`;
    same(a, `CN=Smith${hex}John,OU=People,DC=x`);
    same(a, `cn=smith${hex.toLowerCase()}john,ou=people,dc=x`);
  });

  test('the normal form escapes the specials with a backslash, = and # inside a value as themselves', () => {
    expect(normalizeDn('CN=a\\2Cb\\2Bc\\22d\\5Ce\\3Cf\\3Eg\\3Bh\\3Di\\23j,DC=x')).toBe('cn=a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h=i#j,dc=x');
  });

  test('an escaped character that need not be escaped equals the character itself', () => {
    same('cn=a\\=b,dc=x', 'cn=a=b,dc=x');
    same('cn=a\\_b,dc=x', 'cn=a_b,dc=x');
    same('cn=a\\#b,dc=x', 'cn=a#b,dc=x');
  });

  test('an escaped separator is not a separator', () => {
    differ('cn=a\\,ou=b,dc=x', 'cn=a,ou=b,dc=x');
    differ('cn=a\\+uid=b,dc=x', 'cn=a+uid=b,dc=x');
    differ('cn=a\\;ou=b,dc=x', 'cn=a;ou=b,dc=x');
  });

  test('leading and trailing spaces: escaped ones belong to the value, unescaped ones do not', () => {
    same('CN=\\ Lead,DC=x', 'cn=\\20lead,dc=x');
    same('CN=Trail\\ ,DC=x', 'cn=trail\\20,dc=x');
    same('CN=Trail\\  ,DC=x', 'cn=trail\\ ,dc=x');
    differ('CN=\\ Lead,DC=x', 'cn=lead,dc=x');
    differ('CN=Trail\\ ,DC=x', 'cn=trail,dc=x');
    expect(normalizeDn('CN=\\20Lead\\20,DC=x')).toBe('cn=\\ lead\\ ,dc=x');
    // an escaped space at the very end of the DN is kept
    expect(normalizeDn('CN=x,DC=y\\ ')).toBe('cn=x,dc=y\\ ');
  });

  test('a leading # is escaped (a string value), and differs from a BER value', () => {
    same('CN=\\#hash,DC=x', 'cn=\\23hash,dc=x');
    expect(normalizeDn('CN=\\23hash,DC=x')).toBe('cn=\\#hash,dc=x');
    differ('cn=\\#04024869,dc=x', 'cn=#04024869,dc=x');
    expect(normalizeDn('CN=#04024869,DC=x')).toBe('cn=#04024869,dc=x');
    // an unescaped leading # that is not BER hex: taken as text (lenient)
    same('cn=#hash,dc=x', 'cn=\\#hash,dc=x');
    same('cn=#abc,dc=x', 'cn=\\23abc,dc=x');
  });

  test('whitespace other than spaces inside a value is kept; around the whole DN it is dropped on every path', () => {
    same('\tcn=a,dc=x\n', 'cn=a,dc=x');
    same('\tcn=a\\,b,dc=x\n', 'cn=a\\2cb,dc=x');
    differ('cn=a\u00a0,dc=x', 'cn=a,dc=x');
  });

  test('hex-escaped UTF-8 equals the characters', () => {
    same('cn=Ren\\C3\\A9e,dc=x', 'cn=Renée,dc=x');
    same('cn=\\E5\\BC\\A0\\E4\\BC\\9F,dc=x', 'cn=张伟,dc=x');
    same('cn=RENÉE,dc=x', 'cn=renée,dc=x');
    same('cn=😀\\,x,dc=y', 'cn=\\F0\\9F\\98\\80\\2Cx,dc=y');
  });

  test('quoted values (RFC 2253) equal their escaped form', () => {
    same('CN="Smith, John",DC=x', 'cn=Smith\\, John,dc=x');
    same('CN="a\\"b",DC=x', 'cn=a\\"b,dc=x');
    same('CN=" lead",DC=x', 'cn=\\ lead,dc=x');
  });

  test('; as an RDN separator (RFC 2253)', () => {
    same('cn=a;dc=x', 'cn=a,dc=x');
  });

  test('multi-valued RDNs: AVAs in any order, spaces around + dropped', () => {
    same('cn=John+uid=jsmith,dc=x', 'UID=jsmith + CN=John,dc=x');
    differ('cn=John+uid=jsmith,dc=x', 'cn=John,uid=jsmith,dc=x');
  });

  test('the Samba spelling of a CN with every special character equals the RFC 4514 one', () => {
    // what Samba returns for CN=" a,b+c"d\e<f>g;h=i#j"
    const samba = 'CN=\\ a\\,b\\+c\\"d\\\\e\\<f\\>g\\3Bh\\3Di#j,OU=people,OU=x,DC=example,DC=test';
    const rfc = 'cn=\\20a\\2cb\\2bc\\22d\\5ce\\3cf\\3eg\\;h\\=i\\#j,ou=People,ou=X,dc=Example,dc=Test';
    same(samba, rfc);
  });

  test('idempotent: the normal form normalises to itself', () => {
    for (const dn of [
      'CN=\\ a\\,b\\+c\\"d\\\\e\\<f\\>g\\3Bh\\3Di\\#j\\ ,DC=x',
      'cn=#0402,dc=x',
      'cn=a+uid=b,dc=x',
      'cn="q, r",dc=x',
      'cn=Renée,dc=x',
      'cn=x\\00y,dc=z',
    ]) {
      const n = normalizeDn(dn);
      expect(normalizeDn(n)).toBe(n);
    }
  });

  test('NUL is escaped as \\00', () => {
    expect(normalizeDn('cn=x\\00y,dc=z')).toBe('cn=x\\00y,dc=z');
  });
});

describe('isUnder', () => {
  test('the base itself and entries below it', () => {
    expect(isUnder('CN=a,OU=People,DC=x', 'ou=people,dc=x')).toBe(true);
    expect(isUnder('ou=people,dc=x', 'OU=People, DC=x')).toBe(true);
    expect(isUnder('cn=a,ou=other,dc=x', 'ou=people,dc=x')).toBe(false);
    expect(isUnder('cn=a,ou=xpeople,dc=x', 'ou=people,dc=x')).toBe(false);
  });

  test('escaped forms of the base match', () => {
    expect(isUnder('CN=a,OU=Sales\\2C EMEA,DC=x', 'ou=Sales\\, EMEA,dc=x')).toBe(true);
  });

  test('an escaped comma before the base is not a separator', () => {
    expect(isUnder('cn=a\\,ou=people,dc=x', 'ou=people,dc=x')).toBe(false);
    expect(isUnder('cn=a\\\\,ou=people,dc=x', 'ou=people,dc=x')).toBe(true);
  });
});
