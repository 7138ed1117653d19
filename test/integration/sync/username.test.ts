/**
 * The username step in a real run: uniqueness against the agent's own claims and against Okta
 * (a deactivated user still holds its login; case and diacritics ignored), the same answer on every
 * run for people with the same name, and stable logins for existing users.
 */
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { cleanupEnv, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const env = scenarioDir('username');
const entry = (uid: string, given: string, sn: string, n: number) =>
  [
    `dn: uid=${uid},ou=people,dc=example,dc=com`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${given} ${sn}`,
    `givenName: ${given}`,
    `sn: ${sn}`,
    `mail: ${uid}@example.com`,
    `entryUUID: 9c0e0000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    '',
    '',
  ].join('\n');
const LDIF =
  entry('jsmith1', 'John', 'Smith', 1) + entry('jsmith2', 'John', 'Smith', 2) + entry('jsmith3', 'Jöhn', 'SMITH', 3) + entry('zm', 'Zoë', 'Müller', 4);

async function runOnce(name: string): Promise<{ sim: OktaSimulator; logins: Record<string, string>; file: string }> {
  const sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  // a deactivated user still holds john.smith, and an active one holds zoe.muller with other accents
  sim.store.seedUser({
    status: 'DEPROVISIONED',
    profile: { login: 'John.Smith@corp.example', email: 'old@example.com', firstName: 'John', lastName: 'Smith' },
  });
  sim.store.seedUser({ status: 'ACTIVE', profile: { login: 'zoe.muller@corp.example', email: 'zoe@old.example', firstName: 'Zoe', lastName: 'Muller' } });
  const dir = join(env.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'd.ldif'), LDIF);
  const file = env.file(
    `${name}.yaml`,
    [
      `source:\n  type: ldif\n  path: ${join(dir, 'd.ldif')}\n  users:\n    attributes: [uid, givenName, sn, mail]`,
      oktaYaml({ url: sim.url, token: sim.token }),
      [
        'transforms:',
        '  - map: { email: "{mail}", firstName: "{givenName}", lastName: "{sn}" }',
        '  - username:',
        '      templates: ["{givenName | lower}.{sn | lower}@corp.example"]',
        '      suffix: { start: 2, max: 9 }',
      ].join('\n'),
      `state:\n  path: ${join(dir, 'state.db')}`,
    ].join('\n'),
  );
  const { code } = await sync(file);
  expect(code).toBe(0);
  const logins: Record<string, string> = {};
  for (const u of sim.store.users()) logins[String(u.profile.email)] = String(u.profile.login);
  return { sim, logins, file };
}

afterAll(() => {
  env.cleanup();
  cleanupEnv();
});

test('conflicts with Okta (deactivated users too, case and diacritics ignored) and between records get numeric suffixes, the same on every run', async () => {
  const a = await runOnce('a');
  const smiths = ['jsmith1', 'jsmith2', 'jsmith3'].map((u) => a.logins[`${u}@example.com`]);
  // never the login Okta's deactivated user holds, never one twice (as Okta compares: case and accents ignored)
  const key = (l: string) => l.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  expect(new Set(smiths.map(key)).size).toBe(3);
  for (const l of smiths) expect(key(l)).toMatch(/^john\.smith[2-4]@corp\.example$/);
  expect(a.logins['zm@example.com']).toBe('zoë.müller2@corp.example');
  // a second, independent agent against an identical org decides exactly the same
  const b = await runOnce('b');
  expect(b.logins).toEqual(a.logins);
  // and a second run keeps every login: nothing to write
  a.sim.requests.reset();
  const again = await sync(a.file);
  expect(again.code).toBe(0);
  expect(a.sim.requests.writes()).toHaveLength(0);
  await a.sim.close();
  await b.sim.close();
});
