/**
 * One user population, two directories: the same day-2 scenarios run against slapd (inetOrgPerson,
 * disabled = pwdAccountLockedTime present) and Samba AD (user, disabled = userAccountControl 0x2).
 * Each adapter knows how to express "add", "modify", "rename", "move", "disable", "enable",
 * "delete" in its directory, and writes the agent's source configuration for it.
 */
import { getSambaAd, startSlapd, type SambaAd, type SlapdServer } from '../harness';
import type { LdapEntry } from '../harness/ldif';
import { ldapSourceYaml } from './agent';

export interface Person {
  key: string; // short unique id, e.g. p0007
  givenName: string;
  sn: string;
  title: string;
  department: string;
}

export function people(n: number, prefix = 'p'): Person[] {
  const first = ['Ada', 'Zoë', 'Björn', 'Seán', 'Anne-Marie', 'Łukasz', 'Ines', 'Kenji', 'Olúwaseun', 'Marta'];
  const last = ['Lovelace', 'Müller', "O'Brien", 'García-López', 'Nakamura', 'Nowak', 'Dubois', 'Svensson', 'Adeyemi', 'Rossi'];
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${String(i).padStart(4, '0')}`,
    givenName: first[i % first.length],
    sn: `${last[(i * 7) % last.length]}`,
    title: i % 3 ? 'Analyst' : 'Engineer',
    department: `D${i % 8}`,
  }));
}

export interface DirectoryAdapter {
  flavor: 'openldap' | 'ad';
  /** The container the agent reads (users and groups live below it). */
  base: string;
  /** ou=moved,<base>: for moves within scope. */
  movedOu: string;
  add(p: readonly Person[]): Promise<void>;
  dnOf(p: Person): string;
  modify(p: Person, changes: Partial<Pick<Person, 'title' | 'department' | 'sn'>>): Promise<void>;
  /** New RDN, same container. Returns the new DN. */
  rename(p: Person, newRdnValue: string): Promise<string>;
  move(p: Person): Promise<string>;
  disable(p: Person): Promise<void>;
  enable(p: Person): Promise<void>;
  remove(p: Person): Promise<void>;
  addGroup(cn: string, members: readonly Person[]): Promise<string>;
  addMembers(groupDn: string, members: readonly Person[]): Promise<void>;
  removeMembers(groupDn: string, members: readonly Person[]): Promise<void>;
  /** The `source:` YAML for the agent. */
  sourceYaml(opts?: { filter?: string; groups?: boolean }): string;
  /** Login the transforms give a person. */
  login(p: Person): string;
  /** The transforms for this flavour. */
  transformsYaml: string;
  stop(): Promise<void>;
}

const dnState = new WeakMap<Person, string>();

// ---------------------------------------------------------------------------------------------
export async function openldapAdapter(scenario: string): Promise<DirectoryAdapter> {
  const suffix = 'dc=example,dc=com';
  const base = `ou=${scenario},${suffix}`;
  const movedOu = `ou=moved,${base}`;
  const ldap: SlapdServer = await startSlapd({
    seed: [
      { dn: base, attributes: { objectClass: ['organizationalUnit'], ou: scenario } },
      { dn: `ou=people,${base}`, attributes: { objectClass: ['organizationalUnit'], ou: 'people' } },
      { dn: movedOu, attributes: { objectClass: ['organizationalUnit'], ou: 'moved' } },
      { dn: `ou=groups,${base}`, attributes: { objectClass: ['organizationalUnit'], ou: 'groups' } },
    ],
  });
  const entry = (p: Person): LdapEntry => ({
    dn: `uid=${p.key},ou=people,${base}`,
    attributes: {
      objectClass: ['inetOrgPerson'],
      uid: p.key,
      cn: `${p.givenName} ${p.sn}`,
      givenName: p.givenName,
      sn: p.sn,
      mail: `${p.key}@example.com`,
      title: p.title,
      departmentNumber: p.department,
    },
  });
  const dnOf = (p: Person) => dnState.get(p) ?? `uid=${p.key},ou=people,${base}`;
  return {
    flavor: 'openldap',
    base,
    movedOu,
    add: (ps) => ldap.add(ps.map(entry)),
    dnOf,
    modify: (p, c) =>
      ldap.modify(dnOf(p), {
        replace: { ...(c.title ? { title: c.title } : {}), ...(c.department ? { departmentNumber: c.department } : {}), ...(c.sn ? { sn: c.sn } : {}) },
      }),
    rename: async (p, v) => {
      const dn = dnOf(p);
      const next = `cn=${v},${dn.split(',').slice(1).join(',')}`;
      await ldap.rename(dn, next);
      dnState.set(p, next);
      return next;
    },
    move: async (p) => {
      const dn = dnOf(p);
      const next = `${dn.split(',')[0]},${movedOu}`;
      await ldap.rename(dn, next);
      dnState.set(p, next);
      return next;
    },
    disable: (p) => ldap.modify(dnOf(p), { replace: { employeeType: 'disabled' } }),
    enable: (p) => ldap.modify(dnOf(p), { replace: { employeeType: 'staff' } }),
    remove: (p) => ldap.del(dnOf(p)),
    addGroup: async (cn, members) => {
      const dn = `cn=${cn},ou=groups,${base}`;
      await ldap.add([{ dn, attributes: { objectClass: ['groupOfNames'], cn, member: members.length ? members.map(dnOf) : [`cn=nobody,${base}`] } }]);
      return dn;
    },
    addMembers: (g, ms) => ldap.modify(g, { add: { member: ms.map(dnOf) } }),
    removeMembers: (g, ms) => ldap.modify(g, { delete: { member: ms.map(dnOf) } }),
    sourceYaml: (o = {}) =>
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [base],
        filter: o.filter,
        attributes: ['uid', 'givenName', 'sn', 'mail', 'title', 'departmentNumber', 'employeeType'],
        extra: '    disabledFilter: (employeeType=disabled)',
      }) + (o.groups ? `\ngroups:\n  baseDns: ["ou=groups,${base}"]\n  filter: (objectClass=groupOfNames)` : ''),
    login: (p) => `${p.key}@example.com`,
    transformsYaml: `transforms:
  - map:
      login: "{mail | lower}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
      title: "{title}"
      department: "{departmentNumber}"`,
    stop: () => ldap.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
const UAC_ENABLED = '544'; // NORMAL_ACCOUNT | PASSWD_NOTREQD: enabled without a password
const UAC_DISABLED = '546'; // … | ACCOUNTDISABLE

/** On the run's shared DC, or on `dc` (a test file's own, see harness/samba-private). */
export async function adAdapter(scenario: string, dc?: SambaAd): Promise<DirectoryAdapter> {
  const ad: SambaAd = dc ?? (await getSambaAd());
  const sc = await ad.createScenario(scenario, { unique: true });
  const base = sc.dn;
  const movedOu = `OU=moved,${base}`;
  await sc.add([
    { dn: `OU=people,${base}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } },
    { dn: movedOu, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'moved' } },
    { dn: `OU=groups,${base}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'groups' } },
  ]);
  const tag = base
    .split(',')[0]
    .slice(3)
    .slice(-6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const sam = (p: Person) => `${p.key}${tag}`.slice(0, 20);
  const dnOf = (p: Person) => dnState.get(p) ?? `CN=${p.key},OU=people,${base}`;
  return {
    flavor: 'ad',
    base,
    movedOu,
    add: (ps) =>
      ad.addUsers(
        ps.map((p) => ({
          dn: `CN=${p.key},OU=people,${base}`,
          enabled: true,
          attributes: {
            objectClass: ['top', 'person', 'organizationalPerson', 'user'],
            sAMAccountName: sam(p),
            userPrincipalName: `${sam(p)}@example.test`,
            givenName: p.givenName,
            sn: p.sn,
            mail: `${sam(p)}@example.test`,
            title: p.title,
            department: p.department,
            userAccountControl: UAC_ENABLED,
          },
        })),
        { concurrency: 6 },
      ),
    dnOf,
    modify: (p, c) =>
      ad.modify(dnOf(p), {
        replace: { ...(c.title ? { title: c.title } : {}), ...(c.department ? { department: c.department } : {}), ...(c.sn ? { sn: c.sn } : {}) },
      }),
    rename: async (p, v) => {
      const dn = dnOf(p);
      const next = `CN=${v},${dn.split(',').slice(1).join(',')}`;
      await ad.rename(dn, next);
      dnState.set(p, next);
      return next;
    },
    move: async (p) => {
      const dn = dnOf(p);
      const next = `${dn.split(',')[0]},${movedOu}`;
      await ad.rename(dn, next);
      dnState.set(p, next);
      return next;
    },
    disable: (p) => ad.modify(dnOf(p), { replace: { userAccountControl: UAC_DISABLED } }),
    enable: (p) => ad.modify(dnOf(p), { replace: { userAccountControl: UAC_ENABLED } }),
    remove: (p) => ad.del(dnOf(p)),
    addGroup: async (cn, members) => {
      const dn = `CN=${cn},OU=groups,${base}`;
      await ad.add([
        {
          dn,
          attributes: {
            objectClass: ['top', 'group'],
            sAMAccountName: `${cn}${tag}`.slice(0, 20),
            groupType: '-2147483646',
            ...(members.length ? { member: members.map(dnOf) } : {}),
          },
        },
      ]);
      return dn;
    },
    addMembers: (g, ms) => ad.modify(g, { add: { member: ms.map(dnOf) } }),
    removeMembers: (g, ms) => ad.modify(g, { delete: { member: ms.map(dnOf) } }),
    sourceYaml: (o = {}) =>
      ldapSourceYaml({
        url: ad.url,
        bindDn: ad.adminUpn,
        password: ad.adminPassword,
        baseDns: [base],
        filter: o.filter,
        flavor: 'ad',
        attributes: ['sAMAccountName', 'userPrincipalName', 'givenName', 'sn', 'mail', 'title', 'department'],
      }) + (o.groups ? `\ngroups:\n  baseDns: ["OU=groups,${base}"]` : ''),
    login: (p) => `${sam(p)}@example.test`,
    transformsYaml: `transforms:
  - map:
      login: "{userPrincipalName | lower}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
      title: "{title}"
      department: "{department}"`,
    // the run's DC is thrown away by the global teardown; deleting thousands of entries one by one
    // would only cost minutes, and scenario names are unique
    stop: async () => undefined,
  };
}
