/**
 * Group sync integration helpers: one small directory per scenario (an OU with people and groups)
 * on slapd or on the shared Samba AD DC, config files for the agent, and the local orchestration of
 * a group run (planGroups → applyGroups with a StateStore and its spool), used until run.ts wires
 * groups into `sync`: users are synced first with the CLI (`sync(configFile)` on a config without
 * `groups:`), then the groups with the same state file.
 */
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load';
import { createDirectorySource } from '../../../src/directory';
import type { Checkpoint } from '../../../src/directory/source';
import { SdkOktaSink } from '../../../src/okta/client';
import type { OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { applyGroups, planGroups, type GroupApplyCounts, type GroupPlanSummary } from '../../../src/sync/groups';
import { silentLogger } from '../../../src/util/log';
import type { SambaAd, SlapdServer } from '../../harness';
import { ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

export interface GroupDirectory {
  flavor: 'openldap' | 'ad';
  base: string;
  userDn(key: string): string;
  groupDn(cn: string): string;
  /** Users with mail `<key>@<domain>` unless `mail: null`. */
  addUsers(users: readonly { key: string; mail?: string | null }[]): Promise<void>;
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
            cn: `Person ${u.key}`,
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
        { dn, attributes: { objectClass: ['groupOfNames'], cn, member: members.length ? [...members] : [placeholder], ...(description ? { description } : {}) } },
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
  const tag = name.toLowerCase().replace(/[^a-z0-9]/g, '').slice(-6);
  const sam = (key: string) => `${key}${tag}`.slice(0, 20);
  const userDn = (key: string) => `CN=${key},OU=people,${base}`;
  const mailOf = (key: string) => `${sam(key)}@example.test`;
  let groupNo = 0;
  return {
    flavor: 'ad',
    base,
    userDn,
    groupDn: (cn) => `CN=${cn},OU=groups,${base}`,
    addUsers: (users) =>
      ad.addUsers(
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
      ),
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
  /** Config without `groups:` (the users sync through the CLI). */
  usersConfig: string;
  /** The same config with `groups:`. */
  groupsConfig: string;
  statePath: string;
  cleanup(): void;
}

export function writeConfigs(name: string, dir: GroupDirectory, sim: OktaSimulator, o: { nested?: 'flatten' | 'direct'; oktaExtra?: string } = {}): GroupsEnv {
  const env = scenarioDir(name);
  const statePath = join(env.dir, 'state.db');
  const common = [dir.sourceYaml(), oktaYaml({ url: sim.url, token: sim.token, extra: o.oktaExtra }), dir.transformsYaml, `state:\n  path: ${statePath}`];
  return {
    usersConfig: env.file('users.yaml', common.join('\n')),
    groupsConfig: env.file('groups.yaml', [...common, dir.groupsYaml({ nested: o.nested })].join('\n')),
    statePath,
    cleanup: env.cleanup,
  };
}

/** `sync` of the users (CLI, in-process); fails the test unless it exits 0 or 6 (some quarantined). */
export async function syncUsers(env: GroupsEnv): Promise<Awaited<ReturnType<typeof sync>>> {
  const r = await sync(env.usersConfig);
  if (r.code !== 0 && r.code !== 6) throw new Error(`users sync exited ${r.code}: ${r.report.error ?? r.err}`);
  return r;
}

export interface GroupsRunResult {
  plan: GroupPlanSummary;
  applied: GroupApplyCounts;
  /** Okta write requests the simulator saw while planGroups ran (must be 0). */
  writesDuringPlan: number;
}

/**
 * One group run, orchestrated locally: open the state, the directory and the SDK sink from the
 * groups config; planGroups (the spool holds `spoolUsers`, the user actions a run would have
 * planned) → applyGroups. `since`: an incremental run from that checkpoint.
 */
export async function runGroups(
  env: GroupsEnv,
  sim: OktaSimulator,
  o: { since?: Checkpoint; spoolUsers?: { anchor: string; kind: string; dn: string }[] } = {},
): Promise<GroupsRunResult> {
  const { config } = loadConfig(env.groupsConfig);
  const state = StateStore.open(config.state.path);
  const source = createDirectorySource(config.source, config.groups);
  const sink = new SdkOktaSink(config.okta);
  const spool = state.spool();
  try {
    if (o.spoolUsers?.length) spool.addPage(o.spoolUsers.map((u) => ({ anchor: u.anchor, kind: u.kind, payload: u })), []);
    await source.open();
    const writesBefore = sim.requests.writes().length;
    const ctx = { config, source, state, spool, log: silentLogger, since: o.since };
    const plan = await planGroups(ctx);
    const writesDuringPlan = sim.requests.writes().length - writesBefore;
    const runId = state.runs.begin('sync', o.since ? 'incremental' : 'full', 'cli');
    let applied: GroupApplyCounts | undefined;
    try {
      applied = await applyGroups({ ...ctx, sink, runId });
    } finally {
      state.runs.finish(runId, applied ? 'ok' : 'failed', { ...(applied ?? {}) });
    }
    return { plan, applied, writesDuringPlan };
  } finally {
    await source.close().catch(() => undefined);
    spool.close();
    state.close();
  }
}

/** planGroups alone on a read-only state (what `plan` does): the summary. */
export async function planGroupsReadOnly(env: GroupsEnv): Promise<GroupPlanSummary> {
  const { config } = loadConfig(env.groupsConfig);
  const state = StateStore.open(config.state.path, { readonly: true });
  const source = createDirectorySource(config.source, config.groups);
  const spool = state.spool();
  try {
    await source.open();
    return await planGroups({ config, source, state, spool, log: silentLogger });
  } finally {
    await source.close().catch(() => undefined);
    spool.close();
    state.close();
  }
}

/** The directory's change position now (what a run takes before it reads). */
export async function checkpointOf(env: GroupsEnv): Promise<Checkpoint> {
  const { config } = loadConfig(env.groupsConfig);
  const source = createDirectorySource(config.source, config.groups);
  await source.open();
  try {
    return await source.checkpoint();
  } finally {
    await source.close();
  }
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

/** Write requests by endpoint (for exact-operation assertions). */
export function writesByEndpoint(sim: OktaSimulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of sim.requests.writes()) out[w.endpoint] = (out[w.endpoint] ?? 0) + 1;
  return out;
}
