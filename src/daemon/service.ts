/**
 * What the daemon knows about itself as a service: the last finished run, the last success, the
 * run in progress and whether it makes progress. From that it answers /healthz, decides whether
 * the systemd watchdog gets its WATCHDOG=1, and writes the STATUS= line `systemctl status` shows.
 * Run state is held here as values and replaced per run; nothing is carried over from one run's
 * counts into another's.
 */
import type { RunRow } from '../state/runs';
import type { RunReport } from '../sync/report';
import { evaluateHealth, isStalled, succeeded, type FinishedRun, type Health, type RunInProgress } from './health';

export interface ServiceMonitorOptions {
  now?: () => Date;
  /** How old the last success may be (depends on the schedule, which a reload may change). */
  staleAfterMs: () => number;
  /** A run without progress for this long is stuck. */
  stalledAfterMs: () => number;
  /** The next scheduled run, if any. */
  nextRun: () => Date | undefined;
  /** A number that changes whenever the run in progress does work (entries read, Okta requests). */
  progress: () => number;
}

/** A timestamp for a status line: UTC, to the second. */
export function shortTime(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

const num = (c: Record<string, number> | null | undefined, k: string) => c?.[k] ?? 0;

/** A finished run as the runs table has it (the daemon's start, or a run that threw). */
export function finishedRunFromRow(row: RunRow): FinishedRun | undefined {
  if (row.outcome === 'running' || !row.endedAt) return undefined;
  return {
    runId: row.id,
    mode: row.mode,
    outcome: row.outcome,
    endedAt: new Date(row.endedAt),
    failed: num(row.counts, 'failed'),
    quarantined: num(row.counts, 'quarantined'),
    error: row.error ?? undefined,
    summary: `read ${num(row.counts, 'read')}, created ${num(row.counts, 'created')}, updated ${num(row.counts, 'updated')}, quarantined ${num(row.counts, 'quarantined')}, failed ${num(row.counts, 'failed')}`,
  };
}

/** A finished run from the report the run returned. */
export function finishedRunFromReport(r: RunReport): FinishedRun {
  return {
    runId: r.runId,
    mode: r.mode,
    outcome: r.outcome === 'running' ? 'failed' : r.outcome,
    endedAt: new Date(r.endedAt),
    failed: num(r.counts, 'failed'),
    quarantined: num(r.counts, 'quarantined'),
    error: r.error,
    summary: `read ${num(r.plan, 'read')}, created ${num(r.counts, 'created')}, updated ${num(r.counts, 'updated')}, quarantined ${num(r.counts, 'quarantined')}, failed ${num(r.counts, 'failed')}`,
  };
}

export class ServiceMonitor {
  private lastRun: FinishedRun | undefined;
  private lastSuccessAt: Date | undefined;
  private current: RunInProgress | undefined;
  private lastProgressValue = NaN;
  private readonly now: () => Date;

  constructor(private readonly opts: ServiceMonitorOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** What the state says at start: the last finished run and the last success. */
  restore(lastRun: FinishedRun | undefined, lastSuccessAt: Date | undefined): void {
    this.lastRun = lastRun;
    this.lastSuccessAt = lastSuccessAt;
  }

  runStarted(mode: string): void {
    const now = this.now();
    this.current = { mode, startedAt: now, lastProgressAt: now };
    this.lastProgressValue = this.opts.progress();
  }

  /** The run ended; `finished` is undefined when it never started (another process held the lock). */
  runEnded(finished: FinishedRun | undefined): void {
    this.current = undefined;
    if (!finished) return;
    this.lastRun = finished;
    if (succeeded(finished)) this.lastSuccessAt = finished.endedAt;
  }

  /** Notes progress of the run in progress (called often: by the watchdog and each health check). */
  sample(): void {
    if (!this.current) return;
    const v = this.opts.progress();
    if (v !== this.lastProgressValue) {
      this.lastProgressValue = v;
      this.current.lastProgressAt = this.now();
    }
  }

  health(): Health {
    this.sample();
    return evaluateHealth({
      now: this.now(),
      lastRun: this.lastRun,
      lastSuccessAt: this.lastSuccessAt,
      current: this.current,
      staleAfterMs: this.opts.staleAfterMs(),
      stalledAfterMs: this.opts.stalledAfterMs(),
    });
  }

  /** Whether systemd's watchdog gets WATCHDOG=1: the event loop turns (we are called) and no run is stuck. */
  alive(): boolean {
    this.sample();
    return !isStalled(this.current, this.now(), this.opts.stalledAfterMs());
  }

  get lastSuccess(): Date | undefined {
    return this.lastSuccessAt;
  }

  /** The STATUS= line: the run in progress or the last run's outcome, and the next run. */
  statusText(): string {
    const parts: string[] = [];
    if (this.current) {
      parts.push(`run in progress since ${shortTime(this.current.startedAt)}`);
    }
    const r = this.lastRun;
    if (r) {
      const what = `last run ${r.runId} (${r.mode}) ${r.outcome} at ${shortTime(r.endedAt)}`;
      parts.push(r.outcome === 'failed' || r.outcome === 'stopped' ? `${what}: ${r.error ?? ''}`.replace(/: $/, '') : `${what}: ${r.summary}`);
    } else if (!this.current) {
      parts.push('no run yet');
    }
    const next = this.opts.nextRun();
    if (next) parts.push(`next run ${shortTime(next)}`);
    return parts.join('; ');
  }
}
