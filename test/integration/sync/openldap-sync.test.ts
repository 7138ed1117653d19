/**
 * The spine end to end against a real slapd and the Okta simulator (through the real SDK):
 * 1,000 users synced, a steady state costs zero writes, 10 modified entries cost exactly 10 partial
 * updates carrying only the changed attributes. One OU per scenario.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../../harness';
import type { LdapEntry } from '../../harness/ldif';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const BASE = 'dc=example,dc=com';
const OU = `ou=sync1000,${BASE}`;
const N = 1000;

function user(i: number): LdapEntry {
  const uid = `u${String(i).padStart(4, '0')}`;
  return {
    dn: `uid=${uid},${OU}`,
    attributes: {
      objectClass: ['inetOrgPerson'],
      uid,
      cn: `Person ${i}`,
      givenName: i % 7 === 0 ? `Zoë ${i}` : `Person`,
      sn: `Number-${i}`,
      mail: `${uid}@example.com`,
      title: i % 3 === 0 ? 'Engineer' : 'Analyst',
      telephoneNumber: `+1 415 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`,
      departmentNumber: String(i % 20),
    },
  };
}

function expectedProfile(i: number) {
  const u = user(i).attributes as Record<string, string>;
  return {
    login: u.mail,
    email: u.mail,
    firstName: u.givenName,
    lastName: u.sn,
    title: u.title,
    primaryPhone: u.telephoneNumber,
    department: u.departmentNumber,
  };
}

const TRANSFORMS = `
transforms:
  - map:
      login: "{mail | lower}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
      title: "{title}"
      primaryPhone: "{telephoneNumber}"
      department: "{departmentNumber}"
  - validate:
      required: [login, email, firstName, lastName]
`;

let ldap: SlapdServer;
let sim: OktaSimulator;
let env: ReturnType<typeof scenarioDir>;
let configFile: string;

beforeAll(async () => {
  ldap = await startSlapd({
    seed: [{ dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'sync1000' } }, ...Array.from({ length: N }, (_, i) => user(i))],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  env = scenarioDir('sync1000');
  configFile = env.file(
    'config.yaml',
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [OU],
        attributes: ['uid', 'givenName', 'sn', 'mail', 'title', 'telephoneNumber', 'departmentNumber'],
      }),
      oktaYaml({ url: sim.url, token: sim.token }),
      TRANSFORMS,
      `state:\n  path: ${join(env.dir, 'state.db')}`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env?.cleanup();
  cleanupEnv();
});

const writes = () => sim.requests.writes();

test('1,000 users: the first sync creates exactly them, with the mapped profiles', async () => {
  const t0 = performance.now();
  const { code, report } = await sync(configFile);
  const seconds = (performance.now() - t0) / 1000;
  expect(code).toBe(0);
  expect(report.counts.created).toBe(N);
  expect(report.plan.read).toBe(N);
  expect(sim.store.userCount).toBe(N);
  for (let i = 0; i < N; i++) {
    const u = sim.store.user(expectedProfile(i).login);
    // Okta returns its base attributes that have no value as null
    const withValue = Object.fromEntries(Object.entries(u?.profile ?? {}).filter(([, v]) => v !== null));
    expect(withValue).toEqual(expectedProfile(i));
    expect(u?.status).toBe('PROVISIONED'); // profile only, activated without credentials
  }
  // the creates carried the profile and nothing else (no credentials)
  const creates = sim.requests.log('POST /api/v1/users');
  expect(creates).toHaveLength(N);
  for (const c of creates) expect(Object.keys(c.body as object)).toEqual(['profile']);
  // informational figure for the resolving note (not an assertion: performance is measured by the benchmark)
  console.log(`first sync of ${N} users: ${seconds.toFixed(2)} s, ${Math.round(N / seconds)} users/s`);
});

test('a second sync with no directory change makes zero write requests', async () => {
  sim.requests.reset();
  const t0 = performance.now();
  const { code, report } = await sync(configFile);
  const ms = performance.now() - t0;
  expect(code).toBe(0);
  expect(report.mode).toBe('incremental');
  expect(writes()).toHaveLength(0);
  expect(report.okta.writes).toBe(0);
  console.log(
    `no-change sync of ${N} users (incremental): ${ms.toFixed(0)} ms wall time, ${report.directory.entriesRead} directory entries, ${report.okta.requests} Okta requests`,
  );

  // a full run reads and compares all of them, and still writes nothing
  const t1 = performance.now();
  const full = await cli('sync', '-c', configFile, '--full', '--json');
  const fullMs = performance.now() - t1;
  const fullReport = JSON.parse(full.out);
  expect(full.code).toBe(0);
  expect(fullReport.plan.unchanged).toBe(N);
  expect(writes()).toHaveLength(0);
  console.log(`no-change sync of ${N} users (full): ${fullMs.toFixed(0)} ms wall time`);
});

test('after 10 entries change in slapd, the next sync makes exactly 10 partial updates with only the changed attributes', async () => {
  const changed: Record<string, Record<string, string>> = {};
  for (let k = 0; k < 10; k++) {
    const i = k * 97 + 3;
    const uid = `u${String(i).padStart(4, '0')}`;
    if (k < 5) {
      await ldap.modify(`uid=${uid},${OU}`, { replace: { title: `Director ${k}` } });
      changed[`${uid}@example.com`] = { title: `Director ${k}` };
    } else {
      await ldap.modify(`uid=${uid},${OU}`, { replace: { telephoneNumber: '+44 20 7946 0018', departmentNumber: '99' } });
      changed[`${uid}@example.com`] = { primaryPhone: '+44 20 7946 0018', department: '99' };
    }
  }
  sim.requests.reset();
  const { code, report } = await sync(configFile);
  expect(code).toBe(0);
  expect(report.counts.updated).toBe(10);
  const w = writes();
  expect(w).toHaveLength(10);
  for (const r of w) {
    expect(r.endpoint).toBe('POST /api/v1/users/{id}');
    const id = r.path.split('/').pop()!;
    const login = sim.store.user(id)!.profile.login as string;
    expect(r.body).toEqual({ profile: changed[login] });
    expect(sim.store.user(id)!.profile).toMatchObject(changed[login]);
  }
  // and the state recorded them: one more sync writes nothing
  sim.requests.reset();
  expect((await sync(configFile)).report.okta.writes).toBe(0);
});

test('the state file is private (0600) and in WAL mode', () => {
  const { statSync } = require('node:fs') as typeof import('node:fs');
  const path = join(env.dir, 'state.db');
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const db = new Database(path, { readonly: true });
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect((db.prepare('SELECT count(*) AS n FROM users WHERE okta_id IS NOT NULL').get() as { n: number }).n).toBe(N);
  db.close();
});
