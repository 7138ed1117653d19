/**
 * Group sync integration helpers: one small directory per scenario (an OU with people and groups)
 * on slapd or on the shared Samba AD DC, a config file with a `groups:` section, and the agent run
 * the way a sysadmin runs it: `sync --json` / `plan --json` through the CLI entry point (in-process),
 * users and groups in one run, the real SDK against the Okta simulator.
 */
import { join } from 'node:path';
import type { OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import type { RunReport } from '../../../src/sync/report';
import { escapeDnValue, type SambaAd, type SlapdServer } from '../../harness';
import { cli, ldapSourceYaml, oktaYaml, scenarioDir } from '../../helpers/agent';

export interface GroupDirectory {
  flavor: 'openldap' | 'ad';
  base: string;
  userDn(key: string): string;
  groupDn(cn: string): string;
  /**
   * Users with mail `<key>@<domain>` unless `mail: null`; `cn` sets the common name (on AD it is the
   * RDN too, escaped as the directory needs it: `userDn(key)` then gives that DN).
   */
  addUsers(users: readonly { key: string; mail?: string | null; cn?: string }[]): Promise<void>;
  setMail(key: string, mail: string): Promise<void>;
  /** A group with these member DNs (users or groups); members may be added later. */
  addGroup(cn: string, members: readonly string[], description?: string): Promise<string>;
  addMembers(groupDn: string, members: readonly string[]): Promise<void>;
  removeMembers(groupDn: string, members: readonly string[]): Promise<void>;
  setDescription(groupDn: string, description: string): Promise<void>;
  /** New cn, same container; returns the new DN. */
  renameGroup(groupDn: string, cn: string): Promise<string>;
  deleteGroup(groupDn: string): Promise<void>;
  login(key: string): string;
  sourceYaml(): string;
  groupsYaml(o?: { nested?: 'flatten' | 'direct'; name?: string }): string;
  transformsYaml: string;
}

const TRANSFORMS = `transforms:
  - map:
      login: "{mail | lower}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
  - validate:
      required: [login, email, firstName, lastName]`;

/** Scenario `ou=<name>,dc=example,dc=com` on a slapd: ou=people and ou=groups below it. */
export async function slapdGroupDirectory(ldap: SlapdServer, name: string): Promise<GroupDirectory> {
  const base = `ou=${name},${ldap.baseDn}`;
  await ldap.add([
    { dn: base, attributes: { objectClass: ['organizationalUnit'], ou: name } },
    { dn: `ou=people,${base}`, attributes: { objectClass: ['organizationalUnit'], ou: 'people' } },
    { dn: `ou=groups,${base}`, attributes: { objectClass: ['organizationalUnit'], ou: 'groups' } },
  ]);
  const placeholder = `cn=nobody,${base}`;
  const userDn = (key: string) => `uid=${key},ou=people,${base}`;
  const mailOf = (key: string) => `${key}@${name}.example.com`;
  return {
    flavor: 'openldap',
    base,
    userDn,
    groupDn: (cn) => `cn=${cn},ou=groups,${base}`,
    addUsers: (users) =>
      ldap.add(
        users.map((u) => ({
          dn: userDn(u.key),
          attributes: {
            objectClass: ['inetOrgPerson'],
            uid: u.key,
            cn: u.cn ?? `Person ${u.key}`,
            givenName: 'Person',
            sn: u.key.toUpperCase(),
            ...(u.mail === null ? {} : { mail: u.mail ?? mailOf(u.key) }),
          },
        })),
      ),
    setMail: (key, mail) => ldap.modify(userDn(key), { replace: { mail } }),
    addGroup: async (cn, members, description) => {
      const dn = `cn=${cn},ou=groups,${base}`;
      await ldap.add([
        {
          dn,
          attributes: { objectClass: ['groupOfNames'], cn, member: members.length ? [...members] : [placeholder], ...(description ? { description } : {}) },
        },
      ]);
      return dn;
    },
    addMembers: (g, ms) => ldap.modify(g, { add: { member: [...ms] } }),
    removeMembers: (g, ms) => ldap.modify(g, { delete: { member: [...ms] } }),
    setDescription: (g, d) => ldap.modify(g, { replace: { description: d } }),
    renameGroup: async (g, cn) => {
      const next = `cn=${cn},${g.split(',').slice(1).join(',')}`;
      await ldap.rename(g, next);
      return next;
    },
    deleteGroup: (g) => ldap.del(g),
    login: (key) => mailOf(key).toLowerCase(),
    sourceYaml: () =>
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [`ou=people,${base}`],
        attributes: ['uid', 'givenName', 'sn', 'mail'],
      }),
    groupsYaml: (o = {}) =>
      [
        'groups:',
        `  baseDns: ["ou=groups,${base}"]`,
        '  filter: "(objectClass=groupOfNames)"',
        `  name: ${JSON.stringify(o.name ?? '{cn}')}`,
        `  nested: ${o.nested ?? 'flatten'}`,
      ].join('\n'),
    transformsYaml: TRANSFORMS,
  };
}

const UAC_ENABLED_NO_PASSWORD = '544';

/** A scenario OU on the shared Samba AD DC: OU=people and OU=groups below it. */
export async function adGroupDirectory(ad: SambaAd, name: string): Promise<GroupDirectory & { remove(): Promise<void> }> {
  const sc = await ad.createScenario(name);
  const base = sc.dn;
  await sc.add([
    { dn: `OU=people,${base}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } },
    { dn: `OU=groups,${base}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'groups' } },
  ]);
  // sAMAccountName is unique in the whole domain (shared by every test file): tag it per scenario
  const tag = name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(-6);
  const sam = (key: string) => `${key}${tag}`.slice(0, 20);
  const cns = new Map<string, string>();
  const userDn = (key: string) => `CN=${escapeDnValue(cns.get(key) ?? key, { ad: true })},OU=people,${base}`;
  const mailOf = (key: string) => `${sam(key)}@example.test`;
  let groupNo = 0;
  return {
    flavor: 'ad',
    base,
    userDn,
    groupDn: (cn) => `CN=${cn},OU=groups,${base}`,
    addUsers: (users) => {
      for (const u of users) if (u.cn) cns.set(u.key, u.cn);
      return ad.addUsers(
        users.map((u) => ({
          dn: userDn(u.key),
          enabled: true,
          attributes: {
            objectClass: ['top', 'person', 'organizationalPerson', 'user'],
            sAMAccountName: sam(u.key),
            givenName: 'Person',
            sn: u.key.toUpperCase(),
            ...(u.mail === null ? {} : { mail: u.mail ?? mailOf(u.key) }),
            userAccountControl: UAC_ENABLED_NO_PASSWORD,
          },
        })),
        { concurrency: 8 },
      );
    },
    setMail: (key, mail) => ad.modify(userDn(key), { replace: { mail } }),
    addGroup: async (cn, members, description) => {
      const dn = `CN=${cn},OU=groups,${base}`;
      await ad.add([
        {
          dn,
          attributes: {
            objectClass: ['top', 'group'],
            sAMAccountName: `g${++groupNo}${tag}`,
            groupType: '-2147483646',
            ...(members.length ? { member: [...members] } : {}),
            ...(description ? { description } : {}),
          },
        },
      ]);
      return dn;
    },
    addMembers: (g, ms) => ad.modify(g, { add: { member: [...ms] } }),
    removeMembers: (g, ms) => ad.modify(g, { delete: { member: [...ms] } }),
    setDescription: (g, d) => ad.modify(g, { replace: { description: d } }),
    renameGroup: async (g, cn) => {
      const next = `CN=${cn},${g.split(',').slice(1).join(',')}`;
      await ad.rename(g, next);
      return next;
    },
    deleteGroup: (g) => ad.del(g),
    login: (key) => mailOf(key).toLowerCase(),
    sourceYaml: () =>
      ldapSourceYaml({
        url: ad.url,
        bindDn: ad.adminUpn,
        password: ad.adminPassword,
        baseDns: [`OU=people,${base}`],
        flavor: 'ad',
        attributes: ['sAMAccountName', 'givenName', 'sn', 'mail'],
      }),
    groupsYaml: (o = {}) =>
      ['groups:', `  baseDns: ["OU=groups,${base}"]`, `  name: ${JSON.stringify(o.name ?? '{cn}')}`, `  nested: ${o.nested ?? 'flatten'}`].join('\n'),
    transformsYaml: TRANSFORMS,
    remove: () => sc.remove(),
  };
}

export interface GroupsEnv {
  /** The agent's config: source, okta, transforms, state and `groups:`. */
  config: string;
  statePath: string;
  /** Another config file next to it (e.g. a variant with a bad token). */
  file(name: string, text: string): string;
  cleanup(): void;
}

export function writeConfig(name: string, dir: GroupDirectory, sim: OktaSimulator, o: { nested?: 'flatten' | 'direct'; oktaExtra?: string } = {}): GroupsEnv {
  const env = scenarioDir(name);
  const statePath = join(env.dir, 'state.db');
  const text = [
    dir.sourceYaml(),
    oktaYaml({ url: sim.url, token: sim.token, extra: o.oktaExtra }),
    dir.transformsYaml,
    `state:\n  path: ${statePath}`,
    dir.groupsYaml({ nested: o.nested }),
  ].join('\n');
  return { config: env.file('config.yaml', text), statePath, file: env.file, cleanup: env.cleanup };
}

export interface SyncResult {
  code: number;
  report: RunReport & Required<Pick<RunReport, 'groupsPlan' | 'groups'>>;
  err: string;
}

/**
 * `ldap-okta-sync sync -c <config> --json [flags]`: users, then groups, in one run. Fails the test
 * unless it exits 0 or 6 (some records or groups quarantined, or writes failed) with a report that
 * has the group plan and counts.
 */
export async function syncRun(config: string, ...flags: ('--full' | '--incremental')[]): Promise<SyncResult> {
  const r = await cli('sync', '-c', config, '--json', ...flags);
  let report: RunReport;
  try {
    report = JSON.parse(r.out) as RunReport;
  } catch {
    throw new Error(`sync printed no report (exit ${r.code}):\n${r.out}\n${r.err}`);
  }
  if (r.code !== 0 && r.code !== 6) throw new Error(`sync exited ${r.code}: ${report.error ?? r.err}`);
  if (!report.groupsPlan || !report.groups) throw new Error(`the run report has no groups: ${r.out}`);
  return { code: r.code, report: report as SyncResult['report'], err: r.err };
}

/** One group of `plan --json` (`groupActions`). */
export interface PlannedGroupJson {
  dn: string;
  name: string | null;
  action: string;
  oktaId: string | null;
  reason?: string;
  from?: { name: string | null; description: string | null };
  add: number;
  remove: number;
  members: { add: { login: string | null; dn: string | null }[]; remove: { login: string | null; dn: string | null }[] };
}

/** `ldap-okta-sync plan -c <config> --json [flags]`, parsed. */
export async function planJson(
  config: string,
  ...flags: '--full'[]
): Promise<{ code: number; plan: { mode: string; groups: Record<string, number>; groupActions: PlannedGroupJson[] } }> {
  const r = await cli('plan', '-c', config, '--json', ...flags);
  if (r.code !== 0) throw new Error(`plan exited ${r.code}: ${r.err}`);
  return { code: r.code, plan: JSON.parse(r.out) };
}

/** Read-only look at the agent's state. */
export function withState<T>(env: GroupsEnv, fn: (s: StateStore) => T): T {
  const s = StateStore.open(env.statePath, { readonly: true });
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

/** The simulator's members of the group with this name, as logins (sorted). */
export function oktaMembers(sim: OktaSimulator, groupName: string): string[] {
  const g = sim.store.groupByName(groupName);
  if (!g) throw new Error(`no Okta group named ${groupName}`);
  return sim.store
    .members(g.id)
    .map((id) => String(sim.store.user(id)?.profile.login))
    .sort();
}

export const GROUP_POST = 'POST /api/v1/groups';
export const GROUP_PUT = 'PUT /api/v1/groups/{id}';
export const MEMBER_PUT = 'PUT /api/v1/groups/{id}/users/{id}';
export const MEMBER_DELETE = 'DELETE /api/v1/groups/{id}/users/{id}';
export const GROUP_SEARCH = 'GET /api/v1/groups';

/** Write requests to the groups API, by endpoint (user writes of the same run left out). */
export function groupWrites(sim: OktaSimulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of sim.requests.writes()) if (/^\w+ \/api\/v1\/groups/.test(w.endpoint)) out[w.endpoint] = (out[w.endpoint] ?? 0) + 1;
  return out;
}

/** Memberships users created by the run carried with their create (`groupIds` of `POST /api/v1/users`), as the run sent them. */
export function joinsOnCreate(sim: OktaSimulator): number {
  return sim.requests
    .writes('POST /api/v1/users')
    .filter((w) => w.status === 200)
    .reduce((n, w) => n + ((w.body as { groupIds?: string[] } | undefined)?.groupIds?.length ?? 0), 0);
}
