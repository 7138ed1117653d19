/**
 * What a sysadmin sees when things are wrong: a clear error, a distinct non-zero exit code, and
 * a state that is left as it was (no user rows touched, no secret printed).
 */
import Database from 'better-sqlite3';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../helpers/agent';
import { transformsYaml } from '../helpers/fixtures';

const BASE = 'dc=example,dc=com';
const OU = `ou=failures,${BASE}`;

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('failures');

function usersTable(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT * FROM users ORDER BY anchor').all();
  db.close();
  return rows;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

beforeAll(async () => {
  ldap = await startSlapd({
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'failures' } },
      ...[1, 2, 3].map((i) => ({
        dn: `uid=f${i},${OU}`,
        attributes: { objectClass: ['inetOrgPerson'], uid: `f${i}`, cn: `F ${i}`, givenName: 'F', sn: String(i), mail: `f${i}@example.com` },
      })),
    ],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

function writeConfig(name: string, o: { url?: string; password?: string; token?: string }): string {
  return env.file(
    `${name}.yaml`,
    [
      ldapSourceYaml({
        url: o.url ?? ldap.url,
        bindDn: ldap.serviceDn,
        password: o.password ?? ldap.servicePassword,
        baseDns: [OU],
        attributes: ['uid', 'givenName', 'sn', 'mail'],
      }),
      oktaYaml({ url: sim.url, token: o.token ?? sim.token }),
      transformsYaml('mail-login'),
      `state:\n  path: ${join(env.dir, 'state.db')}`,
    ].join('\n'),
  );
}

test('a good run first, so there is state to protect', async () => {
  const { code, report } = await sync(writeConfig('good', {}));
  expect(code).toBe(0);
  expect(report.counts.created).toBe(3);
});

test('wrong bind password: exit 4, a clear message, the password nowhere, state untouched', async () => {
  const before = usersTable(join(env.dir, 'state.db'));
  sim.requests.reset();
  const r = await cli('sync', '-c', writeConfig('badpw', { password: 'not-the-password-x9' }));
  expect(r.code).toBe(4);
  expect(r.err).toContain(`bind as ${ldap.serviceDn} to ${ldap.url} failed`);
  expect(r.err).toMatch(/invalidCredentials \(LDAP result 49\)/);
  expect(r.out + r.err).not.toContain('not-the-password-x9');
  expect(usersTable(join(env.dir, 'state.db'))).toEqual(before);
  expect(sim.requests.writes()).toHaveLength(0);
  // status shows the failed run with its reason
  const st = await cli('status', '-c', writeConfig('badpw', {}), '--json');
  const runs = JSON.parse(st.out).runs as { outcome: string; error: string }[];
  expect(runs[0].outcome).toBe('failed');
  expect(runs[0].error).toMatch(/invalidCredentials/);
});

test('directory server down: exit 4, names the URL, state untouched', async () => {
  const before = usersTable(join(env.dir, 'state.db'));
  const url = `ldap://127.0.0.1:${await freePort()}`;
  const r = await cli('sync', '-c', writeConfig('down', { url }));
  expect(r.code).toBe(4);
  expect(r.err).toContain(url);
  expect(r.err).toMatch(/unreachable|ECONNREFUSED/);
  expect(usersTable(join(env.dir, 'state.db'))).toEqual(before);
});

test("a revoked Okta token: exit 5 and Okta's error code, state untouched", async () => {
  await ldap.modify(`uid=f1,${OU}`, { replace: { sn: 'Changed' } });
  const before = usersTable(join(env.dir, 'state.db'));
  const r = await cli('sync', '-c', writeConfig('badtoken', { token: 'revoked-token-abc' }));
  expect(r.code).toBe(5);
  expect(r.err).toMatch(/E0000011/);
  expect(r.out + r.err).not.toContain('revoked-token-abc');
  expect(usersTable(join(env.dir, 'state.db'))).toEqual(before);
});

test('a config file with three mistakes reports all three, with line numbers', async () => {
  process.env.LOS_THREE_PW = 'pw';
  process.env.LOS_THREE_TOKEN = 'token';
  const file = env.file(
    'three-mistakes.yaml',
    `source:
  type: ldap
  url: ldap://127.0.0.1:389
  bindDn: cn=svc,dc=example,dc=com
  bindPassword: \${env:LOS_THREE_PW}
  pageSize: lots
  users:
    baseDns: [dc=example,dc=com]
okta:
  orgUrl: https://corp.okta.com
  token: \${env:LOS_THREE_TOKEN}
  activte: true
transforms:
  - map:
      login: "{mail | lowr}"
`,
  );
  const r = await cli('config', 'validate', '-c', file);
  expect(r.code).toBe(3);
  const lines = r.err.split('\n').filter((l) => l.includes('three-mistakes.yaml:'));
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/three-mistakes\.yaml:6:\d+: source\.pageSize: .*number/);
  expect(lines[1]).toMatch(/three-mistakes\.yaml:12:\d+: okta\.activte: unknown key "activte"/);
  expect(lines[2]).toMatch(/three-mistakes\.yaml:15:\d+: transforms\[0\]\.map\.login: .*'lowr'.*did you mean 'lower'/);
  // a secret that does not resolve is reported with its reference, never a value
  const unset = env.file('unset-secret.yaml', require('node:fs').readFileSync(file, 'utf8').replace('LOS_THREE_PW', 'LOS_NOT_SET_ANYWHERE'));
  const r2 = await cli('config', 'validate', '-c', unset);
  expect(r2.err).toMatch(/unset-secret\.yaml:5:\d+: source\.bindPassword: environment variable LOS_NOT_SET_ANYWHERE/);
});

test('transform errors are found by config validate, with the YAML path and line', async () => {
  const file = env.file(
    'bad-transform.yaml',
    [
      ldapSourceYaml({ url: ldap.url, bindDn: ldap.serviceDn, password: 'x', baseDns: [OU], attributes: ['uid', 'mail'] }),
      oktaYaml({ url: sim.url, token: sim.token }),
      'transforms:',
      '  - map:',
      '      login: "{mail | lowr}"',
      '      email: "{mial}"',
    ].join('\n'),
  );
  const r = await cli('config', 'validate', '-c', file);
  expect(r.code).toBe(3);
  expect(r.err).toMatch(/bad-transform\.yaml:\d+:\d+: transforms\[0\]\.map\.login: .*lowr.*did you mean .lower./);
  expect(r.err).toMatch(/bad-transform\.yaml:\d+:\d+: transforms\[0\]\.map\.email: .*mial/);
});
