/**
 * The group sync scenario both directories go through (slapd and Samba AD), step by step on one
 * directory, one simulator and one state file, each step a real `sync` (groups created or taken
 * over first, then the users, created with the groups they join, then the other memberships; full
 * or incremental as the agent decides, `--full` where a step needs a full run):
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
  GROUP_POST,
  GROUP_PUT,
  groupWrites,
  joinsOnCreate,
  MEMBER_DELETE,
  MEMBER_PUT,
  oktaMembers,
  syncRun,
  withState,
  writeConfig,
  type GroupDirectory,
  type GroupsEnv,
} from './helpers';

const USER_POST = 'POST /api/v1/users';

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
      env = writeConfig(title.replace(/\W+/g, '-').slice(0, 30), dir, sim);
    });

    afterAll(async () => {
      await sim?.close();
      await teardown?.();
      env?.cleanup();
      cleanupEnv();
    });

    test('first run: users created, groups created or matched by name, memberships added (flattened through a cycle), an APP_GROUP name quarantined', async () => {
      sim.requests.reset();
      const r = await syncRun(env.config);
      expect(r.code).toBe(6); // u7 (no mail) and Finance are quarantined
      expect(r.report.mode).toBe('full');
      expect(r.report.counts.created).toBe(7);
      // members planned for creation in this run count as members
      expect(r.report.groupsPlan).toEqual({ read: 6, creates: 6, updates: 0, memberAdds: 12, memberRemoves: 0, memberDrift: 0, quarantined: 0 });
      expect(r.report.groups).toEqual({ created: 4, matched: 1, updated: 1, membersAdded: 11, membersRemoved: 0, quarantined: 1, failed: 0 });
      // the groups are created (or taken over) first, so each user joins its groups with its create: no membership write
      expect(groupWrites(sim)).toEqual({ [GROUP_POST]: 4, [GROUP_PUT]: 1 });
      expect(sim.requests.count(USER_POST)).toBe(7);
      expect(joinsOnCreate(sim)).toBe(11);
      const writes = sim.requests.writes();
      expect(Math.max(...writes.filter((w) => w.endpoint === GROUP_POST || w.endpoint === GROUP_PUT).map((w) => w.seq))).toBeLessThan(
        Math.min(...writes.filter((w) => w.endpoint === USER_POST).map((w) => w.seq)),
      );

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
      expect(
        sim.store
          .groups()
          .filter((x) => x.profile.name === 'Finance')
          .map((x) => x.type),
      ).toEqual(['APP_GROUP']);
      expect(oktaMembers(sim, 'Finance')).toEqual([]);
      const q = withState(env, (s) => s.groups.quarantined());
      expect(q.map((x) => x.dn.toLowerCase())).toEqual([g.Finance.toLowerCase()]);
      expect(q[0].quarantine?.reason).toMatch(/APP_GROUP named "Finance"/);
      expect(withState(env, (s) => s.groups.counts())).toMatchObject({ total: 6, linked: 5, quarantined: 1, memberships: 11 });
    });

    test('runs with no directory change, full and incremental, make zero write requests', async () => {
      sim.requests.reset();
      const full = await syncRun(env.config, '--full');
      expect(full.report.mode).toBe('full');
      expect(sim.requests.writes()).toHaveLength(0);
      // Finance (and its u1) is retried every run: Okta still has the APP_GROUP
      expect(full.report.groupsPlan).toEqual({ read: 6, creates: 1, updates: 0, memberAdds: 1, memberRemoves: 0, memberDrift: 0, quarantined: 0 });
      expect(full.report.groups).toEqual({ created: 0, matched: 0, updated: 0, membersAdded: 0, membersRemoved: 0, quarantined: 1, failed: 0 });

      const inc = await syncRun(env.config);
      expect(inc.report.mode).toBe('incremental');
      expect(sim.requests.writes()).toHaveLength(0);
      expect(inc.report.groupsPlan.read).toBeLessThanOrEqual(1); // at most the entry at the checkpoint boundary
      expect(inc.report.groupsPlan).toMatchObject({ creates: 1, updates: 0, memberAdds: 1, memberRemoves: 0 });
      expect(inc.report.groups).toMatchObject({ created: 0, membersAdded: 0, quarantined: 1, failed: 0 });
    });

    test('membership changes, a description change, a group rename and deleted groups: exactly the expected Okta operations', async () => {
      await dir.removeMembers(g.Sales, [u(1)]);
      await dir.addMembers(g.Sales, [u(4)]);
      await dir.removeMembers(g.Platform, [u(5)]);
      await dir.setDescription(g.Eng, 'Engineering');
      g.Platform = await dir.renameGroup(g.Platform, 'Platform Team');
      await dir.deleteGroup(g.Temp);
      await dir.deleteGroup(g.Finance); // quarantined, never in Okta: simply forgotten
      sim.requests.reset();

      // groups that left the directory are found by full runs
      const r = await syncRun(env.config, '--full');
      // removals are counted by the plan, before any write (the safeguard's input)
      expect(r.report.groupsPlan).toEqual({ read: 4, creates: 0, updates: 2, memberAdds: 1, memberRemoves: 4, memberDrift: 0, quarantined: 0 });
      expect(r.report.groups).toEqual({ created: 0, matched: 0, updated: 2, membersAdded: 1, membersRemoved: 4, quarantined: 0, failed: 0 });
      expect(groupWrites(sim)).toEqual({ [MEMBER_DELETE]: 4, [MEMBER_PUT]: 1, [GROUP_PUT]: 2 });
      expect(sim.requests.writes()).toHaveLength(7); // no user changed
      expect(sim.requests.count(MEMBER_DELETE)).toBe(4);

      expect(oktaMembers(sim, 'Sales')).toEqual([login(0), login(2), login(4), HAND].sort());
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4)].sort());
      expect(sim.store.groupByName('Eng')?.profile.description).toBe('Engineering');
      expect(sim.store.groupByName('Platform')).toBeUndefined();
      expect(oktaMembers(sim, 'Platform Team')).toEqual([login(3), login(4)].sort());
      // the deleted directory group: its Okta group stays, without the members the agent added
      expect(oktaMembers(sim, 'Temp')).toEqual([]);
      const temp = withState(env, (s) => s.groups.byOktaId(sim.store.groupByName('Temp')!.id));
      expect(temp?.removedRun).toBe(r.report.runId); // marked removed by this run
      expect(withState(env, (s) => s.groups.quarantined())).toEqual([]);
      expect(withState(env, (s) => s.groups.counts())).toMatchObject({ total: 5, linked: 5, quarantined: 0, removed: 1 });

      sim.requests.reset();
      await syncRun(env.config, '--full');
      expect(sim.requests.writes()).toHaveLength(0);
    });

    test('incremental: a changed group is read again and only its change is written', async () => {
      await dir.addUsers([{ key: 'u8' }]);
      await dir.addMembers(g.Sales, [u(8)]);
      sim.requests.reset();
      const r = await syncRun(env.config);
      expect(r.report.mode).toBe('incremental');
      expect(r.report.counts.created).toBe(1);
      expect(r.report.groupsPlan.read).toBeGreaterThanOrEqual(1);
      expect(r.report.groupsPlan.read).toBeLessThanOrEqual(2); // Sales, and at most the entry at the checkpoint boundary
      expect(r.report.groupsPlan).toMatchObject({ memberAdds: 1, memberRemoves: 0 });
      // u8 joins Sales with its create
      expect(groupWrites(sim)).toEqual({});
      expect(sim.requests.count(USER_POST)).toBe(1);
      expect(joinsOnCreate(sim)).toBe(1);
      expect(oktaMembers(sim, 'Sales')).toContain(login(8));
    });

    test('incremental: a user created in this run is added to the groups that list it, although those groups did not change', async () => {
      await dir.setMail('u7', `u7.fixed@${dir.flavor}.example.org`);
      sim.requests.reset();
      const r = await syncRun(env.config);
      expect(r.report.mode).toBe('incremental');
      expect(r.report.counts.created).toBe(1);
      expect(r.report.groupsPlan.read).toBeLessThanOrEqual(1); // Ops was not read: it did not change
      expect(r.report.groupsPlan).toMatchObject({ memberAdds: 1, memberRemoves: 0 });
      expect(r.report.groups).toMatchObject({ membersAdded: 1, failed: 0 });
      expect(groupWrites(sim)).toEqual({});
      expect(joinsOnCreate(sim)).toBe(1);
      expect(oktaMembers(sim, 'Ops')).toEqual([login(6), `u7.fixed@${dir.flavor}.example.org`].sort());
      expect(withState(env, (s) => s.users.byDn(u(7))?.oktaId)).toEqual(expect.any(String));
    });

    test('incremental: renaming a nested group renames its Okta group; a parent not read again keeps the nested members', async () => {
      // Platform Team gets its own member back; u9 (no mail yet, so not in Okta) joins Eng
      await dir.addMembers(g.Platform, [u(5)]);
      await dir.addUsers([{ key: 'u9', mail: null }]);
      await dir.addMembers(g.Eng, [u(9)]);
      await syncRun(env.config);
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4), login(5)].sort());

      g.Platform = await dir.renameGroup(g.Platform, 'Platform Core');
      await dir.setMail('u9', `u9.fixed@${dir.flavor}.example.org`);
      sim.requests.reset();
      // Eng is recomputed (u9 became manageable) from its stored members, which name Platform by its
      // old DN on AD (renaming an entry does not change the groups listing it): still a nested group
      const r = await syncRun(env.config);
      expect(r.report.mode).toBe('incremental');
      expect(r.report.counts.created).toBe(1);
      // u9 joins Eng, and Platform Core through the cycle
      expect(r.report.groupsPlan).toMatchObject({ updates: 1, memberAdds: 2, memberRemoves: 0 });
      expect(groupWrites(sim)).toEqual({ [GROUP_PUT]: 1 });
      expect(joinsOnCreate(sim)).toBe(2);
      expect(oktaMembers(sim, 'Platform Core')).toEqual([login(3), login(4), login(5), `u9.fixed@${dir.flavor}.example.org`].sort());
      expect(oktaMembers(sim, 'Eng')).toEqual([login(3), login(4), login(5), `u9.fixed@${dir.flavor}.example.org`].sort());
      // and a full run afterwards agrees: nothing to write
      sim.requests.reset();
      await syncRun(env.config, '--full');
      expect(sim.requests.writes()).toHaveLength(0);
    });
  });
}
