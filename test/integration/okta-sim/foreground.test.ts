/** runOktaSimForeground (what `ldap-okta-sync okta-sim --port N` runs) and seed data/files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadSeedFile, runOktaSimForeground, startOktaSimulator } from '../../../src/okta-sim';
import { call, testProfile } from './http-client';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'okta-sim-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const seed = {
  groups: [
    { name: 'Engineering', description: 'Eng', members: ['ada@example.com'] },
    { name: 'Domain Admins', type: 'APP_GROUP', sourceId: '0oaAD1', profile: { samAccountName: 'Domain Admins' } },
  ],
  users: [
    { profile: { ...testProfile('x'), login: 'ada@example.com', email: 'ada@example.com' } },
    { status: 'DEPROVISIONED', profile: testProfile('old'), groups: ['Engineering'] },
    { status: 'STAGED', profile: testProfile('new'), groups: ['Domain Admins'] },
  ],
};

test('foreground: prints URL and token, serves, logs requests, applies a seed file, stops', async () => {
  const file = join(dir, 'seed.json');
  writeFileSync(file, JSON.stringify(seed));
  const out = new PassThrough();
  let printed = '';
  out.on('data', (c: Buffer) => (printed += c.toString()));
  const fg = await runOktaSimForeground({ port: 0, token: 'test-token', seedFile: file, out, handleSignals: false });
  try {
    expect(fg.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed).toContain(`Okta simulator listening on ${fg.sim.url}`);
    expect(printed).toContain('API token: test-token');
    expect(printed).toContain('Seeded 3 users and 2 groups');
    const res = await call(fg.sim, 'GET', '/api/v1/users/ada%40example.com');
    expect(res.status).toBe(200);
    expect(printed).toMatch(/GET \/api\/v1\/users\/ada%40example\.com → 200/);
    const eng = fg.sim.store.groupByName('Engineering')!;
    expect(
      fg.sim.store
        .members(eng.id)
        .map((id) => fg.sim.store.user(id)!.profile.login)
        .sort(),
    ).toEqual(['ada@example.com', 'userold@example.com']);
    expect(fg.sim.store.groupByName('Domain Admins')!.type).toBe('APP_GROUP');
  } finally {
    await fg.stop();
  }
  await fg.stopped;
  expect(printed).toContain('Okta simulator stopped');
});

test('a fixed port can be chosen; a default token is generated', async () => {
  const probe = await startOktaSimulator();
  const port = probe.port;
  await probe.close();
  const out = new PassThrough();
  out.resume();
  const fg = await runOktaSimForeground({ port, out, handleSignals: false, logRequests: false });
  try {
    expect(fg.sim.url).toBe(`http://127.0.0.1:${port}`);
    expect(fg.sim.token).toMatch(/^00[\w-]{40}$/);
  } finally {
    await fg.stop();
  }
});

test('seed data errors name the entry; bad files are reported', async () => {
  await expect(startOktaSimulator({ seedData: { users: [{ profile: testProfile(1) }, { profile: testProfile(1) }] } })).rejects.toThrow(
    /users\[1\].*login already exists/,
  );
  await expect(startOktaSimulator({ seedData: { users: [{ profile: testProfile(1), groups: ['Nope'] }] } })).rejects.toThrow(/unknown group Nope/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"users": {}}');
  expect(() => loadSeedFile(bad)).toThrow(/"users" must be an array/);
  expect(() => loadSeedFile(join(dir, 'missing.json'))).toThrow(/cannot read okta-sim seed file/);
});
