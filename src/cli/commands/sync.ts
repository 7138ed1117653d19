/** `sync`: read → transform → plan → apply → report, once. */
import { loadConfig } from '../../config/load';
import { startProgress } from '../../output/progress';
import { formatReport, summaryLine } from '../../output/report';
import type { RunReport } from '../../sync/report';
import { syncRun } from '../../sync/run';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import { onTerminal, type Io } from '../io';

export function exitCodeOfReport(r: RunReport): ExitCode {
  if (r.outcome === 'ok') return EXIT.OK;
  if (r.outcome === 'quarantined') return EXIT.QUARANTINED;
  if (r.outcome === 'stopped') return EXIT.SAFEGUARD;
  if (r.outcome === 'interrupted') return EXIT.INTERRUPTED;
  return EXIT.INTERNAL;
}

export async function cmdSync(
  opts: { config: string; json?: boolean; full?: boolean; incremental?: boolean; allowMassChange?: boolean; rebuildMirror?: boolean },
  io: Io,
): Promise<ExitCode> {
  const loaded = loadConfig(opts.config);
  // a person at a terminal sees the run progress; logs go above the line
  let pace: () => number | undefined = () => undefined;
  const progress = startProgress({ stream: io.stderr, enabled: onTerminal(io) && !opts.json, pace: () => pace() });
  const log = makeLogger(loaded.config, progress.logStream);
  const agent = createAgent(loaded, { readonly: false, log });
  pace = () => agent.oktaClient.writePace();
  const abort = new AbortController();
  const stop = (sig: string) => {
    log.warn(`${sig} received: finishing the writes in flight, then stopping`);
    abort.abort();
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  try {
    const mode = opts.full ? 'full' : opts.incremental ? 'incremental' : 'auto';
    const report = await syncRun(
      { ...agent, trigger: 'cli', signal: abort.signal, onProgress: (p) => progress.update(p) },
      {
        mode,
        allowMassChange: opts.allowMassChange,
        rebuildMirror: opts.rebuildMirror,
      },
    ).finally(() => progress.stop());
    log.info(summaryLine(report), { runId: report.runId, outcome: report.outcome });
    io.out(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return exitCodeOfReport(report);
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await agent.close();
  }
}
