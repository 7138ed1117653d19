/**
 * Group sync against the run's shared Samba AD DC (own scenario OUs) and the Okta simulator through
 * the SDK, each step a real `sync`: the common scenario (match by name, flattening, exact
 * operations, renames, deleted groups, incremental runs), a member whose CN holds every DN special
 * character, and a 2,000-member group synced completely through ranged retrieval.
 *
 * Ranged retrieval: Windows AD answers a read of `member` on a group with more than MaxValRange
 * (1,500) values with `member;range=0-1499`, and the reader pages on with base reads of
 * `member;range=1500-*`. Samba 4 does not cap (it returns all values for `member`; see
 * test/integration/harness/samba-ad-big-group.test.ts) but honours explicit windows. So this test
 * makes the agent's group search ask Samba for the first window (`member;range=0-1499`) the way
 * Windows would answer, and the reader's own ranged retrieval then reads the rest from Samba; the
 * follow-up window reads are counted to prove it happened.
 */
import { Client } from 'ldapts';
import { normalizeDn } from '../../../src/directory/dn';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { getSambaAd, type SambaAd } from '../../harness';
import { cleanupEnv, FAST_LIMITS } from '../../helpers/agent';
import {
  adGroupDirectory,
  groupWrites,
  joinsOnCreate,
  MEMBER_DELETE,
  MEMBER_PUT,
  oktaMembers,
  syncRun,
  withState,
  writeConfig,
  type GroupsEnv,
} from './helpers';
import { groupSyncScenario } from './scenario';

const MAX_VAL_RANGE = 1500;

let ad: SambaAd | undefined;
async function dc(): Promise<SambaAd> {
  ad ??= await getSambaAd();
  return ad;
}

groupSyncScenario('AD groups', async () => {
  const dir = await adGroupDirectory(await dc(), 'GroupSyncMain');
  return { dir, teardown: () => dir.remove() };
});

describe('AD: a member whose CN holds every DN special character', () => {
  // , + " \ < > ; = # and a leading space: Samba writes some of them as hex escapes (\3D, \3B)
  const CN = ' Smith, J+r "Q" \\ <x> ;y= #z';
  let sim: OktaSimulator;
  let env: GroupsEnv;
  let dir: Awaited<ReturnType<typeof adGroupDirectory>>;

  beforeAll(async () => {
    dir = await adGroupDirectory(await dc(), 'GroupSyncSpecialDn');
    sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    await dir.addUsers([{ key: 'sp', cn: CN }, { key: 'plain' }]);
    await dir.addGroup('Specials', [dir.userDn('sp'), dir.userDn('plain')]);
    env = writeConfig('ad-special-dn', dir, sim);
  }, 300_000);

  afterAll(async () => {
    await sim?.close();
    await dir?.remove();
    env?.cleanup();
    cleanupEnv();
  });

  test('the user is created and becomes a member of its Okta group', async () => {
    // how Samba spells the user's DN and the group's member value (DN syntax; escapes its own way)
    const [user] = await (await dc()).search(`OU=people,${dir.base}`, { scope: 'one', filter: '(sAMAccountName=sp*)', attributes: ['cn'] });
    const [group] = await (await dc()).search(`OU=groups,${dir.base}`, { scope: 'one', filter: '(cn=Specials)', attributes: ['member'] });
    expect(String(user.cn)).toBe(CN);
    const memberValues = ([] as unknown[]).concat(group.member).map(String);
    const memberValue = memberValues.find((m) => !/CN=plain,/i.test(m))!;
    console.log(`Samba: entry DN ${user.dn}\n       member value ${memberValue}`);
    expect(normalizeDn(memberValue)).toBe(normalizeDn(user.dn));
    expect(normalizeDn(memberValue)).toBe(normalizeDn(dir.userDn('sp')));

    sim.requests.reset();
    const r = await syncRun(env.config);
    expect(r.code).toBe(0);
    expect(r.report.counts.created).toBe(2);
    expect(r.report.groupsPlan).toEqual({ read: 1, creates: 1, updates: 0, memberAdds: 2, memberRemoves: 0, memberDrift: 0, quarantined: 0 });
    expect(r.report.groups).toMatchObject({ created: 1, membersAdded: 2, failed: 0, quarantined: 0 });
    // the group is created first: both users join it with their create
    expect(sim.requests.count(MEMBER_PUT)).toBe(0);
    expect(joinsOnCreate(sim)).toBe(2);
    expect(oktaMembers(sim, 'Specials')).toEqual([dir.login('plain'), dir.login('sp')].sort());
    expect(withState(env, (s) => s.users.byDn(memberValue)?.oktaId)).toEqual(expect.any(String));

    // and nothing to do the next time, full or incremental
    sim.requests.reset();
    expect((await syncRun(env.config, '--full')).report.groupsPlan).toMatchObject({ read: 1, memberAdds: 0, memberRemoves: 0 });
    expect((await syncRun(env.config)).report.groupsPlan).toMatchObject({ memberAdds: 0, memberRemoves: 0 });
    expect(sim.requests.writes()).toHaveLength(0);
  });
});

describe('AD group with 2,000 members', () => {
  const N = 2000;
  let sim: OktaSimulator;
  let env: GroupsEnv;
  let dir: Awaited<ReturnType<typeof adGroupDirectory>>;
  let groupDn: string;
  const windowReads: string[] = [];
  const original = Client.prototype.searchPaginated;
  const originalSearch = Client.prototype.search;

  beforeAll(async () => {
    dir = await adGroupDirectory(await dc(), 'GroupSyncBig');
    const groupsBase = normalizeDn(`OU=groups,${dir.base}`);
    // Windows' MaxValRange answer, asked of Samba explicitly (see the file comment)
    jest.spyOn(Client.prototype, 'searchPaginated').mockImplementation(function (this: Client, base, options, controls) {
      const attrs = options?.attributes;
      const isOurGroupSearch = typeof base === 'string' && normalizeDn(base) === groupsBase && attrs?.some((a) => a.toLowerCase() === 'member');
      const asked = isOurGroupSearch
        ? { ...options, attributes: attrs!.map((a) => (a.toLowerCase() === 'member' ? `member;range=0-${MAX_VAL_RANGE - 1}` : a)) }
        : options;
      return original.call(this, base, asked, controls);
    });
    jest.spyOn(Client.prototype, 'search').mockImplementation(function (this: Client, base, options, controls) {
      for (const a of options?.attributes ?? []) if (/^member;range=/i.test(a)) windowReads.push(a);
      return originalSearch.call(this, base, options, controls);
    });

    sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    const keys = Array.from({ length: N }, (_, i) => `b${String(i).padStart(4, '0')}`);
    const t0 = Date.now();
    await dir.addUsers(keys.map((key) => ({ key })));
    groupDn = await dir.addGroup(
      'Everyone Big',
      keys.map((k) => dir.userDn(k)),
      'all of them',
    );
    console.log(`loaded ${N} AD users and their group in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    env = writeConfig('ad-big-group', dir, sim);
  }, 600_000); // the shared DC may start here, and Samba adds a few hundred users a second at best

  afterAll(async () => {
    jest.restoreAllMocks();
    await sim?.close();
    // the 2,000 users stay: deleting them takes Samba minutes, the DC is thrown away after the run,
    // and createScenario removes a leftover OU of the same name first
    env?.cleanup();
    cleanupEnv();
  });

  test('one run creates the users and the group: exactly 2,000 members in Okta, read through ranged retrieval', async () => {
    sim.requests.reset();
    windowReads.length = 0;
    const t0 = performance.now();
    const r = await syncRun(env.config);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code).toBe(0);
    expect(r.report.counts.created).toBe(N);
    expect(r.report.groupsPlan).toEqual({ read: 1, creates: 1, updates: 0, memberAdds: N, memberRemoves: 0, memberDrift: 0, quarantined: 0 });
    expect(r.report.groups).toMatchObject({ created: 1, membersAdded: N, failed: 0, quarantined: 0 });
    // the reader paged on after the first 1,500 values
    expect(windowReads).toEqual([`member;range=${MAX_VAL_RANGE}-*`]);
    // the group is created first: every user joins it with its create (no membership write)
    expect(groupWrites(sim)).toEqual({ 'POST /api/v1/groups': 1 });
    expect(joinsOnCreate(sim)).toBe(N);
    const group = sim.store.groupByName('Everyone Big')!;
    expect(new Set(sim.store.members(group.id)).size).toBe(N);
    expect(sim.store.members(group.id)).toHaveLength(N);
    expect(oktaMembers(sim, 'Everyone Big')).toEqual(Array.from({ length: N }, (_, i) => dir.login(`b${String(i).padStart(4, '0')}`)).sort());
    expect(withState(env, (s) => s.groups.counts())).toMatchObject({ total: 1, linked: 1, memberships: N });
    console.log(`2,000 AD users and their group: synced in one run in ${seconds.toFixed(1)} s`);
  });

  test('a full run reads all 2,000 again and writes nothing; removing 10 members costs an incremental run exactly 10 DELETEs', async () => {
    sim.requests.reset();
    windowReads.length = 0;
    const steady = await syncRun(env.config, '--full');
    expect(steady.report.mode).toBe('full');
    expect(windowReads).toEqual([`member;range=${MAX_VAL_RANGE}-*`]);
    expect(steady.report.groupsPlan).toMatchObject({ read: 1, memberAdds: 0, memberRemoves: 0 });
    expect(sim.requests.writes()).toHaveLength(0);

    const gone = Array.from({ length: 10 }, (_, i) => `b${String(i * 197).padStart(4, '0')}`);
    await dir.removeMembers(
      groupDn,
      gone.map((k) => dir.userDn(k)),
    );
    sim.requests.reset();
    windowReads.length = 0;
    const r = await syncRun(env.config);
    expect(r.report.mode).toBe('incremental');
    expect(windowReads).toEqual([`member;range=${MAX_VAL_RANGE}-*`]);
    expect(r.report.groupsPlan).toMatchObject({ read: 1, memberAdds: 0, memberRemoves: 10 });
    expect(groupWrites(sim)).toEqual({ [MEMBER_DELETE]: 10 });
    expect(sim.requests.writes()).toHaveLength(10);
    const members = oktaMembers(sim, 'Everyone Big');
    expect(members).toHaveLength(N - 10);
    for (const k of gone) expect(members).not.toContain(dir.login(k));
  });
});
