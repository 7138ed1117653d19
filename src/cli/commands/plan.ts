/** `plan`: what a sync would do, as a table or JSON. Writes nothing anywhere (read-only state, Okta reads only). */
import { loadConfig } from '../../config/load';
import { planRun } from '../../sync/plan-run';
import { formatPlan, planJson } from '../../sync/plan-output';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdPlan(opts: { config: string; json?: boolean; limit?: number }, io: Io): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stderr);
  const agent = createAgent(loaded, { readonly: true, log });
  try {
    await agent.source.open();
    const planned = await planRun(agent.source, agent.state, agent.transformer);
    const chunks = opts.json ? planJson(planned.spool, planned.counts) : formatPlan(planned.spool, planned.counts, opts.limit ?? 200);
    for (const chunk of chunks) io.stdout.write(opts.json ? chunk : chunk + '\n');
    planned.spool.close();
    return EXIT.OK;
  } finally {
    await agent.close();
  }
}
