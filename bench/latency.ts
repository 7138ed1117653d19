/**
 * Change latency and idle polls: the agent as a daemon (`run`) with the recommended incremental
 * schedule, against slapd and a Samba AD DC (each with a few hundred users), and the Okta
 * simulator in its own process:
 * - a directory edit → visible in the simulator (the user's profile as a GET returns it), over 20
 *   edits at random moments: p50 and p95;
 * - idle polls (nothing changed): the daemon's CPU time per poll (utime + stime from /proc) and
 *   the directory requests each poll's report counts.
 *
 * Usage: npm run bench -- latency [--servers slapd,ad]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd } from '../test/harness/slapd';
import { startPrivateSambaAd } from '../test/harness/samba-private';
import { ratio, type Figures } from './results';
import { startSim } from './sync';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ldap-okta-sync');
/** The schedule the README recommends for near-real-time changes. */
export const RECOMMENDED_INCREMENTAL = '* * * * * *';
const USERS = 200;
const EDITS = 20;
const IDLE_WINDOW_MS = 20_000;

interface Directory {
  name: 'slapd' | 'ad';
  sourceYaml: string;
  transformsYaml: string;
  login(i: number): string;
  edit(i: number, title: string): Promise<void>;
  stop(): Promise<void>;
}

async function slapdDirectory(): Promise<Directory> {
  const ou = 'ou=latency,dc=example,dc=com';
  const ldap = await startSlapd({
    seed: [
      { dn: ou, attributes: { objectClass: ['organizationalUnit'], ou: 'latency' } },
      ...Array.from({ length: USERS }, (_, i) => ({
        dn: `uid=l${i},${ou}`,
        attributes: { objectClass: ['inetOrgPerson'], uid: `l${i}`, cn: `L ${i}`, givenName: 'L', sn: String(i), mail: `l${i}@example.com`, title: 'Start' },
      })),
    ],
  });
  return {
    name: 'slapd',
    sourceYaml: sourceYaml(ldap.url, ldap.serviceDn, ldap.servicePassword, ou, 'openldap', ['uid', 'givenName', 'sn', 'mail', 'title']),
    transformsYaml: transforms('mail'),
    login: (i) => `l${i}@example.com`,
    edit: (i, title) => ldap.modify(`uid=l${i},${ou}`, { replace: { title } }),
    stop: () => ldap.stop(),
  };
}

async function adDirectory(): Promise<Directory> {
  const dc = await startPrivateSambaAd('latency');
  const sc = await dc.createScenario('Latency');
  const dn = (i: number) => `CN=l${i},${sc.dn}`;
  await sc.addUsers(
    Array.from({ length: USERS }, (_, i) => ({
      dn: dn(i),
      enabled: true,
      attributes: {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: `lat${i}`,
        userPrincipalName: `lat${i}@example.test`,
        givenName: 'L',
        sn: String(i),
        mail: `lat${i}@example.test`,
        title: 'Start',
        userAccountControl: '544',
      },
    })),
    { concurrency: 6 },
  );
  return {
    name: 'ad',
    sourceYaml: sourceYaml(dc.url, dc.adminUpn, dc.adminPassword, sc.dn, 'ad', ['sAMAccountName', 'userPrincipalName', 'givenName', 'sn', 'mail', 'title']),
    transformsYaml: transforms('userPrincipalName'),
    login: (i) => `lat${i}@example.test`,
    edit: (i, title) => dc.modify(dn(i), { replace: { title } }),
    stop: () => dc.stop(),
  };
}

function sourceYaml(url: string, bindDn: string, password: string, base: string, flavor: string, attributes: string[]): string {
  process.env.BENCH_LDAP_PW = password;
  return [
    'source:',
    '  type: ldap',
    `  flavor: ${flavor}`,
    `  url: ${url}`,
    `  bindDn: "${bindDn}"`,
    '  bindPassword: ${env:BENCH_LDAP_PW}',
    '  users:',
    `    baseDns: ["${base}"]`,
    `    attributes: ${JSON.stringify(attributes)}`,
  ].join('\n');
}

const transforms = (loginAttr: string) =>
  [
    'transforms:',
    '  - map:',
    `      login: "{${loginAttr} | lower}"`,
    '      email: "{mail}"',
    '      firstName: "{givenName}"',
    '      lastName: "{sn}"',
    '      title: "{title}"',
  ].join('\n');

/** CPU time (user + system) of a process so far, ms (Linux: clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface RunLine {
  message: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function measure(dir: Directory): Promise<{ p50: number; p95: number; idleCpuMs: number; idleQueries: number; idlePolls: number }> {
  const work = mkdtempSync(join(tmpdir(), `bench-latency-${dir.name}-`));
  const token = `bench-latency-${dir.name}`;
  const sim = await startSim(token);
  const config = join(work, 'config.yaml');
  writeFileSync(
    config,
    [
      dir.sourceYaml,
      `okta:\n  orgUrl: ${sim.url}\n  token: \${env:BENCH_OKTA_TOKEN}`,
      dir.transformsYaml,
      `state:\n  path: ${join(work, 'state.db')}`,
      `schedule:\n  full: "0 3 * * *"\n  incremental: "${RECOMMENDED_INCREMENTAL}"\n  runOnStart: true`,
      'log:\n  level: info\n  format: json',
    ].join('\n'),
  );
  const daemon = spawn(process.execPath, [BIN, 'run', '-c', config], { env: { ...process.env, BENCH_OKTA_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  daemon.stdout.on('data', (d) => (out += d));
  daemon.stderr.on('data', (d) => (out += d));
  const runs = (): RunLine[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as RunLine)
      .filter((l) => /^run \d+ /.test(l.message));
  try {
    const t0 = Date.now();
    while (!runs().some((l) => / full ok/.test(l.message))) {
      if (Date.now() - t0 > 300_000 || daemon.exitCode !== null) throw new Error(`the daemon's first run did not complete:\n${out.slice(-3000)}`);
      await sleep(200);
    }
    const visible = async (login: string, title: string): Promise<void> => {
      for (;;) {
        const res = await fetch(`${sim.url}/api/v1/users/${encodeURIComponent(login)}`, { headers: { Authorization: `SSWS ${token}` } });
        const user = res.ok ? ((await res.json()) as { profile: { title?: string } }) : undefined;
        if (user?.profile.title === title) return;
        await sleep(20);
      }
    };
    const latencies: number[] = [];
    for (let e = 0; e < EDITS; e++) {
      await sleep(Math.random() * 1000);
      const i = (e * 7) % USERS;
      const title = `Edit ${e}`;
      const start = performance.now();
      await dir.edit(i, title);
      await visible(dir.login(i), title);
      latencies.push(performance.now() - start);
    }
    // idle polls: nothing changes for a while
    await sleep(3000);
    const before = { cpu: cpuMs(daemon.pid!), runs: runs().length };
    await sleep(IDLE_WINDOW_MS);
    const after = { cpu: cpuMs(daemon.pid!), runs: runs().length };
    const idle = runs().slice(before.runs, after.runs);
    const queries = idle.map((l) => Number(/(\d+) directory requests/.exec(l.message)?.[1] ?? NaN));
    if (!idle.length) throw new Error('no idle poll in the window');
    return {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      idleCpuMs: (after.cpu - before.cpu) / idle.length,
      idleQueries: Math.max(...queries),
      idlePolls: idle.length,
    };
  } finally {
    daemon.kill('SIGTERM');
    await sim.stop();
    await dir.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchLatency(argv: string[] = []): Promise<Figures> {
  const i = argv.indexOf('--servers');
  const servers = i >= 0 ? argv[i + 1].split(',') : ['slapd', 'ad'];
  console.log(`\n== latency: directory edit → visible in the simulator, idle polls (incremental: "${RECOMMENDED_INCREMENTAL}")`);
  const out: Figures = {};
  for (const s of servers) {
    const f = await measure(s === 'ad' ? await adDirectory() : await slapdDirectory());
    console.log(
      `${s.padEnd(6)} change → Okta p50 ${(f.p50 / 1000).toFixed(2)} s, p95 ${(f.p95 / 1000).toFixed(2)} s (${EDITS} edits); ` +
        `idle poll ${f.idleCpuMs.toFixed(1)} ms CPU, ${f.idleQueries} directory request(s) (${f.idlePolls} polls)`,
    );
    out[`changeToOktaP50Ms@${s}`] = { value: Math.round(f.p50), unit: 'ms' };
    out[`changeToOktaP95Ms@${s}`] = { value: Math.round(f.p95), unit: 'ms', goal: '≤ 5000' };
    out[`idlePollCpuMs@${s}`] = { value: ratio(f.idleCpuMs), unit: 'ms CPU per poll', goal: '≤ 20' };
    out[`idlePollQueries@${s}`] = { value: f.idleQueries, unit: 'directory requests per poll', goal: '1' };
  }
  return out;
}
