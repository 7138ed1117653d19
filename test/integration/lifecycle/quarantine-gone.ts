/**
 * Quarantine describes records that exist in the directory and are kept out of Okta. Shared by the
 * slapd and the Samba AD test files: a linked record quarantined by the transforms, and a record
 * quarantined before it ever reached Okta, are deleted in the directory; after the incremental run
 * that notices (it reads AD's tombstones, OpenLDAP's accesslog) neither
 * is listed by `quarantine` or counted by `status`, and the linked one is deprovisioned in Okta.
 */
import { join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { cleanupEnv, cli, FAST_LIMITS, oktaYaml, scenarioDir, sync } from '../../helpers/agent';
import { people, type DirectoryAdapter } from '../../helpers/directory-scenarios';

const TOO_LONG = 'A title far longer than the rule allows';

export function quarantineGoneSuite(name: string, open: () => Promise<DirectoryAdapter>): void {
  let dir: DirectoryAdapter;
  let sim: OktaSimulator;
  const env = scenarioDir(`qgone-${name}`);
  const pop = people(4, 'q');
  const [, linked, neverLinked] = pop;
  let config: string;

  const listed = async () => {
    const q = JSON.parse((await cli('quarantine', '-c', config, '--json')).out) as { total: number; records: { dn: string }[] };
    const status = JSON.parse((await cli('status', '-c', config, '--json')).out) as { users: { quarantined: number } };
    return { dns: q.records.map((r) => r.dn.toLowerCase()).sort(), total: q.total, status: status.users.quarantined };
  };

  beforeAll(async () => {
    dir = await open();
    await dir.add(pop);
    sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
    config = env.file(
      'config.yaml',
      [
        dir.sourceYaml(),
        oktaYaml({ url: sim.url, token: sim.token }),
        `${dir.transformsYaml}\n  - validate:\n      maxLength: { title: 20 }`,
        'lifecycle:\n  missing: deactivate\n  missingGraceRuns: 1',
        `state:\n  path: ${join(env.dir, 'state.db')}`,
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    await sim?.close();
    await dir?.stop();
    env.cleanup();
    cleanupEnv();
  });

  test('a quarantined record deleted in the directory leaves quarantine (linked: once deprovisioned)', async () => {
    await dir.modify(neverLinked, { title: TOO_LONG });
    const first = await sync(config);
    expect(first.report.counts.created).toBe(pop.length - 1);
    expect(sim.store.user(dir.login(neverLinked))).toBeUndefined();

    await dir.modify(linked, { title: TOO_LONG });
    const second = await sync(config);
    expect(second.report.plan.quarantine).toBe(2);
    expect(await listed()).toEqual({ dns: [dir.dnOf(linked), dir.dnOf(neverLinked)].map((d) => d.toLowerCase()).sort(), total: 2, status: 2 });

    await dir.remove(linked);
    await dir.remove(neverLinked);
    const third = await sync(config);
    expect(third.report.mode).toBe('incremental');
    // AD: the tombstones; OpenLDAP: the accesslog
    expect(third.report.counts.deactivated).toBe(1);
    expect(sim.store.user(dir.login(linked))?.status).toBe('DEPROVISIONED');
    expect(await listed()).toEqual({ dns: [], total: 0, status: 0 });
  }, 300_000);
}
