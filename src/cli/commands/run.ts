/**
 * `run`: the daemon, as systemd runs it (Type=notify). Start-up: the configuration loads, the
 * state opens (its migrations run), the directory binds and Okta answers one read; only then
 * READY=1. Failing any of these, the process exits with that failure's exit code (3, 4, 5) and
 * STATUS= says why. Then it syncs on the schedule: WATCHDOG=1 while the agent is alive and its
 * run makes progress, STATUS= with the run in progress or the last run's outcome and the next run,
 * RELOADING=1 … READY=1 around a SIGHUP reload, STOPPING=1 on SIGTERM. With `metrics.listen` it
 * serves /metrics and /healthz. Logs go to stdout (journald); one summary line per run.
 */
import { ConfigError, loadConfig, type LoadedConfig } from '../../config/load';
import { Daemon, type DaemonSchedule } from '../../daemon/daemon';
import { staleAfterFromSchedule, succeeded } from '../../daemon/health';
import { startHttpEndpoint, type HttpEndpoint } from '../../daemon/http';
import { AgentMetrics } from '../../daemon/metrics';
import { createNotifier, startWatchdog, type Notifier } from '../../daemon/notify';
import { parseListen } from '../../daemon/schema';
import { finishedRunFromReport, finishedRunFromRow, ServiceMonitor } from '../../daemon/service';
import { noReads } from '../../directory/source';
import { OktaFatalError } from '../../okta/errors';
import { summaryLine } from '../../output/report';
import { RunLockedError, syncRun } from '../../sync/run';
import { createAgent, makeLogger, type Agent } from '../agent';
import { describeError } from '../errors';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json is outside rootDir
const VERSION = (require('../../../package.json') as { version: string }).version;

/** A login no one has: the start-up check reads it (a 404) to see Okta answer and accept the token. */
const PROBE_LOGIN = 'ldap-okta-sync-start-up-check@invalid.example';

/**
 * The directory binds and Okta answers a read with this token; throws DirectoryError / OktaFatalError.
 * The connection that proved the directory is kept (`release`) for the first run, like one run's for the next.
 */
export async function checkConnectivity(agent: Agent): Promise<void> {
  await agent.source.open();
  await agent.source.release();
  try {
    await agent.oktaClient.getUser(PROBE_LOGIN);
  } catch (e) {
    if (e instanceof OktaFatalError) throw e;
    throw new OktaFatalError('unreachable', `Okta did not answer the start-up check: ${(e as Error).message}`, { cause: e });
  }
}

const scheduleOf = (l: LoadedConfig): DaemonSchedule => ({
  fullCron: l.config.schedule.full,
  incrementalCron: l.config.schedule.incremental,
  timezone: l.config.schedule.timezone,
});

export async function cmdRun(opts: { config: string }, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const notifier = createNotifier(env);
  try {
    return await serve(opts, io, notifier);
  } catch (e) {
    // systemd shows the reason next to the exit code
    notifier.status(`failed: ${describeError(e).split('\n').slice(0, 2).join(' ')}`);
    throw e;
  } finally {
    notifier.close();
  }
}

async function serve(opts: { config: string }, io: Io, notifier: Notifier): Promise<ExitCode> {
  notifier.status('starting: loading the configuration');
  let loaded: LoadedConfig = loadConfig(opts.config);
  const log = makeLogger(loaded.config, io.stdout);
  notifier.status('starting: opening the state');
  let agent: Agent = createAgent(loaded, { readonly: false, log });
  let daemon: Daemon | undefined;
  let endpoint: HttpEndpoint | undefined;
  let stopWatchdog = () => {};
  // the directory reads of the run in progress (each run its own count), watched for progress
  let reads = noReads();
  try {
    notifier.status('starting: checking the directory and Okta');
    await checkConnectivity(agent);

    const metrics = new AgentMetrics({ version: VERSION, rateLimits: () => agent.oktaClient.rateLimitWindows() });
    const monitor = new ServiceMonitor({
      staleAfterMs: () => (loaded.config.metrics.staleAfterMinutes ?? 0) * 60_000 || staleAfterFromSchedule(daemon?.upcoming(16) ?? []),
      stalledAfterMs: () => loaded.config.schedule.stalledAfterMinutes * 60_000,
      nextRun: () => daemon?.nextRun(),
      progress: () => reads.entries + reads.queries + agent.oktaClient.requestCounts.total,
    });
    const recent = agent.state.runs.latest(50);
    const lastRow = recent.find((r) => r.outcome !== 'running');
    const lastSuccess = recent.map(finishedRunFromRow).find((r) => r !== undefined && succeeded(r));
    monitor.restore(lastRow && finishedRunFromRow(lastRow), lastSuccess?.endedAt);
    metrics.restore(lastSuccess?.endedAt, agent.state.users.counts().quarantined);

    daemon = new Daemon({
      ...scheduleOf(loaded),
      runOnStart: loaded.config.schedule.runOnStart,
      log,
      run: async (trigger, kind, signal) => {
        const current = agent;
        const lastBefore = current.state.runs.latest(1)[0]?.id ?? 0;
        reads = noReads();
        monitor.runStarted(kind);
        metrics.runInProgress(true);
        notifier.status(monitor.statusText());
        try {
          // an incremental tick runs incrementally when the watermark allows it, else full (and says why)
          const report = await syncRun({ ...current, trigger, signal, reads }, { mode: kind === 'full' ? 'full' : 'auto' });
          log.info(summaryLine(report), { runId: report.runId, outcome: report.outcome, counts: report.counts, okta: report.okta });
          const finished = finishedRunFromReport(report);
          monitor.runEnded(finished);
          metrics.observeRun(report, succeeded(finished), current.state.users.counts().quarantined);
        } catch (e) {
          log.error(`run failed: ${describeError(e)}`);
          // the run recorded its failure in the state, unless it never started (the lock was held)
          const row = e instanceof RunLockedError ? undefined : current.state.runs.latest(1)[0];
          const finished = row && row.id > lastBefore ? finishedRunFromRow(row) : undefined;
          monitor.runEnded(finished);
          if (row && finished) metrics.observeFailedRun(row.mode, finished.outcome, finished.endedAt.getTime() - Date.parse(row.startedAt), finished.endedAt);
        } finally {
          metrics.runInProgress(false);
          notifier.status(monitor.statusText());
        }
      },
      reload: async () => {
        notifier.reloading();
        const next = loadConfig(opts.config);
        const nextAgent = createAgent(next, { readonly: false, log });
        await agent.close();
        agent = nextAgent;
        loaded = next;
        return scheduleOf(next);
      },
      afterReload: (error) => notifier.ready(error ? `reload failed, the previous configuration stays: ${error.message}` : monitor.statusText()),
    });

    const listen = loaded.config.metrics.listen;
    if (listen !== undefined) {
      const at = parseListen(listen)!;
      try {
        endpoint = await startHttpEndpoint(at, {
          metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
          health: () => monitor.health(),
        });
      } catch (e) {
        throw new ConfigError([
          { file: loaded.file, path: 'metrics.listen', message: `cannot listen on ${listen}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` },
        ]);
      }
      log.info(`metrics and health on http://${endpoint.address}/metrics and /healthz`);
    }

    const onSignal = (sig: NodeJS.Signals) => {
      notifier.stopping(`stopping (${sig})${daemon?.running ? ': finishing the writes in flight' : ''}`);
      void daemon?.stop(sig);
    };
    const onHup = () => daemon?.requestReload();
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onHup);
    try {
      notifier.ready('ready: configuration, state, directory and Okta checked');
      stopWatchdog = startWatchdog(notifier, () => monitor.alive());
      void daemon.start();
      if (!daemon.running) notifier.status(monitor.statusText());
      await daemon.stopped;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onHup);
    }
  } finally {
    stopWatchdog();
    await endpoint?.close();
    await agent.close();
  }
  log.info('stopped');
  return EXIT.OK;
}
