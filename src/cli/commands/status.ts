/** `status`: the last runs and their counts, users linked and quarantined, a run in progress. Read-only. */
import { loadConfig } from '../../config/load';
import { StateStore } from '../../state/store';
import { table } from '../../output/table';
import { printConfigWarnings } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';

export async function cmdStatus(opts: { config: string; json?: boolean; runs?: number }, io: Io): Promise<ExitCode> {
  // reads the state file only: the secrets (directory, Okta) are checked, not needed
  const loaded = loadConfig(opts.config, { secrets: false });
  const { config } = loaded;
  printConfigWarnings(loaded, io);
  const state = StateStore.open(config.state.path, { readonly: true, notice: (m) => io.err(`warning: ${m}`) });
  try {
    const runs = state.runs.latest(opts.runs ?? 10);
    const users = state.users.counts();
    const journal = state.journal.pending();
    const running = state.lock.holder();
    if (opts.json) {
      io.out(JSON.stringify({ statePath: config.state.path, users, pendingWrites: journal.length, runInProgress: running ?? null, runs }, null, 2));
      return EXIT.OK;
    }
    io.out(`State: ${config.state.path}`);
    io.out(`Users: ${users.total} known, ${users.linked} linked to Okta, ${users.quarantined} quarantined`);
    if (running) {
      io.out(`Run in progress: run ${running.runId ?? '(starting)'} (pid ${running.pid} on ${running.host}, since ${running.acquiredAt})`);
      if (journal.length) io.out(`Okta writes in flight: ${journal.length}`);
    } else if (journal.length) {
      io.out(`Unfinished writes from an interrupted run: ${journal.length} (resolved at the next run)`);
    }
    if (!runs.length) {
      io.out('No runs yet.');
      return EXIT.OK;
    }
    const c = (r: (typeof runs)[number], k: string) => r.counts?.[k] ?? 0;
    io.out(
      '\n' +
        table(
          runs.map((r) => [
            r.id,
            r.startedAt.replace('T', ' ').slice(0, 19),
            r.mode,
            r.outcome,
            c(r, 'read'),
            c(r, 'created'),
            c(r, 'linked'),
            c(r, 'updated'),
            c(r, 'quarantined'),
            c(r, 'failed'),
            r.endedAt ? `${((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)}s` : '',
            (r.error ?? '').slice(0, 60),
          ]),
          ['run', 'started (UTC)', 'mode', 'outcome', 'read', 'created', 'linked', 'updated', 'quarant.', 'failed', 'took', 'error'],
        ),
    );
    return EXIT.OK;
  } finally {
    state.close();
  }
}
