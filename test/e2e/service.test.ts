/**
 * The daemon as systemd runs it (`run`, Type=notify), as a real process against slapd and the
 * simulator, with a seconds-level schedule, a test datagram socket as $NOTIFY_SOCKET and a 1 s
 * watchdog:
 * - full runs tick every second (an incremental poll of an unchanged directory would not read it,
 *   and could not fail the way this test makes runs fail), never two at once (ticks during a run
 *   are skipped);
 * - sd_notify messages arrive in order: STATUS while starting, READY=1 only after the start-up
 *   checks, WATCHDOG=1 while alive, STATUS with each run's outcome, STOPPING=1 on SIGTERM;
 * - /metrics is scraped and read by an independent Prometheus text parser; /healthz turns 503
 *   (with the reason) after a failed run (Okta refuses the API token: E0000011) and 200 after a good one;
 * - a daemon whose start-up check fails never says READY=1, exits 4 and says why in STATUS.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket, type UnixDgramSocket } from 'unix-dgram';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { cleanupEnv, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir } from '../helpers/agent';
import { mailLoginPeople, transformsYaml } from '../helpers/fixtures';
import { start, type Running } from '../helpers/process';
import { parsePrometheus, sample } from '../helpers/prometheus';

const BASE = 'dc=example,dc=com';
const OU = `ou=service,${BASE}`;
const N = 20;

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('service');

beforeAll(async () => {
  ldap = await startSlapd({
    seed: mailLoginPeople(OU, 's', N),
  });
  // 100 ms per Okta request, 2 at a time: the first run (20 creates) lasts about a second
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS, latencyMs: 100 });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

function config(name: string, o: { password: string; schedule: string }): string {
  return env.file(
    `${name}.yaml`,
    [
      ldapSourceYaml({ url: ldap.url, bindDn: ldap.serviceDn, password: o.password, baseDns: [OU], attributes: ['uid', 'givenName', 'sn', 'mail'] }),
      oktaYaml({ url: sim.url, token: sim.token }).replace('concurrency: 8', 'concurrency: 2'),
      transformsYaml('mail-login'),
      `state:\n  path: ${join(env.dir, `${name}.db`)}`,
      o.schedule,
      'metrics:\n  listen: "127.0.0.1:0"',
      'log:\n  level: info\n  format: json',
    ].join('\n'),
  );
}

/** A datagram socket standing in for systemd's notify socket: every message, in arrival order. */
function notifySocket(name: string): { path: string; messages: string[]; close(): void } {
  const path = join(env.dir, `${name}.sock`);
  const messages: string[] = [];
  const socket: UnixDgramSocket = createSocket('unix_dgram', (msg) => messages.push(msg.toString('utf8')));
  socket.bind(path);
  return {
    path,
    messages,
    close: () => {
      socket.close();
      rmSync(path, { force: true });
    },
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, daemon: Running, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; daemon output:\n${daemon.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
}

test('seconds-level schedule: ticks without overlap, sd_notify in order, /metrics parsed, /healthz 503 after a failed run and 200 after a good one', async () => {
  const notify = notifySocket('daemon');
  const file = config('daemon', {
    password: ldap.servicePassword,
    schedule: 'schedule:\n  full: "* * * * * *"\n  runOnStart: true',
  });
  // Okta refuses one create (a record-level error): quarantined, retried by the next run
  const body = JSON.stringify({
    errorCode: 'E0000001',
    errorSummary: 'Api validation failed: login',
    errorLink: 'E0000001',
    errorId: 'x',
    errorCauses: [{ errorSummary: 'login: An object with this field already exists' }],
  });
  sim.faults.add({ endpoint: 'POST /api/v1/users', times: 1, action: { type: 'http', status: 400, body, contentType: 'application/json' } });
  const daemon = start(['run', '-c', file], { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '1000000' });
  let refusal: { remove(): void } | undefined;
  try {
    const address = await until('the metrics address', () => /metrics and health on http:\/\/([\d.:]+)\/metrics/.exec(daemon.output())?.[1], daemon);
    const base = `http://${address}`;
    const scrape = async () => parsePrometheus((await get(`${base}/metrics`)).body);
    const runs = async (outcome?: string) => {
      const f = await scrape();
      return (f.get('ldap_okta_sync_runs_total')?.metrics ?? [])
        .filter((m) => !outcome || m.labels?.outcome === outcome)
        .reduce((n, m) => n + Number(m.value), 0);
    };

    // several ticks: the first run creates everyone, the next ones change nothing
    await until('4 finished runs, everyone in Okta', async () => ((await runs()) >= 4 && sim.store.userCount === N) || undefined, daemon);
    let f = await scrape();
    expect(sample(f, 'ldap_okta_sync_user_actions_total', { action: 'created' })).toBe(N);
    expect(sample(f, 'ldap_okta_sync_last_run_users', { action: 'created' })).toBe(0); // the last run's own count, not a sum
    expect(sample(f, 'ldap_okta_sync_quarantined_records')).toBe(0);
    expect(sample(f, 'ldap_okta_sync_last_run_success')).toBe(1);
    expect(sample(f, 'ldap_okta_sync_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(sample(f, 'ldap_okta_sync_directory_entries_read_total')).toBeGreaterThanOrEqual(N);
    expect(sample(f, 'ldap_okta_sync_okta_requests_total', { kind: 'write' })).toBeGreaterThanOrEqual(N + 1);
    expect(sample(f, 'ldap_okta_sync_okta_errors_total', { error_code: 'E0000001' })).toBe(1);
    expect(sample(f, 'ldap_okta_sync_okta_rate_limit_remaining', { bucket: 'users' })).toBeGreaterThan(0);
    expect(sample(f, 'ldap_okta_sync_okta_rate_limit_limit', { bucket: 'users' })).toBe(FAST_LIMITS.users);
    expect(f.get('ldap_okta_sync_run_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(f.get('process_resident_memory_bytes')?.type).toBe('GAUGE');
    const healthy = await get(`${base}/healthz`);
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatch(/^ok: /);

    // Okta refuses the API token (every request): the next run fails, /healthz says so
    const invalidToken = JSON.stringify({
      errorCode: 'E0000011',
      errorSummary: 'Invalid token provided',
      errorLink: 'E0000011',
      errorId: 'y',
      errorCauses: [],
    });
    refusal = sim.faults.add({ action: { type: 'http', status: 401, body: invalidToken, contentType: 'application/json' } });
    const failed = await until(
      'a 503',
      async () => {
        const h = await get(`${base}/healthz`);
        return h.status === 503 ? h : undefined;
      },
      daemon,
    );
    expect(failed.body).toMatch(/^run \d+ \(full\) failed: .*API token/);
    f = await scrape();
    expect(sample(f, 'ldap_okta_sync_last_run_success')).toBe(0);
    expect(await runs('failed')).toBeGreaterThanOrEqual(1);

    // fixed: the next good run makes it healthy again
    refusal.remove();
    refusal = undefined;
    await until('a 200 again', async () => ((await get(`${base}/healthz`)).status === 200 ? true : undefined), daemon);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  } finally {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    refusal?.remove();
    notify.close();
  }

  // never two runs at once: each run started after the previous one ended; ticks during a run were skipped
  const db = new Database(join(env.dir, 'daemon.db'), { readonly: true });
  const rows = db.prepare('SELECT id, started_at AS s, ended_at AS e, outcome FROM runs ORDER BY id').all() as {
    id: number;
    s: string;
    e: string;
    outcome: string;
  }[];
  db.close();
  expect(rows.length).toBeGreaterThanOrEqual(6);
  for (let i = 1; i < rows.length; i++) expect(Date.parse(rows[i].s)).toBeGreaterThanOrEqual(Date.parse(rows[i - 1].e));
  expect(daemon.output()).toMatch(/a scheduled full run was skipped: the previous run is still in progress/);

  // sd_notify: in order
  const m = notify.messages;
  const ready = m.findIndex((x) => x.startsWith('READY=1'));
  const stopping = m.findIndex((x) => x.startsWith('STOPPING=1'));
  expect(m.slice(0, ready)).toEqual([
    'STATUS=starting: loading the configuration',
    'STATUS=starting: opening the state',
    'STATUS=starting: checking the directory and Okta',
  ]);
  expect(m.filter((x) => x.startsWith('READY=1'))).toHaveLength(1);
  expect(stopping).toBeGreaterThan(ready);
  expect(m.filter((x) => x.startsWith('STOPPING=1'))).toHaveLength(1);
  expect(m[stopping]).toMatch(/^STOPPING=1\nSTATUS=stopping \(SIGTERM\)/);
  const watchdogs = m.map((x, i) => (x === 'WATCHDOG=1' ? i : -1)).filter((i) => i >= 0);
  expect(watchdogs.length).toBeGreaterThanOrEqual(4);
  expect(watchdogs[0]).toBeGreaterThan(ready);
  const statuses = m.slice(ready + 1, stopping).filter((x) => x.startsWith('STATUS='));
  expect(statuses.some((x) => /^STATUS=last run \d+ \((full|incremental)\) ok at .*: read \d+, created \d+/.test(x))).toBe(true);
  expect(statuses.some((x) => /^STATUS=last run \d+ \(full\) failed at .*API token/.test(x))).toBe(true);
  expect(statuses.some((x) => /^STATUS=run in progress since/.test(x))).toBe(true);
  // after the failure, a good run again
  const lastFailed = statuses.map((x) => /\) failed at/.test(x)).lastIndexOf(true);
  expect(statuses.slice(lastFailed).some((x) => /\) ok at/.test(x))).toBe(true);
}, 180_000);

test('a start-up check that fails: no READY=1, exit 4, and STATUS says why', async () => {
  const notify = notifySocket('refused');
  const file = config('refused', { password: 'wrong-password', schedule: 'schedule:\n  full: "* * * * * *"' });
  const daemon = start(['run', '-c', file], { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '1000000' });
  try {
    expect(await daemon.exited).toBe(4);
  } finally {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    notify.close();
  }
  expect(notify.messages.some((x) => x.includes('READY=1'))).toBe(false);
  expect(notify.messages.at(-1)).toMatch(/^STATUS=failed: directory error \(bind\)/);
  expect(daemon.output()).toMatch(/directory error \(bind\)/);
}, 60_000);
