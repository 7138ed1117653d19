/** `run`: the daemon. Logs go to stdout (journald); one summary line per run. */
import { loadConfig, type LoadedConfig } from '../../config/load';
import { Daemon } from '../../daemon/daemon';
import { summaryLine } from '../../sync/report';
import { syncRun } from '../../sync/run';
import { createAgent, makeLogger, type Agent } from '../agent';
import { describeError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdRun(opts: { config: string }, io: Io): Promise<ExitCode> {
  let loaded: LoadedConfig = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stdout);
  let agent: Agent = createAgent(loaded, { readonly: false, log });
  const daemon = new Daemon({
    fullCron: loaded.config.schedule.full,
    timezone: loaded.config.schedule.timezone,
    runOnStart: loaded.config.schedule.runOnStart,
    log,
    run: async (trigger, signal) => {
      try {
        const report = await syncRun({ ...agent, trigger, signal });
        log.info(summaryLine(report), { runId: report.runId, outcome: report.outcome, counts: report.counts, okta: report.okta });
      } catch (e) {
        log.error(`run failed: ${describeError(e)}`);
      }
    },
    reload: async () => {
      const next = loadConfig(opts.config);
      const nextAgent = createAgent(next, { readonly: false, log });
      await agent.close();
      agent = nextAgent;
      loaded = next;
    },
  });
  const onSignal = (sig: NodeJS.Signals) => void daemon.stop(sig);
  const onHup = () => daemon.requestReload();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHup);
  daemon.start();
  await daemon.stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('SIGHUP', onHup);
  await agent.close();
  log.info('stopped');
  return EXIT.OK;
}
