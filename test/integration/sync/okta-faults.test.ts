/**
 * Okta misbehaving, through the real SDK: lost create responses never make duplicates, 5xx and
 * timeouts are retried, 429s wait for the reset, and the state only records what Okta confirmed.
 * The directory is an LDIF file here: these tests are about the Okta side.
 */
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { transformsYaml } from '../../helpers/fixtures';

const N = 20;
let sim: OktaSimulator;
const env = scenarioDir('okta-faults');

function ldif(n: number, sn = 'Tester'): string {
  const out = ['version: 1', ''];
  for (let i = 0; i < n; i++) {
    out.push(
      `dn: uid=f${i},ou=people,dc=example,dc=com`,
      'objectClass: inetOrgPerson',
      `uid: f${i}`,
      `cn: F ${i}`,
      `sn: ${sn}`,
      'givenName: F',
      `mail: f${i}@example.com`,
      `entryUUID: 6b3b9c1e-0000-4000-8000-${String(i).padStart(12, '0')}`,
      '',
    );
  }
  return out.join('\n');
}

function config(name: string, extraOkta = ''): string {
  const dir = join(env.dir, name);
  require('node:fs').mkdirSync(dir);
  require('node:fs').writeFileSync(join(dir, 'directory.ldif'), ldif(N));
  return env.file(
    `${name}.yaml`,
    [
      `source:\n  type: ldif\n  path: ${join(dir, 'directory.ldif')}\n  users:\n    attributes: [uid, givenName, sn, mail]`,
      oktaYaml({ url: sim.url, token: sim.token, extra: extraOkta }).replace('requestTimeoutMs: 5000', 'requestTimeoutMs: 1500'),
      transformsYaml('mail-login'),
      `state:\n  path: ${join(dir, 'state.db')}`,
      // these tests rewrite every user on purpose
      'safeguards:\n  updates: { percent: 100 }',
    ].join('\n'),
  );
}

beforeEach(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS, windowMs: 2000 });
});
afterEach(async () => {
  await sim.close();
});
afterAll(() => {
  env.cleanup();
  cleanupEnv();
});

test('creates whose response was lost (applied, then the connection dropped) are resolved by login: no duplicates', async () => {
  sim.faults.add({ endpoint: 'POST /api/v1/users', times: 5, action: { type: 'drop', apply: true } });
  const file = config('lost');
  const { code, report } = await sync(file);
  expect(code).toBe(0);
  expect(report.counts.created).toBe(N);
  expect(sim.store.userCount).toBe(N);
  // each lost create was looked up by login, not sent again
  expect(sim.requests.count('POST /api/v1/users')).toBe(N);
  expect(sim.requests.count('GET /api/v1/users/{id}')).toBeGreaterThanOrEqual(5);
  const s = StateStore.open(join(env.dir, 'lost', 'state.db'), { readonly: true });
  expect(s.users.counts().linked).toBe(N);
  expect(s.journal.pending()).toHaveLength(0);
  s.close();
});

test('a create that timed out without reaching Okta is sent again, once', async () => {
  sim.faults.add({ endpoint: 'POST /api/v1/users', times: 2, action: { type: 'timeout' } });
  const { code, report } = await sync(config('timeout'));
  expect(code).toBe(0);
  expect(report.counts.created).toBe(N);
  expect(sim.store.userCount).toBe(N);
  expect(sim.requests.count('POST /api/v1/users')).toBe(N + 2);
});

test('5xx on updates are retried with backoff; HTML 502s too', async () => {
  const file = config('5xx');
  expect((await sync(file)).code).toBe(0);
  require('node:fs').writeFileSync(join(env.dir, '5xx', 'directory.ldif'), ldif(N, 'Renamed'));
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}', times: 3, action: { type: 'error500' } });
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}', times: 2, action: { type: 'html502' } });
  sim.requests.reset();
  const { code, report } = await sync(file);
  expect(code).toBe(0);
  expect(report.counts.updated).toBe(N);
  expect(report.okta.retries).toBeGreaterThanOrEqual(5);
  expect(sim.requests.count('POST /api/v1/users/{id}')).toBe(N + 5);
  for (const u of sim.store.users()) expect(u.profile.lastName).toBe('Renamed');
});

test('429: the agent waits for the reset and retries; nothing fails', async () => {
  sim.faults.add({ endpoint: 'POST /api/v1/users', times: 3, action: { type: 'rateLimit' } });
  const { code, report } = await sync(config('429'));
  expect(code).toBe(0);
  expect(report.counts.created).toBe(N);
  expect(report.okta.rateLimited).toBe(3);
  expect(sim.store.userCount).toBe(N);
});

test('Okta failing for good: the writes are reported as failed, the state claims nothing, the next run completes', async () => {
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}', action: { type: 'error500' } });
  const file = config('down');
  // creates work, then make every update fail
  expect((await sync(file)).code).toBe(0);
  require('node:fs').writeFileSync(join(env.dir, 'down', 'directory.ldif'), ldif(N, 'Again'));
  const failed = await sync(file);
  expect(failed.code).toBe(6);
  expect(failed.report.counts.failed).toBe(N);
  expect(failed.report.failures[0].error).toMatch(/E0000009|500/);
  const s = StateStore.open(join(env.dir, 'down', 'state.db'), { readonly: true });
  expect(s.users.find('f1@example.com')?.profile?.lastName).toBe('Tester');
  s.close();
  sim.faults.clear();
  const ok = await sync(file);
  expect(ok.code).toBe(0);
  expect(ok.report.counts.updated).toBe(N);
}, 60_000);
