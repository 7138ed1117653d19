/**
 * Schema awareness against the simulator's org (issue 8, item 6), and the plan's forecast (item 5):
 * - a configuration mapping an attribute the org's user schema lacks fails before any write, naming
 *   the attribute and the step: `sync` and `plan` as processes exit 3 with no write request, and
 *   `config validate --online` reports it with file:line:col (offline validation cannot know);
 * - custom attributes the org has are written; values of the wrong type, outside an enum or beyond
 *   the schema's length are quarantined with the attribute and the limit named, never sent;
 * - `plan` prints (and `plan --json` carries) the forecast of the requests and their time, with the
 *   limits the last sync's responses gave.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import type { Forecast } from '../../src/sync/plan/forecast';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../helpers/agent';
import { start } from '../helpers/process';

const env = scenarioDir('okta-schema');
let sim: OktaSimulator;

const person = (uid: string, n: number, attrs: Record<string, string>) =>
  [
    `dn: uid=${uid},ou=people,dc=example,dc=com`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${uid}`,
    'givenName: Test',
    `sn: ${uid}`,
    `mail: ${uid}@example.com`,
    ...Object.entries(attrs).map(([k, v]) => `${k}: ${v}`),
    `entryUUID: 5c4e0000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    '',
    '',
  ].join('\n');

const PEOPLE = [
  person('ada', 1, { departmentNumber: 'CC-12', l: 'EU', roomNumber: '3' }),
  person('bob', 2, { departmentNumber: 'CC-123456', l: 'US', roomNumber: '4' }), // 9 characters: maxLength 8
  person('cyd', 3, { departmentNumber: 'CC-7', l: 'APAC', roomNumber: '5' }), // not in the enum
  person('dee', 4, { departmentNumber: 'CC-8', l: 'US', roomNumber: '2.5' }), // not an integer
];

/** Custom attributes mapped from the directory: costCenterCode, region, seats (the org has all three). */
const MAP = [
  'transforms:',
  '  - name: profile',
  '    map:',
  '      login: "{mail}"',
  '      email: "{mail}"',
  '      firstName: "{givenName}"',
  '      lastName: "{sn}"',
  '      costCenterCode: "{departmentNumber}"',
  '      region: "{l}"',
  '      seats: "{number(roomNumber)}"',
];

function config(name: string, transforms: string[], ldif = PEOPLE.join('')): { file: string; state: string; ldif: string } {
  const ldifFile = join(env.dir, `${name}.ldif`);
  writeFileSync(ldifFile, ldif);
  const state = join(env.dir, `${name}.db`);
  const file = env.file(
    `${name}.yaml`,
    [
      `source:\n  type: ldif\n  path: ${ldifFile}\n  users:\n    attributes: [uid, givenName, sn, mail, departmentNumber, l, roomNumber]`,
      oktaYaml({ url: sim.url, token: sim.token }),
      ...transforms,
      `state:\n  path: ${state}`,
    ].join('\n'),
  );
  return { file, state, ldif: ldifFile };
}

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  sim.schema.addCustom('costCenterCode', { title: 'Cost center code', type: 'string', maxLength: 8 });
  sim.schema.addCustom('region', { title: 'Region', type: 'string', enum: ['EU', 'US'] });
  sim.schema.addCustom('seats', { title: 'Seats', type: 'integer' });
});
afterAll(async () => {
  await sim.close();
  env.cleanup();
  cleanupEnv();
});
beforeEach(() => sim.requests.reset());

/** A run of the CLI as its own process. */
async function run(...args: string[]): Promise<{ code: number | null; output: string }> {
  const p = start(args);
  const code = await p.exited;
  return { code, output: p.output() };
}

describe('a mapped attribute the org lacks', () => {
  // the org has costCenter (base) but not costCentre: a typo a person makes
  const typo = () => config('typo', [...MAP.slice(0, 6), '      lastName: "{sn}"', '      costCentre: "{departmentNumber}"']);

  test('sync and plan (as processes) exit 3 before any write, naming the attribute, the step and the key; nothing in the state', async () => {
    const { file } = typo();
    for (const command of ['sync', 'plan']) {
      sim.requests.reset();
      const r = await run(command, '-c', file);
      expect([command, r.code]).toEqual([command, 3]);
      expect(r.output).toContain("configuration error: Okta's user schema");
      expect(r.output).toContain(
        "transforms[0].map.costCentre: step 'profile' sets 'costCentre', which Okta's user schema does not have (did you mean 'costCenter'?)",
      );
      expect(sim.requests.writes()).toEqual([]);
      // the schema is read with the mirror of Okta, after the org (public): the mismatch stops the refresh before the users are read
      expect(sim.counts()).toEqual({ 'GET /.well-known/okta-organization': 1, 'GET /api/v1/meta/schemas/user/{id}': 1 });
    }
    expect(sim.store.userCount).toBe(0);
    const status = await cli('status', '-c', file, '--json');
    expect(JSON.parse(status.out)).toMatchObject({ users: { total: 0 } });
  });

  test('config validate: offline it cannot know (exit 0); --online reports it with file, line and key (exit 3)', async () => {
    const { file } = typo();
    const offline = await cli('config', 'validate', '-c', file);
    expect(offline.code).toBe(0);
    expect(sim.counts()).toEqual({});
    const online = await cli('config', 'validate', '-c', file, '--online');
    expect(online.code).toBe(3);
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('costCentre:')) + 1;
    expect(online.err).toContain(`${file}:${line}:7: transforms[0].map.costCentre: step 'profile' sets 'costCentre', which Okta's user schema does not have`);
    expect(sim.counts()).toEqual({ 'GET /api/v1/meta/schemas/user/{id}': 1 });

    const good = await cli('config', 'validate', '-c', config('good-online', MAP).file, '--online');
    expect(good.code).toBe(0);
    expect(good.out).toContain(`every mapped attribute exists in ${sim.url}'s user schema (34 attributes, 3 custom)`);
  });

  test('config validate --online with a revoked token: exit 5', async () => {
    const { file } = config('revoked', MAP);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/token: .*/, `token: \${env:LOS_SCHEMA_BAD_TOKEN}`));
    process.env.LOS_SCHEMA_BAD_TOKEN = 'revoked';
    try {
      const r = await cli('config', 'validate', '-c', file, '--online');
      expect(r.code).toBe(5);
      expect(r.err).toMatch(/Okta authentication error/);
    } finally {
      delete process.env.LOS_SCHEMA_BAD_TOKEN;
    }
  });
});

describe('values against the schema', () => {
  test('custom attributes the org has are written; wrong type, outside the enum, too long: quarantined, named, never sent', async () => {
    const { file } = config('values', MAP);
    const { code, report } = await sync(file);
    expect(code).toBe(6);
    expect(report.counts).toMatchObject({ created: 1, quarantined: 3 });
    expect(sim.store.user('ada@example.com')!.profile).toMatchObject({ costCenterCode: 'CC-12', region: 'EU', seats: 3 });
    expect(sim.requests.writes().map((w) => w.endpoint)).toEqual(['POST /api/v1/users']);

    const q = JSON.parse((await cli('quarantine', '-c', file, '--json')).out) as { records: { dn: string; step: string; reason: string }[] };
    const byUid = Object.fromEntries(q.records.map((r) => [/uid=(\w+)/.exec(r.dn)![1], [r.step, r.reason]]));
    expect(byUid).toEqual({
      bob: ['okta-schema', "costCenterCode: 9 characters, more than the 8 (maxLength) Okta's user schema allows"],
      cyd: ['okta-schema', `region: "APAC" is not one of the values Okta's user schema allows (EU, US)`],
      dee: ['okta-schema', "seats: Okta's user schema wants an integer, the transforms give a number 2.5"],
    });

    // the org widens the enum: the next run creates cyd, the others stay quarantined
    sim.schema.addCustom('region', { title: 'Region', type: 'string', enum: ['EU', 'US', 'APAC'] });
    const next = await sync(file);
    expect(next.report.counts).toMatchObject({ created: 1, quarantined: 2 });
    expect(sim.store.user('cyd@example.com')!.profile.region).toBe('APAC');
  });
});

describe('the forecast in plan', () => {
  test('requests per bucket and their time at the share; limits seen by the last sync, defaults named until then', async () => {
    const others = ['eve', 'fay', 'gus', 'hal'].map((uid, i) => person(uid, 10 + i, {}));
    const c = config('forecast', MAP.slice(0, 7), others.slice(0, 2).join(''));
    const first = JSON.parse((await cli('plan', '-c', c.file, '--json')).out) as { forecast: Forecast };
    expect(first.forecast.rows).toEqual([{ kind: 'creates', bucket: 'users', phase: 'users', requests: 2 }]);
    // no sync yet, but the plan's refresh of the mirror of Okta read the users' bucket: its limit is Okta's
    expect(first.forecast.buckets).toEqual([
      { bucket: 'users', requests: 2, limit: 100_000, limitSeenAt: expect.any(String), perMinute: 50_000, seconds: expect.closeTo(0.0024, 6) },
    ]);
    expect(first.forecast.defaultLimits).toEqual([]);

    expect((await sync(c.file)).report.counts.created).toBe(2);
    writeFileSync(c.ldif, others.join(''));
    const text = await cli('plan', '-c', c.file);
    expect(text.out).toContain("Forecast: 2 Okta write(s), about 1 s at 50% of each bucket's rate limit");
    expect(text.out).toMatch(/GET\/POST \/api\/v1\/users\s+2\s+100000\s+50000\s+1 s/);
    expect(text.out).not.toContain('no response of this bucket seen yet');
    const json = JSON.parse((await cli('plan', '-c', c.file, '--json')).out) as { forecast: Forecast };
    expect(json.forecast.buckets).toEqual([
      { bucket: 'users', requests: 2, limit: 100_000, limitSeenAt: expect.any(String), perMinute: 50_000, seconds: expect.closeTo(0.0024, 6) },
    ]);
  });
});
