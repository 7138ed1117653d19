/** Cron expressions (node-cron syntax): validation for the config and scheduling for the daemon. */
import cron from 'node-cron';

export function isValidCron(expression: string): boolean {
  return cron.validate(expression);
}

export interface ScheduledJob {
  stop(): void;
}

/** Calls `fn` on every tick of `expression`; node-cron never overlaps because the caller serialises runs. */
export function schedule(expression: string, fn: () => void, timezone?: string): ScheduledJob {
  const task = cron.schedule(expression, fn, { timezone, noOverlap: false });
  return { stop: () => void task.stop() };
}
