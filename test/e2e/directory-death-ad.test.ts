/**
 * A Samba AD DC going away in the middle of a run, and coming back restored from a backup, on a DC
 * of this file's own (the run's shared DC must not be stopped under the other test files):
 * - stopped (SIGTERM, as a restart does) in the middle of a full run's paged search: exit 4,
 *   nothing written to Okta, watermark and users' rows unchanged; once it is started again, the
 *   next run completes (incremental from the old watermark) and applies what changed;
 * - replaced by a DC restored from an offline backup (Samba restores a backup as a new DC, with a
 *   new invocationId): the next run is a full run and says why; nothing to write.
 * A TCP proxy between the agent and the DC picks the moment (see the OpenLDAP test).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startPrivateSambaAd, type PrivateSambaAd } from '../harness/samba-private';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir } from '../helpers/agent';
import { adAdapter, people, type DirectoryAdapter } from '../helpers/directory-scenarios';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

const N = 300;
const PAGE = 10;

let dc: PrivateSambaAd;
let dir: DirectoryAdapter;
let proxy: TcpProxy;
let sim: OktaSimulator;
const env = scenarioDir('death-ad');
const statePath = join(env.dir, 'state.db');
const pop = people(N, 'x');
let config: string;

beforeAll(async () => {
  dc = await startPrivateSambaAd('death');
  dir = await adAdapter('Death', dc);
  await dir.add(pop);
  proxy = await startTcpProxy({ host: dc.host, port: 389 });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  config = env.file(
    'config.yaml',
    [
      dir.sourceYaml().replace(dc.url, proxy.url).replace('pageSize: 200', `pageSize: ${PAGE}`),
      oktaYaml({ url: sim.url, token: sim.token }),
      dir.transformsYaml,
      `state:\n  path: ${statePath}`,
    ].join('\n'),
  );
  const first = await cli('sync', '-c', config, '--json');
  expect(first.code).toBe(0);
  expect(JSON.parse(first.out).counts.created).toBe(N);
}, 600_000);

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  await dc?.stop();
  env.cleanup();
  cleanupEnv();
});

function snapshot(): { watermark: unknown; users: unknown[] } {
  const db = new Database(statePath, { readonly: true });
  try {
    return { watermark: db.prepare('SELECT source, value, run_id FROM watermarks').all(), users: db.prepare('SELECT * FROM users ORDER BY anchor').all() };
  } finally {
    db.close();
  }
}

test('the DC restarted in the middle of a paged search: exit 4, nothing written, watermark unchanged; the next run completes', async () => {
  await dir.modify(pop[7], { title: 'Changed' });
  const before = snapshot();
  sim.requests.reset();

  const held = proxy.holdAfter(3 * PAGE * 400);
  const running = cli('sync', '-c', config, '--full', '--json');
  await Promise.race([held, running.then((r) => Promise.reject(new Error(`the run ended before the DC stopped (exit ${r.code}):\n${r.err}`)))]);
  await dc.halt();
  proxy.release();
  const failed = await running;
  expect(failed.code).toBe(4);
  expect(failed.err).toMatch(/directory .* (closed the connection|is unreachable)/);
  expect(sim.requests.writes()).toHaveLength(0);
  expect(snapshot()).toEqual(before);

  await dc.start();
  const next = await cli('sync', '-c', config, '--json');
  expect(next.code).toBe(0);
  const report = JSON.parse(next.out);
  expect(report).toMatchObject({ mode: 'incremental', outcome: 'ok' });
  expect(report.counts.updated).toBe(1);
  expect(sim.store.user(dir.login(pop[7]))?.profile.title).toBe('Changed');
  expect(snapshot().watermark).not.toEqual(before.watermark);
}, 300_000);

test('a DC restored from a backup (a new invocationId): the next run is a full run, says why, and writes nothing', async () => {
  const invocationId = await dc.invocationId();
  await dc.restoreFromBackup('DC2');
  expect(await dc.invocationId()).not.toBe(invocationId);
  sim.requests.reset();
  const r = await cli('sync', '-c', config, '--json');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out);
  expect(report.mode).toBe('full');
  // Samba restores a backup as a new DC: its name changes with its invocationId
  expect(report.modeReason).toMatch(/domain controller changed|invocationId of .* changed/);
  expect(report.plan.read).toBe(N);
  expect(sim.requests.writes()).toHaveLength(0);
  const again = await cli('sync', '-c', config, '--json');
  expect(JSON.parse(again.out).mode).toBe('incremental');
}, 300_000);
