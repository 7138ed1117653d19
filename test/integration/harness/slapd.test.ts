import { existsSync } from 'node:fs';
import { Client, InvalidCredentialsError } from 'ldapts';
import { buildOpenLdapDirectory, first, parseLdif, startSlapd, toLdif, useSlapd, values, type LdapEntry, type SlapdServer } from '../../harness';
import { isAlive } from '../../harness/util/processes';

/** The throwaway slapd: start/stop, service account, offline seeding, online loads, writes, failures. */
describe('startSlapd', () => {
  let server: SlapdServer;
  const directory = buildOpenLdapDirectory({ users: 1000, seed: 7 });

  beforeAll(async () => {
    server = await startSlapd();
  });
  afterAll(async () => {
    await server.stop();
  });

  test('listens on 127.0.0.1 on its own port and the service account can bind and read', async () => {
    expect(server.url).toBe(`ldap://127.0.0.1:${server.port}`);
    const client = await server.client('service');
    try {
      const { searchEntries } = await client.search(server.baseDn, { scope: 'one', attributes: ['ou'] });
      expect(searchEntries.map((e) => e.dn).sort()).toEqual([
        'ou=groups,dc=example,dc=com',
        'ou=people,dc=example,dc=com',
        'ou=service-accounts,dc=example,dc=com',
      ]);
      const self = await client.search(server.serviceDn, { scope: 'base', attributes: ['uid'] });
      expect(self.searchEntries[0]?.uid).toBe('svc-okta-sync');
      // a normal account: ACLs and limits apply (root DN would bypass them)
      expect(server.serviceDn).not.toBe(server.bindDn);
    } finally {
      await client.unbind();
    }
  });

  test('anonymous clients may bind but not read; wrong passwords are refused', async () => {
    const anon = new Client({ url: server.url });
    try {
      const r = await anon.search(server.baseDn, { scope: 'sub', filter: '(objectClass=*)' }).catch((e: Error) => e);
      // slapd answers "no such object" rather than disclosing the tree
      expect(r instanceof Error ? r : r.searchEntries).toMatchObject(r instanceof Error ? { code: 32 } : []);
    } finally {
      await anon.unbind();
    }
    await expect(server.client({ dn: server.serviceDn, password: 'wrong' })).rejects.toMatchObject({ cause: expect.any(InvalidCredentialsError) });
  });

  test('1,000 messy users and their groups load online; a paged search as the service account returns them all', async () => {
    await server.add(directory.entries);
    const client = await server.client('service');
    try {
      let count = 0;
      let pages = 0;
      const seenUid = new Set<string>();
      for await (const page of client.searchPaginated(`ou=people,${server.baseDn}`, {
        scope: 'one',
        filter: '(uid=*)',
        attributes: ['uid', 'entryUUID', 'entryCSN', 'memberOf'],
        paged: { pageSize: 200 },
      })) {
        pages++;
        for (const e of page.searchEntries) {
          count++;
          seenUid.add(String(e.uid));
          expect(e.entryUUID).toMatch(/^[0-9a-f-]{36}$/);
          expect(e.entryCSN).toMatch(/^\d{14}\.\d{6}Z#/);
        }
      }
      const people = directory.people.filter((p) => p.kind !== 'service');
      expect(count).toBe(people.length);
      expect(seenUid.size).toBe(people.length);
      expect(pages).toBe(Math.ceil(people.length / 200));
      // the memberof overlay saw the online group adds
      // users' passwords are not readable by the service account
      const pw = await client.search(directory.dns[0], { scope: 'base', attributes: ['userPassword', 'uid'] });
      expect(pw.searchEntries[0]?.uid).toBe(directory.people[0]?.uid);
      expect(pw.searchEntries[0]?.userPassword ?? []).toEqual([]); // ldapts: [] = requested, not returned
      const staff = await client.search(`ou=people,${server.baseDn}`, {
        scope: 'one',
        filter: '(memberOf=cn=All Staff,ou=groups,dc=example,dc=com)',
        attributes: ['1.1'],
        paged: true,
      });
      expect(staff.searchEntries).toHaveLength(people.filter((p) => !p.disabled).length);
    } finally {
      await client.unbind();
    }
  });

  test('special-character DNs round-trip', async () => {
    const specials = directory.people.filter((p) => p.quirks.includes('special-dn') && p.kind !== 'service');
    expect(specials.length).toBeGreaterThanOrEqual(13);
    for (const p of specials) {
      const [e] = await server.search(directory.dns[p.index], { scope: 'base', attributes: ['cn'] });
      expect(e?.cn).toBe(p.cn);
    }
  });

  test('modify, rename/move and delete go through and show up in entryCSN and the accesslog', async () => {
    const person = directory.people.find((p) => p.kind === 'employee' && !p.quirks.includes('special-dn') && p.index > 50) ?? directory.people[60];
    const dn = directory.dns[person.index];
    const [before] = await server.search(dn, { scope: 'base', attributes: ['entryCSN', 'entryUUID'] });
    await new Promise((r) => setTimeout(r, 5));
    await server.modify(dn, { replace: { title: 'Chief Sync Officer' }, add: { mobile: '+1 415 555 0100' } });
    const [after] = await server.search(dn, { scope: 'base', attributes: ['entryCSN', 'title'] });
    expect(after?.title).toBe('Chief Sync Officer');
    expect(String(after?.entryCSN) > String(before?.entryCSN)).toBe(true);

    const moved = `uid=${person.uid}-moved,ou=service-accounts,${server.baseDn}`;
    await server.rename(dn, moved);
    const [m] = await server.search(moved, { scope: 'base', attributes: ['entryUUID', 'uid'] });
    expect(m?.entryUUID).toBe(before?.entryUUID);

    await server.del(moved);
    await expect(server.search(moved, { scope: 'base' })).rejects.toMatchObject({ code: 32 });

    const log = await server.search('cn=accesslog', { filter: `(reqEntryUUID=${String(before?.entryUUID)})`, attributes: ['reqType', 'reqDN', 'reqMod'] });
    expect(log.map((e) => e.reqType).sort()).toEqual(['add', 'delete', 'modify', 'modrdn']);
    // the service account may read the accesslog (delta detection)
    const c = await server.client('service');
    try {
      const r = await c.search('cn=accesslog', { scope: 'sub', filter: '(reqType=delete)', attributes: ['reqDN'] });
      expect(r.searchEntries.map((e) => e.reqDN)).toContain(moved);
    } finally {
      await c.unbind();
    }
  });

  test('stop() kills slapd and removes its directory', async () => {
    const other = await startSlapd();
    expect(isAlive(other.pid)).toBe(true);
    await other.stop();
    expect(isAlive(other.pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    await other.stop(); // idempotent
  });
});

describe('startSlapd seeding and failures', () => {
  test('offline seed (slapadd) keeps a slapcat-style export, entryUUID/entryCSN included, and adds the skeleton around it', async () => {
    const ldif = [
      'dn: dc=example,dc=com',
      'objectClass: dcObject',
      'objectClass: organization',
      'dc: example',
      'o:: RXhhbXBsZSBDb3JwIMOE',
      'entryUUID: 0b1f3a52-1111-4c3c-9a1e-2b9f6d0c0001',
      'entryCSN: 20240102030405.000006Z#000000#000#000000',
      'createTimestamp: 20240102030405Z',
      'modifyTimestamp: 20240102030405Z',
      '',
      'dn: ou=people,dc=example,dc=com',
      'objectClass: organizationalUnit',
      'ou: people',
      '',
      'dn: uid=zoe,ou=people,dc=example,dc=com',
      'objectClass: inetOrgPerson',
      'uid: zoe',
      'cn:: Wm/DqyBMZWbDqHZyZQ==',
      'sn:: TGVmw6h2cmU=',
      'description: a long line that is folded in the middle of the word fol',
      ' ded, as slapcat does',
      'entryUUID: 0b1f3a52-1111-4c3c-9a1e-2b9f6d0c0002',
      'entryCSN: 20240102030405.000007Z#000000#000#000000',
      '',
    ].join('\n');
    const server = await startSlapd({ seed: ldif });
    try {
      const [zoe] = await server.search('uid=zoe,ou=people,dc=example,dc=com', { scope: 'base', attributes: ['cn', 'description', 'entryUUID', 'entryCSN'] });
      expect(zoe).toMatchObject({
        cn: 'Zoë Lefèvre',
        description: 'a long line that is folded in the middle of the word folded, as slapcat does',
        entryUUID: '0b1f3a52-1111-4c3c-9a1e-2b9f6d0c0002',
        entryCSN: '20240102030405.000007Z#000000#000#000000',
      });
      // skeleton entries the seed lacked were added; the service account works
      const c = await server.client('service');
      await c.unbind();
    } finally {
      await server.stop();
    }
  });

  // how fast offline seeding is: `npm run bench sync` prints it at 10k and 100k users
  test('a generated directory seeds offline (no memberOf: slapadd bypasses overlays)', async () => {
    const dir = buildOpenLdapDirectory({ users: 5000, seed: 3 });
    const server = await startSlapd({ seed: dir.entries });
    try {
      const users = await server.search(`ou=people,${server.baseDn}`, { scope: 'one', attributes: ['memberOf'] });
      expect(users).toHaveLength(5000);
      expect(users.filter((u) => (Array.isArray(u.memberOf) ? u.memberOf.length : u.memberOf)).length).toBe(0);
    } finally {
      await server.stop();
    }
  });

  test('a seed that violates the schema fails the start with slapadd’s message', async () => {
    const bad = parseLdif('dn: uid=x,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: x\ncn: no sn\n');
    await expect(startSlapd({ seed: bad })).rejects.toThrow(/requires attribute 'sn'/);
  });

  test('a slapd that cannot start rejects with its log tail', async () => {
    await expect(startSlapd({ debug: 'no-such-level' })).rejects.toThrow(/slapd exited during startup[\s\S]*no-such-level/);
  });

  test('first() and parseLdif agree with what the builder wrote', () => {
    const dir = buildOpenLdapDirectory({ users: 20, seed: 1 });
    expect(dir.users.map((u) => first(u, 'uid'))).toEqual(dir.people.map((p) => p.uid));
    // every entry survives toLdif → parseLdif: same DNs, same attributes, same values in the same order
    const canonical = (e: LdapEntry) => ({
      dn: e.dn,
      attributes: Object.fromEntries(Object.keys(e.attributes).map((k) => [k.toLowerCase(), values(e, k).map((v) => Buffer.from(v).toString('base64'))])),
    });
    const parsed = parseLdif(toLdif(dir.entries));
    expect(parsed.map(canonical)).toEqual(dir.entries.map(canonical));
  });
});

describe('useSlapd', () => {
  const ldap = useSlapd({ anonymousRead: true });

  test('starts a server for the file; addLdif loads online; anonymous reads when asked for', async () => {
    await ldap().addLdif('dn: uid=anon,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: anon\ncn: Anon Reader\nsn: Reader\n');
    const anon = new Client({ url: ldap().url });
    try {
      const r = await anon.search('ou=people,dc=example,dc=com', { scope: 'one', attributes: ['cn'] });
      expect(r.searchEntries.map((e) => e.cn)).toEqual(['Anon Reader']);
    } finally {
      await anon.unbind();
    }
  });
});
