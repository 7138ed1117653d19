/**
 * First contact with an org that already has users: matching rules by login, email or a profile
 * attribute link the same person instead of creating a duplicate; an ambiguous match, or a
 * candidate already linked to another record, is quarantined, never guessed. Decided by the plan
 * from the agent's mirror of Okta: no request per record.
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
  // decided from the mirror: one list request (the mirror's first read, with the org and its user schema), no search per create
  expect(sim.counts()).toEqual({
    'GET /.well-known/okta-organization': 1,
    'GET /api/v1/meta/schemas/user/{id}': 1,
    'GET /api/v1/users': 1,
    'POST /api/v1/users/{id}': 1,
    'POST /api/v1/users': 1,
  });
});

/** The quarantined records and why, as the state has them. */
function quarantined(state: string): { dn: string; reason: string }[] {
  const s = StateStore.open(state, { readonly: true });
  try {
    return s.users.quarantined().map((u) => ({ dn: u.dn, reason: u.quarantine!.reason }));
  } finally {
    s.close();
  }
}

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
  // carol: employeeNumber E7 → x1, email → x2: two different people, not guessed (by the plan)
  expect(report.plan.quarantine).toBe(1);
  expect(quarantined(state)).toEqual([
    { dn: 'uid=carol,ou=people,dc=example,dc=com', reason: expect.stringMatching(/ambiguous match in Okta.*attribute employeeNumber.*email/) as string },
  ]);
  // dave: E8 is not e8 (exact match by default): created
  expect(report.counts.created).toBe(1);
  expect(sim.store.userCount).toBe(3);
});

test('a candidate already linked to another record is not taken twice', async () => {
  sim.store.seedUser({ status: 'ACTIVE', profile: { login: 'shared@legacy.example', email: 'shared@example.com', firstName: 'S', lastName: 'Hared' } });
  const { file, state } = config('twice', 'email', person('erin', 'shared@example.com', 'E9', 5) + person('frank', 'shared@example.com', 'E10', 6));
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  expect(report.plan).toMatchObject({ link: 1, quarantine: 1 });
  expect(report.counts.linked).toBe(1);
  expect(quarantined(state)[0].reason).toMatch(/already linked to uid=erin/);
  expect(sim.store.userCount).toBe(1);
});

test('by login with no rule for it: the conflict is quarantined by the plan (no create is sent); with the rule, linked', async () => {
  const gina = sim.store.seedUser({ status: 'ACTIVE', profile: { login: 'gina@corp.example', email: 'gina@old.example', firstName: 'G', lastName: 'Ina' } });
  const none = config('nologin', '[email]', person('gina', 'gina@example.com', 'E11', 7));
  const r1 = await sync(none.file);
  expect(r1.code).toBe(6);
  expect(quarantined(none.state)[0].reason).toBe(
    `login "gina@corp.example" already exists in Okta (Okta user ${gina.id} (ACTIVE)) and no okta.match rule links it to this record`,
  );
  expect(sim.requests.count('POST /api/v1/users')).toBe(0);
  const withLogin = config('login', '[login, email]', person('gina', 'gina@example.com', 'E11', 7));
  const r2 = await sync(withLogin.file);
  expect(r2.code).toBe(0);
  expect(r2.report.counts.linked).toBe(1);
  expect(sim.store.userCount).toBe(1);
});
