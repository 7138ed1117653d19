/** Cron expressions (node-cron syntax): validation for the config, scheduling for the daemon, and the next run times. */
import cron from 'node-cron';

export function isValidCron(expression: string): boolean {
  return cron.validate(expression);
}

export interface ScheduledJob {
  stop(): void;
  /** The next `count` times the job fires. */
  nextRuns(count: number): Date[];
}

/** Calls `fn` on every tick of `expression`; node-cron never overlaps because the caller serialises runs. */
export function schedule(expression: string, fn: () => void, timezone?: string): ScheduledJob {
  const task = cron.schedule(expression, fn, { timezone, noOverlap: false });
  return { stop: () => void task.destroy(), nextRuns: (count) => task.getNextRuns(count) };
}

/** The next `count` times `expression` fires, without scheduling anything (for `status`). */
export function nextRuns(expression: string, count: number, timezone?: string): Date[] {
  const task = cron.createTask(expression, () => undefined, { timezone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}
