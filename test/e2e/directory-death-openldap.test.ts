/**
 * slapd killed (SIGKILL) in the middle of a paged search of a full run: the run fails cleanly with
 * exit 4 (directory), writes nothing to Okta, leaves the watermark and the users' rows as they
 * were; with slapd started again, the next run completes and applies what changed. The moment is
 * picked by a TCP proxy between the agent and slapd: it holds slapd's answers once the first pages
 * went through, so the agent waits in the middle of its search when slapd dies.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir } from '../helpers/agent';
import { mailLoginPeople, transformsYaml } from '../helpers/fixtures';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

const BASE = 'dc=example,dc=com';
const OU = `ou=death,${BASE}`;
const N = 2000;
const PAGE = 50;

let ldap: SlapdServer;
let proxy: TcpProxy;
let sim: OktaSimulator;
const env = scenarioDir('death-openldap');
const statePath = join(env.dir, 'state.db');
let config: string;

beforeAll(async () => {
  ldap = await startSlapd({
    seed: mailLoginPeople(OU, 'd', N),
  });
  proxy = await startTcpProxy({ host: ldap.host, port: ldap.port });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  config = env.file(
    'config.yaml',
    [
      ldapSourceYaml({
        url: proxy.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [OU],
        attributes: ['uid', 'givenName', 'sn', 'mail'],
      }).replace('pageSize: 200', `pageSize: ${PAGE}`),
      oktaYaml({ url: sim.url, token: sim.token }),
      transformsYaml('mail-login'),
      `state:\n  path: ${statePath}`,
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

function snapshot(): { watermark: unknown; users: unknown[] } {
  const db = new Database(statePath, { readonly: true });
  try {
    return {
      watermark: db.prepare('SELECT source, value, run_id FROM watermarks').all(),
      users: db.prepare('SELECT * FROM users ORDER BY anchor').all(),
    };
  } finally {
    db.close();
  }
}

test('slapd killed in the middle of a paged search: exit 4, nothing written, watermark unchanged; the next run completes', async () => {
  const first = JSON.parse((await cli('sync', '-c', config, '--json')).out);
  expect(first.counts.created).toBe(N);
  await ldap.modify(`uid=d7,${OU}`, { replace: { sn: 'Changed' } });
  const before = snapshot();
  sim.requests.reset();

  // ~250 bytes an entry: the hold comes a few pages into the 40 of the search
  const held = proxy.holdAfter(3 * PAGE * 250);
  const running = cli('sync', '-c', config, '--full', '--json');
  await Promise.race([held, running.then((r) => Promise.reject(new Error(`the run ended before slapd was killed (exit ${r.code}):\n${r.err}`)))]);
  await ldap.kill();
  proxy.release();
  const failed = await running;
  expect(failed.code).toBe(4);
  expect(failed.err).toMatch(/directory .* (closed the connection|is unreachable)/);
  expect(sim.requests.writes()).toHaveLength(0);
  expect(snapshot()).toEqual(before);

  await ldap.restart();
  const next = await cli('sync', '-c', config, '--full', '--json');
  expect(next.code).toBe(0);
  const report = JSON.parse(next.out);
  expect(report).toMatchObject({ mode: 'full', outcome: 'ok', plan: { read: N } });
  expect(report.counts.updated).toBe(1);
  expect(sim.store.user('d7@example.com')?.profile.lastName).toBe('Changed');
  expect(snapshot().watermark).not.toEqual(before.watermark);
}, 180_000);
