/**
 * What a person sees around runs, with the real executable against slapd and the simulator:
 * - progress on a terminal (a pseudo-terminal from `script`) for `sync`, `plan` and `preflight`,
 *   and none of it with `--json` or when the output is not a terminal;
 * - every run leaves a JSON report in the state directory (mode 0600), `report [RUN-ID]` shows it
 *   as tables or the stored JSON, exit 9 for a run without one, reports past the retention go;
 * - `status` lists the recent runs, the watermark, the quarantined count and the next scheduled runs.
 */
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { cleanupEnv, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir } from '../helpers/agent';
import { transformsYaml } from '../helpers/fixtures';
import { BIN, ensureBuilt, runToEnd } from '../helpers/process';

const BASE = 'dc=example,dc=com';
const OU = `ou=reports,${BASE}`;
const N = 30;

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('reports');
const reportsDir = join(env.dir, 'reports');
let config: string;

beforeAll(async () => {
  ensureBuilt();
  ldap = await startSlapd({
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'reports' } },
      ...Array.from({ length: N }, (_, i) => ({
        dn: `uid=r${i},${OU}`,
        attributes: {
          objectClass: ['inetOrgPerson'],
          uid: `r${i}`,
          cn: `R ${i}`,
          givenName: 'R',
          sn: String(i),
          ...(i === 0 ? {} : { mail: `r${i}@example.com` }),
        },
      })),
    ],
  });
  // 100 ms per Okta request, 2 at a time: the creates take about 1.5 s, long enough to be drawn
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS, latencyMs: 100 });
  config = env.file(
    'config.yaml',
    [
      ldapSourceYaml({ url: ldap.url, bindDn: ldap.serviceDn, password: ldap.servicePassword, baseDns: [OU], attributes: ['uid', 'givenName', 'sn', 'mail'] }),
      oktaYaml({ url: sim.url, token: sim.token }).replace('concurrency: 8', 'concurrency: 2'),
      transformsYaml('mail-login'),
      `state:\n  path: ${join(env.dir, 'state.db')}\n  keepReportsDays: 30`,
      'schedule:\n  full: "0 2 * * *"\n  incremental: "*/15 * * * *"\n  timezone: UTC',
      'log:\n  level: info',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

/** The executable to its end, as a process: on a pseudo-terminal of 160 columns (`script`) when `terminal`. */
function run(args: string[], opts: { terminal?: boolean } = {}) {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return opts.terminal ? runToEnd('script', ['-qfec', `stty cols 160 rows 40; exec ${quoted}`, '/dev/null']) : runToEnd(process.execPath, [BIN, ...args]);
}

const visible = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n');
const PROGRESS = /applying \[|reading {2}\d/;

test('progress on a terminal for sync, plan and preflight; none with --json or when the output is not a terminal', async () => {
  const preflight = await run(['preflight', '-c', config], { terminal: true });
  expect(visible(preflight.out)).toMatch(/reading {2}\d+ entries · \d+ planned/);

  const plan = await run(['plan', '-c', config], { terminal: true });
  expect(visible(plan.out)).toMatch(/reading {2}\d+ entries · \d+ planned/);
  const planJson = await run(['plan', '-c', config, '--json'], { terminal: true });
  expect(visible(planJson.out)).not.toMatch(PROGRESS);

  const sync = await run(['sync', '-c', config], { terminal: true });
  const seen = visible(sync.out);
  expect(seen).toMatch(/applying \[[= ]+\] \d+\/29 writes · [\d.—]+\/s \(Okta pace [\d.]+\/s\) · ETA /);
  expect(seen).toMatch(/Run 1 \(full: .*\) QUARANTINED in/); // the report after the line
  expect(sim.store.userCount).toBe(N - 1);

  // not a terminal: nothing of it, neither on stdout nor on stderr
  const piped = await run(['sync', '-c', config]);
  expect(piped.code).toBe(6);
  expect(visible(piped.out + piped.err)).not.toMatch(PROGRESS);
  const json = await run(['sync', '-c', config, '--json'], { terminal: true });
  expect(visible(json.out)).not.toMatch(PROGRESS);
}, 180_000);

test('every run leaves its JSON report; report shows it as tables or --json; exit 9 without one; old reports go', async () => {
  // runs 1-3 of the test above
  for (const id of [1, 2, 3]) {
    const file = join(reportsDir, `run-00000${id}.json`);
    expect(existsSync(file)).toBe(true);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  }
  expect((statSync(reportsDir).mode & 0o777).toString(8)).toBe('700');

  const latest = await run(['report', '-c', config]);
  expect(latest.code).toBe(0);
  expect(latest.out).toMatch(/^Run 3 \((full|incremental)/);
  expect(latest.out).toMatch(/quarantined\s+1/);

  const first = await run(['report', '1', '-c', config]);
  expect(first.out).toMatch(/^Run 1 \(full: no watermark yet/);
  expect(first.out).toMatch(/created in Okta\s+29/);
  const firstJson = JSON.parse((await run(['report', '1', '-c', config, '--json'])).out) as {
    runId: number;
    counts: { created: number };
    okta: { errors: object };
  };
  expect(firstJson).toMatchObject({ runId: 1, counts: { created: N - 1 } });
  expect(firstJson).toEqual(JSON.parse(readFileSync(join(reportsDir, 'run-000001.json'), 'utf8')));

  const missing = await run(['report', '999', '-c', config]);
  expect(missing.code).toBe(9);
  expect(missing.err).toMatch(/no report for run 999 in .*reports \(every sync run leaves one; they are kept 30 days\)/);
  expect((await run(['report', 'latest', '-c', config])).code).toBe(2);

  // a report older than the retention goes when the next run writes its own
  const old = join(reportsDir, 'run-000000.json');
  writeFileSync(old, '{}\n');
  const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000);
  utimesSync(old, fortyDaysAgo, fortyDaysAgo);
  expect((await run(['sync', '-c', config])).code).toBe(6);
  expect(existsSync(old)).toBe(false);
  expect(existsSync(join(reportsDir, 'run-000004.json'))).toBe(true);
}, 120_000);

test('status: recent runs, the watermark, the quarantined count, the next scheduled runs', async () => {
  const text = await run(['status', '-c', config]);
  expect(text.code).toBe(0);
  expect(text.out).toMatch(/Users: 30 known, 29 linked to Okta, 1 quarantined/);
  expect(text.out).toMatch(/Run reports: 4 in .*reports \(kept 30 days/);
  expect(text.out).toMatch(/Watermarks \(where the next incremental run starts\):\n.*source.*position.*\n.*\n.*ldap:\/\/127\.0\.0\.1:\d+ .*contextCSN \d{14}/);
  expect(text.out).toMatch(/Next scheduled runs of the daemon \(UTC; schedule in UTC\):/);
  expect(text.out).toMatch(/Recent runs:\n\s*run\s+started/);

  const json = JSON.parse((await run(['status', '-c', config, '--json'])).out) as {
    users: { quarantined: number };
    runs: { id: number }[];
    watermarks: { checkpoint: { kind: string } }[];
    nextRuns: { at: string; mode: string }[];
  };
  expect(json.users.quarantined).toBe(1);
  expect(json.runs.map((r) => r.id)).toEqual([4, 3, 2, 1]);
  expect(json.watermarks.map((w) => w.checkpoint.kind)).toEqual(['ldap-csn']);
  // every quarter hour (incremental), and 02:00 (full): five in order, the first within 15 minutes
  expect(json.nextRuns).toHaveLength(5);
  const times = json.nextRuns.map((r) => Date.parse(r.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(times[0] - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  for (const r of json.nextRuns) expect(new Date(r.at).getUTCMinutes() % 15).toBe(0);
}, 60_000);
