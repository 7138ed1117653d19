import { Client, InvalidCredentialsError } from 'ldapts';
import { buildAdDirectory, first, getSambaAd, splitDn, unescapeDnValue, type AdDirectory, type AdScenario, type SambaAd } from '../../harness';
import { expectOneSharedDc, recordSambaUse } from './samba-shared';

/** The run's Samba AD DC: binds, a messy scenario load, rootDSE/invocationId, modify/rename/move/delete. */
describe('Samba AD DC', () => {
  let ad: SambaAd;
  let scenario: AdScenario;
  let dir: AdDirectory;

  beforeAll(async () => {
    ad = await getSambaAd();
    recordSambaUse('samba-ad', ad);
    scenario = await ad.createScenario('HarnessUsers');
    dir = buildAdDirectory({ baseDn: scenario.dn, users: 200, passwords: 10, seed: 11 });
    await scenario.load(dir);
  }, 300_000);

  test('simple binds as Administrator work over ldap:// (UPN and DN) and ldaps:// (with the DC CA)', async () => {
    for (const user of [ad.adminUpn, ad.adminDn]) {
      const c = new Client({ url: ad.url });
      await c.bind(user, ad.adminPassword);
      const r = await c.search(ad.baseDn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
      expect(Buffer.isBuffer(r.searchEntries[0]?.objectGUID)).toBe(true);
      await c.unbind();
    }
    const s = await ad.client({ ldaps: true });
    await s.unbind();
    const bad = new Client({ url: ad.url });
    await expect(bad.bind(ad.adminUpn, 'wrong')).rejects.toBeInstanceOf(InvalidCredentialsError);
    await bad.unbind();
  });

  test('the scenario holds the messy users, enabled with passwords or disabled (514)', async () => {
    const users = await ad.search(scenario.dn, {
      filter: '(&(objectCategory=person)(objectClass=user))',
      attributes: ['sAMAccountName', 'cn', 'userAccountControl', 'manager', 'memberOf', 'objectGUID', 'mail'],
    });
    expect(users).toHaveLength(dir.users.length);
    const bySam = new Map(users.map((u) => [String(u.sAMAccountName), u]));
    for (const p of dir.people) {
      const u = bySam.get(dir.samAccountNames[p.index]);
      // the CN (special characters, leading/trailing spaces, non-Latin scripts) is stored as built
      expect(u?.cn).toBe(unescapeDnValue(splitDn(dir.dns[p.index])[0].slice(3)));
      const withPassword = dir.users[p.index].password !== undefined;
      expect(Number(u?.userAccountControl) & 2).toBe(withPassword ? 0 : 2);
    }
    expect(dir.people.filter((p) => p.quirks.includes('special-dn')).map((p) => bySam.get(dir.samAccountNames[p.index])?.cn)).toEqual(
      dir.people.filter((p) => p.quirks.includes('special-dn')).map((p) => p.cn),
    );
    expect(dir.users.filter((u) => u.password).length).toBe(10);
    // messy values are stored as given (stray spaces in mail included)
    const spaced = dir.people.find((p) => p.quirks.includes('mail-spaces'));
    expect(bySam.get(dir.samAccountNames[spaced!.index])?.mail).toBe(spaced!.mail);
    // Samba returns some escapes in hex form (\3D for '=', \3B for ';'): compare DNs normalized
    // (one of the builder's special CNs holds '=': "… (ext=1234)")
    const eq = dir.people.find((p) => p.cn.includes('='))!;
    expect(eq.cn).toMatch(/\(ext=\d{4}\)$/);
    expect(bySam.get(dir.samAccountNames[eq.index])?.dn).toMatch(/\\3D/);
    // AD computes memberOf
    const synced = bySam.get(dir.samAccountNames[0]);
    expect(String(synced?.memberOf)).toContain('CN=Okta-Sync,');
  });

  test('a user created with a password can bind with it, and not with another', async () => {
    const u = dir.users.find((x) => x.password)!;
    const upn = first(u, 'userPrincipalName')!;
    const c = new Client({ url: ad.url });
    try {
      await expect(c.bind(upn, `${u.password}-wrong`)).rejects.toBeInstanceOf(InvalidCredentialsError);
      await expect(c.bind(upn, u.password)).resolves.toBeUndefined();
    } finally {
      await c.unbind();
    }
  });

  test('rootDSE highestCommittedUSN, dsServiceName, dnsHostName and the DC invocationId are readable', async () => {
    const before = await ad.rootDse();
    expect(before.highestCommittedUSN).toBeGreaterThan(3000);
    expect(before.dsServiceName).toMatch(/^CN=NTDS Settings,CN=DC1,CN=Servers,/);
    expect(before.dnsHostName).toBe('dc1.example.test');
    expect(before.supportedControl).toEqual(expect.arrayContaining(['1.2.840.113556.1.4.841', '1.2.840.113556.1.4.417', '1.2.840.113556.1.4.319']));
    const id = await ad.invocationId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await ad.invocationId()).toBe(id);

    const dn = dir.dns[5];
    await ad.modify(dn, { replace: { title: 'USN probe' } });
    const [e] = await ad.search(dn, { scope: 'base', attributes: ['uSNChanged'] });
    const after = await ad.rootDse();
    expect(after.highestCommittedUSN).toBeGreaterThan(before.highestCommittedUSN);
    expect(Number(e?.uSNChanged)).toBeGreaterThan(before.highestCommittedUSN);
    expect(Number(e?.uSNChanged)).toBeLessThanOrEqual(after.highestCommittedUSN);
  });

  test('rename, move (modifyDN) and delete keep the objectGUID until the delete', async () => {
    const dn = dir.dns[7];
    const [orig] = await ad.search(dn, { scope: 'base', attributes: ['objectGUID'] });
    const renamed = `CN=Renamed Person,OU=Users,${scenario.dn}`;
    await ad.rename(dn, renamed);
    const moved = `CN=Renamed Person,OU=Service Accounts,${scenario.dn}`;
    await ad.rename(renamed, moved);
    const [m] = await ad.search(moved, { scope: 'base', attributes: ['objectGUID'] });
    expect((m?.objectGUID as Buffer).equals(orig?.objectGUID as Buffer)).toBe(true);
    await ad.del(moved);
    await expect(ad.search(moved, { scope: 'base' })).rejects.toMatchObject({ code: 32 });
  });

  test('this file and the big-group file share one DC', () => {
    expectOneSharedDc(ad);
  });
});
