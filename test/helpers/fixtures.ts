/** Shared test fixtures kept as files under test/fixtures/, read by name. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LdapEntry } from '../harness/ldif';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/**
 * The `transforms:` section in test/fixtures/transform/<name>.yaml, as text to put into a config
 * file beside the other sections.
 */
export function transformsYaml(name: string): string {
  const file = join(FIXTURES_DIR, 'transform', `${name}.yaml`);
  const text = readFileSync(file, 'utf8');
  if (!/^transforms:\s*$/m.test(text)) throw new Error(`${file} has no top-level transforms: section`);
  return text;
}

/**
 * An OU (`ou=<name>,…`) and `n` people in it for the `mail-login` transforms: uid <p><i>, cn "<P> <i>",
 * givenName "<P>", sn "<i>", mail <p><i>@example.com (p is `prefix`, P the same in capitals).
 */
export function mailLoginPeople(ou: string, prefix: string, n: number): LdapEntry[] {
  const P = prefix.toUpperCase();
  return [
    { dn: ou, attributes: { objectClass: ['organizationalUnit'], ou: ou.split(',')[0].replace(/^ou=/, '') } },
    ...Array.from({ length: n }, (_, i) => ({
      dn: `uid=${prefix}${i},${ou}`,
      attributes: { objectClass: ['inetOrgPerson'], uid: `${prefix}${i}`, cn: `${P} ${i}`, givenName: P, sn: String(i), mail: `${prefix}${i}@example.com` },
    })),
  ];
}
