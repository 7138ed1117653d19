/** `run`: the daemon. Logs go to stdout (journald); one summary line per run. */
import { loadConfig, type LoadedConfig } from '../../config/load';
import { Daemon } from '../../daemon/daemon';
import { summaryLine } from '../../output/report';
import { syncRun } from '../../sync/run';
import { createAgent, makeLogger, type Agent } from '../agent';
import { describeError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdRun(opts: { config: string }, io: Io): Promise<ExitCode> {
  let loaded: LoadedConfig = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stdout);
  let agent: Agent = createAgent(loaded, { readonly: false, log });
  const scheduleOf = (l: LoadedConfig) => ({
    fullCron: l.config.schedule.full,
    incrementalCron: l.config.schedule.incremental,
    timezone: l.config.schedule.timezone,
  });
  const daemon = new Daemon({
    ...scheduleOf(loaded),
    runOnStart: loaded.config.schedule.runOnStart,
    log,
    run: async (trigger, kind, signal) => {
      try {
        // an incremental tick runs incrementally when the watermark allows it, else full (and says why)
        const report = await syncRun({ ...agent, trigger, signal }, { mode: kind === 'full' ? 'full' : 'auto' });
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
      return scheduleOf(next);
    },
  });
  const onSignal = (sig: NodeJS.Signals) => void daemon.stop(sig);
  const onHup = () => daemon.requestReload();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHup);
  void daemon.start();
  await daemon.stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('SIGHUP', onHup);
  await agent.close();
  log.info('stopped');
  return EXIT.OK;
}
