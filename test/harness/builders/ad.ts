import { escapeDnValue, type LdapAttributes, type LdapEntry } from '../ldif';
import type { AdUser } from '../ad';
import { departmentKey, generatePeople, type Person } from './people';

/**
 * Active Directory entries for a generated population, below a scenario OU: OU=Users, OU=Service
 * Accounts, OU=Groups; user objects (CN = the messy cn, unique per OU; sAMAccountName = uid;
 * userPrincipalName uid@<upnSuffix>; manager links; employeeID/employeeNumber; c/co/l), enabled ones with
 * a password (created over LDAPS by SambaAd.addUsers; see `passwords`), others disabled (UAC 514); security and
 * distribution groups, a nested group, an empty group and one large group (default: every person, up to
 * 2,000 — enough to need ranged retrieval, member;range=…, above AD's 1,500-value limit).
 */
export interface AdDirectoryOptions {
  /** The scenario OU's DN (SambaAd.createScenario(...).dn). */
  baseDn: string;
  /** Number of people (default 200). */
  users?: number;
  seed?: number;
  serviceAccounts?: number;
  /** UPN suffix (default example.test). */
  upnSuffix?: string;
  /**
   * sAMAccountNames (users and groups) are unique across the whole domain, which every scenario of the
   * run shares, so each scenario's accounts carry a short tag: `jsmith.k3f`, `Okta-Sync.k3f`. Default:
   * derived from baseDn. '' turns it off (one scenario only).
   */
  accountTag?: string;
  /**
   * How many enabled people get passwords and so are created enabled (over LDAPS; about 3x slower than
   * without, as Samba derives the Kerberos keys): a number (default 20), true for
   * all, false for none. The other enabled people are created disabled (UAC 514) — or, with
   * `enabledWithoutPassword`, enabled with PASSWD_NOTREQD (UAC 544), as found in real, messy domains.
   */
  passwords?: boolean | number;
  enabledWithoutPassword?: boolean;
  /** Members of the large group "All Employees" (default min(users, 2000)); 0: no large group. */
  bigGroupMembers?: number;
}

export interface AdDirectory {
  baseDn: string;
  people: Person[];
  dns: string[];
  /** sAMAccountName of each person, by index (person.uid plus the scenario's account tag). */
  samAccountNames: string[];
  accountTag: string;
  containers: LdapEntry[];
  users: AdUser[];
  groups: LdapEntry[];
  /** DN of "All Employees" (undefined when bigGroupMembers is 0). */
  bigGroupDn?: string;
}

export const GROUP_TYPE = {
  globalSecurity: -2147483646,
  domainLocalSecurity: -2147483644,
  universalSecurity: -2147483640,
  globalDistribution: 2,
  universalDistribution: 8,
} as const;

const UAC_NORMAL = 512;
const UAC_DONT_EXPIRE_PASSWORD = 0x10000;
const CN_MAX = 64;

function put(attrs: LdapAttributes, name: string, value: string | undefined): void {
  if (value !== undefined && value.trim() !== '') attrs[name] = value;
}

const UF_PASSWD_NOTREQD = 0x20;

/** A tag from a string: 3 base-36 characters. */
export function accountTagOf(s: string): string {
  let h = 2166136261;
  for (const c of s.toLowerCase()) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return (h % 46656).toString(36).padStart(3, '0');
}

const SAM_MAX = 20;

/** `name.tag`, at most 20 characters, unique within `used` (case-insensitive). */
export function accountName(name: string, tag: string, used: Set<string>): string {
  const suffix = tag ? `.${tag}` : '';
  const clean = name.replace(/["/\\[\]:;|=,+*?<>@]/g, '').replace(/\s+/g, '-');
  let base = clean.slice(0, SAM_MAX - suffix.length);
  let candidate = `${base}${suffix}`;
  for (let n = 2; used.has(candidate.toLowerCase()); n++) {
    base = `${clean.slice(0, SAM_MAX - suffix.length - String(n).length)}${n}`;
    candidate = `${base}${suffix}`;
  }
  used.add(candidate.toLowerCase());
  return candidate;
}

/** The AD user object of a person; `password: true` attaches the person's password (created enabled). */
export function adUserEntry(p: Person, dns: readonly string[], sam: string, upnSuffix: string, password: boolean, enabledWithoutPassword = false): AdUser {
  const attrs: LdapAttributes = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    sAMAccountName: sam,
    userPrincipalName: `${sam}@${upnSuffix}`,
  };
  put(attrs, 'givenName', p.givenName);
  put(attrs, 'sn', p.sn);
  put(attrs, 'displayName', p.displayName);
  put(attrs, 'mail', p.mail);
  put(attrs, 'telephoneNumber', p.telephoneNumber);
  put(attrs, 'mobile', p.mobile);
  put(attrs, 'title', p.title);
  put(attrs, 'department', p.department);
  put(attrs, 'company', p.company);
  put(attrs, 'employeeID', p.employeeNumber);
  if (p.index % 3 === 0) put(attrs, 'employeeNumber', p.employeeNumber);
  put(attrs, 'employeeType', p.employeeType);
  put(attrs, 'l', p.city);
  if (p.kind !== 'service') {
    attrs.c = p.country;
    attrs.co = p.countryName;
  }
  put(attrs, 'preferredLanguage', p.preferredLanguage);
  put(attrs, 'description', p.description ?? (p.disabled ? `Disabled per HR ticket ${10000 + p.index}` : undefined));
  if (p.managerIndex !== undefined) attrs.manager = dns[p.managerIndex];
  const withPassword = password && !p.disabled;
  const notRequired = !withPassword && !p.disabled && enabledWithoutPassword;
  attrs.userAccountControl = String(UAC_NORMAL | (p.kind === 'service' ? UAC_DONT_EXPIRE_PASSWORD : 0) | (notRequired ? UF_PASSWD_NOTREQD : 0));
  const user: AdUser = { dn: dns[p.index], attributes: attrs };
  if (withPassword) user.password = p.password;
  if (notRequired) user.enabled = true;
  return user;
}

function groupEntry(dn: string, name: string, sam: string, groupType: number, members: string[], extra: LdapAttributes = {}): LdapEntry {
  const attributes: LdapAttributes = { objectClass: ['top', 'group'], cn: name, sAMAccountName: sam, groupType: String(groupType), ...extra };
  if (members.length) attributes.member = members;
  return { dn, attributes };
}

export function buildAdDirectory(opts: AdDirectoryOptions): AdDirectory {
  const baseDn = opts.baseDn;
  const upnSuffix = opts.upnSuffix ?? 'example.test';
  const count = opts.users ?? 200;
  const people = generatePeople({ count, seed: opts.seed ?? 42, serviceAccounts: opts.serviceAccounts, mailDomain: 'example.com' });
  const usersOu = `OU=Users,${baseDn}`;
  const servicesOu = `OU=Service Accounts,${baseDn}`;
  const groupsOu = `OU=Groups,${baseDn}`;
  const containers: LdapEntry[] = [
    { dn: usersOu, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'Users' } },
    { dn: servicesOu, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'Service Accounts' } },
    { dn: groupsOu, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'Groups' } },
  ];
  const used = new Set<string>();
  const dns = people.map((p) => {
    const ou = p.kind === 'service' ? servicesOu : usersOu;
    let cn = p.cn.length > CN_MAX ? p.cn.slice(0, CN_MAX) : p.cn;
    // CNs are unique per container in AD: a second "John Smith" becomes "John Smith (jsmith2)"
    if (used.has(`${cn.trim().toLowerCase()}|${ou}`)) cn = `${p.cn.trim().slice(0, CN_MAX - p.uid.length - 3)} (${p.uid})`;
    used.add(`${cn.trim().toLowerCase()}|${ou}`);
    return `CN=${escapeDnValue(cn, { ad: true })},${ou}`;
  });
  const accountTag = opts.accountTag ?? accountTagOf(baseDn);
  const usedSams = new Set<string>();
  const samAccountNames = people.map((p) => accountName(p.uid, accountTag, usedSams));
  const quota = opts.passwords === true ? Infinity : opts.passwords === false ? 0 : (opts.passwords ?? 20);
  let given = 0;
  const users = people.map((p) => {
    const pw = !p.disabled && given < quota;
    if (pw) given++;
    return adUserEntry(p, dns, samAccountNames[p.index], upnSuffix, pw, opts.enabledWithoutPassword);
  });
  const sam = (name: string): string => accountName(name, accountTag, usedSams);

  const humans = people.filter((p) => p.kind !== 'service');
  const g = (name: string): string => `CN=${escapeDnValue(name, { ad: true })},${groupsOu}`;
  const groups: LdapEntry[] = [];
  const sync = g('Okta-Sync');
  groups.push(
    groupEntry(
      sync,
      'Okta-Sync',
      sam('Okta-Sync'),
      GROUP_TYPE.globalSecurity,
      humans.filter((p) => p.index % 2 === 0).map((p) => dns[p.index]),
      { description: 'Users provisioned to Okta' },
    ),
  );
  groups.push(
    groupEntry(g('Okta-Sync-Nested'), 'Okta-Sync-Nested', sam('Okta-Sync-Nested'), GROUP_TYPE.universalSecurity, [
      sync,
      ...(humans[1] ? [dns[humans[1].index]] : []),
    ]),
  );
  groups.push(
    groupEntry(
      g('Admins, IT'),
      'Admins, IT',
      sam('Admins-IT'),
      GROUP_TYPE.domainLocalSecurity,
      humans.filter((p) => p.index % 15 === 1).map((p) => dns[p.index]),
    ),
  );
  groups.push(
    groupEntry(
      g('R&D Team (Ünïcödé ✓)'),
      'R&D Team (Ünïcödé ✓)',
      sam('RnD-Team'),
      GROUP_TYPE.globalSecurity,
      humans.filter((p) => p.index % 10 === 3).map((p) => dns[p.index]),
    ),
  );
  groups.push(groupEntry(g('Empty Group'), 'Empty Group', sam('Empty-Group'), GROUP_TYPE.globalSecurity, []));
  const byDept = new Map<string, Person[]>();
  for (const p of humans) byDept.set(departmentKey(p.department), [...(byDept.get(departmentKey(p.department)) ?? []), p]);
  let n = 0;
  for (const [k, members] of [...byDept.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const slug = k.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'other';
    const distribution = n++ % 3 === 0;
    const name = `${distribution ? 'DL' : 'SG'}-${slug}`.slice(0, 60);
    groups.push(
      groupEntry(
        g(name),
        name,
        sam(name),
        distribution ? GROUP_TYPE.globalDistribution : GROUP_TYPE.globalSecurity,
        members.map((p) => dns[p.index]),
        distribution ? { mail: `${name.toLowerCase()}@example.com` } : {},
      ),
    );
  }
  const bigMembers = opts.bigGroupMembers ?? Math.min(humans.length, 2000);
  let bigGroupDn: string | undefined;
  if (bigMembers > 0) {
    if (bigMembers > humans.length) throw new Error(`bigGroupMembers ${bigMembers} > ${humans.length} people: build with users >= ${bigMembers}`);
    bigGroupDn = g('All Employees');
    groups.push(
      groupEntry(
        bigGroupDn,
        'All Employees',
        sam('All-Employees'),
        GROUP_TYPE.universalSecurity,
        humans.slice(0, bigMembers).map((p) => dns[p.index]),
      ),
    );
  }
  return { baseDn, people, dns, samAccountNames, accountTag, containers, users, groups, bigGroupDn };
}
