/**
 * Sync benchmark: the agent against a real slapd (seeded offline) and the Okta simulator, each in
 * its own process, at 10,000 and 100,000 users. Printed side by side in one run, as ratios, because
 * these machines are shared and noisy:
 * - full sync (creates) vs. a raw `ldapsearch` paged dump of the same users;
 * - a no-change incremental run, and an incremental run after 100 changes: entries read and wall
 *   time (the cost must follow the changes, not the directory size);
 * - a no-change full run vs. the raw dump;
 * - the agent's peak memory at both sizes (it must stay bounded: pages are streamed);
 * - and, for the test harness, how long seeding slapd offline (slapadd) and starting it takes.
 *
 * - the state file's bytes per user.
 *
 * Usage: npm run bench -- sync [--sizes 10000,100000] [--million]
 *   --million adds 1,000,000 users (or name it: `--sizes 100000,1000000`; the 1M figures
 *   peakRssMb@1000k, stateBytesPerUser@1000k, noChangeFullOverDump@1000k and rssGrowth1MOver100k need
 *   both 100k and 1M in the same run). slapd is loaded offline with slapadd (~50 s at 1M, ~1.1 GB in
 *   the bench process); the whole 1M size takes about 40 minutes on a 2-core machine, most of it the
 *   first full sync (1M creates). Each phase's wall time is printed as it ends.
 *   BENCH_CPU_PROF=<dir> writes a CPU profile of every agent run (node --cpu-prof) into <dir>.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { BUCKETS } from '../src/okta-sim';
import { startSlapd, type SlapdServer } from '../test/harness/slapd';
import { startSimProcess } from './okta-sim-process';
import { ratio, type Figures as BenchFigures } from './results';

const execFileP = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ldap-okta-sync');
const BASE = 'dc=example,dc=com';
export const OU = `ou=bench,${BASE}`;
export const ATTRS = ['uid', 'givenName', 'sn', 'mail', 'title', 'telephoneNumber', 'departmentNumber', 'employeeNumber'];

interface Figures {
  n: number;
  /** Offline seeding of slapd by the test harness (slapadd): not the agent, printed for the harness's sake. */
  seedMs: number;
  dumpMs: number;
  fullSyncMs: number;
  fullSyncRssMb: number;
  noChangeIncrMs: number;
  noChangeIncrEntries: number;
  /** The first incremental run after the import refreshes the Okta mirror over every user created: often the agent's peak. */
  noChangeIncrRssMb: number;
  changesIncrMs: number;
  changesIncrEntries: number;
  changesIncrUpdates: number;
  noChangeFullMs: number;
  noChangeFullRssMb: number;
  /** A full run with the JavaScript heap capped at HEAP_CAP_MB: it must complete at any size (NaN: it failed, see cappedFullError). */
  cappedFullMs: number;
  cappedFullRssMb: number;
  cappedFullError?: string;
  /** state.db (and its WAL) after the runs, bytes per user. */
  stateBytesPerUser: number;
}

const HEAP_CAP_MB = 64;
/** okta.mirror.consistencyMarginSeconds of the bench's configuration (the agent's default). */
const MARGIN_S = 60;

/** The agent's peak RSS over the uncapped runs of a size (peakRssMb, rssGrowth1MOver100k). */
const peakRss = (f: Figures): number => Math.max(f.fullSyncRssMb, f.noChangeIncrRssMb, f.noChangeFullRssMb);

export function entries(n: number) {
  const out: { dn: string; attributes: Record<string, string | string[]> }[] = [{ dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'bench' } }];
  for (let i = 0; i < n; i++) {
    const uid = `b${String(i).padStart(6, '0')}`;
    out.push({
      dn: `uid=${uid},${OU}`,
      attributes: {
        objectClass: ['inetOrgPerson'],
        uid,
        cn: `Bench ${i}`,
        givenName: i % 5 ? 'Bench' : 'Zoë',
        sn: `User${i}`,
        mail: `${uid}@example.com`,
        title: i % 3 ? 'Analyst' : 'Engineer',
        telephoneNumber: `+1 415 555 ${String(i % 10000).padStart(4, '0')}`,
        departmentNumber: String(i % 40),
        employeeNumber: String(100000 + i),
      },
    });
  }
  return out;
}

/** BENCH_CPU_PROF=<dir>: every agent run writes a V8 CPU profile there (node --cpu-prof), to see where a size's time goes. */
const profileArgs = (): string[] => (process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []);

async function run(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<{ ms: number; out: string; code: number | null }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...profileArgs(), ...nodeArgs, BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const ms = performance.now() - t0;
  if (code !== 0 && code !== 6) throw new Error(`ldap-okta-sync ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`);
  return { ms, out, code };
}

/**
 * The simulator in a process of its own, unlimited, as an agent run would meet Okta. Its request log
 * keeps the latest 10,000 requests (the counts cover all): a million creates with their bodies would
 * otherwise hold about a gigabyte in the simulator.
 */
export async function startSim(token: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const NO_LIMIT = 1_000_000_000;
  const rateLimits = Object.fromEntries(BUCKETS.map((b) => [b, NO_LIMIT]));
  const sim = await startSimProcess({ token, rateLimits, requestLogLimit: 10_000 });
  return { url: sim.url, stop: () => sim.stop() };
}

/** The yardstick: OpenLDAP's C client dumping the bench's users, 500 a page, to /dev/null. */
export async function rawDump(ldap: Pick<SlapdServer, 'url' | 'serviceDn' | 'servicePassword'>): Promise<void> {
  await execFileP(
    'sh',
    [
      '-c',
      `ldapsearch -x -LLL -H ${ldap.url} -D "${ldap.serviceDn}" -w "$PW" -b "${OU}" -E pr=500/noprompt "(objectClass=inetOrgPerson)" ${ATTRS.join(' ')} entryUUID > /dev/null`,
    ],
    { env: { ...process.env, PW: ldap.servicePassword }, maxBuffer: 1 << 20 },
  );
}

async function measure(n: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), `bench-sync-${n}-`));
  let ldap: SlapdServer | undefined;
  const token = `bench-${n}-token`;
  const sim = await startSim(token);
  // each phase's wall time as it ends (at 1M a run takes most of an hour: the log shows where it is)
  let phaseStart = performance.now();
  const phase = (next: string) => {
    process.stdout.write(`(${((performance.now() - phaseStart) / 1000).toFixed(1)} s) ${next}`);
    phaseStart = performance.now();
  };
  try {
    process.stdout.write(`  ${n} users: seeding slapd… `);
    const s0 = performance.now();
    ldap = await startSlapd({ seed: entries(n) });
    const seedMs = performance.now() - s0;
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'source:',
        '  type: ldap',
        `  url: ${ldap.url}`,
        `  bindDn: "${ldap.serviceDn}"`,
        '  bindPassword: ${env:BENCH_LDAP_PW}',
        '  users:',
        `    baseDns: ["${OU}"]`,
        `    attributes: ${JSON.stringify(ATTRS)}`,
        'okta:',
        `  orgUrl: ${sim.url}`,
        '  token: ${env:BENCH_OKTA_TOKEN}',
        '  concurrency: 8',
        // every incremental run refreshes the mirror (see MARGIN_S below)
        '  mirror:',
        '    refreshSeconds: 0',
        `    consistencyMarginSeconds: ${MARGIN_S}`,
        'transforms:',
        '  - map:',
        '      login: "{mail | lower}"',
        '      email: "{mail}"',
        '      firstName: "{givenName}"',
        '      lastName: "{sn}"',
        '      title: "{title}"',
        '      primaryPhone: "{telephoneNumber}"',
        '      department: "{departmentNumber}"',
        '      employeeNumber: "{employeeNumber}"',
        '  - validate:',
        '      required: [login, email, firstName, lastName]',
        `state:\n  path: ${join(dir, 'state.db')}`,
        'log:\n  level: warn\n  format: json',
      ].join('\n'),
    );
    const env = { BENCH_LDAP_PW: ldap.servicePassword, BENCH_OKTA_TOKEN: token };

    phase('dump… ');
    const d0 = performance.now();
    await rawDump(ldap);
    const dumpMs = performance.now() - d0;

    phase('full sync… ');
    const full = await run(['sync', '-c', config, '--json'], env);
    const fullReport = JSON.parse(full.out);
    if (fullReport.counts.created !== n) throw new Error(`full sync created ${fullReport.counts.created}, not ${n}`);

    // a refresh reads what changed since the previous refresh began, less the consistency margin:
    // once the margin has passed since the import's last write, the first incremental run re-reads
    // the users the import created (its cost, shown as such) and later runs do not, so the no-change
    // full run measures a nightly run's steady state rather than a re-read of the import's tail
    await sleep(MARGIN_S * 1000);
    phase('incremental… ');
    const quiet = await run(['sync', '-c', config, '--json'], env);
    const quietReport = JSON.parse(quiet.out);

    for (let i = 0; i < 100; i++) {
      const k = Math.floor((i * n) / 100) + 3;
      await ldap.modify(`uid=b${String(k).padStart(6, '0')},${OU}`, { replace: { title: `Changed ${i}` } });
    }
    phase('100 changes… ');
    const changes = await run(['sync', '-c', config, '--json'], env);
    const changesReport = JSON.parse(changes.out);
    if (changesReport.mode !== 'incremental' || changesReport.counts.updated !== 100) {
      throw new Error(`expected an incremental run with 100 updates, got ${changesReport.mode} with ${changesReport.counts.updated}`);
    }

    phase('full no-change… ');
    const fullAgain = await run(['sync', '-c', config, '--full', '--json'], env);
    const fullAgainReport = JSON.parse(fullAgain.out);
    phase(`full, heap capped at ${HEAP_CAP_MB} MB… `);
    await ldap.modify(`uid=b000001,${OU}`, { replace: { title: 'Capped' } });
    // a capped run that fails (out of memory) is a figure too: the other figures of this size are kept
    let capped = { ms: NaN, rssMb: NaN, error: undefined as string | undefined };
    try {
      const r = await run(['sync', '-c', config, '--full', '--json'], env, [`--max-old-space-size=${HEAP_CAP_MB}`]);
      const cappedReport = JSON.parse(r.out);
      if (cappedReport.plan.read !== n || cappedReport.counts.updated !== 1) throw new Error('the heap-capped full run did not read and apply everything');
      capped = { ms: r.ms, rssMb: cappedReport.peakRssMb, error: undefined };
    } catch (e) {
      capped.error =
        String(e)
          .split('\n')
          .find((l) => /heap|memory|did not/i.test(l)) ?? String(e).slice(0, 200);
      process.stdout.write(`FAILED: ${capped.error} `);
    }
    phase('done\n');
    const stateFile = join(dir, 'state.db');
    const stateBytes = statSync(stateFile).size + (existsSync(`${stateFile}-wal`) ? statSync(`${stateFile}-wal`).size : 0);
    return {
      n,
      seedMs,
      dumpMs,
      fullSyncMs: full.ms,
      fullSyncRssMb: fullReport.peakRssMb,
      noChangeIncrMs: quiet.ms,
      noChangeIncrEntries: quietReport.directory.entriesRead,
      noChangeIncrRssMb: quietReport.peakRssMb,
      changesIncrMs: changes.ms,
      changesIncrEntries: changesReport.directory.entriesRead,
      changesIncrUpdates: changesReport.counts.updated,
      noChangeFullMs: fullAgain.ms,
      noChangeFullRssMb: fullAgainReport.peakRssMb,
      cappedFullMs: capped.ms,
      cappedFullRssMb: capped.rssMb,
      cappedFullError: capped.error,
      stateBytesPerUser: Math.round(stateBytes / n),
    };
  } finally {
    await sim.stop();
    await ldap?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSync(argv: string[] = []): Promise<BenchFigures> {
  const i = argv.indexOf('--sizes');
  const sizes = i >= 0 ? argv[i + 1].split(',').map(Number) : [10_000, 100_000];
  if (argv.includes('--million') && !sizes.includes(1_000_000)) sizes.push(1_000_000);
  console.log(`\n== sync: agent vs. raw ldapsearch, slapd + Okta simulator in separate processes (${sizes.join(', ')} users)`);
  const figs: Figures[] = [];
  for (const n of sizes) figs.push(await measure(n));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows: [string, (f: Figures) => string][] = [
    ['raw ldapsearch paged dump', (f) => s(f.dumpMs)],
    ['full sync (all creates), wall', (f) => s(f.fullSyncMs)],
    ['  users/s', (f) => String(Math.round(f.n / (f.fullSyncMs / 1000)))],
    ['  ratio to the dump', (f) => `${(f.fullSyncMs / f.dumpMs).toFixed(1)}×`],
    ['  peak RSS of the agent', (f) => `${f.fullSyncRssMb} MB`],
    ['no-change incremental run, wall', (f) => s(f.noChangeIncrMs)],
    ['  directory entries read', (f) => String(f.noChangeIncrEntries)],
    ['  peak RSS of the agent', (f) => `${f.noChangeIncrRssMb} MB`],
    ['incremental run after 100 changes, wall', (f) => s(f.changesIncrMs)],
    ['  directory entries read', (f) => String(f.changesIncrEntries)],
    ['  partial updates sent', (f) => String(f.changesIncrUpdates)],
    ['no-change full run, wall', (f) => s(f.noChangeFullMs)],
    ['  ratio to the dump', (f) => `${(f.noChangeFullMs / f.dumpMs).toFixed(1)}×`],
    ['  peak RSS of the agent', (f) => `${f.noChangeFullRssMb} MB`],
    [`full run with the JS heap capped at ${HEAP_CAP_MB} MB`, (f) => (f.cappedFullError ? 'FAILED' : s(f.cappedFullMs))],
    ['  peak RSS of the agent', (f) => (f.cappedFullError ? '-' : `${f.cappedFullRssMb} MB`)],
    ['state file, bytes per user', (f) => String(f.stateBytesPerUser)],
    ['(harness) slapd offline seed and start', (f) => s(f.seedMs)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`${''.padEnd(w)}  ${figs.map((f) => `${f.n} users`.padStart(14)).join('')}`);
  for (const [label, get] of rows) console.log(`${label.padEnd(w)}  ${figs.map((f) => get(f).padStart(14)).join('')}`);
  if (figs.length >= 2) {
    const [a, b] = [figs[0], figs[figs.length - 1]];
    console.log(
      `\nsize ×${(b.n / a.n).toFixed(0)}: incremental (100 changes) wall ×${(b.changesIncrMs / a.changesIncrMs).toFixed(2)}, entries read ×${(b.changesIncrEntries / a.changesIncrEntries).toFixed(2)}; ` +
        `full sync wall ×${(b.fullSyncMs / a.fullSyncMs).toFixed(1)}; peak RSS ×${(peakRss(b) / peakRss(a)).toFixed(2)}`,
    );
  }
  const out: BenchFigures = {};
  for (const f of figs) {
    const k = `@${f.n / 1000}k`;
    out[`fullSyncUsersPerSecond${k}`] = { value: Math.round(f.n / (f.fullSyncMs / 1000)), unit: 'users/s' };
    out[`fullSyncToDump${k}`] = { value: ratio(f.fullSyncMs / f.dumpMs), unit: '× raw ldapsearch dump' };
    out[`fullSyncPeakRss${k}`] = { value: f.fullSyncRssMb, unit: 'MB' };
    out[`changesIncrementalWall${k}`] = { value: ratio(f.changesIncrMs / 1000), unit: 's' };
    out[`changesIncrementalEntriesRead${k}`] = { value: f.changesIncrEntries, unit: 'entries' };
    out[`noChangeFullToDump${k}`] = { value: ratio(f.noChangeFullMs / f.dumpMs), unit: '× raw ldapsearch dump' };
    if (!f.cappedFullError) out[`cappedFullPeakRss${k}`] = { value: f.cappedFullRssMb, unit: 'MB' };
    // the issue's names (issue 10)
    out[`noChangeFullOverDump${k}`] = { value: ratio(f.noChangeFullMs / f.dumpMs), unit: '× raw ldapsearch dump', goal: '≤ 3 (100k)' };
    out[`peakRssMb${k}`] = { value: peakRss(f), unit: 'MB', goal: '≤ 200 (100k)' };
    out[`stateBytesPerUser${k}`] = { value: f.stateBytesPerUser, unit: 'bytes', goal: '≤ 1024' };
  }
  const [m100k, m1m] = [figs.find((f) => f.n === 100_000), figs.find((f) => f.n === 1_000_000)];
  if (m100k && m1m) {
    out.rssGrowth1MOver100k = { value: ratio(peakRss(m1m) / peakRss(m100k)), unit: '× peak RSS', goal: '≤ 1.3' };
  }
  return out;
}
