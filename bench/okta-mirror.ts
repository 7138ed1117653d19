/**
 * `npm run bench -- okta` (the mirror's figures): the agent (the CLI, as a process) against a messy
 * directory of 10,000 people in slapd (test/harness builders: duplicate and malformed mails,
 * missing names, repeated employee numbers…) with a `username` step and an attribute match rule,
 * and the Okta simulator in its own process (limits high enough not to pace: the figures are
 * request counts). Okta already has 100 of the people (same employee number: linked) and 20
 * deactivated users holding logins the username step would pick first.
 *   readsPerCreate                Okta requests of the first import that are not writes ÷ users created
 *   writesPerCreate               writes of the first import ÷ (users created + linked)
 *   requestsPerUserNoChange       requests of the next full run (nothing to change) ÷ users read
 *   requestsPerChangeIncremental  requests of an incremental run after 100 profile changes ÷ 100
 *   driftRepaired                 50 profiles edited through Okta's API, restored by the next full
 *                                 run: the partial updates it sent when they are exactly 50 and it
 *                                 wrote nothing else (else 0)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenLdapDirectory, startSlapd, type Person, type SlapdServer } from '../test/harness';
import { startSimProcess, type SimProcess } from './okta-sim-process';
import { ratio, type Figures } from './results';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ldap-okta-sync');
const USERS = 10_000;
const LIMIT = 1_000_000;

const TRANSFORMS = `transforms:
  - map:
      firstName: "{givenName}"
      lastName: "{sn}"
      email: "{mail}"
      title: "{title}"
      employeeNumber: "{employeeNumber}"
  - normalize:
      email: { attributes: [email], invalid: drop }
  - validate:
      required: [firstName, lastName, email]
      unique: [employeeNumber]
  - username:
      templates: ["{profile.email}", "{uid | lower}@example.com"]
      suffix: { start: 2, max: 9 }`;

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; report: RunReport }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0 && code !== 6) throw new Error(`ldap-okta-sync ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`);
  return { code, report: JSON.parse(out) as RunReport };
}

interface RunReport {
  mode: string;
  plan: Record<string, number>;
  counts: Record<string, number>;
}

const isWrite = (endpoint: string) => !endpoint.startsWith('GET ');
const plain = (p: Person) =>
  !p.quirks.some((q) => q.startsWith('mail-') || q.includes('employee-number') || q === 'no-mail' || q === 'no-sn') && p.kind !== 'service';

/** Requests since `before`, by endpoint. */
async function since(sim: SimProcess, before: Record<string, number>): Promise<Record<string, number>> {
  const now = await sim.counts();
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}
const total = (c: Record<string, number>, pick: (endpoint: string) => boolean = () => true) =>
  Object.entries(c)
    .filter(([k]) => pick(k))
    .reduce((n, [, v]) => n + v, 0);

/** Edit `title` of `n` users the agent manages, the way an admin does: through Okta's API. */
async function editInOkta(sim: SimProcess, n: number): Promise<void> {
  const auth = { Authorization: `SSWS ${sim.token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
  const res = await fetch(`${sim.url}/api/v1/users?limit=200`, { headers: auth });
  const users = ((await res.json()) as { id: string; status: string; profile: { login: string } }[]).filter(
    (u) => u.status !== 'DEPROVISIONED' && !u.profile.login.endsWith('@old.example'),
  );
  if (users.length < n) throw new Error(`only ${users.length} managed users on the first page`);
  for (const u of users.slice(0, n)) {
    const r = await fetch(`${sim.url}/api/v1/users/${u.id}`, { method: 'POST', headers: auth, body: JSON.stringify({ profile: { title: 'Edited in Okta' } }) });
    if (!r.ok) throw new Error(`editing ${u.id}: ${r.status}`);
  }
}

export async function benchOktaMirror(): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-okta-mirror-'));
  const d = buildOpenLdapDirectory({ users: USERS, groups: false });
  const linked = d.people.filter(plain).slice(0, 100);
  const held = d.people.filter(plain).slice(100, 120);
  let ldap: SlapdServer | undefined;
  let sim: SimProcess | undefined;
  try {
    process.stdout.write(`  ${USERS} messy people: seeding slapd… `);
    ldap = await startSlapd({ seed: d.users });
    sim = await startSimProcess({
      rateLimits: { users: LIMIT, userById: LIMIT, userWrite: LIMIT, groups: LIMIT, groupById: LIMIT, other: LIMIT },
      seedData: {
        users: [
          ...linked.map((p, i) => ({
            status: 'ACTIVE' as const,
            profile: {
              login: `legacy${i}@old.example`,
              email: `legacy${i}@old.example`,
              firstName: p.givenName ?? 'X',
              lastName: p.sn ?? 'X',
              employeeNumber: p.employeeNumber ?? null,
            },
          })),
          ...held.map((p, i) => ({
            status: 'DEPROVISIONED' as const,
            profile: { login: p.mail!.trim().toLowerCase(), email: `gone${i}@old.example`, firstName: 'Gone', lastName: 'Gone' },
          })),
        ],
      },
    });
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'source:',
        '  type: ldap',
        `  url: ${ldap.url}`,
        `  bindDn: "${ldap.serviceDn}"`,
        '  bindPassword: ${env:BENCH_LDAP_PW}',
        '  pageSize: 500',
        '  users:',
        `    baseDns: ["ou=people,${d.baseDn}"]`,
        '    filter: (objectClass=inetOrgPerson)',
        '    attributes: [uid, givenName, sn, mail, title, employeeNumber]',
        'okta:',
        `  orgUrl: ${sim.url}`,
        '  token: ${env:BENCH_OKTA_TOKEN}',
        '  concurrency: 8',
        '  match: [{ attribute: employeeNumber }]',
        TRANSFORMS,
        `state:\n  path: ${join(dir, 'state.db')}`,
        'log:\n  level: warn\n  format: json',
      ].join('\n'),
    );
    const env = { BENCH_LDAP_PW: ldap.servicePassword, BENCH_OKTA_TOKEN: sim.token };

    process.stdout.write('first import… ');
    let before = await sim.counts();
    const first = await cli(['sync', '-c', config, '--json'], env);
    const imported = await since(sim, before);
    const created = first.report.counts.created;
    const firstLinked = first.report.counts.linked;

    process.stdout.write('full run, no change… ');
    before = await sim.counts();
    const quiet = await cli(['sync', '-c', config, '--full', '--json'], env);
    const quietRequests = await since(sim, before);
    if (total(quietRequests, isWrite) !== 0) throw new Error(`the no-change full run wrote: ${JSON.stringify(quietRequests)}`);

    process.stdout.write('100 changes… ');
    const plainDns = d.people.filter(plain).slice(200, 300);
    for (const [i, p] of plainDns.entries()) await ldap.modify(d.dns[p.index], { replace: { title: `Changed ${i}` } });
    before = await sim.counts();
    const changes = await cli(['sync', '-c', config, '--json'], env);
    const changeRequests = await since(sim, before);
    if (changes.report.mode !== 'incremental' || changes.report.counts.updated !== 100) {
      throw new Error(`expected an incremental run with 100 updates, got ${changes.report.mode} with ${changes.report.counts.updated}`);
    }

    process.stdout.write('50 edited in Okta…\n');
    await editInOkta(sim, 50);
    before = await sim.counts();
    const drift = await cli(['sync', '-c', config, '--full', '--json'], env);
    const driftRequests = await since(sim, before);
    const driftWrites = total(driftRequests, isWrite);
    const repaired = driftWrites === 50 && driftRequests['POST /api/v1/users/{id}'] === 50 && drift.report.counts.drift === 50 ? 50 : 0;

    const f = {
      created,
      linked: firstLinked,
      importReads: total(imported, (e) => !isWrite(e)),
      importWrites: total(imported, isWrite),
      quietRequests: total(quietRequests),
      quietRead: quiet.report.plan.read,
      changeRequests: total(changeRequests),
      driftWrites,
    };
    console.log(`  first import: ${JSON.stringify(imported)}`);
    console.log(`  no-change full run: ${JSON.stringify(quietRequests)}`);
    console.log(`  incremental after 100 changes: ${JSON.stringify(changeRequests)}`);
    console.log(`  after 50 edits in Okta (full run): ${JSON.stringify(driftRequests)}, drift ${drift.report.counts.drift}`);
    console.log(
      `  readsPerCreate               ${ratio(f.importReads / f.created)}  (${f.importReads} reads, ${f.created} created, ${f.linked} linked; goal ≤ 0.05)`,
    );
    console.log(`  writesPerCreate              ${ratio(f.importWrites / (f.created + f.linked))}  (${f.importWrites} writes)`);
    console.log(`  requestsPerUserNoChange      ${ratio(f.quietRequests / f.quietRead)}  (${f.quietRequests} requests, ${f.quietRead} users; goal ≤ 0.01)`);
    console.log(`  requestsPerChangeIncremental ${ratio(f.changeRequests / 100)}  (${f.changeRequests} requests; goal ≤ 1.1)`);
    console.log(`  driftRepaired                ${repaired}  (${driftWrites} writes; goal 50 partial updates, no other write)`);
    return {
      readsPerCreate: { value: ratio(f.importReads / f.created), unit: 'non-write requests ÷ users created (first import)', goal: '≤ 0.05' },
      writesPerCreate: { value: ratio(f.importWrites / (f.created + f.linked)), unit: 'writes ÷ (users created + linked)' },
      requestsPerUserNoChange: { value: ratio(f.quietRequests / f.quietRead), unit: 'requests ÷ users (full run, nothing to change)', goal: '≤ 0.01' },
      requestsPerChangeIncremental: { value: ratio(f.changeRequests / 100), unit: 'requests ÷ profile changes (incremental run, 100 changes)', goal: '≤ 1.1' },
      driftRepaired: { value: repaired, unit: 'profiles edited in Okta restored with one partial update each, no other write', goal: '= 50' },
    };
  } finally {
    await sim?.stop();
    await ldap?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
