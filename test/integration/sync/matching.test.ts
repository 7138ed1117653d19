/**
 * First contact with an org that already has users: matching rules by login, email or a profile
 * attribute link the same person instead of creating a duplicate; an ambiguous match, or a
 * candidate already linked to another record, is quarantined, never guessed.
 */
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

let sim: OktaSimulator;
const env = scenarioDir('matching');

const person = (uid: string, mail: string, employeeNumber: string, uuid: number) =>
  [
    `dn: uid=${uid},ou=people,dc=example,dc=com`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${uid}`,
    'givenName: New',
    `sn: ${uid}`,
    `mail: ${mail}`,
    `employeeNumber: ${employeeNumber}`,
    `entryUUID: 7a1e0000-0000-4000-8000-${String(uuid).padStart(12, '0')}`,
    '',
    '',
  ].join('\n');

function config(name: string, match: string, ldif: string): { file: string; state: string } {
  const dir = join(env.dir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'd.ldif'), ldif);
  const state = join(dir, 'state.db');
  const file = env.file(
    `${name}.yaml`,
    [
      `source:\n  type: ldif\n  path: ${join(dir, 'd.ldif')}\n  users:\n    attributes: [uid, givenName, sn, mail, employeeNumber]`,
      oktaYaml({ url: sim.url, token: sim.token }).replace(/ {2}match: .*\n/, `  match: ${match}\n`),
      // the login is built from uid; email and employeeNumber come from the directory
      'transforms:\n  - map:\n      login: "{uid}@corp.example"\n      email: "{mail}"\n      firstName: "{givenName}"\n      lastName: "{sn}"\n      employeeNumber: "{employeeNumber}"',
      `state:\n  path: ${state}`,
    ].join('\n'),
  );
  return { file, state };
}

beforeEach(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});
afterEach(async () => sim.close());
afterAll(() => {
  env.cleanup();
  cleanupEnv();
});

test('by email: the pre-existing user with the same email (any case) is linked and updated, including its login', async () => {
  const old = sim.store.seedUser({
    status: 'ACTIVE',
    profile: { login: 'ada.lovelace@legacy.example', email: 'Ada.Lovelace@Example.com', firstName: 'Ada', lastName: 'Old' },
  });
  const { file } = config('email', '[email]', person('ada', 'ada.lovelace@example.com', 'E1', 1) + person('bob', 'bob@example.com', 'E2', 2));
  const { code, report } = await sync(file);
  expect(code).toBe(0);
  expect(report.counts).toMatchObject({ linked: 1, created: 1 });
  expect(sim.store.userCount).toBe(2);
  expect(sim.store.user(old.id)!.profile).toMatchObject({ login: 'ada@corp.example', email: 'ada.lovelace@example.com', lastName: 'ada' });
  // searched once per create, never guessed by login
  expect(sim.requests.count('GET /api/v1/users')).toBe(2);
});

test('by attribute: exact by default; several candidates are ambiguous and quarantined', async () => {
  sim.store.seedUser({
    status: 'ACTIVE',
    profile: { login: 'x1@legacy.example', email: 'x1@legacy.example', firstName: 'X', lastName: 'One', employeeNumber: 'E7' },
  });
  sim.store.seedUser({
    status: 'ACTIVE',
    profile: { login: 'x2@legacy.example', email: 'x2@legacy.example', firstName: 'X', lastName: 'Two', employeeNumber: 'e8' },
  });
  const { file, state } = config(
    'attr',
    '[{ attribute: employeeNumber }, email]',
    person('carol', 'x2@legacy.example', 'E7', 3) + person('dave', 'dave@example.com', 'E8', 4),
  );
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  // carol: employeeNumber E7 → x1, email → x2: two different people, not guessed
  expect(report.oktaQuarantines).toHaveLength(1);
  expect(report.oktaQuarantines[0].reason).toMatch(/ambiguous match in Okta.*attribute employeeNumber.*email/);
  // dave: E8 is not e8 (exact match by default): created
  expect(report.counts.created).toBe(1);
  expect(sim.store.userCount).toBe(3);
  const s = StateStore.open(state, { readonly: true });
  expect(s.users.quarantined().map((u) => u.dn)).toEqual(['uid=carol,ou=people,dc=example,dc=com']);
  s.close();
});

test('a candidate already linked to another record is not taken twice', async () => {
  sim.store.seedUser({ status: 'ACTIVE', profile: { login: 'shared@legacy.example', email: 'shared@example.com', firstName: 'S', lastName: 'Hared' } });
  const { file } = config('twice', 'email', person('erin', 'shared@example.com', 'E9', 5) + person('frank', 'shared@example.com', 'E10', 6));
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  expect(report.counts.linked).toBe(1);
  expect(report.oktaQuarantines[0].reason).toMatch(/already linked to uid=erin/);
  expect(sim.store.userCount).toBe(1);
});

test("by login with no rule for it: the conflict is quarantined with Okta's error; with the rule, linked", async () => {
  sim.store.seedUser({ status: 'ACTIVE', profile: { login: 'gina@corp.example', email: 'gina@old.example', firstName: 'G', lastName: 'Ina' } });
  const none = config('nologin', '[email]', person('gina', 'gina@example.com', 'E11', 7));
  const r1 = await sync(none.file);
  expect(r1.code).toBe(6);
  expect(r1.report.oktaQuarantines[0].reason).toMatch(/E0000001/);
  const withLogin = config('login', '[login, email]', person('gina', 'gina@example.com', 'E11', 7));
  const r2 = await sync(withLogin.file);
  expect(r2.code).toBe(0);
  expect(r2.report.counts.linked).toBe(1);
  expect(sim.store.userCount).toBe(1);
});
