import { escapeDnValue, type LdapAttributes, type LdapEntry } from '../ldif';
import { createRng } from './random';
import { departmentCode, departmentKey, generatePeople, sshaHash, type Person } from './people';

/**
 * OpenLDAP entries for a generated population: inetOrgPerson users under ou=people (a quarter also
 * posixAccount; disabled posix users shadowAccount with shadowExpire=1; the 'no-sn' people are Unix-only
 * account+posixAccount entries, since inetOrgPerson requires sn), service accounts under
 * ou=service-accounts, groupOfNames groups under ou=groups. Users with an LDAP-special or "Last, First"
 * CN are named by cn= (escaped DN), the rest by uid=. Enabled users carry an {SSHA} userPassword of
 * `person.password`, so tests can bind as them.
 *
 * The containers (ou=people, ou=groups, ou=service-accounts) are those of startSlapd's skeleton and are
 * not part of `entries`.
 */
export interface OpenLdapDirectoryOptions {
  /** Number of people (default 200). */
  users?: number;
  seed?: number;
  baseDn?: string;
  serviceAccounts?: number;
  /** Build groups (default true). */
  groups?: boolean;
}

export interface OpenLdapDirectory {
  baseDn: string;
  people: Person[];
  /** DN of each person, by index. */
  dns: string[];
  users: LdapEntry[];
  groups: LdapEntry[];
  /** users then groups: what to seed or add. */
  entries: LdapEntry[];
  /** DN of a group whose members include a DN that does not exist. */
  danglingGroupDn?: string;
}

function put(attrs: LdapAttributes, name: string, value: string | undefined): void {
  if (value !== undefined && value.trim() !== '') attrs[name] = value;
}

export function openLdapUserDn(p: Person, baseDn: string): string {
  if (p.kind === 'service') return `uid=${escapeDnValue(p.uid)},ou=service-accounts,${baseDn}`;
  const byCn = p.quirks.includes('special-dn') || p.quirks.includes('last-first-cn');
  return byCn ? `cn=${escapeDnValue(p.cn)},ou=people,${baseDn}` : `uid=${escapeDnValue(p.uid)},ou=people,${baseDn}`;
}

export function openLdapUserEntry(p: Person, dns: readonly string[], baseDn: string, seed = 42): LdapEntry {
  const rng = createRng(seed * 7919 + p.index);
  const dn = dns[p.index] ?? openLdapUserDn(p, baseDn);
  const attrs: LdapAttributes = {};
  const posix = p.kind !== 'service' && (p.index % 4 === 0 || p.quirks.includes('no-sn'));
  if (p.kind === 'service') {
    // simpleSecurityObject requires userPassword, which disabled accounts do not get
    attrs.objectClass =
      p.index % 2 ? ['top', 'account', ...(p.disabled ? [] : ['simpleSecurityObject'])] : ['top', 'person', 'organizationalPerson', 'inetOrgPerson'];
    attrs.uid = p.uid;
    if (!(p.index % 2)) {
      attrs.cn = p.cn;
      attrs.sn = 'Service';
      put(attrs, 'mail', p.mail);
      attrs.employeeType = p.employeeType;
    }
    put(attrs, 'description', p.description);
  } else if (p.quirks.includes('no-sn')) {
    attrs.objectClass = ['top', 'account', 'posixAccount', 'shadowAccount'];
    attrs.uid = p.uid;
    attrs.cn = p.cn;
    put(attrs, 'description', `${p.displayName.trim()} (${p.title?.trim() ?? 'unix account'})`);
  } else {
    attrs.objectClass = [
      'top',
      'person',
      'organizationalPerson',
      'inetOrgPerson',
      ...(posix ? ['posixAccount'] : []),
      ...(posix && p.disabled ? ['shadowAccount'] : []),
    ];
    attrs.uid = p.uid;
    attrs.cn = p.cn;
    put(attrs, 'sn', p.sn);
    put(attrs, 'givenName', p.givenName);
    put(attrs, 'displayName', p.displayName);
    put(attrs, 'mail', p.mail);
    put(attrs, 'telephoneNumber', p.telephoneNumber);
    put(attrs, 'mobile', p.mobile);
    put(attrs, 'title', p.title);
    put(attrs, 'ou', p.department);
    if (p.department) attrs.departmentNumber = departmentCode(p.department);
    put(attrs, 'employeeNumber', p.employeeNumber);
    attrs.employeeType = p.employeeType;
    put(attrs, 'o', p.company);
    put(attrs, 'l', p.city);
    put(attrs, 'preferredLanguage', p.preferredLanguage);
    if (p.managerIndex !== undefined) attrs.manager = dns[p.managerIndex];
    if (p.disabled) attrs.description = `Disabled ${2019 + (p.index % 5)}-0${1 + (p.index % 9)}-1${p.index % 10} per HR ticket ${rng.digits(5)}`;
  }
  if (posix) {
    attrs.uidNumber = String(10000 + p.index);
    attrs.gidNumber = p.kind === 'contractor' ? '10001' : '10000';
    attrs.homeDirectory = `/home/${p.uid}`;
    attrs.loginShell = p.index % 8 === 0 ? '/bin/zsh' : '/bin/bash';
    if (p.disabled) {
      attrs.shadowExpire = '1';
      attrs.loginShell = '/usr/sbin/nologin';
    }
  }
  if (!p.disabled) attrs.userPassword = sshaHash(p.password, Buffer.from(rng.hex(8), 'hex'));
  return { dn, attributes: attrs };
}

function group(baseDn: string, cn: string, members: string[], description?: string): LdapEntry {
  const attributes: LdapAttributes = { objectClass: ['top', 'groupOfNames'], cn, member: members };
  if (description) attributes.description = description;
  return { dn: `cn=${escapeDnValue(cn)},ou=groups,${baseDn}`, attributes };
}

/** groupOfNames groups: All Staff, one per department, okta-sync-users, "Admins, IT", a Unicode one, a nested one, one with a dangling member. */
export function openLdapGroups(people: readonly Person[], dns: readonly string[], baseDn: string): { groups: LdapEntry[]; danglingGroupDn: string } {
  const humans = people.filter((p) => p.kind !== 'service');
  const groups: LdapEntry[] = [];
  const enabled = humans.filter((p) => !p.disabled);
  groups.push(
    group(
      baseDn,
      'All Staff',
      enabled.map((p) => dns[p.index]),
      'Every active employee and contractor',
    ),
  );
  const byDept = new Map<string, Person[]>();
  for (const p of humans) {
    const k = departmentKey(p.department);
    byDept.set(k, [...(byDept.get(k) ?? []), p]);
  }
  for (const [k, members] of [...byDept.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    groups.push(
      group(
        baseDn,
        `dept-${k.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
        members.map((p) => dns[p.index]),
      ),
    );
  }
  const sync = group(
    baseDn,
    'okta-sync-users',
    humans.filter((p) => p.index % 2 === 0).map((p) => dns[p.index]),
    'Users provisioned to Okta',
  );
  groups.push(sync);
  groups.push(
    group(
      baseDn,
      'Admins, IT',
      humans.filter((p) => p.index % 15 === 1).map((p) => dns[p.index]),
    ),
  );
  groups.push(
    group(
      baseDn,
      'R&D Team (Ünïcödé ✓)',
      humans.filter((p) => p.index % 10 === 3).map((p) => dns[p.index]),
    ),
  );
  groups.push(group(baseDn, 'okta-sync-nested', [sync.dn, ...(humans[1] ? [dns[humans[1].index]] : [])], 'Contains the okta-sync-users group'));
  const dangling = group(
    baseDn,
    'stale-members',
    [`uid=departed.user,ou=people,${baseDn}`, ...(humans[2] ? [dns[humans[2].index]] : [])],
    'Has a member that no longer exists',
  );
  groups.push(dangling);
  // groupOfNames needs at least one member
  return { groups: groups.filter((g) => (g.attributes.member as string[]).length > 0), danglingGroupDn: dangling.dn };
}

/** A complete generated OpenLDAP population (deterministic for a given seed and size). */
export function buildOpenLdapDirectory(opts: OpenLdapDirectoryOptions = {}): OpenLdapDirectory {
  const baseDn = opts.baseDn ?? 'dc=example,dc=com';
  const seed = opts.seed ?? 42;
  const people = generatePeople({ count: opts.users ?? 200, seed, serviceAccounts: opts.serviceAccounts });
  const seen = new Set<string>();
  const dns = people.map((p) => {
    let dn = openLdapUserDn(p, baseDn);
    // two people with the same special CN would collide: the later one is named by uid
    if (seen.has(dn.toLowerCase())) dn = `uid=${escapeDnValue(p.uid)},ou=people,${baseDn}`;
    seen.add(dn.toLowerCase());
    return dn;
  });
  const users = people.map((p) => openLdapUserEntry(p, dns, baseDn, seed));
  const { groups, danglingGroupDn } = opts.groups === false ? { groups: [], danglingGroupDn: undefined } : openLdapGroups(people, dns, baseDn);
  return { baseDn, people, dns, users, groups, entries: [...users, ...groups], danglingGroupDn };
}
