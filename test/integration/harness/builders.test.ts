import { buildAdDirectory, buildOpenLdapDirectory, generatePeople, parseLdif, toLdif, values, type Quirk } from '../../harness';

/** The data builders: deterministic, and as messy as promised. */
describe('generatePeople', () => {
  const people = generatePeople({ count: 600, seed: 9 });
  const humans = people.filter((p) => p.kind !== 'service');
  const count = (q: Quirk): number => people.filter((p) => p.quirks.includes(q)).length;

  test('is deterministic for a seed and differs between seeds', () => {
    expect(generatePeople({ count: 600, seed: 9 })).toEqual(people);
    expect(generatePeople({ count: 600, seed: 10 }).map((p) => p.displayName)).not.toEqual(people.map((p) => p.displayName));
  });

  test('about a third of the phone numbers are badly formatted; some people have none', () => {
    expect(count('bad-phone') / humans.length).toBeCloseTo(1 / 3, 1);
    expect(count('no-phone')).toBeGreaterThan(10);
    const good = humans.filter((p) => p.telephoneNumber && !p.quirks.includes('bad-phone')).map((p) => p.telephoneNumber!);
    // many countries and formats
    expect(new Set(good.map((t) => t.replace(/\d/g, '9'))).size).toBeGreaterThan(40);
    expect(good.some((t) => t.startsWith('+81'))).toBe(true);
    expect(good.some((t) => t.startsWith('+7'))).toBe(true);
  });

  test('mail is sometimes missing, padded, upper-case, personal, malformed or shared', () => {
    for (const q of ['no-mail', 'mail-spaces', 'mail-case', 'mail-personal', 'mail-malformed', 'mail-duplicate'] as const) expect(count(q)).toBeGreaterThan(3);
    expect(humans.some((p) => p.mail && p.mail !== p.mail.trim())).toBe(true);
    expect(humans.some((p) => p.mail && /[A-Z]/.test(p.mail))).toBe(true);
  });

  test('names: diacritics, apostrophes, hyphens, Cyrillic, Greek, CJK; duplicates', () => {
    const names = humans.map((p) => p.displayName).join('\n');
    expect(names).toMatch(/[äöüéèçñøåłß]/i);
    expect(names).toMatch(/'/);
    expect(names).toMatch(/\S-\S/);
    expect(names).toMatch(/\p{Script=Cyrillic}/u);
    expect(names).toMatch(/\p{Script=Greek}/u);
    expect(names).toMatch(/\p{Script=Han}/u);
    expect(count('duplicate-name')).toBeGreaterThan(5);
    const dup = new Map<string, number>();
    for (const p of humans) dup.set(p.displayName.trim(), (dup.get(p.displayName.trim()) ?? 0) + 1);
    expect([...dup.values()].some((n) => n > 1)).toBe(true);
    // logins stay unique and ASCII
    expect(new Set(people.map((p) => p.uid)).size).toBe(people.length);
    expect(people.every((p) => /^[a-z0-9._-]{1,20}$/.test(p.uid))).toBe(true);
  });

  test('CNs carry every LDAP-special character somewhere', () => {
    const cns = people.map((p) => p.cn);
    for (const ch of [',', '+', '"', '\\', '<', '>', ';', '=', '#', '*', '(', ')']) expect(cns.some((c) => c.includes(ch))).toBe(true);
    expect(cns.some((c) => c.startsWith(' '))).toBe(true);
    expect(cns.some((c) => c.endsWith(' '))).toBe(true);
    expect(cns.some((c) => c.startsWith('#'))).toBe(true);
  });

  test('jobs, managers, status: duplicates and gaps included', () => {
    expect(count('duplicate-employee-number')).toBeGreaterThan(3);
    expect(count('no-employee-number')).toBeGreaterThan(3);
    expect(count('no-manager')).toBeGreaterThan(3);
    expect(count('self-manager')).toBe(1);
    expect(count('disabled') / humans.length).toBeGreaterThan(0.05);
    expect(count('no-sn')).toBeGreaterThan(3);
    expect(people.filter((p) => p.kind === 'service').length).toBe(4);
    expect(new Set(humans.map((p) => p.title)).size).toBeGreaterThan(20);
    expect(humans.every((p) => p.managerIndex === undefined || people[p.managerIndex])).toBe(true);
  });

  test('small populations still get every special CN', () => {
    const few = generatePeople({ count: 20, seed: 1 });
    expect(few.filter((p) => p.quirks.includes('special-dn') && p.kind !== 'service').length).toBe(13);
  });
});

describe('directory builders', () => {
  test('OpenLDAP: inetOrgPerson/posix users, groupOfNames groups, LDIF round trip', () => {
    const d = buildOpenLdapDirectory({ users: 300, seed: 4 });
    expect(d.users).toHaveLength(304);
    expect(new Set(d.dns.map((x) => x.toLowerCase())).size).toBe(d.dns.length);
    expect(d.dns.some((x) => x.startsWith('cn=') && x.includes('\\,'))).toBe(true);
    expect(d.groups.map((g) => values(g, 'cn')[0])).toEqual(expect.arrayContaining(['All Staff', 'okta-sync-users', 'Admins, IT', 'stale-members']));
    expect(parseLdif(toLdif(d.entries))).toEqual(
      d.entries.map((e) => ({ dn: e.dn, attributes: Object.fromEntries(Object.entries(e.attributes).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) })),
    );
  });

  test('AD: unique sAMAccountNames (tagged per scenario), a 2,000-member group, password quota', () => {
    const a = buildAdDirectory({ baseDn: 'OU=A,DC=example,DC=test', users: 2000, passwords: 25 });
    const b = buildAdDirectory({ baseDn: 'OU=B,DC=example,DC=test', users: 50 });
    expect(a.accountTag).not.toBe(b.accountTag);
    expect(new Set(a.samAccountNames.map((s) => s.toLowerCase())).size).toBe(a.samAccountNames.length);
    expect(a.samAccountNames.every((s) => s.length <= 20 && s.endsWith(`.${a.accountTag}`))).toBe(true);
    expect(a.samAccountNames.some((s) => b.samAccountNames.includes(s))).toBe(false);
    const big = a.groups.find((g) => g.dn === a.bigGroupDn)!;
    expect(values(big, 'member')).toHaveLength(2000);
    expect(a.users.filter((u) => u.password)).toHaveLength(25);
    expect(new Set(a.dns.map((x) => x.toLowerCase())).size).toBe(a.dns.length);
    expect(a.dns.some((x) => x.includes('\\='))).toBe(true);
    expect(() => buildAdDirectory({ baseDn: 'OU=C,DC=example,DC=test', users: 10, bigGroupMembers: 2000 })).toThrow(/bigGroupMembers/);
  });
});
