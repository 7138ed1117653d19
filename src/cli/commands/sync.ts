/** `sync`: read → transform → plan → apply → report, once. */
import { loadConfig } from '../../config/load';
import { formatReport, summaryLine } from '../../output/report';
import type { RunReport } from '../../sync/report';
import { syncRun } from '../../sync/run';
import { createAgent, makeLogger } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

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
  const log = makeLogger(loaded.config, io.stderr);
  const agent = createAgent(loaded, { readonly: false, log });
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
      { ...agent, trigger: 'cli', signal: abort.signal },
      {
        mode,
        allowMassChange: opts.allowMassChange,
        rebuildMirror: opts.rebuildMirror,
      },
    );
    log.info(summaryLine(report), { runId: report.runId, outcome: report.outcome });
    io.out(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return exitCodeOfReport(report);
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    await agent.close();
  }
}
