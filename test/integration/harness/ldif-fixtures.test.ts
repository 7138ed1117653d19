import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { first, parseLdif, startSlapd, values } from '../../harness';

/** test/fixtures/ldif: the valid files are real directory data, the malformed ones really are malformed. */
const DIR = path.resolve(__dirname, '../../fixtures/ldif');

describe('LDIF fixtures', () => {
  test('rfc2849-features.ldif parses to the intended values', () => {
    const entries = parseLdif(readFileSync(path.join(DIR, 'rfc2849-features.ldif'), 'utf8'), { binaryAttributes: ['jpegPhoto', 'userCertificate;binary'] });
    expect(entries.map((e) => e.dn)).toEqual([
      'dc=example,dc=com',
      'ou=people,dc=example,dc=com',
      'cn=Zoë Lefèvre,ou=people,dc=example,dc=com',
      'cn=Анна-Мария Римская-Корсакова-Бестужева-Рюмина (Отдел продаж),ou=people,dc=example,dc=com',
      'cn=Smith\\, John \\+ \\"Jr\\" \\<ops\\> \\; \\#1\\ ,ou=people,dc=example,dc=com',
      'cn=EXAMPLE\\5Cjdoe,ou=people,dc=example,dc=com',
      'cn=Admins\\, IT,ou=groups,dc=example,dc=com',
    ]);
    const [, ou, zoe, anna, smith, jdoe, admins] = entries;
    expect(first(ou, 'description')).toBe(
      'a plain value with trailing text that is long enough to be folded across two lines; the continuation starts with one space',
    );
    expect(first(zoe, 'mail')).toBe(' zoe.lefevre@example.com');
    expect(first(zoe, 'title')).toBe(':colon first');
    expect(first(zoe, 'l')).toBe('Paris ');
    expect(first(zoe, 'displayName')).toBe('');
    expect(first(zoe, 'cn;lang-fr')).toBe('Zoé Lefèvre');
    expect(first(anna, 'description')).toMatch(/^日本語の説明文/);
    expect(first(smith, 'cn')).toBe('Smith, John + "Jr" <ops> ; #1 ');
    expect(Buffer.isBuffer(values(jdoe, 'jpegPhoto')[0])).toBe(true);
    expect(values(admins, 'member')).toHaveLength(2);
  });

  test('crlf.ldif and the ldifde export parse', () => {
    const crlf = parseLdif(readFileSync(path.join(DIR, 'crlf.ldif'), 'utf8'));
    expect(crlf.map((e) => first(e, 'cn'))).toEqual(['Windows Line Endings', 'Second']);
    const ad = parseLdif(readFileSync(path.join(DIR, 'ad-ldifde-export.ldif'), 'utf8'), { binaryAttributes: ['objectGUID', 'objectSid'] });
    expect(ad).toHaveLength(3);
    expect(ad[1].dn).toBe('CN=Nguyễn Văn An,OU=Users,OU=Corp,DC=example,DC=test');
    expect((values(ad[0], 'objectGUID')[0] as Buffer).length).toBe(16);
    expect(first(ad[0], 'mail')).toBe('John.Smith@Example.com ');
  });

  test('the valid OpenLDAP fixtures load into slapd', async () => {
    // slapadd itself rejects `version: 1` ("entry -1 has no dn"), so this one goes through parseLdif
    const server = await startSlapd({ seedFiles: [path.join(DIR, 'rfc2849-features.ldif')], rawSeedFiles: [path.join(DIR, 'crlf.ldif')] });
    try {
      const people = await server.search(`ou=people,${server.baseDn}`, { scope: 'one', attributes: ['cn'] });
      expect(people.map((p) => p.cn).flat()).toEqual(expect.arrayContaining(['Zoë Lefèvre', 'EXAMPLE\\jdoe', 'Windows Line Endings']));
    } finally {
      await server.stop();
    }
  });

  test.each(readdirSync(path.join(DIR, 'malformed')))('slapadd rejects malformed/%s', async (name) => {
    await expect(startSlapd({ rawSeedFiles: [path.join(DIR, 'malformed', name)], skeleton: false })).rejects.toThrow(/slapadd/);
  });
});
