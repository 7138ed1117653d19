/**
 * The daemon's health, as /healthz reports it and the systemd watchdog acts on it. Pure: the
 * caller passes the clock, the last finished run and the run in progress.
 *
 * Healthy (200) while the last finished run succeeded (outcome ok, or records quarantined but no
 * write failed) and ended recently relative to the schedule, or a run is in progress and makes
 * progress. Unhealthy (503, with the reason) when no run finished yet, the last run failed, was
 * stopped by a safeguard, was interrupted or had failed writes, the last success is stale, or the
 * run in progress has made no progress for `stalledAfterMs` (stuck: the watchdog stops too).
 */
import type { RunOutcome } from '../state/runs';

export interface FinishedRun {
  runId: number;
  mode: string;
  outcome: Exclude<RunOutcome, 'running'>;
  endedAt: Date;
  /** Writes that failed (retried next run). */
  failed: number;
  quarantined: number;
  error?: string;
  /** A few counts, for the status line. */
  summary: string;
}

export interface RunInProgress {
  runId?: number;
  mode: string;
  startedAt: Date;
  /** Last time the run read a directory entry or sent an Okta request. */
  lastProgressAt: Date;
}

export interface HealthInput {
  now: Date;
  lastRun?: FinishedRun;
  /** When the last successful run ended (it may be older than lastRun). */
  lastSuccessAt?: Date;
  current?: RunInProgress;
  staleAfterMs: number;
  stalledAfterMs: number;
}

export interface Health {
  ok: boolean;
  reason: string;
}

/** A run that counts as a success for health: it completed and every write it attempted is durable. */
export function succeeded(run: Pick<FinishedRun, 'outcome' | 'failed'>): boolean {
  return run.outcome === 'ok' || (run.outcome === 'quarantined' && run.failed === 0);
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export function isStalled(current: RunInProgress | undefined, now: Date, stalledAfterMs: number): boolean {
  return current !== undefined && now.getTime() - current.lastProgressAt.getTime() >= stalledAfterMs;
}

function describeRun(r: FinishedRun): string {
  return `run ${r.runId} (${r.mode})`;
}

export function evaluateHealth(i: HealthInput): Health {
  const { now, lastRun, current } = i;
  if (current && isStalled(current, now, i.stalledAfterMs)) {
    const which = current.runId === undefined ? `the ${current.mode} run` : `run ${current.runId} (${current.mode})`;
    const idle = minutes(now.getTime() - current.lastProgressAt.getTime());
    return { ok: false, reason: `${which} has read nothing and sent nothing to Okta for ${idle}: stuck` };
  }
  if (!lastRun) return { ok: false, reason: current ? 'the first run is in progress; no run has finished yet' : 'no run has finished yet' };
  if (!succeeded(lastRun)) {
    const why =
      lastRun.outcome === 'stopped'
        ? 'was stopped by a safeguard before any write'
        : lastRun.outcome === 'interrupted'
          ? 'was interrupted'
          : lastRun.outcome === 'failed'
            ? 'failed'
            : `finished with ${lastRun.failed} failed write${lastRun.failed === 1 ? '' : 's'}`;
    return { ok: false, reason: `${describeRun(lastRun)} ${why}${lastRun.error ? `: ${lastRun.error}` : ''}` };
  }
  const quarantined = lastRun.quarantined ? `, ${lastRun.quarantined} record${lastRun.quarantined === 1 ? '' : 's'} quarantined` : '';
  if (current) return { ok: true, reason: `ok: ${describeRun(lastRun)} succeeded${quarantined}; a run is in progress` };
  const age = now.getTime() - (i.lastSuccessAt ?? lastRun.endedAt).getTime();
  if (age > i.staleAfterMs) {
    return { ok: false, reason: `the last successful run ended ${minutes(age)} ago, more than ${minutes(i.staleAfterMs)}: scheduled runs are not happening` };
  }
  return { ok: true, reason: `ok: ${describeRun(lastRun)} succeeded ${minutes(age)} ago${quarantined}` };
}

/**
 * How old the last success may be: twice the longest gap between consecutive scheduled runs (both
 * schedules merged), plus 10 minutes for the run itself.
 */
export function staleAfterFromSchedule(upcoming: Date[][]): number {
  const times = upcoming
    .flat()
    .map((d) => d.getTime())
    .sort((a, b) => a - b);
  let gap = 0;
  for (let k = 1; k < times.length; k++) gap = Math.max(gap, times[k] - times[k - 1]);
  return 2 * gap + 10 * 60_000;
}
