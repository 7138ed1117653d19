/**
 * The `schedule:` config section (when the daemon syncs) and its check: the cron expressions
 * parse. src/config/schema.ts composes it.
 */
import { z } from 'zod';
import type { CheckIssue } from '../util/config-check';
import { isValidCron } from './cron';

const scheduleFields = z.strictObject({
  full: z
    .string()
    .default('0 2 * * *')
    .describe('Cron expression (node-cron, 5 or 6 fields) for full runs by `run` (the daemon): every entry is read, missing users are found.'),
  incremental: z
    .string()
    .optional()
    .describe('Cron expression for incremental runs, which read only what changed since the last run (e.g. "*/15 * * * *"). Omit for full runs only.'),
  timezone: z.string().optional().describe('IANA time zone for the cron expressions. Default: the system time zone.'),
  runOnStart: z.boolean().default(true).describe('The daemon runs a sync immediately when it starts.'),
});

/** The `schedule:` section. */
export const scheduleSchema = scheduleFields.default(() => scheduleFields.parse({})).describe('When the daemon (`run`) syncs.');

export type ScheduleConfig = z.output<typeof scheduleSchema>;

/** Checks of a `schedule:` section the schema accepted. */
export function checkSchedule(schedule: ScheduleConfig): CheckIssue[] {
  const issues: CheckIssue[] = [];
  for (const key of ['full', 'incremental'] as const) {
    const expr = schedule[key];
    if (expr !== undefined && !isValidCron(expr)) issues.push({ path: ['schedule', key], message: `"${expr}" is not a valid cron expression` });
  }
  return issues;
}
