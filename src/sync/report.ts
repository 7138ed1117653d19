/**
 * The run report: what a run read, planned and did, how many Okta requests it made, and the
 * records that need a person's attention. Printed as text after `sync` and logged as one summary
 * line (src/output/report.ts), stored (counts) in the runs table.
 */
import type { RunOutcome } from '../state/store';
import type { GroupApplyCounts, GroupPlanSummary } from './groups';

export interface RunReport {
  runId: number;
  mode: 'full' | 'incremental';
  /** Why the run is full or incremental. */
  modeReason?: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  outcome: RunOutcome;
  error?: string;
  /** What the plan said: read, rejected, create, link, update, drift, unchanged, quarantine, skip. */
  plan: Record<string, number>;
  /** What apply did: created, linked, updated, drift (repaired), renamed, quarantined, failed, notStarted, recovered. */
  counts: Record<string, number>;
  /** Groups: what the plan said and what apply did (absent when groups are not configured). */
  groupsPlan?: GroupPlanSummary;
  groups?: GroupApplyCounts;
  /** Why a safeguard stopped the run. */
  safeguard?: string[];
  /** What this run read from the directory: entries returned, requests sent. */
  directory: { entriesRead: number; queries: number };
  /** The refresh of the agent's mirror of Okta (absent: the run decided from the mirror as it was). */
  mirror?: { users: number; full: boolean; requests: number };
  /** Peak resident memory of the agent process so far (MB). */
  peakRssMb?: number;
  /** This run's Okta requests; `errors`: Okta's refusals by errorCode (see OktaClient.errorCounts). */
  okta: { requests: number; writes: number; retries: number; rateLimited: number; rateLimitWaitMs: number; errors: Record<string, number> };
  oktaQuarantines: { anchor: string; dn: string; reason: string }[];
  failures: { anchor: string; dn: string; error: string }[];
}

export function emptyReport(runId: number, mode: 'full' | 'incremental', started: Date): RunReport {
  return {
    runId,
    mode,
    startedAt: started.toISOString(),
    endedAt: started.toISOString(),
    durationMs: 0,
    outcome: 'running',
    plan: {},
    counts: {},
    directory: { entriesRead: 0, queries: 0 },
    okta: { requests: 0, writes: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, errors: {} },
    oktaQuarantines: [],
    failures: [],
  };
}
