/**
 * `report [RUN-ID]`: the report a sync run left in the state directory (the latest run's without
 * an id), as tables or `--json` (the stored document as it is). Read-only. Exit 9 when there is no
 * report for that run (none yet, or older than `state.keepReportsDays`).
 */
import { loadConfig } from '../../config/load';
import { formatReport } from '../../output/report';
import { reportsDirOf, RunReportFiles } from '../../state/reports';
import type { RunReport } from '../../sync/report';
import { printConfigWarnings } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdReport(runId: string | undefined, opts: { config: string; json?: boolean; limit?: number }, io: Io): Promise<ExitCode> {
  if (runId !== undefined && !/^\d+$/.test(runId)) {
    io.err(`ldap-okta-sync: RUN-ID must be a run number (see ldap-okta-sync status), not "${runId}"`);
    return EXIT.USAGE;
  }
  // reads a report file only: the secrets (directory, Okta) are checked, not needed
  const loaded = loadConfig(opts.config, { secrets: false });
  printConfigWarnings(loaded, io);
  const { state } = loaded.config;
  const reports = new RunReportFiles(reportsDirOf(state.path), state.keepReportsDays);
  const found = reports.load(runId === undefined ? undefined : Number(runId));
  if (!found) {
    const which = runId === undefined ? 'no run report yet' : `no report for run ${runId}`;
    io.err(`ldap-okta-sync: ${which} in ${reports.dir} (every sync run leaves one; they are kept ${state.keepReportsDays} days)`);
    return EXIT.NOT_FOUND;
  }
  io.out(opts.json ? JSON.stringify(found.report, null, 2) : formatReport(found.report as RunReport, { limit: opts.limit }));
  return EXIT.OK;
}
