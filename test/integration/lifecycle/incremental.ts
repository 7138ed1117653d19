/**
 * Incremental runs, shared by the slapd and the Samba AD test files:
 * - after 10 changes in a 5,000-user directory, an incremental run reads at most 20 entries
 *   (counted as the entries the directory returned) and applies exactly those 10 changes;
 * - a different domain controller, or a changed invocationId (a restored DC), or a changed
 *   contextCSN history makes the next run a full run, and the report says why;
 * - a filter mistake that hides 90% of the users: the safeguard stops the run, 0 writes.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { people, type DirectoryAdapter } from '../../helpers/directory-scenarios';

const N = 5000;

export function incrementalSuite(name: string, open: () => Promise<DirectoryAdapter>): void {
  let dir: DirectoryAdapter;
  let sim: OktaSimulator;
  const env = scenarioDir(`incr-${name}`);
  const statePath = join(env.dir, 'state.db');
  const pop = people(N);
  const configWith = (filter?: string) =>
    [dir.sourceYaml({ filter }), oktaYaml({ url: sim.url, token: sim.token }), dir.transformsYaml, `state:\n  path: ${statePath}`].join('\n');
  let config: string;

  beforeAll(async () => {
    dir = await open();
    await dir.add(pop);
    sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    config = env.file('config.yaml', configWith());
    const first = await sync(config);
    expect(first.code).toBe(0);
    expect(first.report.counts.created).toBe(N);
  }, 600_000);

  afterAll(async () => {
    await sim?.close();
    await dir?.stop();
    env.cleanup();
    cleanupEnv();
  });

  test('10 changes in 5,000 users: the incremental run reads at most 20 entries and applies exactly the 10 changes', async () => {
    const changed = pop.filter((_, i) => i % 499 === 7).slice(0, 10);
    expect(changed).toHaveLength(10);
    for (const [i, p] of changed.entries()) await dir.modify(p, { title: `Changed ${i}` });
    sim.requests.reset();
    const { code, report } = await sync(config);
    expect(code).toBe(0);
    expect(report.mode).toBe('incremental');
    expect(report.directory.entriesRead).toBeLessThanOrEqual(20);
    expect(report.plan.read).toBeGreaterThanOrEqual(10);
    expect(report.counts.updated).toBe(10);
    const updates = sim.requests.writes();
    expect(updates).toHaveLength(10);
    for (const u of updates) expect(Object.keys((u.body as { profile: object }).profile)).toEqual(['title']);
    for (const [i, p] of changed.entries()) expect(sim.store.user(dir.login(p))?.profile.title).toBe(`Changed ${i}`);
  }, 120_000);

  test('a changed change-tracking identity (another DC, a restored DC, a rewound CSN) makes the next run a full run, and says why', async () => {
    const db = new Database(statePath);
    const row = db.prepare('SELECT source, value FROM watermarks').get() as { source: string; value: string };
    const wm = JSON.parse(row.value) as { checkpoint: Record<string, string> };
    const variants: [string, (c: Record<string, string>) => void, RegExp][] =
      wm.checkpoint.kind === 'ad-usn'
        ? [
            ['another DC', (c) => (c.dc = 'dc2.example.test'), /domain controller changed from dc2\.example\.test/],
            ['a restored DC', (c) => (c.invocationId = '00000000-0000-0000-0000-000000000001'), /invocationId of .* changed .*restored/],
          ]
        : [['a rewound contextCSN', (c) => (c.csn = '29991231235959.000000Z#000000#000#000000'), /contextCSN went back/]];
    for (const [, tamper, reason] of variants) {
      const cp = { ...wm.checkpoint };
      tamper(cp);
      db.prepare('UPDATE watermarks SET value = ? WHERE source = ?').run(JSON.stringify({ ...wm, checkpoint: cp }), row.source);
      sim.requests.reset();
      const { code, report } = await sync(config);
      expect(code).toBe(0);
      expect(report.mode).toBe('full');
      expect(report.modeReason).toMatch(reason);
      expect(report.plan.read).toBe(N);
      expect(sim.requests.writes()).toHaveLength(0);
      // and the run after it is incremental again
      const next = await sync(config);
      expect(next.report.mode).toBe('incremental');
    }
    db.close();
  }, 300_000);

  test('a filter mistake that hides 90% of the users: the safeguard stops the run before any write', async () => {
    const keep = pop.filter((_, i) => i % 10 === 0);
    // the mistake: a filter that matches only every tenth person
    const attr = dir.flavor === 'ad' ? 'sAMAccountName' : 'uid';
    const filter = `(&${dir.flavor === 'ad' ? '(objectCategory=person)(objectClass=user)' : '(objectClass=inetOrgPerson)'}(|${keep.map((p) => `(${attr}=${p.key}*)`).join('')}))`;
    const bad = env.file('bad-filter.yaml', configWith(filter));
    const usersBefore = new Database(statePath, { readonly: true }).prepare('SELECT anchor, okta_status, missing_runs FROM users ORDER BY anchor').all();
    sim.requests.reset();
    const r = await cli('sync', '-c', bad, '--json');
    expect(r.code).toBe(7);
    const report = JSON.parse(r.out);
    expect(report.outcome).toBe('stopped');
    expect(report.safeguard.join(' ')).toMatch(/deactivations and suspensions .*4500 planned/);
    expect(sim.requests.writes()).toHaveLength(0);
    expect(new Database(statePath, { readonly: true }).prepare('SELECT anchor, okta_status, missing_runs FROM users ORDER BY anchor').all()).toEqual(
      usersBefore,
    );
    // the plan says the same, and `status` shows the stopped run
    const plan = await cli('plan', '-c', bad);
    expect(plan.out).toMatch(/A sync would stop here \(safeguards\)/);
    const status = await cli('status', '-c', bad, '--json');
    expect(JSON.parse(status.out).runs[0].outcome).toBe('stopped');
  }, 300_000);
}
