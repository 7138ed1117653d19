/**
 * The group sync scenario both directories go through (slapd and Samba AD), step by step on one
 * directory, one simulator and one state file:
 *
 *   Sales    = u0 u1 u2          (Okta already has an OKTA_GROUP "sales" with a member added by hand)
 *   Eng      = u3 u4 + Platform
 *   Platform = u5 + Eng          (a nesting cycle)
 *   Temp     = u0
 *   Finance  = u1                (Okta has an APP_GROUP "Finance": quarantined, never touched)
 *   Ops      = u6 u7             (u7 has no mail: quarantined as a user, so not in Okta yet)
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { cleanupEnv, FAST_LIMITS } from '../../helpers/agent';
import {
  checkpointOf,
  oktaMembers,
  runGroups,
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
const GROUP_PUT = 'PUT /api/v1/groups/{id}';

export function groupSyncScenario(title: string, setup: () => Promise<{ dir: GroupDirectory; teardown(): Promise<void> }>): void {
  describe(title, () => {
    let dir: GroupDirectory;
    let teardown: () => Promise<void>;
    let sim: OktaSimulator;
    let env: GroupsEnv;
    const g: Record<string, string> = {};
    const u = (n: number) => dir.userDn(`u${n}`);
    const login = (n: number) => dir.login(`u${n}`);
    const HAND = 'hand.added@example.org';

    beforeAll(async () => {
      ({ dir, teardown } = await setup());
      sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
      await dir.addUsers([0, 1, 2, 3, 4, 5, 6].map((n) => ({ key: `u${n}` })));
      await dir.addUsers([{ key: 'u7', mail: null }]);
      g.Sales = await dir.addGroup('Sales', [u(0), u(1), u(2)], 'The sales team');
      g.Eng = await dir.addGroup('Eng', [u(3), u(4)]);
      g.Platform = await dir.addGroup('Platform', [u(5), g.Eng]);
      await dir.addMembers(g.Eng, [g.Platform]);
      g.Temp = await dir.addGroup('Temp', [u(0)]);
      g.Finance = await dir.addGroup('Finance', [u(1)]);
      g.Ops = await dir.addGroup('Ops', [u(6), u(7)]);
      // Okta before the agent's first contact
      const sales = sim.store.seedGroup({ name: 'sales', description: 'made by hand' });
      sim.store.seedUser({ profile: { login: HAND, email: HAND, firstName: 'Hand', lastName: 'Added' } });
      sim.store.addMember(sales.id, HAND);
      sim.store.seedGroup({ type: 'APP_GROUP', name: 'Finance' });
      env = writeConfigs(title.replace(/\W+/g, '-').slice(0, 30), dir, sim);
    });

    afterAll(async () => {
      await sim?.close();
      await teardown?.();
      env?.cleanup();
      cleanupEnv();
    });

    test('first run: groups created or matched by name, memberships added (flattened through a cycle), an APP_GROUP name quarantined', async () => {
      const users = await syncUsers(env);
      expect(users.report.counts.created).toBe(7);
      sim.requests.reset();

      const r = await runGroups(env, sim);
      expect(r.writesDuringPlan).toBe(0);
      expect(r.plan).toEqual({ read: 6, creates: 6, updates: 0, memberAdds: 12, memberRemoves: 0, quarantined: 0 });
      expect(r.applied).toEqual({ created: 4, matched: 1, updated: 1, membersAdded: 11, membersRemoved: 0, quarantined: 1, failed: 0 });
      expect(writesByEndpoint(sim)).toEqual({ [GROUP_POST]: 4, [GROUP_PUT]: 1, [MEMBER_PUT]: 11 });

      // matched (case-insensitively) and made what the templates say; the hand-added member stays
      expect(sim.store.groupByName('sales')).toBeUndefined();
      expect(sim.store.groupByName('Sales')?.profile.description).toBe('The sales team');
      expect(oktaMembers(sim, 'Sales')).toEqual([login(0), login(1), login(2), HAND].sort());
      // Eng ⊃ Platform ⊃ Eng: both have u3 u4 u5
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4), login(5)].sort());
      expect(oktaMembers(sim, 'Platform')).toEqual([login(3), login(4), login(5)].sort());
      expect(oktaMembers(sim, 'Temp')).toEqual([login(0)]);
      expect(oktaMembers(sim, 'Ops')).toEqual([login(6)]);
      // the APP_GROUP is untouched, the directory group quarantined with the reason
      expect(sim.store.groups().filter((x) => x.profile.name === 'Finance').map((x) => x.type)).toEqual(['APP_GROUP']);
      expect(oktaMembers(sim, 'Finance')).toEqual([]);
      const q = withState(env, (s) => s.groups.quarantined());
      expect(q.map((x) => x.dn.toLowerCase())).toEqual([g.Finance.toLowerCase()]);
      expect(q[0].quarantine?.reason).toMatch(/APP_GROUP named "Finance"/);
      expect(withState(env, (s) => s.groups.counts())).toMatchObject({ total: 6, linked: 5, quarantined: 1, memberships: 11 });
    });

    test('a second run with no directory change makes zero write requests', async () => {
      await syncUsers(env);
      sim.requests.reset();
      const r = await runGroups(env, sim);
      expect(sim.requests.writes()).toHaveLength(0);
      expect(r.plan).toMatchObject({ read: 6, updates: 0, memberAdds: 1, memberRemoves: 0 }); // Finance's u1, retried
      expect(r.applied).toMatchObject({ created: 0, matched: 0, updated: 0, membersAdded: 0, membersRemoved: 0, quarantined: 1, failed: 0 });
    });

    test('membership changes, a description change, a group rename and deleted groups: exactly the expected Okta operations', async () => {
      await dir.removeMembers(g.Sales, [u(1)]);
      await dir.addMembers(g.Sales, [u(4)]);
      await dir.removeMembers(g.Platform, [u(5)]);
      await dir.setDescription(g.Eng, 'Engineering');
      g.Platform = await dir.renameGroup(g.Platform, 'Platform Team');
      await dir.deleteGroup(g.Temp);
      await dir.deleteGroup(g.Finance); // quarantined, never in Okta: simply forgotten
      await syncUsers(env);
      sim.requests.reset();

      const r = await runGroups(env, sim);
      expect(r.writesDuringPlan).toBe(0);
      // removals are counted by the plan, before any write (the safeguard's input)
      expect(r.plan).toEqual({ read: 4, creates: 0, updates: 2, memberAdds: 1, memberRemoves: 4, quarantined: 0 });
      expect(r.applied).toEqual({ created: 0, matched: 0, updated: 2, membersAdded: 1, membersRemoved: 4, quarantined: 0, failed: 0 });
      expect(writesByEndpoint(sim)).toEqual({ [MEMBER_DELETE]: 4, [MEMBER_PUT]: 1, [GROUP_PUT]: 2 });
      expect(sim.requests.count(MEMBER_DELETE)).toBe(4);

      expect(oktaMembers(sim, 'Sales')).toEqual([login(0), login(2), login(4), HAND].sort());
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4)].sort());
      expect(sim.store.groupByName('Eng')?.profile.description).toBe('Engineering');
      expect(sim.store.groupByName('Platform')).toBeUndefined();
      expect(oktaMembers(sim, 'Platform Team')).toEqual([login(3), login(4)].sort());
      // the deleted directory group: its Okta group stays, without the members the agent added
      expect(oktaMembers(sim, 'Temp')).toEqual([]);
      const temp = withState(env, (s) => s.groups.byOktaId(sim.store.groupByName('Temp')!.id));
      expect(temp?.removedRun).not.toBeNull();
      expect(withState(env, (s) => s.groups.quarantined())).toEqual([]);
      expect(withState(env, (s) => s.groups.counts())).toMatchObject({ total: 5, linked: 5, quarantined: 0, removed: 1 });

      await syncUsers(env);
      sim.requests.reset();
      await runGroups(env, sim);
      expect(sim.requests.writes()).toHaveLength(0);
    });

    test('incremental: a changed group is read again and only its change is written', async () => {
      const since = await checkpointOf(env);
      await dir.addUsers([{ key: 'u8' }]);
      await dir.addMembers(g.Sales, [u(8)]);
      await syncUsers(env);
      sim.requests.reset();
      const r = await runGroups(env, sim, { since });
      expect(r.plan.read).toBeGreaterThanOrEqual(1);
      expect(r.plan.read).toBeLessThanOrEqual(2); // Sales, and at most the entry at the checkpoint boundary
      expect(r.plan).toMatchObject({ memberAdds: 1, memberRemoves: 0 });
      expect(writesByEndpoint(sim)).toEqual({ [MEMBER_PUT]: 1 });
      expect(oktaMembers(sim, 'Sales')).toContain(login(8));
    });

    test('incremental: a user created this run is added to the groups that list it, although those groups did not change', async () => {
      const since = await checkpointOf(env);
      await dir.setMail('u7', `u7.fixed@${dir.flavor}.example.org`);
      const users = await syncUsers(env);
      expect(users.report.counts.created).toBe(1);
      const u7 = withState(env, (s) => s.users.byDn(u(7)))!;
      expect(u7.oktaId).not.toBeNull();
      sim.requests.reset();
      // the run's spool holds the user actions planned before the groups; here, u7's create
      const r = await runGroups(env, sim, { since, spoolUsers: [{ anchor: u7.anchor, kind: 'create', dn: u7.dn }] });
      expect(r.plan.read).toBeLessThanOrEqual(1); // Ops was not read: it did not change
      expect(r.plan.memberAdds).toBe(1);
      expect(writesByEndpoint(sim)).toEqual({ [MEMBER_PUT]: 1 });
      expect(oktaMembers(sim, 'Ops')).toEqual([login(6), `u7.fixed@${dir.flavor}.example.org`].sort());
    });

    test('incremental: renaming a nested group renames its Okta group; a parent not read again keeps the nested members', async () => {
      // Platform Core gets its own member back; u9 (no mail yet, so not in Okta) joins Eng
      await dir.addMembers(g.Platform, [u(5)]);
      await dir.addUsers([{ key: 'u9', mail: null }]);
      await dir.addMembers(g.Eng, [u(9)]);
      await syncUsers(env);
      await runGroups(env, sim);
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4), login(5)].sort());

      const since = await checkpointOf(env);
      g.Platform = await dir.renameGroup(g.Platform, 'Platform Core');
      await dir.setMail('u9', `u9.fixed@${dir.flavor}.example.org`);
      await syncUsers(env);
      const u9 = withState(env, (s) => s.users.byDn(u(9)))!;
      sim.requests.reset();
      // Eng is recomputed (u9 became manageable) from its stored members, which name Platform by its
      // old DN on AD (renaming an entry does not change the groups listing it): still a nested group
      const r = await runGroups(env, sim, { since, spoolUsers: [{ anchor: u9.anchor, kind: 'create', dn: u9.dn }] });
      // u9 joins Eng, and Platform Core through the cycle
      expect(r.plan).toMatchObject({ updates: 1, memberAdds: 2, memberRemoves: 0 });
      expect(writesByEndpoint(sim)).toEqual({ [GROUP_PUT]: 1, [MEMBER_PUT]: 2 });
      expect(oktaMembers(sim, 'Platform Core')).toEqual([login(3), login(4), login(5), `u9.fixed@${dir.flavor}.example.org`].sort());
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4), login(5), `u9.fixed@${dir.flavor}.example.org`].sort());
      // and a full run afterwards agrees: nothing to write
      sim.requests.reset();
      await runGroups(env, sim);
      expect(sim.requests.writes()).toHaveLength(0);
    });
  });
}
