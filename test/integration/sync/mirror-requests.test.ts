/**
 * The mirror of Okta by the numbers (issue 8's figures as exact request counts by endpoint): a
 * first import with a `username` step and an attribute match rule reads Okta once (the mirror's
 * pages), then writes one request per create and per link that changes something; a full run with
 * nothing to change reads the users changed since the last refresh (a page of 200 each) and the
 * schema; a run after changes sends one partial update per change; profiles edited in Okta are put
 * back with one partial update each and no other write. `plan` shows the links the sync makes.
 *
 * The simulator runs on a clock the test moves ten minutes between runs: every refresh then reads
 * exactly what changed since the previous one (the consistency margin is a minute), so the counts
 * do not depend on how fast the machine is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const N = 300;
const LINKED = 10;
const env = scenarioDir('mirror-requests');
const dir = join(env.dir, 'd');
mkdirSync(dir);
const ldifPath = join(dir, 'd.ldif');

const FIRST = ['Ada', 'John', 'Zoë', 'Kenji', 'Marta', 'Ines', 'Björn', 'Seán', 'Anne', 'Olu'];
const LAST = ['Smith', 'Müller', 'Nakamura', 'Nowak', 'Dubois', 'Svensson', 'Rossi', 'García', 'Adeyemi', 'Lovelace'];
/** 100 name pairs for 300 people: the username step gives most of them a suffix. */
const person = (i: number) => ({ uid: `u${String(i).padStart(4, '0')}`, givenName: FIRST[i % 10], sn: LAST[Math.floor(i / 10) % 10], employeeNumber: `E${i}` });

function writeLdif(title: (i: number) => string): void {
  const out: string[] = [];
  for (let i = 0; i < N; i++) {
    const p = person(i);
    out.push(
      [
        `dn: uid=${p.uid},ou=people,dc=example,dc=com`,
        'objectClass: inetOrgPerson',
        `uid: ${p.uid}`,
        `cn: ${p.givenName} ${p.sn}`,
        `givenName: ${p.givenName}`,
        `sn: ${p.sn}`,
        `mail: ${p.uid}@example.com`,
        `title: ${title(i)}`,
        `employeeNumber: ${p.employeeNumber}`,
        `entryUUID: 5e1e0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        '',
        '',
      ].join('\n'),
    );
  }
  writeFileSync(ldifPath, out.join(''));
}

let sim: OktaSimulator;
let t = Date.parse('2026-12-06T10:00:00.000Z');
let config: string;

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS, clock: () => t });
  // people Okta already has: 10 with an employee number of the directory (linked by the match rule,
  // their e-mail updated), 5 deactivated ones holding the logins the username step tries first
  for (let i = 0; i < LINKED; i++) {
    const p = person(i);
    sim.store.seedUser({
      status: 'ACTIVE',
      profile: { login: `legacy${i}@old.example`, email: `legacy${i}@old.example`, firstName: p.givenName, lastName: p.sn, employeeNumber: p.employeeNumber },
    });
  }
  for (let i = 0; i < 5; i++) {
    const p = person(100 + i);
    sim.store.seedUser({
      status: 'DEPROVISIONED',
      profile: { login: `${p.givenName.toLowerCase()}.${p.sn.toLowerCase()}@corp.example`, email: `gone${i}@old.example`, firstName: 'Gone', lastName: 'Gone' },
    });
  }
  writeLdif(() => 'Analyst');
  config = env.file(
    'config.yaml',
    [
      `source:\n  type: ldif\n  path: ${ldifPath}\n  users:\n    attributes: [uid, givenName, sn, mail, title, employeeNumber]`,
      oktaYaml({ url: sim.url, token: sim.token }).replace(/ {2}match: .*\n/, '  match: [{ attribute: employeeNumber }]\n'),
      [
        'transforms:',
        '  - map: { email: "{mail}", firstName: "{givenName}", lastName: "{sn}", title: "{title}", employeeNumber: "{employeeNumber}" }',
        '  - username:',
        '      templates: ["{givenName | lower}.{sn | lower}@corp.example"]',
        '      suffix: { start: 2, max: 9 }',
      ].join('\n'),
      `state:\n  path: ${join(dir, 'state.db')}`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await sim?.close();
  env.cleanup();
  cleanupEnv();
});

/** The requests of the last run by endpoint, then forget them; the clock moves on ten minutes. */
function requests(): Record<string, number> {
  const counts = sim.counts();
  for (const k of Object.keys(counts)) if (!counts[k]) delete counts[k];
  sim.requests.reset();
  t += 10 * 60_000;
  return counts;
}

const pages = (users: number) => Math.ceil(users / 200);

test('first import: Okta is read once (the mirror), one request per create and per link; plan shows the links the sync makes', async () => {
  const plan = await cli('plan', '-c', config, '--json');
  expect(plan.code).toBe(0);
  const planned = JSON.parse(plan.out) as { counts: Record<string, number> };
  expect(planned.counts).toMatchObject({ create: N - LINKED, link: LINKED });
  requests();

  const { code, report } = await sync(config);
  expect(code).toBe(0);
  expect(report.counts).toMatchObject({ created: N - LINKED, linked: LINKED, quarantined: 0 });
  expect(requests()).toEqual({
    'GET /.well-known/okta-organization': 1,
    'GET /api/v1/meta/schemas/user/{id}': 1,
    'GET /api/v1/users': 1, // 15 users: one page
    'POST /api/v1/users': N - LINKED,
    'POST /api/v1/users/{id}': LINKED, // each link updates what differs (login, e-mail, title)
  });
  // never a duplicate, never a login a deactivated user holds
  expect(sim.store.userCount).toBe(N + 5);
  const logins = sim.store.users().map((u) => String(u.profile.login).toLowerCase());
  expect(new Set(logins).size).toBe(logins.length);
  expect(sim.store.user('ada.smith2@corp.example')).toBeDefined();
});

test('a full run with nothing to change reads the users changed since the last refresh and writes nothing; the next one reads one page', async () => {
  const first = await cli('sync', '-c', config, '--full', '--json');
  expect(first.code).toBe(0);
  expect(requests()).toEqual({
    'GET /api/v1/meta/schemas/user/{id}': 1,
    // every user changed within the consistency margin of the previous refresh: the seeded ones and the import's writes
    'GET /api/v1/users': pages(N + 5),
  });
  const again = await cli('sync', '-c', config, '--full', '--json');
  expect(again.code).toBe(0);
  expect(requests()).toEqual({ 'GET /api/v1/meta/schemas/user/{id}': 1, 'GET /api/v1/users': 1 });
});

test('after 40 profile changes: 40 partial updates, the refresh reads one page', async () => {
  writeLdif((i) => (i % 7 === 0 && i < 280 ? 'Engineer' : 'Analyst'));
  const { code, report } = await sync(config);
  expect(code).toBe(0);
  expect(report.counts.updated).toBe(40);
  const updates = sim.requests.writes('POST /api/v1/users/{id}');
  for (const u of updates) expect(u.body).toEqual({ profile: { title: 'Engineer' } });
  expect(requests()).toEqual({ 'GET /api/v1/meta/schemas/user/{id}': 1, 'GET /api/v1/users': 1, 'POST /api/v1/users/{id}': 40 });
});

test('drift: 20 profiles edited in Okta are put back by the next run with 20 partial updates and no other write', async () => {
  const edited = sim.store
    .users()
    .filter((u) => u.status !== 'DEPROVISIONED')
    .slice(0, 20);
  for (const u of edited) sim.store.patchProfile(u.id, { title: 'Edited in Okta', nickName: 'kept' });
  t += 60_000;
  const { code, report } = await sync(config);
  expect(code).toBe(0);
  expect(report.plan.drift).toBe(20);
  expect(report.counts.drift).toBe(20);
  const writes = sim.requests.writes();
  expect(writes.map((w) => w.endpoint)).toEqual(Array(20).fill('POST /api/v1/users/{id}'));
  for (const w of writes) expect(w.body).toEqual({ profile: { title: expect.stringMatching(/^(Analyst|Engineer)$/) as string } });
  // the refresh read the 20 edited users (one page)
  expect(requests()).toEqual({ 'GET /api/v1/meta/schemas/user/{id}': 1, 'GET /api/v1/users': 1, 'POST /api/v1/users/{id}': 20 });
  for (const u of edited) {
    expect(sim.store.user(u.id)!.profile.title).not.toBe('Edited in Okta');
    expect(sim.store.user(u.id)!.profile.nickName).toBe('kept'); // not an attribute the transforms set: untouched
  }
});

test('--rebuild-mirror reads every user again (200 a page, deactivated ones included) and the org; nothing to write', async () => {
  const r = await cli('sync', '-c', config, '--rebuild-mirror', '--json');
  expect(r.code).toBe(0);
  expect(requests()).toEqual({
    'GET /.well-known/okta-organization': 1,
    'GET /api/v1/meta/schemas/user/{id}': 1,
    'GET /api/v1/users': pages(N + 5),
  });
  const st = StateStore.open(join(dir, 'state.db'), { readonly: true });
  try {
    expect(st.mirror.userCount()).toBe(N + 5);
    expect(st.mirror.byLogin('ada.smith@corp.example').map((u) => u.status)).toEqual(['DEPROVISIONED']);
  } finally {
    st.close();
  }
});
