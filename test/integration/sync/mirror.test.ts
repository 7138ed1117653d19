/**
 * The agent's mirror of Okta (issue 8): a state belongs to one org; the token is proven by every
 * refresh; a change Okta's lists show late (eventual consistency) is neither missed nor duplicated;
 * drift (profiles and memberships edited in Okta) is repaired, reported or ignored as configured,
 * and what the transforms do not set is never touched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent } from '../../../src/cli/agent';
import { loadConfig } from '../../../src/config/load';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { syncRun } from '../../../src/sync/run';
import type { Logger } from '../../../src/util/log';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { openldapAdapter, people } from '../../helpers/directory-scenarios';

const env = scenarioDir('mirror');
const sims: OktaSimulator[] = [];
let scenarios = 0;

afterAll(async () => {
  for (const s of sims) await s.close();
  env.cleanup();
  cleanupEnv();
});

async function simulator(opts: Parameters<typeof startOktaSimulator>[0] = {}): Promise<OktaSimulator> {
  const s = await startOktaSimulator({ rateLimits: FAST_LIMITS, ...opts });
  sims.push(s);
  return s;
}

const entry = (uid: string, n: number, title = 'Analyst') =>
  [
    `dn: uid=${uid},ou=people,dc=example,dc=com`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${uid}`,
    'givenName: Test',
    `sn: ${uid}`,
    `mail: ${uid}@example.com`,
    `title: ${title}`,
    `entryUUID: 3a1e0000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    '',
    '',
  ].join('\n');

const group = (cn: string, members: string[]) =>
  [
    `dn: cn=${cn},ou=groups,dc=example,dc=com`,
    'objectClass: groupOfNames',
    `cn: ${cn}`,
    `entryUUID: 3a1e0000-0000-4000-9000-${cn.length.toString().padStart(12, '0')}`,
  ]
    .concat(members.map((m) => `member: uid=${m},ou=people,dc=example,dc=com`))
    .join('\n') + '\n\n';

interface Scenario {
  dir: string;
  ldif: string;
  state: string;
  /** A config file for this scenario against `s` (token: the simulator's unless given). */
  config(s: OktaSimulator, o?: { token?: string; okta?: string; groups?: boolean; match?: string }): string;
}

function scenario(ldif: string): Scenario {
  const dir = join(env.dir, `s${++scenarios}`);
  mkdirSync(dir);
  const file = join(dir, 'd.ldif');
  writeFileSync(file, ldif);
  const state = join(dir, 'state.db');
  let configs = 0;
  return {
    dir,
    ldif: file,
    state,
    config: (s, o = {}) => {
      let okta = oktaYaml({ url: s.url, token: o.token ?? s.token, extra: o.okta });
      if (o.match) okta = okta.replace(/ {2}match: .*\n/, `  match: ${o.match}\n`);
      return env.file(
        `s${scenarios}-${++configs}.yaml`,
        [
          `source:\n  type: ldif\n  path: ${file}\n  users:\n    attributes: [uid, givenName, sn, mail, title]`,
          o.groups ? 'groups:\n  baseDns: ["ou=groups,dc=example,dc=com"]\n  filter: (objectClass=groupOfNames)' : '',
          okta,
          'transforms:\n  - map: { login: "{uid}@corp.example", email: "{mail}", firstName: "{givenName}", lastName: "{sn}", title: "{title}" }',
          `state:\n  path: ${state}`,
        ].join('\n'),
      );
    },
  };
}

/** What a run may change in the state file, as a comparable value. */
function stateSnapshot(path: string): unknown {
  const s = StateStore.open(path, { readonly: true });
  try {
    return {
      users: s.users.counts(),
      linked: s.users.find('a1@corp.example'),
      mirror: { org: s.mirror.org(), users: s.mirror.meta('users'), groups: s.mirror.meta('groups'), count: s.mirror.userCount() },
    };
  } finally {
    s.close();
  }
}

describe('the org a state belongs to', () => {
  test('the same state against another org (a second simulator) is refused with exit 3 naming both orgs; nothing is written', async () => {
    const a = await simulator();
    const b = await simulator();
    expect(a.orgId).not.toBe(b.orgId);
    const s = scenario(entry('a1', 1) + entry('a2', 2));
    expect((await sync(s.config(a))).code).toBe(0);
    const before = stateSnapshot(s.state);
    const r = await cli('sync', '-c', s.config(b), '--json');
    expect(r.code).toBe(3);
    expect(r.err).toContain(a.orgId);
    expect(r.err).toContain(a.url);
    expect(r.err).toContain(b.orgId);
    expect(r.err).toContain(b.url);
    // the other org was asked who it is (a public endpoint), nothing else
    expect(b.counts()).toEqual({ 'GET /.well-known/okta-organization': 1 });
    expect(stateSnapshot(s.state)).toEqual(before);
    // and the first org still works with it
    expect((await sync(s.config(a))).code).toBe(0);
  });
});

describe('the token is proven by every refresh', () => {
  test('a revoked token: a full run with nothing to change exits 5 and writes nothing to the state; so does an incremental run once a refresh is due', async () => {
    const a = await simulator();
    const s = scenario(entry('a1', 1) + entry('a2', 2));
    expect((await sync(s.config(a))).code).toBe(0);
    const before = stateSnapshot(s.state);
    a.requests.reset();
    const revoked = s.config(a, { token: 'revoked-token' });
    const full = await cli('sync', '-c', revoked, '--full', '--json');
    expect(full.code).toBe(5);
    expect(full.err).toMatch(/401|token/i);
    expect(a.requests.writes()).toEqual([]);
    expect(stateSnapshot(s.state)).toEqual(before);

    // refreshSeconds 0: every run refreshes (an LDIF source makes every run full anyway; the rule is the refresh)
    const incremental = await cli('sync', '-c', s.config(a, { token: 'revoked-token', okta: '  mirror:\n    refreshSeconds: 0' }), '--json');
    expect(incremental.code).toBe(5);
    expect(stateSnapshot(s.state)).toEqual(before);
  });
});

describe('how often the mirror is refreshed (slapd; in-process runs on the test clock, as the daemon runs them)', () => {
  const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

  test('full runs refresh; incremental runs and idle polls at most every refreshSeconds, one request (no schema); drift found by the refresh of an idle poll is repaired; a revoked token fails the next run that refreshes', async () => {
    const dir = await openldapAdapter('mirror-cadence');
    try {
      const pop = people(4, 'm');
      await dir.add(pop);
      const a = await simulator();
      const state = join(env.dir, 'cadence.db');
      const yaml = (token: string, refreshSeconds: number) =>
        [
          dir.sourceYaml(),
          oktaYaml({ url: a.url, token, extra: `  mirror:\n    refreshSeconds: ${refreshSeconds}` }),
          dir.transformsYaml,
          `state:\n  path: ${state}`,
        ].join('\n');
      let clock = Date.parse('2026-12-06T10:00:00Z');
      const now = () => new Date(clock);
      const agent = createAgent(loadConfig(env.file('cadence.yaml', yaml(a.token, 60))), { readonly: false, log: silent });
      agent.state.close();
      const st = StateStore.open(state, { now });
      const run = async (trigger: 'schedule' | 'cli' = 'schedule') => {
        a.requests.reset();
        const report = await syncRun({ ...agent, state: st, trigger, now }, { mode: 'auto' });
        const counts = a.counts();
        for (const k of Object.keys(counts)) if (!counts[k]) delete counts[k];
        return { report, counts };
      };
      try {
        const first = await run();
        expect(first.report.counts.created).toBe(4);
        expect(first.counts['GET /api/v1/users']).toBe(1);
        clock += 1000;
        expect((await run()).counts).toEqual({}); // idle, refreshed a second ago
        clock += 60_000;
        const idle = await run();
        expect(idle.report.plan.read).toBe(0);
        expect(idle.counts).toEqual({ 'GET /api/v1/users': 1 }); // idle, but the refresh is due: the token is proven
        await dir.modify(pop[0], { title: 'Changed once' });
        clock += 1000;
        expect((await run()).counts).toEqual({ 'POST /api/v1/users/{id}': 1 }); // within refreshSeconds: decided from the mirror as it is
        await dir.modify(pop[1], { title: 'Changed twice' });
        clock += 61_000;
        expect((await run('cli')).counts).toEqual({ 'GET /api/v1/users': 1, 'POST /api/v1/users/{id}': 1 });
        // edited in Okta while the directory stays unchanged: the next poll that refreshes finds it and repairs it
        a.store.patchProfile(dir.login(pop[3]), { title: 'Edited in Okta' });
        clock += 1000;
        expect((await run()).counts).toEqual({});
        clock += 60_000;
        const drift = await run();
        expect(drift.report.counts.drift).toBe(1);
        expect(drift.counts).toEqual({ 'GET /api/v1/users': 1, 'POST /api/v1/users/{id}': 1 });
        expect(a.store.user(dir.login(pop[3]))!.profile.title).toBe(pop[3].title);
      } finally {
        st.close();
        await agent.close();
      }

      // a revoked token: the next run that refreshes fails with exit 5 before writing anything
      await dir.modify(pop[2], { title: 'Changed again' });
      const before = stateSnapshot(state);
      a.requests.reset();
      const revoked = await cli('sync', '-c', env.file('cadence-revoked.yaml', yaml('revoked-token', 0)), '--json');
      expect(revoked.code).toBe(5);
      expect(a.requests.writes()).toEqual([]);
      expect(stateSnapshot(state)).toEqual(before);
    } finally {
      await dir.stop();
    }
  }, 120_000);
});

describe('eventual consistency', () => {
  // The simulator's lists show a change 3 s late. A user created in Okta (out of band) is invisible to
  // a refresh made 1.1 s later, which starts the next read after the user's lastUpdated (its Date
  // header is later by more than a second); the next refresh reads back the consistency margin.
  const LAG = 3000;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function outOfBand(margin: number) {
    const a = await simulator({ searchIndexLagMs: LAG });
    const s = scenario(entry('a1', 1));
    const cfg = s.config(a, { match: 'login', okta: `  mirror:\n    consistencyMarginSeconds: ${margin}` });
    expect((await sync(cfg)).code).toBe(0);
    await sleep(LAG); // the agent's own creates are listed by now
    const x = a.store.seedUser({ status: 'ACTIVE', profile: { login: 'x1@corp.example', email: 'x1@old.example', firstName: 'X', lastName: 'One' } });
    await sleep(1100);
    expect((await sync(cfg)).code).toBe(0);
    const inMirror = () => {
      const st = StateStore.open(s.state, { readonly: true });
      try {
        return st.mirror.byLogin('x1@corp.example').map((u) => u.id);
      } finally {
        st.close();
      }
    };
    expect(inMirror()).toEqual([]); // not listed yet when that refresh read
    await sleep(LAG);
    // the directory gets the same person: linked, never created twice
    writeFileSync(s.ldif, entry('a1', 1) + entry('x1', 2));
    a.requests.reset();
    const r = await sync(cfg);
    expect(r.code).toBe(0);
    expect(r.report.counts).toMatchObject({ created: 0, linked: 1 });
    expect(a.store.userCount).toBe(2);
    expect(a.store.user('x1@corp.example')!.id).toBe(x.id);
    return { requests: a.counts(), mirrored: inMirror(), x };
  }

  test('a user created out of band during the lag is read by the next delta (the margin): linked from the mirror, no create sent', async () => {
    const { requests, mirrored, x } = await outOfBand(60);
    expect(mirrored).toEqual([x.id]);
    expect(requests['POST /api/v1/users'] ?? 0).toBe(0);
    expect(requests['GET /api/v1/users/{id}'] ?? 0).toBe(0);
  });

  test('without the margin the delta misses it; the optimistic create finds the login taken and links it (one GET): still no duplicate', async () => {
    const { requests, mirrored, x } = await outOfBand(0);
    // the mirror learnt it from the GET, not from the delta
    expect(mirrored).toEqual([x.id]);
    expect(requests['POST /api/v1/users']).toBe(1);
    expect(requests['GET /api/v1/users/{id}']).toBe(1);
  });
});

describe('drift', () => {
  const LDIF = entry('a1', 1, 'Engineer') + entry('a2', 2) + entry('a3', 3) + group('team', ['a1', 'a2', 'a3']);

  /** A synced org where someone then edited a1 (a mapped attribute and an unmapped one), a2 (unmapped only) and removed a3 from the team. */
  async function drifted(drift: 'repair' | 'report' | 'ignore') {
    const a = await simulator();
    const s = scenario(LDIF);
    const cfg = s.config(a, { groups: true, okta: drift === 'repair' ? undefined : `  drift: ${drift}` });
    const first = await sync(cfg);
    expect(first.code).toBe(0);
    const team = a.store.groupByName('team')!;
    expect(a.store.members(team.id)).toHaveLength(3);
    a.store.patchProfile('a1@corp.example', { title: 'Edited in Okta', nickName: 'Al' });
    a.store.patchProfile('a2@corp.example', { nickName: 'Bea' });
    a.store.removeMember(team.id, 'a3@corp.example');
    a.requests.reset();
    return { a, s, cfg, team };
  }

  test('repair (the default): explain and plan show it; the run puts back the mapped attribute alone and the membership; unmapped attributes stay', async () => {
    const { a, cfg, team } = await drifted('repair');
    const explained = await cli('explain', 'a1@corp.example', '-c', cfg, '--json');
    expect(explained.code).toBe(0);
    expect(JSON.parse(explained.out)).toMatchObject({
      next: { action: 'drift', drift: ['title'], changes: [{ attribute: 'title', before: 'Edited in Okta', after: 'Engineer' }] },
    });
    const plan = JSON.parse((await cli('plan', '-c', cfg, '--json')).out) as { counts: Record<string, number>; groups: Record<string, number> };
    expect(plan.counts.drift).toBe(1);
    expect(plan.groups.memberDrift).toBe(1);
    a.requests.reset();

    const { code, report } = await sync(cfg);
    expect(code).toBe(0);
    expect(report.plan.drift).toBe(1);
    expect(report.counts.drift).toBe(1);
    expect(report.groupsPlan).toMatchObject({ memberDrift: 1 });
    expect(report.groups).toMatchObject({ membersAdded: 1 });
    const writes = a.requests.writes();
    expect(writes.map((w) => w.endpoint).sort()).toEqual(['POST /api/v1/users/{id}', 'PUT /api/v1/groups/{id}/users/{id}']);
    expect(writes.find((w) => w.endpoint === 'POST /api/v1/users/{id}')!.body).toEqual({ profile: { title: 'Engineer' } });
    expect(a.store.user('a1@corp.example')!.profile).toMatchObject({ title: 'Engineer', nickName: 'Al' });
    expect(a.store.user('a2@corp.example')!.profile).toMatchObject({ title: 'Analyst', nickName: 'Bea' });
    expect(a.store.members(team.id)).toHaveLength(3);

    // put back: the next run has nothing to do
    a.requests.reset();
    const again = await sync(cfg);
    expect(again.report.plan.drift ?? 0).toBe(0);
    expect(a.requests.writes()).toEqual([]);
  });

  test('report: counted in the plan and the report, nothing sent, Okta stays as edited', async () => {
    const { a, cfg, team } = await drifted('report');
    for (let i = 0; i < 2; i++) {
      const { code, report } = await sync(cfg);
      expect(code).toBe(0);
      expect(report.plan.drift).toBe(1);
      expect(report.counts.drift ?? 0).toBe(0);
      expect(a.requests.writes()).toEqual([]);
    }
    expect(a.store.user('a1@corp.example')!.profile.title).toBe('Edited in Okta');
    expect(a.store.members(team.id)).toHaveLength(2);
  });

  test('ignore: not even counted', async () => {
    const { a, cfg, team } = await drifted('ignore');
    const { code, report } = await sync(cfg);
    expect(code).toBe(0);
    expect(report.plan.drift ?? 0).toBe(0);
    expect(report.groupsPlan).toMatchObject({ memberDrift: 0 });
    expect(a.requests.writes()).toEqual([]);
    expect(a.store.user('a1@corp.example')!.profile.title).toBe('Edited in Okta');
    expect(a.store.members(team.id)).toHaveLength(2);
  });
});
