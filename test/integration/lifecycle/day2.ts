/**
 * The day-2 change set, shared by the slapd and the Samba AD test files: after an initial sync,
 * modify 5% of users, rename or move 1%, disable 1%, re-enable some disabled earlier, delete 1%,
 * add 2%, change group memberships → exactly the expected Okta operations and nothing else,
 * counted by endpoint.
 */
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { people, type DirectoryAdapter, type Person } from '../../helpers/directory-scenarios';

const N = 200;

export function day2Suite(name: string, open: () => Promise<DirectoryAdapter>): void {
  let dir: DirectoryAdapter;
  let sim: OktaSimulator;
  const env = scenarioDir(`day2-${name}`);
  let config: string;
  const pop = people(N + 4);
  const initial = pop.slice(0, N);
  const added = pop.slice(N);
  const statePath = join(env.dir, 'state.db');

  const groupMembers = initial.slice(100, 120);
  let groupDn: string;

  beforeAll(async () => {
    dir = await open();
    await dir.add(initial);
    groupDn = await dir.addGroup('day2-team', groupMembers);
    sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    config = env.file(
      'config.yaml',
      [
        dir.sourceYaml({ groups: true }),
        // federated users are ACTIVE after create, so a disabled one can be suspended; incremental
        // runs decide from the mirror of Okta as it is (full runs refresh it), whatever the test's pace
        oktaYaml({ url: sim.url, token: sim.token, extra: '  provider: federation\n  mirror:\n    refreshSeconds: 3600' }),
        dir.transformsYaml,
        'lifecycle:\n  disabled: suspend\n  missing: deactivate\n  missingGraceRuns: 1',
        `state:\n  path: ${statePath}`,
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    await sim?.close();
    await dir?.stop();
    env.cleanup();
    cleanupEnv();
  });

  const endpointCounts = () => {
    const counts = sim.requests.counts();
    for (const k of Object.keys(counts)) if (!counts[k]) delete counts[k];
    return counts;
  };
  const user = (p: Person) => sim.store.user(dir.login(p));

  const oktaGroupMembers = () => {
    const g = sim.store.groupByName('day2-team');
    return g ? new Set(sim.store.members(g.id)) : new Set<string>();
  };

  test('day 0: the initial sync creates every user, ACTIVE, and the group with its members', async () => {
    const { code, report } = await sync(config);
    expect(code).toBe(0);
    expect(report.counts.created).toBe(N);
    expect(sim.store.users({ status: 'ACTIVE' })).toHaveLength(N);
    expect(report.groups).toMatchObject({ created: 1, membersAdded: groupMembers.length });
    expect(oktaGroupMembers()).toEqual(new Set(groupMembers.map((p) => user(p)!.id)));
  });

  test('day 1: three users are disabled in the directory → three suspensions, nothing else', async () => {
    for (const p of initial.slice(0, 3)) await dir.disable(p);
    sim.requests.reset();
    const { code, report } = await sync(config);
    expect(code).toBe(0);
    expect(report.mode).toBe('incremental');
    // an incremental run decides from the mirror of Okta as it is (not refreshed: no schema read either),
    // the status before each change included: no read at all
    expect(endpointCounts()).toEqual({ 'POST /api/v1/users/{id}/lifecycle/suspend': 3 });
    for (const p of initial.slice(0, 3)) expect(user(p)?.status).toBe('SUSPENDED');
  });

  test('day 2: modify 5%, rename 1%, move, disable 1%, re-enable 2, delete 1%, add 2% → exactly those operations', async () => {
    const modified = initial.slice(10, 20); // 5%
    const renamed = initial.slice(20, 21); // rename
    const moved = initial.slice(21, 22); // move within scope
    const disabled = initial.slice(30, 32); // 1%
    const reenabled = initial.slice(0, 2); // 2 of the 3 disabled on day 1
    const deleted = initial.slice(40, 42); // 1%
    const joining = initial.slice(150, 153);
    const leaving = groupMembers.slice(0, 2);
    for (const [i, p] of modified.entries()) await dir.modify(p, i % 2 ? { title: `Lead ${i}` } : { department: `X${i}` });
    for (const p of renamed) await dir.rename(p, `${p.key}-renamed`);
    for (const p of moved) await dir.move(p);
    for (const p of disabled) await dir.disable(p);
    for (const p of reenabled) await dir.enable(p);
    for (const p of deleted) await dir.remove(p);
    await dir.add(added); // 2%
    await dir.addMembers(groupDn, joining);
    await dir.removeMembers(groupDn, leaving);

    sim.requests.reset();
    const first = await sync(config);
    expect(first.code).toBe(0);
    const counts = endpointCounts();
    expect(first.report.mode).toBe('incremental');
    // the deletions come in the same incremental run: on Active Directory from the Deleted Objects
    // container, on OpenLDAP from the accesslog
    expect(first.report.counts.deactivated).toBe(deleted.length);
    // an incremental run decides from the mirror of Okta as it is (not refreshed within
    // refreshSeconds): no read at all, the statuses before each change included
    expect(counts).toEqual({
      'POST /api/v1/users': added.length,
      'POST /api/v1/users/{id}': modified.length,
      'POST /api/v1/users/{id}/lifecycle/suspend': disabled.length,
      'POST /api/v1/users/{id}/lifecycle/unsuspend': reenabled.length,
      'POST /api/v1/users/{id}/lifecycle/deactivate': deleted.length,
      'PUT /api/v1/groups/{id}/users/{id}': joining.length,
      'DELETE /api/v1/groups/{id}/users/{id}': leaving.length,
    });
    const expectedMembers = [...groupMembers.slice(2), ...joining].map((p) => user(p)!.id);
    expect(oktaGroupMembers()).toEqual(new Set(expectedMembers));
    for (const p of modified) expect(user(p)?.profile).toMatchObject({ login: dir.login(p) });
    for (const p of disabled) expect(user(p)?.status).toBe('SUSPENDED');
    for (const p of reenabled) expect(user(p)?.status).toBe('ACTIVE');
    expect(user(initial[2])?.status).toBe('SUSPENDED'); // still disabled
    for (const p of deleted) expect(user(p)?.status).toBe('DEPROVISIONED');
    for (const p of added) expect(user(p)?.status).toBe('ACTIVE');
    expect(sim.store.userCount).toBe(N + added.length); // never a duplicate, never a delete

    // the renamed and moved users kept their Okta user; the state follows their new DN
    const state = StateStore.open(statePath, { readonly: true });
    for (const p of [...renamed, ...moved]) {
      const row = state.users.find(dir.login(p))!;
      expect(row.oktaId).toBe(user(p)!.id);
      expect(row.dn.toLowerCase()).toBe(dir.dnOf(p).toLowerCase());
    }
    state.close();

    // and nothing more to do
    sim.requests.reset();
    const steady = await runFull(config);
    expect(steady.code).toBe(0);
    expect(sim.requests.writes()).toHaveLength(0);
  }, 300_000);
}

async function runFull(config: string) {
  const r = await cli('sync', '-c', config, '--full', '--json');
  return { code: r.code, report: JSON.parse(r.out) };
}
