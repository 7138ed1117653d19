/**
 * Idle polls, in-process with one agent across runs (as the daemon holds it) and a clock the test
 * moves:
 * - on both servers, a kept connection reads the change position in one request;
 * - a scheduled poll whose directory did not move reads nothing else and sends nothing to Okta;
 *   records waiting in quarantine are tried again once no run tried them for a minute; a run
 *   started by hand always reads.
 */
import { createAgent, type Agent } from '../../../src/cli/agent';
import { loadConfig } from '../../../src/config/load';
import { noReads } from '../../../src/directory/source';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { RETRY_EVERY_MS } from '../../../src/sync/plan-phase';
import { syncRun } from '../../../src/sync/run';
import type { Logger } from '../../../src/util/log';
import { cleanupEnv, FAST_LIMITS, oktaYaml, scenarioDir } from '../../helpers/agent';
import { adAdapter, openldapAdapter, people, type DirectoryAdapter } from '../../helpers/directory-scenarios';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Fixture {
  dir: DirectoryAdapter;
  sim: OktaSimulator;
  agent: Agent;
  close(): Promise<void>;
}

async function fixture(name: string, open: () => Promise<DirectoryAdapter>, transformsExtra = '', now?: () => Date): Promise<Fixture> {
  const env = scenarioDir(`idle-${name}`);
  const dir = await open();
  await dir.add(people(5, 'i'));
  const sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  const file = env.file(
    'config.yaml',
    [dir.sourceYaml(), oktaYaml({ url: sim.url, token: sim.token }), dir.transformsYaml + transformsExtra, `state:\n  path: ${env.dir}/state.db`].join('\n'),
  );
  const base = createAgent(loadConfig(file), { readonly: false, log: silent });
  // the state's clock (run start times) is the test's
  const agent: Agent = now ? { ...base, state: reopen(base.state, `${env.dir}/state.db`, now) } : base;
  return {
    dir,
    sim,
    agent,
    async close() {
      await base.close();
      if (agent.state !== base.state) agent.state.close();
      await sim.close();
      await dir.stop();
      env.cleanup();
      cleanupEnv();
    },
  };
}

function reopen(state: StateStore, path: string, now: () => Date): StateStore {
  state.close();
  return StateStore.open(path, { now });
}

describe.each([
  ['OpenLDAP (contextCSN)', () => openldapAdapter('idle-position')],
  ['Samba AD (highestCommittedUSN)', () => adAdapter('IdlePosition')],
])('%s', (_name, open) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture('position', open);
  }, 300_000);
  afterAll(() => f?.close());

  test('a kept connection reads the change position in one request', async () => {
    const { source } = f.agent;
    const first = noReads();
    await source.open(first);
    await source.checkpoint();
    await source.release();
    expect(first.queries).toBeGreaterThanOrEqual(2); // bind and rootDSE at least
    for (let i = 0; i < 3; i++) {
      const again = noReads();
      await source.open(again);
      await source.checkpoint();
      await source.release();
      expect(again).toEqual({ entries: 0, queries: 1 });
    }
  });
});

describe('scheduled polls on OpenLDAP', () => {
  let f: Fixture;
  let clock = Date.parse('2026-12-06T10:00:00Z');
  const run = (trigger: 'schedule' | 'cli' = 'schedule') => syncRun({ ...f.agent, trigger, now: () => new Date(clock) }, { mode: 'auto' });
  beforeAll(async () => {
    f = await fixture(
      'schedule',
      () => openldapAdapter('idle-schedule'),
      '\n  - validate:\n      maxLength: { title: 20 }',
      () => new Date(clock),
    );
  }, 120_000);
  afterAll(() => f?.close());

  test('an unchanged directory: one request, nothing read or sent; a quarantined record is tried again after a minute; a run by hand reads', async () => {
    expect((await run()).counts.created).toBe(5);
    clock += 1000;
    const idle = await run();
    expect(idle).toMatchObject({ outcome: 'ok', mode: 'incremental', plan: { read: 0 }, directory: { entriesRead: 0, queries: 1 } });
    expect(idle.okta.requests).toBe(0);

    // one record quarantined (its title is too long)
    const [p] = people(1, 'i');
    await f.dir.modify(p, { title: 'A title far longer than twenty characters' });
    clock += 1000;
    expect((await run()).plan.quarantine).toBe(1);
    clock += 1000;
    expect((await run()).directory.queries).toBe(1); // tried a second ago: idle
    clock += RETRY_EVERY_MS;
    const retry = await run();
    expect(retry.directory.queries).toBeGreaterThan(1);
    expect(retry.plan).toMatchObject({ read: 1, quarantine: 1 });
    clock += 1000;
    expect((await run()).directory.queries).toBe(1);
    // by hand: reads (the boundary entry and the quarantined record)
    clock += 1000;
    const manual = await run('cli');
    expect(manual.directory.queries).toBeGreaterThan(1);
    expect(manual.plan.quarantine).toBe(1);
  }, 120_000);

  test('a full run that failed is repeated by the first scheduled run a minute after it began, not by idle polls before', async () => {
    const invalidToken = JSON.stringify({
      errorCode: 'E0000011',
      errorSummary: 'Invalid token provided',
      errorLink: 'E0000011',
      errorId: 'sim',
      errorCauses: [],
    });
    f.sim.faults.add({ endpoint: 'GET /api/v1/users', times: 1, action: { type: 'http', status: 401, body: invalidToken, contentType: 'application/json' } });
    clock += 1000;
    const failedAt = clock;
    await expect(syncRun({ ...f.agent, trigger: 'schedule', now: () => new Date(clock) }, { mode: 'full' })).rejects.toThrow(/E0000011/);
    const failed = f.agent.state.runs.latest(1)[0];
    expect(failed).toMatchObject({ mode: 'full', outcome: 'failed' });
    clock += 1000;
    // idle (on a new connection: the failed run closed it): the retry waits a minute
    expect(await run()).toMatchObject({ mode: 'incremental', outcome: 'ok', plan: { read: 0 } });
    clock = failedAt + RETRY_EVERY_MS;
    const repeated = await run();
    expect(repeated).toMatchObject({ mode: 'full', modeReason: expect.stringContaining(`the last full run (run ${failed.id}) failed`) });
    expect(repeated.outcome).toBe('quarantined'); // the record of the test before is still too long: no failure
    expect(repeated.plan.read).toBeGreaterThanOrEqual(5);
    clock += 1000;
    expect(await run()).toMatchObject({ mode: 'incremental', directory: { queries: 1 } });
  }, 60_000);

  test('the run reports kept are the runs kept: of a streak of idle polls, only the latest', async () => {
    for (let i = 0; i < 3; i++) {
      clock += 1000;
      expect((await run()).directory.queries).toBe(1);
    }
    const runs = f.agent.state.runs.latest(100).map((r) => r.id);
    expect(f.agent.reports?.list().map((r) => r.runId)).toEqual(runs);
  }, 60_000);
});
