/**
 * `status` for people: the state, the users (linked, quarantined), unfinished writes, the
 * watermarks (where the next incremental run starts), the next scheduled runs, and the recent runs
 * as a table. The command gathers the values; this only lays them out.
 */
import type { Checkpoint } from '../directory/source';
import type { LockHolder } from '../state/runs';
import type { RunRow } from '../state/store';
import { table } from './table';

export interface WatermarkView {
  source: string;
  checkpoint?: Checkpoint;
  runId: number | null;
  updatedAt: string;
}

export interface StatusView {
  statePath: string;
  users: { total: number; linked: number; quarantined: number };
  pendingWrites: number;
  /** The process holding the run lock, if a run is in progress. */
  runInProgress: LockHolder | null;
  runs: RunRow[];
  watermarks: WatermarkView[];
  /** The next runs of the daemon's schedules (full, incremental), by time. */
  nextRuns: { at: Date; mode: 'full' | 'incremental' }[];
  timezone?: string;
  reports: { dir: string; count: number; keepDays: number };
}

const utc = (iso: string | Date) => (typeof iso === 'string' ? iso : iso.toISOString()).replace('T', ' ').slice(0, 19);

/** Where an incremental run resumes, in words. */
export function describeCheckpoint(c: Checkpoint | undefined): string {
  if (!c) return 'unknown';
  switch (c.kind) {
    case 'ad-usn':
      return `USN ${c.usn} on ${c.dc} (invocationId ${c.invocationId})`;
    case 'ldap-csn':
      return `contextCSN ${c.csn}`;
    case 'ldap-timestamp':
      return `modifyTimestamp ${c.timestamp}`;
    case 'none':
      return 'none (every run is a full run)';
  }
}

export function formatStatus(s: StatusView): string {
  const out: string[] = [];
  out.push(`State: ${s.statePath}`);
  out.push(`Users: ${s.users.total} known, ${s.users.linked} linked to Okta, ${s.users.quarantined} quarantined`);
  const running = s.runInProgress;
  if (running) {
    out.push(`Run in progress: run ${running.runId ?? '(starting)'} (pid ${running.pid} on ${running.host}, since ${running.acquiredAt})`);
    if (s.pendingWrites) out.push(`Okta writes in flight: ${s.pendingWrites}`);
  } else if (s.pendingWrites) {
    out.push(`Unfinished writes from an interrupted run: ${s.pendingWrites} (resolved at the next run)`);
  }
  out.push(`Run reports: ${s.reports.count} in ${s.reports.dir} (kept ${s.reports.keepDays} days; ldap-okta-sync report RUN-ID)`);

  out.push('', 'Watermarks (where the next incremental run starts):');
  if (!s.watermarks.length) out.push('  none yet: the next run is a full run');
  else {
    out.push(
      table(
        s.watermarks.map((w) => [w.source, describeCheckpoint(w.checkpoint), w.runId ?? '', utc(w.updatedAt)]),
        ['source', 'position', 'run', 'stored (UTC)'],
      ),
    );
  }

  out.push('', `Next scheduled runs of the daemon (UTC${s.timezone ? `; schedule in ${s.timezone}` : ''}):`);
  if (!s.nextRuns.length) out.push('  none');
  else
    out.push(
      table(
        s.nextRuns.map((r) => [utc(r.at), r.mode]),
        ['at (UTC)', 'mode'],
      ),
    );

  out.push('');
  if (!s.runs.length) {
    out.push('No runs yet.');
    return out.join('\n');
  }
  const c = (r: RunRow, k: string) => r.counts?.[k] ?? 0;
  out.push('Recent runs:');
  out.push(
    table(
      s.runs.map((r) => [
        r.id,
        utc(r.startedAt),
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
  return out.join('\n');
}
