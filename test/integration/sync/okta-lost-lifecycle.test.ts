/**
 * Lifecycle calls (suspend, deactivate, …) whose outcome is unknown, through the real SDK against
 * the simulator: Okta may have carried the call out although the agent never saw the answer. The
 * write path settles it by reading the user's status (as a lost create is settled by login): a call
 * that worked is recorded as done, never quarantined because the retry found the user already there.
 * The directory is an LDIF file; `employeeType: disabled` marks a disabled user.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const N = 4;
let sim: OktaSimulator;
const env = scenarioDir('okta-lost-lifecycle');

function ldif(disabled: readonly number[] = [], present = N): string {
  const out = ['version: 1', ''];
  for (let i = 0; i < present; i++) {
    out.push(
      `dn: uid=l${i},ou=people,dc=example,dc=com`,
      'objectClass: inetOrgPerson',
      `uid: l${i}`,
      `cn: L ${i}`,
      'sn: Tester',
      'givenName: L',
      `mail: l${i}@example.com`,
      `employeeType: ${disabled.includes(i) ? 'disabled' : 'staff'}`,
      `entryUUID: 6b3b9c1e-0000-4000-8000-${String(i).padStart(12, '0')}`,
      '',
    );
  }
  return out.join('\n');
}

/** A scenario: its directory file, its state, and a config with the given lifecycle policy. */
function scenario(name: string, lifecycle: string) {
  const dir = join(env.dir, name);
  require('node:fs').mkdirSync(dir);
  const directory = join(dir, 'directory.ldif');
  writeFileSync(directory, ldif());
  const state = join(dir, 'state.db');
  const file = env.file(
    `${name}.yaml`,
    [
      `source:\n  type: ldif\n  path: ${directory}\n  users:\n    attributes: [uid, givenName, sn, mail, employeeType]\n    disabledFilter: (employeeType=disabled)`,
      // federated users are ACTIVE after create, so they can be suspended
      oktaYaml({ url: sim.url, token: sim.token, extra: '  provider: federation' }).replace('requestTimeoutMs: 5000', 'requestTimeoutMs: 1500'),
      'transforms:\n  - map:\n      login: "{mail}"\n      email: "{mail}"\n      firstName: "{givenName}"\n      lastName: "{sn}"',
      `state:\n  path: ${state}`,
      `lifecycle:\n${lifecycle}`,
    ].join('\n'),
  );
  return {
    file,
    write: (text: string) => writeFileSync(directory, text),
    open: () => StateStore.open(state, { readonly: true }),
  };
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

test('a deactivate Okta carried out but whose answer was lost is recorded as done, not quarantined (E0000038)', async () => {
  const s = scenario('deactivate', '  disabled: deactivate');
  expect((await sync(s.file)).code).toBe(0);
  s.write(ldif([1]));
  const fault = sim.faults.add({ endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', times: 1, action: { type: 'drop', apply: true } });

  const { code, report } = await sync(s.file);
  expect(fault.fired).toBe(1);
  expect(report.oktaQuarantines).toEqual([]);
  expect(report.failures).toEqual([]);
  expect(code).toBe(0);
  expect(report.counts).toMatchObject({ deactivated: 1, quarantined: 0, failed: 0 });
  expect(sim.store.user('l1@example.com')?.status).toBe('DEPROVISIONED');
  // sent once: the lost answer was settled by reading the status, not by sending it again
  expect(sim.requests.count('POST /api/v1/users/{id}/lifecycle/deactivate')).toBe(1);

  const state = s.open();
  expect(state.users.quarantined()).toEqual([]);
  expect(state.users.find('l1@example.com')).toMatchObject({ oktaStatus: 'DEPROVISIONED', disabled: true, lifecycleReason: 'disabled' });
  expect(state.journal.pending()).toEqual([]);
  state.close();

  // nothing left to do, and `quarantine` lists nothing
  sim.requests.reset();
  const next = await sync(s.file);
  expect(next.code).toBe(0);
  expect(sim.requests.writes()).toHaveLength(0);
  expect((await cli('quarantine', '-c', s.file)).out).toMatch(/No records in quarantine/);
});

test('a suspend whose answer was lost, and a deprovisioning of a deleted user whose answer was lost: both recorded as done', async () => {
  const s = scenario('suspend', '  disabled: suspend\n  missing: deactivate\n  missingGraceRuns: 1');
  expect((await sync(s.file)).code).toBe(0);
  // l0 disabled (suspend), l3 gone from the directory (deactivate, as missing)
  s.write(ldif([0], 3));
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}/lifecycle/*', times: 2, action: { type: 'drop', apply: true } });

  const { code, report } = await sync(s.file);
  expect(report.oktaQuarantines).toEqual([]);
  expect(report.failures).toEqual([]);
  expect(code).toBe(0);
  expect(report.counts).toMatchObject({ suspended: 1, deactivated: 1, quarantined: 0, failed: 0 });
  expect(sim.store.user('l0@example.com')?.status).toBe('SUSPENDED');
  expect(sim.store.user('l3@example.com')?.status).toBe('DEPROVISIONED');

  const state = s.open();
  expect(state.users.quarantined()).toEqual([]);
  expect(state.users.find('l0@example.com')).toMatchObject({ oktaStatus: 'SUSPENDED', disabled: true, lifecycleReason: 'disabled' });
  expect(state.users.find('l3@example.com')).toMatchObject({ oktaStatus: 'DEPROVISIONED', lifecycleReason: 'missing' });
  state.close();

  sim.requests.reset();
  expect((await sync(s.file)).code).toBe(0);
  expect(sim.requests.writes()).toHaveLength(0);
});

test('a retry refused as "not allowed in the current status" after a lost answer is settled by the status too', async () => {
  const s = scenario('refused-retry', '  disabled: deactivate');
  expect((await sync(s.file)).code).toBe(0);
  s.write(ldif([0]));
  // the status read just after the lost answer (the first read: the status before comes from the
  // mirror) still shows the user ACTIVE (as while Okta deactivates asynchronously), so the call is
  // sent again, and Okta refuses it: the first one had worked
  const active = await fetch(`${sim.url}/api/v1/users/l0@example.com`, { headers: { Authorization: `SSWS ${sim.token}` } });
  const stale = await active.text();
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', times: 1, action: { type: 'drop', apply: true } });
  sim.faults.add({ endpoint: 'GET /api/v1/users/{id}', times: 1, action: { type: 'http', status: 200, body: stale } });

  const { code, report } = await sync(s.file);
  expect(report.oktaQuarantines).toEqual([]);
  expect(code).toBe(0);
  expect(report.counts).toMatchObject({ deactivated: 1, quarantined: 0, failed: 0 });
  expect(sim.requests.count({ endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', status: 403 })).toBe(1);
  expect(sim.store.user('l0@example.com')?.status).toBe('DEPROVISIONED');
  const state = s.open();
  expect(state.users.find('l0@example.com')).toMatchObject({ oktaStatus: 'DEPROVISIONED', disabled: true, quarantine: null });
  state.close();
});

test('a lifecycle call dropped before Okta carried it out is sent again, once', async () => {
  const s = scenario('dropped', '  disabled: deactivate');
  expect((await sync(s.file)).code).toBe(0);
  s.write(ldif([2]));
  sim.faults.add({ endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', times: 1, action: { type: 'drop' } });

  const { code, report } = await sync(s.file);
  expect(code).toBe(0);
  expect(report.counts).toMatchObject({ deactivated: 1, quarantined: 0, failed: 0 });
  expect(sim.store.user('l2@example.com')?.status).toBe('DEPROVISIONED');
  expect(sim.requests.count('POST /api/v1/users/{id}/lifecycle/deactivate')).toBe(2);
});

test('a lifecycle call whose outcome stays unknown (Okta keeps failing) is counted as failed and done by the next run', async () => {
  const s = scenario('failing', '  disabled: deactivate');
  expect((await sync(s.file)).code).toBe(0);
  s.write(ldif([3]));
  const fault = sim.faults.add({ endpoint: 'POST /api/v1/users/{id}/lifecycle/deactivate', action: { type: 'error500' } });

  const failed = await sync(s.file);
  expect(failed.code).toBe(6);
  expect(failed.report.counts).toMatchObject({ deactivated: 0, quarantined: 0, failed: 1 });
  expect(failed.report.failures[0].error).toMatch(/E0000009/);
  expect(sim.store.user('l3@example.com')?.status).toBe('ACTIVE');
  const state = s.open();
  expect(state.users.quarantined()).toEqual([]);
  expect(state.journal.pending()).toEqual([]);
  state.close();

  fault.remove();
  const ok = await sync(s.file);
  expect(ok.code).toBe(0);
  expect(ok.report.counts).toMatchObject({ deactivated: 1, failed: 0 });
  expect(sim.store.user('l3@example.com')?.status).toBe('DEPROVISIONED');
});
