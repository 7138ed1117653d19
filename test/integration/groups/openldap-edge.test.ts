/**
 * Group sync edge cases on a real slapd and the Okta simulator (one OU per scenario): direct
 * nesting, colliding names, a group deleted and recreated in the directory, a user deleted from the
 * directory, an Okta group deleted by hand, Okta 5xx / 4xx / bad token during apply.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { OktaFatalError } from '../../../src/okta/errors';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../../harness';
import { cleanupEnv, FAST_LIMITS } from '../../helpers/agent';
import {
  checkpointOf,
  oktaMembers,
  planGroupsReadOnly,
  runGroups,
  slapdGroupDirectory,
  syncUsers,
  withState,
  writeConfigs,
  writesByEndpoint,
  type GroupDirectory,
  type GroupsEnv,
} from './helpers';

const MEMBER_PUT = 'PUT /api/v1/groups/{id}/users/{id}';
const MEMBER_DELETE = 'DELETE /api/v1/groups/{id}/users/{id}';
const GROUP_POST = 'POST /api/v1/groups';

let ldap: SlapdServer;
beforeAll(async () => {
  ldap = await startSlapd();
});
afterAll(async () => {
  await ldap?.stop();
  cleanupEnv();
});

/** A scenario: its own OU, simulator and state; users u0..u(n-1). */
function scenario(name: string, users: number, o: { nested?: 'flatten' | 'direct' } = {}) {
  const s = {} as { dir: GroupDirectory; sim: OktaSimulator; env: GroupsEnv; u: (n: number) => string; login: (n: number) => string };
  beforeAll(async () => {
    s.dir = await slapdGroupDirectory(ldap, name);
    s.sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    await s.dir.addUsers(Array.from({ length: users }, (_, n) => ({ key: `u${n}` })));
    s.env = writeConfigs(name, s.dir, s.sim, { nested: o.nested });
    s.u = (n) => s.dir.userDn(`u${n}`);
    s.login = (n) => s.dir.login(`u${n}`);
  });
  afterAll(async () => {
    await s.sim?.close();
    s.env?.cleanup();
  });
  return s;
}

describe('nested: direct', () => {
  const s = scenario('grp-direct', 3, { nested: 'direct' });

  test('only direct user members are members; a nested group adds nothing', async () => {
    const inner = await s.dir.addGroup('Inner', [s.u(2)]);
    await s.dir.addGroup('Outer', [s.u(0), s.u(1), inner]);
    await syncUsers(s.env);
    s.sim.requests.reset();
    const r = await runGroups(s.env, s.sim);
    expect(r.plan).toEqual({ read: 2, creates: 2, updates: 0, memberAdds: 3, memberRemoves: 0, quarantined: 0 });
    expect(oktaMembers(s.sim, 'Outer')).toEqual([s.login(0), s.login(1)].sort());
    expect(oktaMembers(s.sim, 'Inner')).toEqual([s.login(2)]);
  });
});

describe('names that collide', () => {
  const s = scenario('grp-names', 2);

  test('two directory groups whose names differ only in case: the first by DN gets the Okta group, the other is quarantined', async () => {
    const base = `ou=groups,${s.dir.base}`;
    await ldap.add([
      { dn: `ou=a,${base}`, attributes: { objectClass: ['organizationalUnit'], ou: 'a' } },
      { dn: `ou=b,${base}`, attributes: { objectClass: ['organizationalUnit'], ou: 'b' } },
      { dn: `cn=Dup,ou=a,${base}`, attributes: { objectClass: ['groupOfNames'], cn: 'Dup', member: [s.u(0)] } },
      { dn: `cn=DUP,ou=b,${base}`, attributes: { objectClass: ['groupOfNames'], cn: 'DUP', member: [s.u(1)] } },
    ]);
    await syncUsers(s.env);
    s.sim.requests.reset();
    const r = await runGroups(s.env, s.sim);
    expect(r.plan).toMatchObject({ read: 2, creates: 1, memberAdds: 1, quarantined: 1 });
    expect(r.applied).toMatchObject({ created: 1, membersAdded: 1, quarantined: 1 });
    expect(writesByEndpoint(s.sim)).toEqual({ [GROUP_POST]: 1, [MEMBER_PUT]: 1 });
    expect(oktaMembers(s.sim, 'Dup')).toEqual([s.login(0)]);
    const q = withState(s.env, (st) => st.groups.quarantined());
    expect(q.map((g) => g.dn)).toEqual([`cn=DUP,ou=b,${base}`]);
    expect(q[0].quarantine?.reason).toMatch(/also the name of directory group cn=Dup,ou=a/);
  });
});

describe('planning on a read-only state (the plan command)', () => {
  const s = scenario('grp-readonly', 3);

  test('counts the planned changes and writes nothing: not the state file, not Okta', async () => {
    const zeta = await s.dir.addGroup('Zeta', [s.u(0), s.u(1)]);
    await syncUsers(s.env);
    await runGroups(s.env, s.sim);
    await s.dir.removeMembers(zeta, [s.u(1)]);
    await s.dir.addMembers(zeta, [s.u(2)]);
    await s.dir.addGroup('Eta', [s.u(2)]);
    const before = readFileSync(s.env.statePath);
    s.sim.requests.reset();
    const plan = await planGroupsReadOnly(s.env);
    expect(plan).toEqual({ read: 2, creates: 1, updates: 0, memberAdds: 2, memberRemoves: 1, quarantined: 0 });
    expect(readFileSync(s.env.statePath).equals(before)).toBe(true);
    expect(s.sim.requests.writes()).toHaveLength(0);
    // and the real run does what the plan said
    const r = await runGroups(s.env, s.sim);
    expect(r.applied).toMatchObject({ created: 1, membersAdded: 2, membersRemoved: 1 });
  });
});

describe('directory deletions', () => {
  const s = scenario('grp-deletions', 4);

  test('a group deleted and created again under the same name keeps its Okta group; members follow the new entry', async () => {
    const alpha = await s.dir.addGroup('Alpha', [s.u(0), s.u(1)]);
    await syncUsers(s.env);
    await runGroups(s.env, s.sim);
    const before = s.sim.store.groupByName('Alpha')!.id;

    await s.dir.deleteGroup(alpha);
    await s.dir.addGroup('Alpha', [s.u(1), s.u(2)]); // a new entry: a new entryUUID
    s.sim.requests.reset();
    const r = await runGroups(s.env, s.sim);
    // the old entry's memberships are removed first, then the new entry takes the Okta group over
    expect(r.plan).toMatchObject({ creates: 1, memberAdds: 2, memberRemoves: 2 });
    expect(r.applied).toMatchObject({ created: 0, matched: 1, membersAdded: 2, membersRemoved: 2, quarantined: 0 });
    expect(writesByEndpoint(s.sim)).toEqual({ [MEMBER_DELETE]: 2, [MEMBER_PUT]: 2 });
    expect(s.sim.store.groupByName('Alpha')!.id).toBe(before);
    expect(oktaMembers(s.sim, 'Alpha')).toEqual([s.login(1), s.login(2)].sort());
    expect(withState(s.env, (st) => st.groups.counts())).toMatchObject({ total: 1, linked: 1, removed: 0, memberships: 2 });
  });

  test('a user deleted from the directory leaves the groups it was in (the directory removes it from them)', async () => {
    await ldap.del(s.u(2));
    s.sim.requests.reset();
    const r = await runGroups(s.env, s.sim);
    expect(r.plan).toMatchObject({ memberAdds: 0, memberRemoves: 1 });
    expect(writesByEndpoint(s.sim)).toEqual({ [MEMBER_DELETE]: 1 });
    expect(oktaMembers(s.sim, 'Alpha')).toEqual([s.login(1)]);
  });
});

describe('Okta trouble', () => {
  const s = scenario('grp-okta', 4);
  let gamma: string;

  test('5xx after the retries: counted as failed, nothing recorded; the next run (incremental too) adds the member', async () => {
    gamma = await s.dir.addGroup('Gamma', [s.u(0)]);
    await syncUsers(s.env);
    await runGroups(s.env, s.sim);
    await s.dir.addMembers(gamma, [s.u(1)]);
    const fault = s.sim.faults.add({ endpoint: MEMBER_PUT, action: { type: 'error500' } });
    const r = await runGroups(s.env, s.sim);
    fault.remove();
    expect(r.applied).toMatchObject({ membersAdded: 0, failed: 1, quarantined: 0 });
    expect(s.sim.requests.count(MEMBER_PUT)).toBeGreaterThan(2); // retried by the executor
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0)]);
    expect(withState(s.env, (st) => st.groups.appliedMembers(st.groups.byOktaId(s.sim.store.groupByName('Gamma')!.id)!.anchor))).toHaveLength(1);

    // no group change since the checkpoint (the last write before it is a user's, so the boundary
    // re-read is not Gamma): the group is pending, so an incremental run re-plans it
    await ldap.modify(s.u(3), { replace: { description: 'boundary' } });
    const since = await checkpointOf(s.env);
    s.sim.requests.reset();
    const again = await runGroups(s.env, s.sim, { since });
    expect(again.applied).toMatchObject({ membersAdded: 1, failed: 0 });
    expect(writesByEndpoint(s.sim)).toEqual({ [MEMBER_PUT]: 1 });
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0), s.login(1)].sort());
  });

  test('a 4xx on one group quarantines that group with Okta\'s error; the other groups go on', async () => {
    await s.dir.addGroup('Delta', [s.u(2)]);
    await s.dir.addMembers(gamma, [s.u(3)]);
    const body = JSON.stringify({ errorCode: 'E0000001', errorSummary: 'Api validation failed: profile', errorLink: 'E0000001', errorId: 'oae1', errorCauses: [{ errorSummary: 'name: not allowed here' }] });
    const fault = s.sim.faults.add({ endpoint: GROUP_POST, action: { type: 'http', status: 400, body, contentType: 'application/json' } });
    s.sim.requests.reset();
    const r = await runGroups(s.env, s.sim);
    fault.remove();
    expect(r.applied).toMatchObject({ created: 0, membersAdded: 1, quarantined: 1, failed: 0 });
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0), s.login(1), s.login(3)].sort());
    expect(s.sim.store.groupByName('Delta')).toBeUndefined();
    const q = withState(s.env, (st) => st.groups.quarantined());
    expect(q.map((g) => g.dn)).toEqual([s.dir.groupDn('Delta')]);
    expect(q[0].quarantine?.reason).toContain('E0000001');
    expect(q[0].quarantine?.reason).toContain('name: not allowed here');

    // retried by the next run, and fine now
    const next = await runGroups(s.env, s.sim);
    expect(next.applied).toMatchObject({ created: 1, membersAdded: 1, quarantined: 0 });
    expect(withState(s.env, (st) => st.groups.quarantined())).toEqual([]);
  });

  test('an Okta group deleted by hand: the group is quarantined at the next write, and created again by the run after', async () => {
    const id = s.sim.store.groupByName('Gamma')!.id;
    s.sim.store.raw.deleteGroup(id);
    await s.dir.removeMembers(gamma, [s.u(3)]);
    await s.dir.addMembers(gamma, [s.u(2)]);
    const r = await runGroups(s.env, s.sim);
    expect(r.applied).toMatchObject({ quarantined: 1, failed: 0 });
    expect(withState(s.env, (st) => st.groups.quarantined()[0]?.quarantine?.reason)).toMatch(/no longer exists in Okta/);
    s.sim.requests.reset();
    const next = await runGroups(s.env, s.sim);
    expect(next.applied).toMatchObject({ created: 1, membersAdded: 3, quarantined: 0 });
    expect(writesByEndpoint(s.sim)).toEqual({ [GROUP_POST]: 1, [MEMBER_PUT]: 3 });
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0), s.login(1), s.login(2)].sort());
  });

  test('a bad token stops the run: applyGroups throws OktaFatalError and nothing is recorded as done in Okta', async () => {
    const epsilon = await s.dir.addGroup('Epsilon', [s.u(0)]);
    const badFile = s.env.groupsConfig.replace(/groups\.yaml$/, 'bad-token.yaml');
    process.env.LOS_TEST_BAD_TOKEN = 'not-the-token';
    writeFileSync(badFile, readFileSync(s.env.groupsConfig, 'utf8').replace(/token: \$\{env:\w+\}/, 'token: ${env:LOS_TEST_BAD_TOKEN}'));
    try {
      await expect(runGroups({ ...s.env, groupsConfig: badFile }, s.sim)).rejects.toBeInstanceOf(OktaFatalError);
    } finally {
      delete process.env.LOS_TEST_BAD_TOKEN;
    }
    expect(s.sim.store.groupByName('Epsilon')).toBeUndefined();
    expect(withState(s.env, (st) => st.groups.byDn(epsilon))).toMatchObject({ oktaId: null, pending: true });
    const next = await runGroups(s.env, s.sim);
    expect(next.applied).toMatchObject({ created: 1, membersAdded: 1 });
    expect(withState(s.env, (st) => st.groups.byDn(epsilon))).toMatchObject({ oktaId: s.sim.store.groupByName('Epsilon')!.id, pending: false, link: 'created' });
  });
});
