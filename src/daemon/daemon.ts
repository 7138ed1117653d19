/**
 * The daemon (`run`): syncs on the configured cron schedules (full runs, and optionally incremental
 * runs in between), never two runs at once (a tick that arrives during a run is skipped and
 * logged), and stops cleanly on SIGTERM/SIGINT: the run in progress finishes the Okta writes in
 * flight, records them, and the process exits. SIGHUP reloads the configuration between runs.
 */
import type { Logger } from '../util/log';
import { schedule, type ScheduledJob } from './cron';

export type RunKind = 'full' | 'incremental';

export interface DaemonRun {
  /** Run one sync; resolves when it ended (whatever its outcome). */
  (trigger: 'schedule' | 'start', kind: RunKind, signal: AbortSignal): Promise<void>;
}

export interface DaemonSchedule {
  fullCron: string;
  /** Incremental runs (only changes since the last run); none when undefined. */
  incrementalCron?: string;
  timezone?: string;
}

export interface DaemonOptions extends DaemonSchedule {
  runOnStart: boolean;
  log: Logger;
  run: DaemonRun;
  /** Called on SIGHUP, between runs; returns the (possibly new) schedule. */
  reload?: () => Promise<DaemonSchedule>;
  /** Called after every reload attempt, with its error when it failed. */
  afterReload?: (error?: Error) => void;
}

export class Daemon {
  private jobs: ScheduledJob[] = [];
  private current: Promise<void> | undefined;
  private abort = new AbortController();
  private stopping = false;
  private reloadPending = false;
  private resolveStopped!: () => void;
  readonly stopped = new Promise<void>((r) => (this.resolveStopped = r));

  constructor(private readonly opts: DaemonOptions) {}

  /** Schedule the runs; returns the first run when `runOnStart`. */
  start(): Promise<void> | undefined {
    this.scheduleJobs(this.opts);
    return this.opts.runOnStart ? this.tick('start', 'incremental') : undefined;
  }

  private scheduleJobs(s: DaemonSchedule): void {
    for (const j of this.jobs) j.stop();
    this.jobs = [schedule(s.fullCron, () => void this.tick('schedule', 'full'), s.timezone)];
    if (s.incrementalCron) this.jobs.push(schedule(s.incrementalCron, () => void this.tick('schedule', 'incremental'), s.timezone));
    this.opts.log.info('schedule', { full: s.fullCron, incremental: s.incrementalCron ?? 'none', timezone: s.timezone ?? 'system' });
  }

  /**
   * Start a run unless one is in progress. Returns the run, or undefined when skipped. An
   * 'incremental' run is a full run when the watermark does not allow one (the run decides).
   */
  tick(trigger: 'schedule' | 'start', kind: RunKind = 'full'): Promise<void> | undefined {
    if (this.stopping) return undefined;
    if (this.current) {
      this.opts.log.warn(`a scheduled ${kind} run was skipped: the previous run is still in progress`, { trigger });
      return undefined;
    }
    const run = (async () => {
      try {
        await this.opts.run(trigger, kind, this.abort.signal);
      } catch (e) {
        this.opts.log.error('run failed', { error: (e as Error).message });
      } finally {
        this.current = undefined;
        if (this.reloadPending && !this.stopping) await this.doReload();
      }
    })();
    this.current = run;
    return run;
  }

  /** SIGHUP: reload now if idle, else after the current run. */
  requestReload(): void {
    if (this.current) {
      this.reloadPending = true;
      this.opts.log.info('configuration reload requested; it happens after the current run');
    } else {
      void this.doReload();
    }
  }

  private async doReload(): Promise<void> {
    this.reloadPending = false;
    try {
      const next = await this.opts.reload?.();
      if (next && !this.stopping) this.scheduleJobs(next);
      this.opts.log.info('configuration reloaded');
      this.opts.afterReload?.();
    } catch (e) {
      this.opts.log.error('configuration reload failed; keeping the previous configuration', { error: (e as Error).message });
      this.opts.afterReload?.(e as Error);
    }
  }

  /** Stop scheduling, let the current run finish its writes in flight, then resolve `stopped`. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return this.stopped;
    this.stopping = true;
    this.opts.log.info(`stopping (${reason})${this.current ? ': finishing the writes in flight' : ''}`);
    for (const j of this.jobs) j.stop();
    this.abort.abort();
    await this.current;
    this.resolveStopped();
  }

  /** The next `count` scheduled runs of each schedule (full, then incremental when set). */
  upcoming(count: number): Date[][] {
    return this.jobs.map((j) => j.nextRuns(count));
  }

  /** The next scheduled run of any schedule; undefined once stopping. */
  nextRun(): Date | undefined {
    if (this.stopping) return undefined;
    return this.upcoming(1)
      .flat()
      .sort((a, b) => a.getTime() - b.getTime())[0];
  }

  get running(): boolean {
    return this.current !== undefined;
  }
}
