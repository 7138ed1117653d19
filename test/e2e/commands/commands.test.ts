/**
 * `preflight`, `quarantine` and `explain` as the real executable: exit codes a script can rely on
 * (0, 6 when records would be / are quarantined, 9 unknown user, 10 ambiguous key, 5 Okta refused
 * the token), output on stdout, messages on stderr, and a CSV that is complete or absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../../harness';
import { cleanupEnv, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { runAgent } from '../../helpers/process';

const BASE = 'dc=example,dc=com';
const OU = `ou=e2ecmd,${BASE}`;
const TRANSFORMS = `
transforms:
  - map:
      login: "{mail | lower}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
  - name: checks
    validate:
      required: [login, firstName, lastName]
`;

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('e2e-commands');
const statePath = join(env.dir, 'state.db');

beforeAll(async () => {
  const person = (uid: string, cn: string, mail?: string) => ({
    dn: `uid=${uid},${OU}`,
    attributes: { objectClass: ['inetOrgPerson'], uid, cn, givenName: cn.split(' ')[0], sn: cn.split(' ')[1], ...(mail ? { mail } : {}) },
  });
  ldap = await startSlapd({
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'e2ecmd' } },
      person('ann', 'Ann Able', 'ann@example.com'),
      person('nomail', 'Ned Nomail'),
      person('pat1', 'Pat Smith', 'pat1@example.com'),
      person('pat2', 'Pat Smith', 'pat2@example.com'),
    ],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

function configFile(name: string, token = sim.token): string {
  return env.file(
    `${name}.yaml`,
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [OU],
        attributes: ['uid', 'cn', 'givenName', 'sn', 'mail'],
      }),
      oktaYaml({ url: sim.url, token }),
      TRANSFORMS,
      `state:\n  path: ${statePath}`,
      'log:\n  format: json',
    ].join('\n'),
  );
}

const run = (...args: string[]) => runAgent(args);

test('preflight before the first import: exit 6 when records would be quarantined, the CSV written, nothing in Okta, no state', async () => {
  const csv = join(env.dir, 'problems.csv');
  const r = await run('preflight', '-c', configFile('good'), '--csv', csv);
  expect(r.code).toBe(6);
  expect(r.stdout).toContain('Nothing was written to Okta or to the state.');
  expect(r.stdout).toMatch(/would be created\s+3\n/);
  expect(readFileSync(csv, 'utf8')).toContain('uid=nomail,ou=e2ecmd,dc=example,dc=com');
  expect(sim.requests.writes()).toEqual([]);
  expect(existsSync(statePath)).toBe(false);
});

test("preflight with a revoked Okta token: exit 5, Okta's error, and no half-written CSV", async () => {
  const csv = join(env.dir, 'revoked.csv');
  const r = await run('preflight', '-c', configFile('revoked', 'revoked-token-xyz'), '--csv', csv);
  expect(r.code).toBe(5);
  expect(r.all).toMatch(/E0000011/);
  expect(r.all).not.toContain('revoked-token-xyz');
  expect(existsSync(csv)).toBe(false);
});

test('after a sync: quarantine --csv on stdout (exit 0); explain exits 0, 9 for an unknown key, 10 for an ambiguous one', async () => {
  const file = configFile('good');
  expect((await sync(file)).code).toBe(6);
  const q = await run('quarantine', '-c', file, '--csv');
  expect(q.code).toBe(0);
  const lines = q.stdout
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^"uid=nomail,ou=e2ecmd,dc=example,dc=com",[0-9a-f-]+,,checks,login is required,1,[0-9T:.-]+Z,[0-9T:.-]+Z,no,,$/);

  const ok = await run('explain', '-c', file, 'ann@example.com');
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('Outcome: ok, login ann@example.com');
  const unknown = await run('explain', '-c', file, '*)(uid=*');
  expect(unknown.code).toBe(9);
  expect(unknown.stdout).toBe('');
  expect(unknown.all).toContain('no user matches "*)(uid=*"');
  const ambiguous = await run('explain', '-c', file, 'Pat Smith');
  expect(ambiguous.code).toBe(10);
  expect(ambiguous.all).toContain('"Pat Smith" matches 2 users');
  const help = await run('explain', '--help');
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/9\s+the key matches no user/);
  expect(help.stdout).toMatch(/10\s+the key matches several users/);
  expect(sim.requests.writes().length).toBe(3); // the sync's creates only
});
