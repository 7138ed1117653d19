/**
 * Crash safety at scale: `sync` (the real executable) SIGKILLed at 20 points of a 10,000-user
 * sync, each followed by a restart, then a run to completion; afterwards Okta holds exactly what
 * the directory says: 0 duplicate users, 0 missing, 0 stale profiles or statuses, 0 wrong
 * memberships. The points are Okta requests of each kind held by the simulator (a `timeout`
 * fault: some applied and their answer lost, some not applied) while the agent has others in
 * flight: the mirror refresh, user creates, group creates and membership writes, profile updates,
 * suspensions and deactivations. slapd is loaded offline; the simulator runs without rate limits.
 */
import { join } from 'node:path';
import type { FaultAction } from '../../src/okta-sim/faults/injector';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { deleteEntry, modifyEntry, startSlapd, type SlapdServer } from '../harness';
import type { LdapEntry } from '../harness/ldif';
import { cleanupEnv, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir } from '../helpers/agent';
import { start } from '../helpers/process';

const BASE = 'dc=example,dc=com';
const OU = `ou=crash,${BASE}`;
const GROUPS_OU = `ou=crash-groups,${BASE}`;
const N = 10_000;
const GROUPS = 10;

interface Person {
  i: number;
  /** Activated in Okta by the person (out of band): a disabled one is suspended, else deactivated. */
  activated: boolean;
  title: string;
  disabled: boolean;
  deleted: boolean;
}

const uid = (i: number) => `c${String(i).padStart(5, '0')}`;
const dn = (i: number) => `uid=${uid(i)},${OU}`;
const login = (i: number) => `${uid(i)}@example.com`;
/** Directory groups: group g holds every user i with i % GROUPS === g, and the group after it half of them. */
const membersOf = (g: number, people: Person[]) =>
  people.filter((p) => !p.deleted && (p.i % GROUPS === g || (p.i % GROUPS === (g + GROUPS - 1) % GROUPS && p.i % 2 === 0)));

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('crash-suite');
let config: string;
const people: Person[] = Array.from({ length: N }, (_, i) => ({ i, activated: false, title: 'Start', disabled: false, deleted: false }));
/** Each directory group's members as the directory has them now. */
const groupMembers: Person[][] = Array.from({ length: GROUPS }, (_, g) => membersOf(g, people));

function entry(p: Person): LdapEntry {
  return {
    dn: dn(p.i),
    attributes: {
      objectClass: ['inetOrgPerson'],
      uid: uid(p.i),
      cn: `C ${p.i}`,
      givenName: 'C',
      sn: String(p.i),
      mail: login(p.i),
      title: p.title,
      employeeType: p.disabled ? 'disabled' : 'staff',
    },
  };
}

function groupEntry(g: number, members: Person[]): LdapEntry {
  return { dn: `cn=crash-${g},${GROUPS_OU}`, attributes: { objectClass: ['groupOfNames'], cn: `crash-${g}`, member: members.map((p) => dn(p.i)) } };
}

beforeAll(async () => {
  ldap = await startSlapd({
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'crash' } },
      { dn: GROUPS_OU, attributes: { objectClass: ['organizationalUnit'], ou: 'crash-groups' } },
      ...people.map(entry),
      ...groupMembers.map((members, g) => groupEntry(g, members)),
    ],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  config = env.file(
    'config.yaml',
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [OU],
        attributes: ['uid', 'givenName', 'sn', 'mail', 'title', 'employeeType'],
        extra: '    disabledFilter: (employeeType=disabled)',
      }).replace('pageSize: 200', 'pageSize: 500'),
      `groups:\n  baseDns: ["${GROUPS_OU}"]\n  filter: (objectClass=groupOfNames)`,
      oktaYaml({ url: sim.url, token: sim.token }),
      'transforms:\n  - map:\n      login: "{mail | lower}"\n      email: "{mail}"\n      firstName: "{givenName}"\n      lastName: "{sn}"\n      title: "{title}"',
      'lifecycle:\n  missing: deactivate\n  missingGraceRuns: 1',
      'safeguards:\n  deprovisions: { percent: 100, count: 100000 }\n  membershipRemovals: { percent: 100, count: 100000 }\n  updates: { percent: 100, count: 100000 }',
      `state:\n  path: ${join(env.dir, 'state.db')}`,
      'log:\n  level: warn\n  format: json',
    ].join('\n'),
  );
}, 300_000);

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

interface KillPoint {
  endpoint: string;
  /** Matching requests let through first. */
  after: number;
  /** The held request was applied (its answer lost) or not. */
  applied: boolean;
}

/**
 * One kill point: a sync starts, the simulator holds the chosen request (applied or not), the
 * agent is SIGKILLed while waiting for it (with other requests in flight).
 */
async function killAt(p: KillPoint, args: string[]): Promise<void> {
  sim.faults.clear();
  const action: FaultAction = { type: 'timeout', apply: p.applied };
  const fault = sim.faults.add({ endpoint: p.endpoint, after: p.after, times: 1, action });
  const run = start(['sync', '-c', config, ...args]);
  const t0 = Date.now();
  try {
    while (fault.fired === 0) {
      if (run.child.exitCode !== null)
        throw new Error(`the run ended (exit ${run.child.exitCode}) before ${p.endpoint} #${p.after + 1}:\n${run.output().slice(-3000)}`);
      if (Date.now() - t0 > 240_000) throw new Error(`no ${p.endpoint} #${p.after + 1} in 240 s:\n${run.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    // the other requests in flight go on arriving for a moment
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    run.child.kill('SIGKILL');
    await run.exited;
    sim.faults.clear();
  }
}

async function complete(args: string[]): Promise<void> {
  const run = start(['sync', '-c', config, '--json', ...args]);
  const code = await run.exited;
  if (code !== 0) throw new Error(`the run after the kills exited ${code}:\n${run.output().slice(-3000)}`);
}

/** Okta against the directory: every discrepancy, by kind. */
function discrepancies(): Record<'duplicates' | 'missing' | 'staleProfiles' | 'wrongStatuses' | 'wrongMemberships', string[]> {
  const users = sim.store.users();
  const byLogin = new Map<string, number>();
  for (const u of users) byLogin.set(String(u.profile.login).toLowerCase(), (byLogin.get(String(u.profile.login).toLowerCase()) ?? 0) + 1);
  const out = {
    duplicates: [...byLogin].filter(([, n]) => n > 1).map(([l]) => l),
    missing: [] as string[],
    staleProfiles: [] as string[],
    wrongStatuses: [] as string[],
    wrongMemberships: [] as string[],
  };
  if (users.length !== N) out.duplicates.push(`${users.length} Okta users for ${N} people`);
  for (const p of people) {
    const u = sim.store.user(login(p.i));
    if (!u) {
      out.missing.push(login(p.i));
      continue;
    }
    if (u.profile.title !== p.title || u.profile.lastName !== String(p.i)) out.staleProfiles.push(`${login(p.i)}: ${String(u.profile.title)}`);
    const want = p.deleted ? ['DEPROVISIONED'] : p.disabled ? [p.activated ? 'SUSPENDED' : 'DEPROVISIONED'] : [p.activated ? 'ACTIVE' : 'PROVISIONED'];
    if (!want.includes(u.status)) out.wrongStatuses.push(`${login(p.i)}: ${u.status}, not ${want.join('/')}`);
  }
  for (let g = 0; g < GROUPS; g++) {
    const group = sim.store.groupByName(`crash-${g}`);
    const want = new Set(groupMembers[g].map((p) => sim.store.user(login(p.i))?.id ?? `no Okta user for ${login(p.i)}`));
    const have = new Set(group ? sim.store.members(group.id) : []);
    const extra = [...have].filter((id) => !want.has(id)).length;
    const lacking = [...want].filter((id) => !have.has(id)).length;
    if (!group || extra || lacking) out.wrongMemberships.push(`crash-${g}: ${group ? `${extra} extra, ${lacking} lacking` : 'no Okta group'}`);
  }
  return out;
}

const clean = { duplicates: [], missing: [], staleProfiles: [], wrongStatuses: [], wrongMemberships: [] };

test('the first import of 10,000 users and 10 groups, killed at 9 points, then completed: Okta matches the directory', async () => {
  const points: KillPoint[] = [
    { endpoint: 'GET /api/v1/users', after: 0, applied: true }, // the mirror refresh
    { endpoint: 'POST /api/v1/groups', after: 3, applied: true },
    { endpoint: 'POST /api/v1/users', after: 50, applied: true },
    { endpoint: 'POST /api/v1/users', after: 1500, applied: false },
    { endpoint: 'POST /api/v1/users', after: 3000, applied: true },
    { endpoint: 'POST /api/v1/users', after: 4500, applied: true },
    { endpoint: 'POST /api/v1/users', after: 6000, applied: false },
    { endpoint: 'POST /api/v1/users', after: 7500, applied: true },
    { endpoint: 'POST /api/v1/users', after: 9000, applied: true },
  ];
  // each restart continues where the last one stopped: count the requests of the runs so far
  const done = (endpoint: string) => sim.requests.count(endpoint);
  for (const p of points) await killAt({ ...p, after: Math.max(0, p.after - done(p.endpoint)) }, []);
  await complete([]);
  expect(discrepancies()).toEqual(clean);
}, 900_000);

test('3,000 updates, 1,000 disabled (suspended or deactivated), 100 deleted, 2,000 membership removals, killed at 11 points, then completed: Okta matches the directory', async () => {
  // half of the people activated their Okta account meanwhile
  for (const p of people) {
    if (p.i % 20 < 10) {
      p.activated = true;
      sim.store.setStatus(login(p.i), 'ACTIVE');
    }
  }
  const client = await ldap.client();
  try {
    for (const p of people) {
      if (p.i % 100 === 55) {
        p.deleted = true;
        await deleteEntry(client, dn(p.i));
      } else if (p.i % 10 < 3) {
        p.title = `Changed ${p.i}`;
        await modifyEntry(client, dn(p.i), { replace: { title: p.title } });
      } else if (p.i % 10 === 3) {
        p.disabled = true;
        await modifyEntry(client, dn(p.i), { replace: { employeeType: 'disabled' } });
      }
    }
    // memberships: deleted users leave their groups, and a seventh of each group's members too
    for (let g = 0; g < GROUPS; g++) {
      groupMembers[g] = membersOf(g, people).filter((p) => p.i % 7 !== g % 7);
      await modifyEntry(client, groupEntry(g, groupMembers[g]).dn, { replace: { member: groupMembers[g].map((p) => dn(p.i)) } });
    }
  } finally {
    await client.unbind();
  }
  const points: KillPoint[] = [
    { endpoint: 'GET /api/v1/users', after: 5, applied: true }, // in the middle of the mirror refresh's pages
    { endpoint: 'POST /api/v1/users/{id}', after: 100, applied: true },
    { endpoint: 'POST /api/v1/users/{id}', after: 1200, applied: false },
    { endpoint: 'POST /api/v1/users/{id}', after: 2500, applied: true },
    { endpoint: 'POST /api/v1/users/{id}/lifecycle/suspend', after: 50, applied: true },
    { endpoint: 'POST /api/v1/users/{id}/lifecycle/suspend', after: 300, applied: false },
    { endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', after: 20, applied: true },
    { endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', after: 250, applied: false },
    { endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', after: 500, applied: true },
    { endpoint: 'DELETE /api/v1/groups/{id}/users/{id}', after: 30, applied: true },
    { endpoint: 'DELETE /api/v1/groups/{id}/users/{id}', after: 1200, applied: false },
  ];
  sim.requests.reset();
  const done = (endpoint: string) => sim.requests.count(endpoint);
  for (const p of points) await killAt({ ...p, after: Math.max(0, p.after - done(p.endpoint)) }, ['--full']);
  await complete(['--full']);
  expect(discrepancies()).toEqual(clean);
}, 900_000);
