/**
 * OpenLDAP deletions in incremental runs. Where the server keeps an accesslog the service account
 * can read, a user deleted, and one moved out of the base DN, reach Okta in the next incremental
 * run: one missing observation each (lifecycle.missingGraceRuns: 1 here), exactly one lifecycle
 * write each, and never a second one. A user moved out and back, or renamed within the scope, is
 * not missing. Without an accesslog, the run log says that incremental runs cannot see deletions,
 * and the next full run finds them.
 */
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../../harness';
import type { LdapEntry } from '../../harness/ldif';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const SUFFIX = 'dc=example,dc=com';
const OU = `ou=staff,${SUFFIX}`;
const ELSEWHERE = `ou=elsewhere,${SUFFIX}`;
const N = 12;
const DEACTIVATE = 'POST /api/v1/users/{id}/lifecycle/deactivate';

const person = (i: number): LdapEntry => ({
  dn: `uid=u${i},${OU}`,
  attributes: { objectClass: ['inetOrgPerson'], uid: `u${i}`, cn: `User ${i}`, givenName: 'User', sn: String(i), mail: `u${i}@example.com` },
});

interface Setup {
  ldap: SlapdServer;
  sim: OktaSimulator;
  config: string;
  cleanup: () => Promise<void>;
}

async function setup(name: string, accessLog: boolean): Promise<Setup> {
  const env = scenarioDir(`deletions-${name}`);
  const ldap = await startSlapd({
    accessLog,
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'staff' } },
      { dn: ELSEWHERE, attributes: { objectClass: ['organizationalUnit'], ou: 'elsewhere' } },
      ...Array.from({ length: N }, (_, i) => person(i)),
    ],
  });
  const sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  const config = env.file(
    'config.yaml',
    [
      ldapSourceYaml({ url: ldap.url, bindDn: ldap.serviceDn, password: ldap.servicePassword, baseDns: [OU], attributes: ['uid', 'givenName', 'sn', 'mail'] }),
      oktaYaml({ url: sim.url, token: sim.token }),
      'transforms:\n  - map:\n      login: "{mail | lower}"\n      email: "{mail}"\n      firstName: "{givenName}"\n      lastName: "{sn}"',
      'lifecycle:\n  missing: deactivate\n  missingGraceRuns: 1',
      `state:\n  path: ${join(env.dir, 'state.db')}`,
      'log:\n  level: info\n  format: json',
    ].join('\n'),
  );
  const first = await sync(config);
  expect(first.report.counts.created).toBe(N);
  return {
    ldap,
    sim,
    config,
    cleanup: async () => {
      await sim.close();
      await ldap.stop();
      env.cleanup();
      cleanupEnv();
    },
  };
}

const status = (s: Setup, i: number) => s.sim.store.user(`u${i}@example.com`)?.status;

describe('with an accesslog', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('accesslog', true);
  }, 120_000);
  afterAll(() => s?.cleanup());

  test('a deletion and a move out of scope reach Okta in the next incremental run: one deactivation each, once', async () => {
    await s.ldap.del(`uid=u1,${OU}`);
    await s.ldap.rename(`uid=u2,${OU}`, `uid=u2,${ELSEWHERE}`);
    // moved out and back in: still there; renamed within the scope: still there
    await s.ldap.rename(`uid=u3,${OU}`, `uid=u3,${ELSEWHERE}`);
    await s.ldap.rename(`uid=u3,${ELSEWHERE}`, `uid=u3,${OU}`);
    await s.ldap.rename(`uid=u4,${OU}`, `uid=u4-renamed,${OU}`);
    s.sim.requests.reset();
    const { code, report } = await sync(s.config);
    expect(code).toBe(0);
    expect(report.mode).toBe('incremental');
    expect(report.counts.missing).toBe(2);
    expect(report.counts.deactivated).toBe(2);
    expect(s.sim.requests.count(DEACTIVATE)).toBe(2);
    expect(s.sim.requests.writes().map((w) => w.endpoint)).toEqual([DEACTIVATE, DEACTIVATE]);
    expect([status(s, 1), status(s, 2), status(s, 3), status(s, 4)]).toEqual(['DEPROVISIONED', 'DEPROVISIONED', 'PROVISIONED', 'PROVISIONED']);

    // the next runs do not see the same deletions again
    s.sim.requests.reset();
    const again = await sync(s.config);
    expect(again.report.mode).toBe('incremental');
    expect(again.report.counts.missing ?? 0).toBe(0);
    const full = await cli('sync', '-c', s.config, '--full', '--json');
    expect(JSON.parse(full.out).counts.deactivated).toBe(0);
    expect(s.sim.requests.writes()).toHaveLength(0);
  }, 120_000);
});

describe('without an accesslog', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup('no-accesslog', false);
  }, 120_000);
  afterAll(() => s?.cleanup());

  test('incremental runs say they cannot see deletions; the next full run deactivates the deleted and the moved user', async () => {
    await s.ldap.del(`uid=u1,${OU}`);
    await s.ldap.rename(`uid=u2,${OU}`, `uid=u2,${ELSEWHERE}`);
    s.sim.requests.reset();
    const incr = await cli('sync', '-c', s.config, '--json');
    expect(incr.code).toBe(0);
    expect(JSON.parse(incr.out)).toMatchObject({ mode: 'incremental', counts: { missing: 0, deactivated: 0 } });
    expect(incr.err).toMatch(/this incremental run cannot see deletions \(the server keeps no accesslog \(cn=accesslog is not one of its naming contexts\)\)/);
    expect(s.sim.requests.count(DEACTIVATE)).toBe(0);

    const full = await cli('sync', '-c', s.config, '--full', '--json');
    expect(JSON.parse(full.out).counts).toMatchObject({ missing: 2, deactivated: 2 });
    expect(s.sim.requests.count(DEACTIVATE)).toBe(2);
    expect([status(s, 1), status(s, 2)]).toEqual(['DEPROVISIONED', 'DEPROVISIONED']);
  }, 120_000);
});
