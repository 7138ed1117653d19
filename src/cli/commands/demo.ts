/**
 * `demo` (`npm run demo`): the main job on embedded defaults. The sample directory shipped in
 * config/demo (an LDIF export with realistic, messy data) is synced into the built-in Okta
 * simulator: the plan is printed, the sync applies it and prints its report, and a second sync
 * shows that a steady state costs zero writes. State lives in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load';
import { startOktaSimulator } from '../../okta-sim/simulator';
import { formatReport, summaryLine } from '../../output/report';
import { syncRun } from '../../sync/run';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';
import { planNow, printPlan } from './plan';
import { exitCodeOfReport } from './sync';

export const DEMO_CONFIG = resolve(__dirname, '../../../config/demo/demo.yaml');

export async function cmdDemo(io: Io): Promise<ExitCode> {
  const dir = mkdtempSync(join(tmpdir(), 'ldap-okta-sync-demo-'));
  const sim = await startOktaSimulator({
    // limits of an org with DynamicScale for a bulk load (the defaults, 600/min, would pace 250 creates over a minute)
    rateLimits: { users: 6000, userById: 20000, userWrite: 6000 },
    // an org that already has a few users: one of them has the login of a directory user
    // (okta.match: login links it instead of creating a duplicate, then updates what differs)
    seedData: {
      users: [{ profile: { login: 'minjun.kim@example.com', email: 'minjun.kim@example.com', firstName: 'Min-jun', lastName: 'Kim' }, status: 'ACTIVE' }],
    },
  });
  process.env.LDAP_OKTA_SYNC_DEMO_TOKEN = sim.token;
  try {
    const base = loadConfig(DEMO_CONFIG);
    const loaded: LoadedConfig = {
      ...base,
      config: { ...base.config, okta: { ...base.config.okta, orgUrl: sim.url }, state: { ...base.config.state, path: join(dir, 'state.db') } },
    };
    const log = makeLogger(loaded.config, io.stderr);
    const heading = (t: string) => io.out(`\n${'='.repeat(t.length)}\n${t}\n${'='.repeat(t.length)}`);

    io.out(`ldap-okta-sync demo: ${loaded.config.source.type === 'ldif' ? loaded.config.source.path : ''} → Okta simulator at ${sim.url}`);
    heading('1. Plan (dry run: nothing is written)');
    {
      const agent = createAgent(loaded, { readonly: true, log });
      try {
        const planned = await planNow(agent, false);
        try {
          await printPlan(agent, planned, 15, io);
        } finally {
          planned.groups.spool?.close();
          planned.spool.close();
        }
      } finally {
        await agent.close();
      }
    }

    heading('2. Sync');
    let code: ExitCode = EXIT.OK;
    {
      const agent = createAgent(loaded, { readonly: false, log });
      try {
        const report = await syncRun({ ...agent, trigger: 'cli' });
        io.out(formatReport(report));
        code = exitCodeOfReport(report);
      } finally {
        await agent.close();
      }
    }
    io.out(`\nThe Okta simulator now holds ${sim.store.userCount} users (1 existed before the sync).`);

    heading('3. Sync again: nothing changed, so nothing is written');
    {
      const agent = createAgent(loaded, { readonly: false, log });
      try {
        const report = await syncRun({ ...agent, trigger: 'cli' });
        io.out(summaryLine(report));
      } finally {
        await agent.close();
      }
    }
    io.out('\nQuarantined records stay out of Okta until their source data is fixed; they are retried every run.');
    // the demo's job is to show the plan and the report; quarantined sample records are expected
    return code === EXIT.QUARANTINED ? EXIT.OK : code;
  } finally {
    await sim.close();
    delete process.env.LDAP_OKTA_SYNC_DEMO_TOKEN;
    rmSync(dir, { recursive: true, force: true });
  }
}
