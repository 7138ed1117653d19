/**
 * The daemon as systemd runs it: a real process. SIGTERM in the middle of a run stops it cleanly
 * after the writes in flight (every user created in Okta is recorded in the state, nothing is
 * duplicated on the next run); a second run cannot start while one holds the lock.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../helpers/agent';
import { mailLoginPeople, transformsYaml } from '../helpers/fixtures';
import { start } from '../helpers/process';

const BASE = 'dc=example,dc=com';
const OU = `ou=daemon,${BASE}`;
const N = 60;

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('daemon');
let configFile: string;
const statePath = join(env.dir, 'state.db');

beforeAll(async () => {
  ldap = await startSlapd({
    seed: mailLoginPeople(OU, 'd', N),
  });
  // slow Okta: every request takes 150 ms, so the run is still going when SIGTERM arrives
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS, latencyMs: 150 });
  configFile = env.file(
    'config.yaml',
    [
      ldapSourceYaml({ url: ldap.url, bindDn: ldap.serviceDn, password: ldap.servicePassword, baseDns: [OU], attributes: ['uid', 'givenName', 'sn', 'mail'] }),
      oktaYaml({ url: sim.url, token: sim.token }).replace('concurrency: 8', 'concurrency: 2'),
      transformsYaml('mail-login'),
      `state:\n  path: ${statePath}`,
      'schedule:\n  full: "0 3 * * *"\n  runOnStart: true',
      'log:\n  level: info\n  format: json',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

test('SIGTERM during a run: the writes in flight finish and are recorded, the process exits 0, nothing is lost or duplicated', async () => {
  const daemon = start(['run', '-c', configFile]);
  try {
    // wait until the run is writing
    const t0 = Date.now();
    while (sim.store.userCount < 5) {
      if (Date.now() - t0 > 60_000) throw new Error(`the daemon did not start writing:\n${daemon.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }

    // a second run cannot start while the daemon holds the lock
    const locked = await cli('sync', '-c', configFile);
    expect(locked.code).toBe(8);
    expect(locked.err).toMatch(/another run is in progress \(pid \d+/);

    daemon.child.kill('SIGTERM');
    const code = await daemon.exited;
    expect(code).toBe(0);
  } finally {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  }
  const log = daemon.output();
  expect(log).toMatch(/SIGTERM/);
  const lines = log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { message: string; level: string });
  expect(lines.some((l) => /^run 1 full interrupted/.test(l.message))).toBe(true);

  // every user Okta has is recorded in the state; the run is recorded as interrupted
  const created = sim.store.userCount;
  expect(created).toBeGreaterThanOrEqual(5);
  expect(created).toBeLessThan(N);
  const db = new Database(statePath, { readonly: true });
  const linked = (db.prepare('SELECT count(*) AS n FROM users WHERE okta_id IS NOT NULL').get() as { n: number }).n;
  const journal = (db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number }).n;
  const run = db.prepare('SELECT outcome FROM runs ORDER BY id DESC LIMIT 1').get() as { outcome: string };
  db.close();
  expect(linked).toBe(created);
  expect(journal).toBe(0);
  expect(run.outcome).toBe('interrupted');

  // the next run creates the rest, and no one twice
  const next = await sync(configFile);
  expect(next.code).toBe(0);
  expect(next.report.counts.created).toBe(N - created);
  expect(sim.store.userCount).toBe(N);
}, 120_000);
