import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { first, parseLdif, startSlapd, values, type LdapEntry } from '../../harness';

/** config/demo/directory.ldif: up to date with its generator, loadable into slapd, as messy as promised. */
const ROOT = path.resolve(__dirname, '../../..');
const FILE = path.join(ROOT, 'config', 'demo', 'directory.ldif');

describe('config/demo/directory.ldif', () => {
  const text = readFileSync(FILE, 'utf8');
  const entries = parseLdif(text);
  const people = entries.filter((e) => e.dn.endsWith(',ou=people,dc=example,dc=com'));
  const has = (e: LdapEntry, a: string): boolean => values(e, a).length > 0;

  test('is what scripts/gen-sample-directory.mjs generates', () => {
    const generated = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-sample-directory.mjs'), '--stdout'], { encoding: 'utf8' });
    expect(generated).toBe(text);
  });

  test('looks like a slapcat export: operational attributes, base64 values, folded lines', () => {
    for (const e of entries) {
      for (const a of ['entryUUID', 'entryCSN', 'createTimestamp', 'modifyTimestamp', 'structuralObjectClass', 'creatorsName']) expect(has(e, a)).toBe(true);
      expect(first(e, 'entryCSN')).toMatch(/^\d{14}\.\d{6}Z#000000#000#000000$/);
      expect(first(e, 'entryUUID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // the suffix entry carries the newest CSN of the tree, as slapcat writes it
    const csns = entries.map((e) => first(e, 'entryCSN')!).sort();
    expect(first(entries[0], 'contextCSN')).toBe(csns[csns.length - 1]);
    expect(text).toMatch(/^[a-zA-Z]+:: /m);
    expect(text).toMatch(/^dn:: /m);
    expect(text).toMatch(/\n [^\n]/); // folded
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l.length > 78)).toEqual([]);
    expect(new Set(entries.map((e) => first(e, 'entryUUID'))).size).toBe(entries.length);
  });

  test('about 250 realistic, messy people', () => {
    expect(people.length).toBeGreaterThanOrEqual(200);
    const phones = people.map((p) => first(p, 'telephoneNumber')).filter((t): t is string => !!t);
    const bad = phones.filter((t) => !/^(\+|0|\(|1 |\d{3}[-. ]\d{3})/.test(t) || /[a-zA-Z]{2}|\/\/|^\d{1,5}$/.test(t));
    expect(bad.length / people.length).toBeGreaterThan(0.2);
    const mails = people.map((p) => first(p, 'mail'));
    expect(mails.filter((m) => m === undefined).length).toBeGreaterThan(10);
    expect(mails.some((m) => m !== undefined && m !== m.trim())).toBe(true);
    expect(mails.some((m) => m !== undefined && /[A-Z]/.test(m))).toBe(true);
    expect(people.filter((p) => !has(p, 'sn')).length).toBeGreaterThanOrEqual(1);
    const names = people.map((p) => first(p, 'displayName')?.trim()).filter(Boolean);
    expect(new Set(names).size).toBeLessThan(names.length);
    const all = people.map((p) => `${first(p, 'cn')}`).join('\n');
    expect(all).toMatch(/\p{Script=Cyrillic}|\p{Script=Greek}|\p{Script=Han}|\p{Script=Hangul}/u);
    expect(all).toMatch(/[éèüöäñçøåł]/i);
    for (const ch of ['\\,', '\\+', '\\"', '\\\\', '\\<', '\\;', '\\#', '\\ ']) expect(people.some((p) => p.dn.includes(ch))).toBe(true);
  });

  test('loads into slapd with slapadd, memberOf and all', async () => {
    const server = await startSlapd({ rawSeedFiles: [FILE], skeleton: false });
    try {
      const users = await server.search(`ou=people,${server.baseDn}`, { scope: 'one', attributes: ['entryUUID', 'memberOf'] });
      expect(users).toHaveLength(people.length);
      // slapadd keeps the exported entryUUIDs (DNs come back in slapd's own escaping, so compare UUIDs)
      expect(users.map((u) => String(u.entryUUID)).sort()).toEqual(people.map((p) => first(p, 'entryUUID')).sort());
      expect(users.filter((u) => (Array.isArray(u.memberOf) ? u.memberOf.length : u.memberOf ? 1 : 0) > 0).length).toBeGreaterThan(100);
      // the file has its own service account, which can bind
      const c = await server.client({ dn: 'uid=svc-okta-sync,ou=service-accounts,dc=example,dc=com', password: 'okta-sync' });
      await c.unbind();
    } finally {
      await server.stop();
    }
  });
});
