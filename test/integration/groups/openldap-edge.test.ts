/**
 * Group sync edge cases on a real slapd and the Okta simulator (one OU per scenario), each step a
 * real `sync` or `plan` through the CLI: direct nesting, colliding names, the plan command (tables
 * and JSON, nothing written), a group deleted and recreated in the directory, a user deleted from
 * the directory, an Okta group deleted by hand, Okta 5xx / 4xx / bad token during the run.
 */
import { readFileSync } from 'node:fs';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../../harness';
import { cleanupEnv, cli, FAST_LIMITS } from '../../helpers/agent';
import {
  GROUP_POST,
  GROUP_PUT,
  GROUP_SEARCH,
  groupWrites,
  joinsOnCreate,
  MEMBER_DELETE,
  MEMBER_PUT,
  oktaMembers,
  planJson,
  slapdGroupDirectory,
  syncRun,
  withState,
  writeConfig,
  type GroupDirectory,
  type GroupsEnv,
} from './helpers';

let ldap: SlapdServer;
beforeAll(async () => {
  ldap = await startSlapd();
});
afterAll(async () => {
  await ldap?.stop();
  cleanupEnv();
});

/** A scenario: its own OU, simulator, config and state; users u0..u(n-1). */
function scenario(name: string, users: number, o: { nested?: 'flatten' | 'direct' } = {}) {
  const s = {} as { dir: GroupDirectory; sim: OktaSimulator; env: GroupsEnv; u: (n: number) => string; login: (n: number) => string };
  beforeAll(async () => {
    s.dir = await slapdGroupDirectory(ldap, name);
    s.sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    await s.dir.addUsers(Array.from({ length: users }, (_, n) => ({ key: `u${n}` })));
    s.env = writeConfig(name, s.dir, s.sim, { nested: o.nested });
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
    const r = await syncRun(s.env.config);
    expect(r.code).toBe(0);
    expect(r.report.counts.created).toBe(3);
    expect(r.report.groupsPlan).toEqual({ read: 2, creates: 2, updates: 0, memberAdds: 3, memberRemoves: 0, memberDrift: 0, quarantined: 0 });
    // the groups are created first: the users join them with their create
    expect(groupWrites(s.sim)).toEqual({ [GROUP_POST]: 2 });
    expect(joinsOnCreate(s.sim)).toBe(3);
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
    const r = await syncRun(s.env.config);
    expect(r.code).toBe(6);
    expect(r.report.groupsPlan).toMatchObject({ read: 2, creates: 1, memberAdds: 1, quarantined: 1 });
    expect(r.report.groups).toMatchObject({ created: 1, membersAdded: 1, quarantined: 1 });
    expect(groupWrites(s.sim)).toEqual({ [GROUP_POST]: 1 });
    expect(joinsOnCreate(s.sim)).toBe(1);
    expect(oktaMembers(s.sim, 'Dup')).toEqual([s.login(0)]);
    const q = withState(s.env, (st) => st.groups.quarantined());
    expect(q.map((g) => g.dn)).toEqual([`cn=DUP,ou=b,${base}`]);
    expect(q[0].quarantine?.reason).toMatch(/also the name of directory group cn=Dup,ou=a/);
  });
});

describe('the plan command', () => {
  const s = scenario('grp-plan', 3);

  test('plan --json: the group summary and every group with its action and members; nothing written, not the state file, not Okta', async () => {
    const zeta = await s.dir.addGroup('Zeta', [s.u(0), s.u(1)]);
    await syncRun(s.env.config);
    await s.dir.removeMembers(zeta, [s.u(1)]);
    await s.dir.addMembers(zeta, [s.u(2)]);
    await s.dir.addGroup('Eta', [s.u(2)]);
    s.sim.store.seedGroup({ name: 'Eta', description: 'made by hand' });
    const before = readFileSync(s.env.statePath);
    s.sim.requests.reset();

    const { plan } = await planJson(s.env.config, '--full');
    expect(plan.mode).toBe('full');
    expect(plan.groups).toEqual({ read: 2, creates: 1, updates: 0, memberAdds: 2, memberRemoves: 1, memberDrift: 0, quarantined: 0 });
    const eta = s.sim.store.groupByName('Eta')!;
    // in plan order (by anchor); sorted here by name
    expect([...plan.groupActions].sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
      {
        dn: s.dir.groupDn('Eta'),
        name: 'Eta',
        description: null,
        action: 'take over',
        oktaId: eta.id,
        from: { name: 'Eta', description: 'made by hand' },
        add: 1,
        remove: 0,
        members: { add: [{ login: s.login(2), dn: s.u(2) }], remove: [] },
      },
      {
        dn: s.dir.groupDn('Zeta'),
        name: 'Zeta',
        action: 'members',
        oktaId: s.sim.store.groupByName('Zeta')!.id,
        add: 1,
        remove: 1,
        members: { add: [{ login: s.login(2), dn: s.u(2) }], remove: [{ login: s.login(1), dn: s.u(1) }] },
      },
    ]);
    expect(readFileSync(s.env.statePath).equals(before)).toBe(true);
    expect(s.sim.requests.writes()).toHaveLength(0);
    expect(s.sim.requests.count(GROUP_SEARCH)).toBe(1); // the mirror's refresh (groups changed since the sync): Eta's first contact is decided from it

    // the table a person reads (what the next sync would do: an incremental run)
    const text = await cli('plan', '-c', s.env.config);
    expect(text.code).toBe(0);
    const lines = text.out.split('\n');
    expect(text.out).toMatch(/Plan of a incremental run/);
    expect(text.out).toContain('Groups: 2 read, 1 to create or take over, 0 to rename, members +2 -1, 0 quarantined');
    expect(lines.find((l) => l.startsWith('Eta '))).toMatch(
      new RegExp(`^Eta\\s+take over ${eta.id} \\("Eta"\\); description "made by hand" → ∅\\s+1\\s+0\\s+cn=Eta,`),
    );
    expect(lines.find((l) => l.startsWith('Zeta '))).toMatch(/^Zeta\s+members\s+1\s+1\s+cn=Zeta,/);
    expect(
      lines
        .filter((l) => /^(Eta|Zeta)\s+[+-]\s/.test(l))
        .map((l) => l.split(/\s+/).slice(0, 3).join(' '))
        .sort(),
    ).toEqual([`Eta + ${s.login(2)}`, `Zeta + ${s.login(2)}`, `Zeta - ${s.login(1)}`].sort());
    expect(s.sim.requests.writes()).toHaveLength(0);

    // and the run does what the plan said
    s.sim.requests.reset();
    const r = await syncRun(s.env.config, '--full');
    expect(r.report.groupsPlan).toEqual(plan.groups);
    // Eta taken over, its description made what the template says (no description attribute: none)
    expect(r.report.groups).toMatchObject({ created: 0, matched: 1, updated: 1, membersAdded: 2, membersRemoved: 1 });
    expect(groupWrites(s.sim)).toEqual({ [GROUP_PUT]: 1, [MEMBER_PUT]: 2, [MEMBER_DELETE]: 1 });
    expect(s.sim.store.groupByName('Eta')?.profile.description ?? null).toBeNull();
  });

  test('plan shows a group quarantined at first contact, and no member writes for it', async () => {
    await s.dir.addGroup('Theta', [s.u(0)]);
    s.sim.store.seedGroup({ type: 'APP_GROUP', name: 'Theta' });
    const { plan } = await planJson(s.env.config);
    expect(plan.groupActions).toEqual([
      expect.objectContaining({
        name: 'Theta',
        action: 'quarantine',
        add: 0,
        remove: 0,
        reason: expect.stringMatching(/an Okta APP_GROUP named "Theta" \(\w+\) exists/),
      }),
    ]);
    const text = await cli('plan', '-c', s.env.config);
    expect(text.out).toMatch(/Quarantined groups \(1\):\n.*\n.*\ncn=Theta,\S+\s+an Okta APP_GROUP named "Theta"/);
    expect(text.out).not.toMatch(/^Theta\s+\+/m);
  });
});

describe('directory deletions', () => {
  const s = scenario('grp-deletions', 4);

  test('a group deleted and created again under the same name keeps its Okta group; members follow the new entry', async () => {
    const alpha = await s.dir.addGroup('Alpha', [s.u(0), s.u(1)]);
    await syncRun(s.env.config);
    const before = s.sim.store.groupByName('Alpha')!.id;

    await s.dir.deleteGroup(alpha);
    await s.dir.addGroup('Alpha', [s.u(1), s.u(2)]); // a new entry: a new entryUUID
    s.sim.requests.reset();
    const r = await syncRun(s.env.config, '--full');
    // the old entry's memberships are removed first, then the new entry takes the Okta group over
    expect(r.report.groupsPlan).toMatchObject({ creates: 1, memberAdds: 2, memberRemoves: 2 });
    expect(r.report.groups).toMatchObject({ created: 0, matched: 1, membersAdded: 2, membersRemoved: 2, quarantined: 0 });
    expect(groupWrites(s.sim)).toEqual({ [MEMBER_DELETE]: 2, [MEMBER_PUT]: 2 });
    expect(s.sim.requests.writes()).toHaveLength(4);
    expect(s.sim.store.groupByName('Alpha')!.id).toBe(before);
    expect(oktaMembers(s.sim, 'Alpha')).toEqual([s.login(1), s.login(2)].sort());
    expect(withState(s.env, (st) => st.groups.counts())).toMatchObject({ total: 1, linked: 1, removed: 0, memberships: 2 });
  });

  test('a user deleted from the directory leaves the groups it was in (the directory removes it from them)', async () => {
    await ldap.del(s.u(2));
    s.sim.requests.reset();
    const r = await syncRun(s.env.config, '--full');
    expect(r.report.groupsPlan).toMatchObject({ memberAdds: 0, memberRemoves: 1 });
    expect(groupWrites(s.sim)).toEqual({ [MEMBER_DELETE]: 1 });
    expect(oktaMembers(s.sim, 'Alpha')).toEqual([s.login(1)]);
  });
});

describe('Okta trouble', () => {
  const s = scenario('grp-okta', 4);
  let gamma: string;

  test('5xx after the retries: counted as failed, nothing recorded; the next run (incremental too) adds the member', async () => {
    gamma = await s.dir.addGroup('Gamma', [s.u(0)]);
    await syncRun(s.env.config);
    await s.dir.addMembers(gamma, [s.u(1)]);
    const fault = s.sim.faults.add({ endpoint: MEMBER_PUT, action: { type: 'error500' } });
    s.sim.requests.reset();
    const r = await syncRun(s.env.config);
    fault.remove();
    expect(r.code).toBe(6);
    expect(r.report.groups).toMatchObject({ membersAdded: 0, failed: 1, quarantined: 0 });
    expect(s.sim.requests.count(MEMBER_PUT)).toBeGreaterThan(2); // retried by the executor
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0)]);
    expect(withState(s.env, (st) => st.groups.appliedMembers(st.groups.byOktaId(s.sim.store.groupByName('Gamma')!.id)!.anchor))).toHaveLength(1);
    expect(withState(s.env, (st) => st.groups.byDn(gamma)?.pending)).toBe(true);

    s.sim.requests.reset();
    const again = await syncRun(s.env.config);
    expect(again.report.mode).toBe('incremental');
    expect(again.report.groups).toMatchObject({ membersAdded: 1, failed: 0 });
    expect(groupWrites(s.sim)).toEqual({ [MEMBER_PUT]: 1 });
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0), s.login(1)].sort());
    expect(withState(s.env, (st) => st.groups.byDn(gamma)?.pending)).toBe(false);
  });

  test("a 4xx on one group quarantines that group with Okta's error; the other groups go on; the next (incremental) run retries it", async () => {
    await s.dir.addGroup('Delta', [s.u(2)]);
    await s.dir.addMembers(gamma, [s.u(3)]);
    const body = JSON.stringify({
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: profile',
      errorLink: 'E0000001',
      errorId: 'oae1',
      errorCauses: [{ errorSummary: 'name: not allowed here' }],
    });
    const fault = s.sim.faults.add({ endpoint: GROUP_POST, action: { type: 'http', status: 400, body, contentType: 'application/json' } });
    s.sim.requests.reset();
    const r = await syncRun(s.env.config);
    fault.remove();
    expect(r.code).toBe(6);
    expect(r.report.groups).toMatchObject({ created: 0, membersAdded: 1, quarantined: 1, failed: 0 });
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0), s.login(1), s.login(3)].sort());
    expect(s.sim.store.groupByName('Delta')).toBeUndefined();
    const q = withState(s.env, (st) => st.groups.quarantined());
    expect(q.map((g) => g.dn)).toEqual([s.dir.groupDn('Delta')]);
    expect(q[0].quarantine?.reason).toContain('E0000001');
    expect(q[0].quarantine?.reason).toContain('name: not allowed here');

    // Delta did not change since: it is retried because it is quarantined, and fine now
    const next = await syncRun(s.env.config);
    expect(next.code).toBe(0);
    expect(next.report.mode).toBe('incremental');
    expect(next.report.groupsPlan).toMatchObject({ creates: 1, memberAdds: 1 });
    expect(next.report.groups).toMatchObject({ created: 1, membersAdded: 1, quarantined: 0 });
    expect(withState(s.env, (st) => st.groups.quarantined())).toEqual([]);
  });

  test('an Okta group deleted by hand: the group is quarantined at the next write, and created again by the run after', async () => {
    const id = s.sim.store.groupByName('Gamma')!.id;
    s.sim.store.raw.deleteGroup(id);
    await s.dir.removeMembers(gamma, [s.u(3)]);
    await s.dir.addMembers(gamma, [s.u(2)]);
    const r = await syncRun(s.env.config);
    expect(r.report.groups).toMatchObject({ quarantined: 1, failed: 0 });
    expect(withState(s.env, (st) => st.groups.quarantined()[0]?.quarantine?.reason)).toMatch(/no longer exists in Okta/);
    s.sim.requests.reset();
    const next = await syncRun(s.env.config);
    expect(next.report.groups).toMatchObject({ created: 1, membersAdded: 3, quarantined: 0 });
    expect(groupWrites(s.sim)).toEqual({ [GROUP_POST]: 1, [MEMBER_PUT]: 3 });
    expect(oktaMembers(s.sim, 'Gamma')).toEqual([s.login(0), s.login(1), s.login(2)].sort());
  });

  test('a bad token stops the run (exit 5) and nothing is recorded as done in Okta; the next run with the right token does it', async () => {
    const epsilon = await s.dir.addGroup('Epsilon', [s.u(0)]);
    process.env.LOS_TEST_BAD_TOKEN = 'not-the-token';
    const badFile = s.env.file('bad-token.yaml', readFileSync(s.env.config, 'utf8').replace(/token: \$\{env:\w+\}/, 'token: ${env:LOS_TEST_BAD_TOKEN}'));
    try {
      const bad = await cli('sync', '-c', badFile, '--json');
      expect(bad.code).toBe(5);
      expect(bad.err).toMatch(/Okta authentication error/);
    } finally {
      delete process.env.LOS_TEST_BAD_TOKEN;
    }
    expect(s.sim.store.groupByName('Epsilon')).toBeUndefined();
    // an incremental run within okta.mirror.refreshSeconds decides from the mirror as it is: the bad token
    // shows at its first request, the group's create; nothing is recorded as done in Okta
    expect(withState(s.env, (st) => st.groups.byDn(epsilon)?.oktaId ?? null)).toBeNull();
    const next = await syncRun(s.env.config);
    expect(next.report.groups).toMatchObject({ created: 1, membersAdded: 1 });
    expect(withState(s.env, (st) => st.groups.byDn(epsilon))).toMatchObject({
      oktaId: s.sim.store.groupByName('Epsilon')!.id,
      pending: false,
      link: 'created',
    });
  });
});
