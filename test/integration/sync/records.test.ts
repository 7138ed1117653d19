/**
 * Record-level outcomes against a real slapd and the simulator: a record missing a required
 * attribute is quarantined and reported while the others sync; an Okta user that already has a
 * login is linked (match: login) or quarantined with Okta's error (match: none), never duplicated;
 * a filter value such as `*)(uid=*` cannot widen a search. One OU per scenario.
 */
import { join } from 'node:path';
import { LdapDirectorySource } from '../../../src/directory/ldap/reader';
import { noReads } from '../../../src/directory/source';
import { loadConfig } from '../../../src/config/load';
import { StateStore } from '../../../src/state/store';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../../harness';
import type { LdapEntry } from '../../harness/ldif';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const BASE = 'dc=example,dc=com';
const ou = (name: string) => `ou=${name},${BASE}`;
const ouEntry = (name: string): LdapEntry => ({ dn: ou(name), attributes: { objectClass: ['organizationalUnit'], ou: name } });
const person = (o: string, uid: string, attrs: Record<string, string> = {}): LdapEntry => ({
  dn: `uid=${uid},${ou(o)}`,
  attributes: { objectClass: ['inetOrgPerson'], uid, cn: uid, givenName: uid.toUpperCase(), sn: 'Tester', mail: `${uid}@example.com`, ...attrs },
});

const TRANSFORMS = `
transforms:
  - map:
      login: "{mail | lower}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
      title: "{title}"
  - validate:
      required: [login, email, firstName, lastName]
`;

let ldap: SlapdServer;
let sim: OktaSimulator;
const envs: ReturnType<typeof scenarioDir>[] = [];

beforeAll(async () => {
  const noMail = person('quarantine', 'nomail');
  delete (noMail.attributes as Record<string, unknown>).mail;
  ldap = await startSlapd({
    seed: [
      ouEntry('quarantine'),
      ...['q1', 'q2', 'q3', 'q4'].map((u) => person('quarantine', u)),
      noMail,
      ouEntry('linkon'),
      person('linkon', 'existing', { title: 'Architect' }),
      person('linkon', 'fresh'),
      ouEntry('linkoff'),
      person('linkoff', 'taken'),
      person('linkoff', 'other'),
      ouEntry('inject'),
      person('inject', 'alice'),
      person('inject', 'bob'),
    ],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  for (const e of envs) e.cleanup();
  cleanupEnv();
});

function config(name: string, match: 'none' | 'login' = 'none'): { file: string; state: string } {
  const env = scenarioDir(name);
  envs.push(env);
  const state = join(env.dir, 'state.db');
  const file = env.file(
    'config.yaml',
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [ou(name)],
        attributes: ['uid', 'givenName', 'sn', 'mail', 'title'],
      }),
      oktaYaml({ url: sim.url, token: sim.token, match }),
      TRANSFORMS,
      `state:\n  path: ${state}`,
    ].join('\n'),
  );
  return { file, state };
}

test('a user missing a required attribute is quarantined and reported; the other users sync', async () => {
  const { file, state } = config('quarantine');
  const { code, report } = await sync(file);
  expect(code).toBe(6); // completed with quarantined records
  expect(report.counts.created).toBe(4);
  expect(report.counts.quarantined).toBe(1);
  // the other four are in Okta with their mapped profiles
  for (const u of ['q1', 'q2', 'q3', 'q4']) {
    expect(sim.store.user(`${u}@example.com`)?.profile).toMatchObject({ login: `${u}@example.com`, firstName: u.toUpperCase(), lastName: 'Tester' });
  }
  const s = StateStore.open(state, { readonly: true });
  const q = s.users.quarantined();
  s.close();
  expect(q).toHaveLength(1);
  expect(q[0].dn).toBe(`uid=nomail,${ou('quarantine')}`);
  expect(q[0].oktaId).toBeNull();
  expect(q[0].quarantine?.reason).toMatch(/login|email/);
  // the plan shows it too, and writes nothing
  const plan = await cli('plan', '-c', file);
  expect(plan.code).toBe(0);
  expect(plan.out).toMatch(/Quarantine \(1\)/);
  expect(plan.out).toContain('uid=nomail');

  // fixed at the source: it leaves quarantine by itself on the next run
  await ldap.modify(`uid=nomail,${ou('quarantine')}`, { replace: { mail: 'nomail@example.com' } });
  const again = await sync(file);
  expect(again.code).toBe(0);
  expect(again.report.counts.created).toBe(1);
  const s2 = StateStore.open(state, { readonly: true });
  expect(s2.users.quarantined()).toHaveLength(0);
  s2.close();
});

test('match: login links the Okta user that already has the login and updates it partially; never a duplicate', async () => {
  const existing = sim.store.seedUser({
    status: 'ACTIVE',
    profile: { login: 'existing@example.com', email: 'existing@example.com', firstName: 'Old', lastName: 'Tester', nickName: 'keep me' },
  });
  const before = sim.store.userCount;
  const { file, state } = config('linkon', 'login');
  sim.requests.reset();
  const { code, report } = await sync(file);
  expect(code).toBe(0);
  expect(report.counts.linked).toBe(1);
  expect(report.counts.created).toBe(1); // 'fresh'
  expect(sim.store.userCount).toBe(before + 1);
  expect(sim.store.users().filter((u) => String(u.profile.login).toLowerCase() === 'existing@example.com')).toHaveLength(1);
  const linked = sim.store.user(existing.id)!;
  expect(linked.profile).toMatchObject({ firstName: 'EXISTING', title: 'Architect', nickName: 'keep me' });
  // the update after linking carried only what differed
  const updates = sim.requests.log('POST /api/v1/users/{id}');
  expect(updates).toHaveLength(1);
  expect(updates[0].body).toEqual({ profile: { firstName: 'EXISTING', title: 'Architect' } });
  const s = StateStore.open(state, { readonly: true });
  expect(s.users.find('existing@example.com')).toMatchObject({ oktaId: existing.id, link: 'linked' });
  s.close();
  // steady state
  sim.requests.reset();
  expect((await sync(file)).report.okta.writes).toBe(0);
});

test('match: none quarantines a record whose login Okta already has (known from the mirror: no create is sent); never a duplicate', async () => {
  const taken = sim.store.seedUser({
    status: 'ACTIVE',
    profile: { login: 'TAKEN@example.com', email: 'someone@example.com', firstName: 'Some', lastName: 'One' },
  });
  const before = sim.store.userCount;
  const { file, state } = config('linkoff', 'none');
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  expect(report.counts.created).toBe(1); // 'other'
  expect(report.counts.quarantined).toBe(1);
  expect(sim.requests.log('POST /api/v1/users').map((r) => (r.body as { profile: { login: string } }).profile.login)).toEqual(['other@example.com']);
  expect(sim.store.userCount).toBe(before + 1);
  expect(sim.store.user(taken.id)!.profile.firstName).toBe('Some'); // untouched
  const s = StateStore.open(state, { readonly: true });
  expect(s.users.quarantined().map((u) => [u.dn, u.quarantine?.reason])).toEqual([
    [
      `uid=taken,${ou('linkoff')}`,
      `login "taken@example.com" already exists in Okta (Okta user ${taken.id} (ACTIVE)) and no okta.match rule links it to this record`,
    ],
  ]);
  s.close();
});

test('a value such as *)(uid=* cannot widen a search', async () => {
  const { file } = config('inject');
  const { config: cfg } = loadConfig(file);
  if (cfg.source.type !== 'ldap') throw new Error('ldap source expected');
  const source = new LdapDirectorySource(cfg.source);
  const reads = noReads();
  await source.open(reads);
  const before = reads.entries; // the rootDSE
  try {
    expect((await source.findUsers('alice')).map((r) => r.dn)).toEqual([`uid=alice,${ou('inject')}`]);
    for (const evil of ['*)(uid=*', '*', 'alice)(|(uid=*', '*)(objectClass=*))(&(uid=x', '\\2a']) {
      expect(await source.findUsers(evil)).toEqual([]);
    }
    expect(reads.entries - before).toBe(1);
  } finally {
    await source.close();
  }
});
