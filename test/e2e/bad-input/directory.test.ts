/**
 * Issue 9, the directory with the CLI as a process against a real slapd (TLS): exit 4 says which
 * step failed (unreachable, TLS, bind, base DN, search) and names LDAP results with what to do
 * (noSuchObject, invalidDNSyntax, invalidCredentials); ldaps:// to an IP address connects without Node's DEP0123
 * warning; a text attribute whose value is not UTF-8 quarantines its record, naming the attribute.
 */
import { join } from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { startTlsSlapd, type TlsSlapdServer } from '../../harness';
import type { LdapEntry } from '../../harness/ldif';
import { cleanupEnv, FAST_LIMITS, oktaYaml, scenarioDir, secretEnv } from '../../helpers/agent';
import { freePort } from '../../harness/util/ports';
import { runAgent, STACK_FRAME } from '../../helpers/process';

const BASE = 'dc=example,dc=com';
const OU = `ou=bad-input,${BASE}`;
const person = (uid: string, extra: Record<string, string | Buffer> = {}): LdapEntry => ({
  dn: `uid=${uid},${OU}`,
  attributes: { objectClass: ['inetOrgPerson'], uid, cn: uid, givenName: 'T', sn: uid, mail: `${uid}@example.com`, ...extra },
});

let ldap: TlsSlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('bad-input-directory');

beforeAll(async () => {
  ldap = await startTlsSlapd({
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'bad-input' } },
      ...['a1', 'a2', 'a3', 'a4', 'a5'].map((u) => person(u)),
      // `audio` has no string syntax: the server keeps any bytes, here ones that are not UTF-8
      person('noisy', { audio: Buffer.from([0x42, 0x61, 0x64, 0xff, 0xfe, 0x55]) }),
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

interface SourceOpts {
  url?: string;
  caFile?: string | null;
  bindDn?: string;
  password?: string;
  baseDn?: string;
  attributes?: string[];
  extra?: string;
}

function config(name: string, o: SourceOpts = {}): string {
  const tls = o.caFile === null ? [] : ['  tls:', `    caFile: ${o.caFile ?? ldap.caFile}`];
  return env.file(
    `${name}.yaml`,
    [
      'source:',
      '  type: ldap',
      `  url: ${o.url ?? ldap.url}`,
      `  bindDn: "${o.bindDn ?? ldap.serviceDn}"`,
      `  bindPassword: ${secretEnv(o.password ?? ldap.servicePassword)}`,
      '  connectTimeoutMs: 3000',
      '  pageSize: 2',
      ...tls,
      '  users:',
      '    baseDns:',
      `      - "${o.baseDn ?? OU}"`,
      `    attributes: [${(o.attributes ?? ['uid', 'givenName', 'sn', 'mail']).join(', ')}]`,
      ...(o.extra ? [o.extra] : []),
      oktaYaml({ url: sim.url, token: sim.token }),
      'transforms:\n  - map:\n      login: "{mail}"\n      email: "{mail}"\n      firstName: "{givenName}"\n      lastName: "{sn}"',
      `state:\n  path: ${join(env.dir, `${name}.db`)}`,
      'log:\n  format: json',
    ].join('\n'),
  );
}

const run = (...args: string[]) => runAgent(args);

test('item 9: exit 4 says which step failed, and names the LDAP result with what to do', async () => {
  const cases: [string, SourceOpts, RegExp][] = [
    ['unreachable', { url: `ldap://127.0.0.1:${await freePort()}` }, /directory error \(unreachable\): directory ldap:\/\/127\.0\.0\.1:\d+ is unreachable/],
    ['tls', { url: ldap.ldapsUrl, caFile: null }, /directory error \(tls\): TLS with ldaps:\/\/127\.0\.0\.1:\d+ failed/],
    ['bind', { password: 'wrong-password' }, /directory error \(bind\): bind as .* failed: invalidCredentials \(LDAP result 49\): check source\.bindDn/],
    [
      'base-dn',
      { baseDn: `ou=nowhere,${BASE}` },
      /directory error \(base DN\): search of ou=nowhere,dc=example,dc=com on ldap:\/\/\S+ failed: noSuchObject \(LDAP result 32\): the base DN does not exist/,
    ],
    // (sizeLimitExceeded and adminLimitExceeded, which this slapd cannot be made to send: test/unit/directory/ldap-errors.test.ts)
    [
      'search',
      { baseDn: 'not a DN' },
      /directory error \(search\): reading the change position on \S+ failed: invalidDNSyntax \(LDAP result 34\): invalid DN: a DN in the configuration is not a valid DN/,
    ],
  ];
  for (const [name, o, message] of cases) {
    const r = await run('plan', '-c', config(`step-${name}`, o));
    expect({ name, code: r.code }).toEqual({ name, code: EXIT.DIRECTORY });
    expect({ name, out: r.all }).toEqual({ name, out: expect.stringMatching(message) });
    expect(r.all).not.toMatch(/Code: 0x/);
    expect(r.all).not.toMatch(STACK_FRAME);
  }
}, 120_000);

test('item 10: ldaps:// to an IP address connects, certificate verified, without a DEP0123 warning', async () => {
  const r = await run('plan', '-c', config('ldaps-ip', { url: ldap.ldapsUrl }));
  expect(r.all).not.toMatch(/DEP0123|DeprecationWarning/);
  expect(r.code).toBe(EXIT.OK);
});

test('item 1: an LDAP value that is not UTF-8 in an attribute not declared binary quarantines the record, naming it; declared binary, it is bytes', async () => {
  const attributes = ['uid', 'givenName', 'sn', 'mail', 'audio'];
  const file = config('audio', { attributes });
  const r = await run('sync', '-c', file);
  expect(r.code).toBe(EXIT.QUARANTINED);
  const s = StateStore.open(join(env.dir, 'audio.db'), { readonly: true });
  const q = s.users.quarantined();
  s.close();
  expect(q.map((u) => [u.dn, u.quarantine!.step])).toEqual([[`uid=noisy,${OU}`, 'directory']]);
  expect(q[0].quarantine!.reason).toMatch(/^audio: a value is not valid UTF-8 \(bytes 42 61 64 ff fe 55\)/);

  sim.reset(); // an org without the users the first sync created
  const binary = await run('sync', '-c', config('audio-binary', { attributes, extra: '  binaryAttributes: [audio]' }));
  expect(binary.code).toBe(EXIT.OK);
});
