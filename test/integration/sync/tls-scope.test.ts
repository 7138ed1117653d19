/**
 * Directory connection and scope options against a real slapd with TLS: ldaps:// and StartTLS with
 * a CA file, certificate verification on by default (an untrusted certificate is a TLS error,
 * exit 4); several base DNs; a configured anchor attribute.
 */
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { startTlsSlapd, type TlsSlapdServer } from '../../harness';
import type { LdapEntry } from '../../harness/ldif';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, secretEnv, sync } from '../../helpers/agent';
import { transformsYaml } from '../../helpers/fixtures';

const BASE = 'dc=example,dc=com';
const ou = (n: string): LdapEntry => ({ dn: `ou=${n},${BASE}`, attributes: { objectClass: ['organizationalUnit'], ou: n } });
const person = (o: string, uid: string, employeeNumber: string): LdapEntry => ({
  dn: `uid=${uid},ou=${o},${BASE}`,
  attributes: { objectClass: ['inetOrgPerson'], uid, cn: uid, givenName: 'T', sn: uid, mail: `${uid}@example.com`, employeeNumber },
});

let ldap: TlsSlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('tls');

beforeAll(async () => {
  ldap = await startTlsSlapd({
    seed: [
      ou('east'),
      ou('west'),
      ou('elsewhere'),
      person('east', 'e1', '101'),
      person('east', 'e2', '102'),
      person('west', 'w1', '201'),
      person('elsewhere', 'x1', '301'),
    ],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});
// every test starts with an empty org (each has its own state)
beforeEach(() => sim.reset());
afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

function config(name: string, source: string): string {
  return env.file(
    `${name}.yaml`,
    [source, oktaYaml({ url: sim.url, token: sim.token }), transformsYaml('mail-login'), `state:\n  path: ${join(env.dir, `${name}.db`)}`].join('\n'),
  );
}

const source = (o: { url: string; startTls?: boolean; caFile?: string; verify?: boolean; extra?: string }) =>
  [
    'source:',
    '  type: ldap',
    `  url: ${o.url}`,
    `  startTls: ${o.startTls ?? false}`,
    '  tls:',
    ...(o.caFile ? [`    caFile: ${o.caFile}`] : []),
    `    rejectUnauthorized: ${o.verify ?? true}`,
    `  bindDn: "${ldap.serviceDn}"`,
    `  bindPassword: ${secretEnv(ldap.servicePassword)}`,
    '  users:',
    `    baseDns: ["ou=east,${BASE}", "ou=west,${BASE}"]`,
    '    attributes: [uid, givenName, sn, mail, employeeNumber]',
    ...(o.extra ? [o.extra] : []),
  ].join('\n');

test('ldaps:// with the CA file: verified, synced; two base DNs, nothing outside them', async () => {
  const { code, report } = await sync(config('ldaps', source({ url: ldap.ldapsUrl, caFile: ldap.caFile })));
  expect(code).toBe(0);
  expect(report.counts.created).toBe(3);
  expect(sim.store.user('x1@example.com')).toBeUndefined();
});

test('StartTLS on ldap:// with the CA file', async () => {
  const { code, report } = await sync(config('starttls', source({ url: ldap.url, startTls: true, caFile: ldap.caFile })));
  expect(code).toBe(0);
  expect(report.plan.read).toBe(3);
});

test('certificate verification is on by default: an untrusted certificate is a TLS error, exit 4, nothing written', async () => {
  sim.requests.reset();
  for (const [name, src] of [
    ['untrusted-ldaps', source({ url: ldap.ldapsUrl })],
    ['untrusted-starttls', source({ url: ldap.url, startTls: true })],
  ] as const) {
    const r = await cli('sync', '-c', config(name, src));
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/directory error \(tls\)/);
    expect(r.err).toMatch(/certificate/i);
  }
  expect(sim.requests.writes()).toHaveLength(0);
});

test('verification can be turned off for a lab server, and the agent says so on every run', async () => {
  const r = await cli('sync', '-c', config('noverify', source({ url: ldap.ldapsUrl, verify: false })), '--json');
  expect(r.code).toBe(0);
  expect(r.err).toMatch(/source.tls.rejectUnauthorized: the directory's TLS certificate is not verified/);
});

test('a configured anchor attribute identifies users instead of entryUUID', async () => {
  const file = config('anchor', source({ url: ldap.ldapsUrl, caFile: ldap.caFile, extra: '  anchorAttribute: employeeNumber' }));
  expect((await sync(file)).code).toBe(0);
  const s = StateStore.open(join(env.dir, 'anchor.db'), { readonly: true });
  expect(s.users.get('101')?.dn).toBe(`uid=e1,ou=east,${BASE}`);
  s.close();
});
