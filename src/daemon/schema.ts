/**
 * The daemon's config sections and their checks: `schedule:` (when the daemon syncs; the cron
 * expressions parse) and `metrics:` (the HTTP endpoint for Prometheus and health checks; the
 * address parses). src/config/schema.ts composes them.
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
  stalledAfterMinutes: z
    .number()
    .positive()
    .default(30)
    .describe(
      'A run that has read nothing from the directory and sent nothing to Okta for this many minutes is stuck: the daemon stops answering the systemd watchdog (WatchdogSec= in the unit), so systemd restarts it, and /healthz says so.',
    ),
});

/** The `schedule:` section. */
export const scheduleSchema = scheduleFields.default(() => scheduleFields.parse({})).describe('When the daemon (`run`) syncs.');

export type ScheduleConfig = z.output<typeof scheduleSchema>;

const metricsFields = z.strictObject({
  listen: z
    .string()
    .optional()
    .describe(
      'Address of the HTTP endpoint serving /metrics (Prometheus text format) and /healthz, as host:port ("127.0.0.1:9464", "[::1]:9464") or a port alone, which listens on 127.0.0.1 only. Off when not set. There is no authentication: listen on loopback unless a firewall or a reverse proxy guards the port.',
    ),
  staleAfterMinutes: z
    .number()
    .positive()
    .optional()
    .describe(
      '/healthz answers 503 when the last successful run ended longer ago than this. Default: twice the longest gap between two scheduled runs, plus 10 minutes.',
    ),
});

/** The `metrics:` section (only `run`, the daemon, serves it). */
export const metricsSchema = metricsFields
  .default(() => metricsFields.parse({}))
  .describe('Metrics and health over HTTP for the daemon (`run`): off unless `listen` is set.');

export type MetricsConfig = z.output<typeof metricsSchema>;

/** A parsed `metrics.listen`: where the HTTP endpoint binds. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** `metrics.listen` → host and port (a port alone means loopback); undefined when it does not parse. */
export function parseListen(listen: string): ListenAddress | undefined {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):)?(\d{1,5})$/.exec(listen.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = m[1] ? m[1].replace(/^\[(.*)\]$/, '$1') : '127.0.0.1';
  return { host, port };
}

/** Checks of a `schedule:` section the schema accepted. */
export function checkSchedule(schedule: ScheduleConfig): CheckIssue[] {
  const issues: CheckIssue[] = [];
  for (const key of ['full', 'incremental'] as const) {
    const expr = schedule[key];
    if (expr !== undefined && !isValidCron(expr)) issues.push({ path: ['schedule', key], message: `"${expr}" is not a valid cron expression` });
  }
  return issues;
}

/** Checks of a `metrics:` section the schema accepted. */
export function checkMetrics(metrics: MetricsConfig): CheckIssue[] {
  if (metrics.listen === undefined || parseListen(metrics.listen)) return [];
  return [{ path: ['metrics', 'listen'], message: `"${metrics.listen}" is not host:port or a port (e.g. "127.0.0.1:9464", "[::1]:9464", "9464")` }];
}
