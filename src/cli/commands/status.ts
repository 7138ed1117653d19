/**
 * `status`: the users (linked, quarantined), unfinished writes, the watermarks, the next runs of
 * the daemon's schedules, the run reports kept, and the recent runs with their counts. Read-only.
 */
import { loadConfig } from '../../config/load';
import { nextRuns } from '../../daemon/cron';
import type { Checkpoint } from '../../directory/source';
import { formatStatus, type StatusView } from '../../output/status';
import { reportsDirOf, RunReportFiles } from '../../state/reports';
import { StateStore } from '../../state/store';
import { printConfigWarnings } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdStatus(opts: { config: string; json?: boolean; runs?: number; next?: number }, io: Io): Promise<ExitCode> {
  // reads the state file only: the secrets (directory, Okta) are checked, not needed
  const loaded = loadConfig(opts.config, { secrets: false });
  const { config } = loaded;
  printConfigWarnings(loaded, io);
  const state = StateStore.open(config.state.path, { readonly: true, notice: (m) => io.err(`warning: ${m}`) });
  try {
    const { schedule } = config;
    const count = opts.next ?? 5;
    const upcoming = [
      ...nextRuns(schedule.full, count, schedule.timezone).map((at) => ({ at, mode: 'full' as const })),
      ...(schedule.incremental ? nextRuns(schedule.incremental, count, schedule.timezone).map((at) => ({ at, mode: 'incremental' as const })) : []),
    ]
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .slice(0, count);
    const reports = new RunReportFiles(reportsDirOf(config.state.path), config.state.keepReportsDays);
    const view: StatusView = {
      statePath: config.state.path,
      users: state.users.counts(),
      pendingWrites: state.journal.pending().length,
      runInProgress: state.lock.holder() ?? null,
      runs: state.runs.latest(opts.runs ?? 10),
      watermarks: state.watermarks.list().map((w) => ({
        source: w.source,
        checkpoint: (w.value as { checkpoint?: Checkpoint } | null)?.checkpoint,
        runId: w.runId,
        updatedAt: w.updatedAt,
      })),
      nextRuns: upcoming,
      timezone: schedule.timezone,
      reports: { dir: reports.dir, count: reports.list().length, keepDays: config.state.keepReportsDays },
    };
    io.out(opts.json ? JSON.stringify(view, null, 2) : formatStatus(view));
    return EXIT.OK;
  } finally {
    state.close();
  }
}
