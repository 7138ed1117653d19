/**
 * The daemon polling every second with nothing changed in the directory: each poll reads the
 * change position in one request on the connection the first run left open (slapd's own
 * operation log counts them: no new connection, no bind, no search of users), sends nothing to
 * Okta, and reports its own reads only (the per-run report of an idle poll does not grow with the
 * polls before it). A change then goes through on the same connection.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { cleanupEnv, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir } from '../helpers/agent';
import { mailLoginPeople, transformsYaml } from '../helpers/fixtures';
import { start } from '../helpers/process';

const BASE = 'dc=example,dc=com';
const OU = `ou=poll,${BASE}`;
const N = 20;
const POLLS = 10;

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('idle-poll');
let configFile: string;

beforeAll(async () => {
  ldap = await startSlapd({
    debug: 'stats',
    seed: mailLoginPeople(OU, 'p', N),
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  configFile = env.file(
    'config.yaml',
    [
      ldapSourceYaml({ url: ldap.url, bindDn: ldap.serviceDn, password: ldap.servicePassword, baseDns: [OU], attributes: ['uid', 'givenName', 'sn', 'mail'] }),
      oktaYaml({ url: sim.url, token: sim.token }),
      transformsYaml('mail-login'),
      `state:\n  path: ${join(env.dir, 'state.db')}`,
      'schedule:\n  full: "0 3 * * *"\n  incremental: "* * * * * *"\n  runOnStart: true',
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

interface RunLine {
  message: string;
  runId?: number;
}

/** The daemon's per-run summary lines. */
const runLines = (out: string): RunLine[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunLine)
    .filter((l) => /^run \d+ /.test(l.message));

/** slapd's operation log (stats): connections accepted, and operations (BIND, SRCH, …) by connection. */
function slapdOps(): { accepted: number; ops: string[] } {
  const log = readFileSync(ldap.logFile, 'utf8').split('\n');
  return {
    accepted: log.filter((l) => / ACCEPT from /.test(l)).length,
    ops: log.filter((l) => /conn=\d+ op=\d+ (BIND|SRCH|MOD|ADD|DEL|MODRDN|EXT|UNBIND|CMP)\b/.test(l) && !/ SRCH attr=/.test(l)),
  };
}

test('10 idle polls: one directory request each, on the open connection; no Okta request; each report counts its own run', async () => {
  const daemon = start(['run', '-c', configFile]);
  try {
    await daemon.waitFor(/"message":"run 1 full ok/, 60_000);
    expect(sim.store.userCount).toBe(N);
    // the first poll after the full run (the run's checkpoint is the watermark)
    await daemon.waitFor(/"message":"run 2 incremental ok/, 30_000);
    const before = slapdOps();
    sim.requests.reset();
    const first = runLines(daemon.output()).length;
    const t0 = Date.now();
    while (runLines(daemon.output()).length < first + POLLS) {
      if (Date.now() - t0 > 60_000) throw new Error(`fewer than ${POLLS} polls in 60 s:\n${daemon.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = slapdOps();
    const polls = runLines(daemon.output()).slice(first, first + POLLS);
    // the operations of the polls (a poll may be reading while we count: at most one more)
    expect(after.accepted).toBe(before.accepted);
    const ops = after.ops.slice(before.ops.length);
    expect(ops.length).toBeGreaterThanOrEqual(POLLS);
    expect(ops.length).toBeLessThanOrEqual(POLLS + 1);
    for (const op of ops) expect(op).toMatch(/SRCH base="dc=example,dc=com" scope=0 /);
    expect(sim.requests.count()).toBe(0);
    for (const l of polls) {
      expect(l.message).toMatch(/^run \d+ incremental ok: read 0 \(0 directory entries, 1 directory requests\), created 0,.*; 0 Okta requests \(0 writes/);
    }

    // a change goes through on the same connection, the next poll is idle again
    await ldap.modify(`uid=p3,${OU}`, { replace: { sn: 'Changed' } });
    await daemon.waitFor(/"message":"run \d+ incremental ok: read 1 .*updated 1,/, 30_000);
    expect(sim.store.user('p3@example.com')?.profile.lastName).toBe('Changed');
    expect(slapdOps().accepted).toBe(before.accepted + 1); // the modify above, as root
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  } finally {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  }
  // of each streak of idle polls the runs table keeps the latest: the full run, the last poll
  // before the change, the change's run, and the polls after it (at most one)
  const db = new Database(join(env.dir, 'state.db'), { readonly: true });
  const rows = db.prepare("SELECT id, json_extract(counts, '$.idle') AS idle FROM runs ORDER BY id").all() as { id: number; idle: number | null }[];
  db.close();
  expect(runLines(daemon.output()).length).toBeGreaterThan(POLLS + 2);
  expect(rows.map((r) => r.idle ?? 0).join('')).toMatch(/^0101?$/);
}, 180_000);
