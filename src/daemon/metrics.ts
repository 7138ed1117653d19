/**
 * The daemon's Prometheus metrics (prom-client; this module is its only importer). Names follow
 * Prometheus conventions: `ldap_okta_sync_` prefix, units in the name, `_total` for counters.
 *
 * What describes one run is per run: the `ldap_okta_sync_last_run_*` gauges are set from the
 * finished run's report (its own counts, never sums carried over from earlier runs), and the
 * `_total` counters grow by exactly that run's counts, once per run, so `increase()` over a window
 * gives what the runs in it did. Okta's rate-limit state is read at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunReport } from '../sync/report';

/** The user actions a run reports, as the `action` label's values. */
export const USER_ACTIONS = [
  'created',
  'linked',
  'updated',
  'renamed',
  'unchanged',
  'skipped',
  'quarantined',
  'failed',
  'suspended',
  'deactivated',
  'unsuspended',
  'activated',
  'missing',
] as const;

/** What Okta's rate limits look like now, per bucket (the governor's view). */
export interface RateLimitState {
  bucket: string;
  limit: number;
  remaining: number;
}

export interface MetricsSources {
  /** Rate-limit state per bucket, read at each scrape. */
  rateLimits?: () => RateLimitState[];
  version?: string;
}

/** The one count a report gives for an action (plan counts for what apply does not touch). */
function actionCount(r: RunReport, action: (typeof USER_ACTIONS)[number]): number {
  if (action === 'unchanged') return r.plan.unchanged ?? 0;
  if (action === 'skipped') return r.plan.skip ?? 0;
  return r.counts[action] ?? 0;
}

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'mode' | 'outcome'>;
  private readonly duration: Histogram;
  private readonly actionsTotal: Counter<'action'>;
  private readonly lastRunUsers: Gauge<'action'>;
  private readonly quarantined: Gauge;
  private readonly entriesTotal: Counter;
  private readonly lastRunEntries: Gauge;
  private readonly oktaRequests: Counter<'kind'>;
  private readonly oktaRateLimited: Counter;
  private readonly oktaRetries: Counter;
  private readonly oktaErrors: Counter<'error_code'>;
  private readonly throttled: Counter;
  private readonly lastRunRequests: Gauge;
  private readonly lastRunThrottled: Gauge;
  private readonly lastSuccess: Gauge;
  private readonly lastRunTime: Gauge;
  private readonly lastRunSuccess: Gauge;
  private readonly inProgress: Gauge;

  constructor(sources: MetricsSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const p = 'ldap_okta_sync_';
    new Gauge({ name: `${p}build_info`, help: 'Always 1; the agent version as a label.', labelNames: ['version'], registers }).set(
      { version: sources.version ?? 'unknown' },
      1,
    );
    this.runs = new Counter({
      name: `${p}runs_total`,
      help: 'Sync runs finished, by mode (full, incremental) and outcome.',
      labelNames: ['mode', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: `${p}run_duration_seconds`,
      help: 'How long sync runs took (full and incremental).',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400],
      registers,
    });
    this.actionsTotal = new Counter({
      name: `${p}user_actions_total`,
      help: 'Users by what runs did to them (each run adds its own counts).',
      labelNames: ['action'],
      registers,
    });
    this.lastRunUsers = new Gauge({ name: `${p}last_run_users`, help: 'Users by what the last finished run did to them.', labelNames: ['action'], registers });
    this.quarantined = new Gauge({ name: `${p}quarantined_records`, help: 'Directory records in quarantine now (kept out of Okta until fixed).', registers });
    this.entriesTotal = new Counter({ name: `${p}directory_entries_read_total`, help: 'Directory entries read by runs.', registers });
    this.lastRunEntries = new Gauge({ name: `${p}last_run_directory_entries_read`, help: 'Directory entries the last finished run read.', registers });
    this.oktaRequests = new Counter({
      name: `${p}okta_requests_total`,
      help: 'Okta API requests sent by runs, by kind (read, write).',
      labelNames: ['kind'],
      registers,
    });
    this.oktaRateLimited = new Counter({ name: `${p}okta_rate_limited_responses_total`, help: 'Okta responses 429 (rate limit exceeded).', registers });
    this.oktaRetries = new Counter({ name: `${p}okta_retries_total`, help: 'Okta requests retried (429, 5xx, timeouts).', registers });
    this.oktaErrors = new Counter({
      name: `${p}okta_errors_total`,
      help: "Okta error responses by Okta's errorCode (E0000001, …).",
      labelNames: ['error_code'],
      registers,
    });
    this.throttled = new Counter({ name: `${p}okta_throttled_seconds_total`, help: 'Time requests waited for an Okta rate-limit window to reset.', registers });
    this.lastRunRequests = new Gauge({ name: `${p}last_run_okta_requests`, help: 'Okta API requests the last finished run sent.', registers });
    this.lastRunThrottled = new Gauge({
      name: `${p}last_run_okta_throttled_seconds`,
      help: 'Time the last finished run waited for Okta rate limits.',
      registers,
    });
    this.lastSuccess = new Gauge({ name: `${p}last_success_timestamp_seconds`, help: 'When the last successful run ended (Unix time).', registers });
    this.lastRunTime = new Gauge({ name: `${p}last_run_timestamp_seconds`, help: 'When the last finished run ended (Unix time).', registers });
    this.lastRunSuccess = new Gauge({ name: `${p}last_run_success`, help: '1 when the last finished run succeeded, else 0.', registers });
    this.inProgress = new Gauge({ name: `${p}run_in_progress`, help: '1 while a run is in progress.', registers });
    // Okta's windows, read at each scrape
    const window = (name: string, help: string, pick: (b: RateLimitState) => number) =>
      new Gauge({
        name: `${p}${name}`,
        help,
        labelNames: ['bucket'],
        registers,
        collect() {
          this.reset();
          for (const b of sources.rateLimits?.() ?? []) this.set({ bucket: b.bucket }, pick(b));
        },
      });
    window('okta_rate_limit_remaining', 'Requests left in the current Okta rate-limit window, per bucket (as Okta last said).', (b) => b.remaining);
    window('okta_rate_limit_limit', 'Requests allowed per Okta rate-limit window, per bucket.', (b) => b.limit);
  }

  /** A run started / ended (finished or not). */
  runInProgress(running: boolean): void {
    this.inProgress.set(running ? 1 : 0);
  }

  /** A finished run: its report, whether it succeeded, and the records in quarantine now. */
  observeRun(r: RunReport, success: boolean, quarantinedRecords: number): void {
    this.runs.inc({ mode: r.mode, outcome: r.outcome });
    this.duration.observe(r.durationMs / 1000);
    for (const action of USER_ACTIONS) {
      const n = actionCount(r, action);
      this.lastRunUsers.set({ action }, n);
      this.actionsTotal.inc({ action }, n);
    }
    this.entriesTotal.inc(r.directory.entriesRead);
    this.lastRunEntries.set(r.directory.entriesRead);
    this.oktaRequests.inc({ kind: 'write' }, r.okta.writes);
    this.oktaRequests.inc({ kind: 'read' }, r.okta.requests - r.okta.writes);
    this.oktaRateLimited.inc(r.okta.rateLimited);
    this.oktaRetries.inc(r.okta.retries);
    for (const [code, n] of Object.entries(r.okta.errors)) this.oktaErrors.inc({ error_code: code }, n);
    this.throttled.inc(r.okta.rateLimitWaitMs / 1000);
    this.lastRunRequests.set(r.okta.requests);
    this.lastRunThrottled.set(r.okta.rateLimitWaitMs / 1000);
    const ended = Date.parse(r.endedAt) / 1000;
    this.lastRunTime.set(ended);
    this.lastRunSuccess.set(success ? 1 : 0);
    if (success) this.lastSuccess.set(ended);
    this.quarantined.set(quarantinedRecords);
  }

  /** A run that stopped with an error (no report: only its mode, outcome, duration and end are known). */
  observeFailedRun(mode: string, outcome: string, durationMs: number, endedAt: Date): void {
    this.runs.inc({ mode, outcome });
    this.duration.observe(durationMs / 1000);
    this.lastRunTime.set(endedAt.getTime() / 1000);
    this.lastRunSuccess.set(0);
  }

  /** What the state says at start (before any run of this process): the last success and the quarantine. */
  restore(lastSuccessAt: Date | undefined, quarantinedRecords: number): void {
    if (lastSuccessAt) this.lastSuccess.set(lastSuccessAt.getTime() / 1000);
    this.quarantined.set(quarantinedRecords);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The metrics in Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
