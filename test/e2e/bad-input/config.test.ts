/**
 * Issue 9, configuration and connections with the CLI as a process: `status` and `quarantine` run
 * without the secrets they do not use; `config validate` refuses an org URL that would leak the
 * token and attribute names that are JavaScript internals, and warns (as every run's log does)
 * about secret files others can read; `plan` exits 5, like `sync`, when Okta cannot be asked.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { cleanupEnv, FAST_LIMITS, scenarioDir, sync } from '../../helpers/agent';
import { ldifAgentConfig, peopleLdif } from '../../helpers/ldif-scenario';
import { freePort } from '../../harness/util/ports';
import { runAgent, STACK_FRAME } from '../../helpers/process';

let sim: OktaSimulator;
const env = scenarioDir('bad-input-config');

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});
afterAll(async () => {
  await sim?.close();
  env.cleanup();
  cleanupEnv();
});

const run = (args: string[]) => runAgent(args);

test('item 14: status and quarantine read the state without the secrets; sync still needs them, and says which', async () => {
  const { file } = ldifAgentConfig(env, 'nosecrets', { okta: sim });
  expect((await sync(file)).code).toBe(EXIT.OK);
  // the same file, its token now a variable this process does not have
  const text = readFileSync(file, 'utf8').replace(/token: \$\{env:[A-Z0-9_]+\}/, 'token: ${env:LOS_TOKEN_NOBODY_SET}');
  const unset = env.file('nosecrets-unset.yaml', text);
  const status = await run(['status', '-c', unset]);
  expect(status.code).toBe(EXIT.OK);
  expect(status.stdout).toMatch(/Users: 5 known, 5 linked/);
  const quarantine = await run(['quarantine', '-c', unset, '--json']);
  expect(quarantine.code).toBe(EXIT.OK);
  expect(JSON.parse(quarantine.stdout)).toMatchObject({ total: 0 });
  const s = await run(['sync', '-c', unset]);
  expect(s.code).toBe(EXIT.CONFIG);
  expect(s.all).toMatch(/nosecrets-unset\.yaml:\d+:\d+: okta\.token: environment variable LOS_TOKEN_NOBODY_SET/);
  // the syntax of a reference is checked all the same: a token written in the file is refused
  const plain = env.file('nosecrets-plain.yaml', text.replace('${env:LOS_TOKEN_NOBODY_SET}', 'a-real-token-in-the-file'));
  const p = await run(['status', '-c', plain]);
  expect(p.code).toBe(EXIT.CONFIG);
  expect(p.all).toMatch(/okta\.token: must be a secret reference/);
  expect(p.all).not.toContain('a-real-token-in-the-file');
});

test('item 7: config validate refuses an http org URL (cleartext token) and one with a user and password', async () => {
  const { file } = ldifAgentConfig(env, 'orgurl', { okta: sim });
  const text = readFileSync(file, 'utf8');
  const http = await run(['config', 'validate', '-c', env.file('orgurl-http.yaml', text.replace(sim.url, 'http://corp.okta.com'))]);
  expect(http.code).toBe(EXIT.CONFIG);
  expect(http.all).toMatch(/orgurl-http\.yaml:\d+:\d+: okta\.orgUrl: plain http would send the API token in cleartext/);
  const creds = await run(['config', 'validate', '-c', env.file('orgurl-creds.yaml', text.replace(sim.url, 'https://admin:s3cret-pw@corp.okta.com'))]);
  expect(creds.code).toBe(EXIT.CONFIG);
  expect(creds.all).toMatch(/okta\.orgUrl: must not contain a user name or password/);
  expect(creds.all).not.toContain('s3cret-pw');
});

test('item 3: config validate refuses __proto__ and constructor as map targets, with file, line and key', async () => {
  const { file } = ldifAgentConfig(env, 'proto', {
    okta: sim,
    transforms: ['transforms:', '  - map:', '      login: "{mail}"', '      __proto__: "{uid}"', '      constructor: "{sn}"'].join('\n'),
  });
  const r = await run(['config', 'validate', '-c', file]);
  expect(r.code).toBe(EXIT.CONFIG);
  expect(r.all).toMatch(/proto\.yaml:\d+:\d+: transforms\[0\]\.map\.__proto__: '__proto__' is not a key/);
  expect(r.all).toMatch(/proto\.yaml:\d+:\d+: transforms\[0\]\.map\.constructor: 'constructor' is not an attribute name/);
  expect(r.all).not.toMatch(STACK_FRAME);
});

test('item 16: a token file others can read: config validate warns (exit 0) with file, line and key, and so does every run', async () => {
  const tokenFile = join(env.dir, 'okta-token');
  writeFileSync(tokenFile, `${sim.token}\n`);
  chmodSync(tokenFile, 0o644);
  const { file } = ldifAgentConfig(env, 'loose-secret', { okta: sim, ldif: peopleLdif(3, { prefix: 'loose' }) });
  const text = readFileSync(file, 'utf8').replace(/token: \$\{env:[A-Z0-9_]+\}/, `token: \${file:${tokenFile}}`);
  const loose = env.file('loose-secret.yaml', text);
  const v = await run(['config', 'validate', '-c', loose]);
  expect(v.code).toBe(EXIT.OK);
  expect(v.all).toMatch(/warning: .*loose-secret\.yaml:\d+:\d+: okta\.token: the secret file .*okta-token has mode 0644: every account/);
  const s = await run(['sync', '-c', loose]);
  expect([s.code, s.all]).toEqual([EXIT.OK, s.all]);
  expect(s.all).toMatch(/"level":"warn","message":".*okta\.token: the secret file .*okta-token has mode 0644/);
  chmodSync(tokenFile, 0o600);
  expect((await run(['config', 'validate', '-c', loose])).all).not.toMatch(/warning/);
});

test('item 8: plan exits 5, like sync, when Okta is unreachable or refuses the token', async () => {
  const { file } = ldifAgentConfig(env, 'plan-okta', { okta: sim });
  const text = readFileSync(file, 'utf8');
  const down = env.file('plan-okta-down.yaml', text.replace(sim.url, `http://127.0.0.1:${await freePort()}`));
  const unreachable = await run(['plan', '-c', down]);
  expect(unreachable.code).toBe(EXIT.OKTA_AUTH);
  expect(unreachable.all).toMatch(/Okta connection error: Okta is unreachable/);
  const { file: revoked } = ldifAgentConfig(env, 'plan-revoked', { okta: { url: sim.url, token: 'revoked-token-x1' } });
  const refused = await run(['plan', '-c', revoked]);
  expect(refused.code).toBe(EXIT.OKTA_AUTH);
  expect(refused.all).toMatch(/E0000011/);
  expect(refused.all).not.toContain('revoked-token-x1');
  expect((await run(['plan', '-c', file])).code).toBe(EXIT.OK);
}, 60_000);
