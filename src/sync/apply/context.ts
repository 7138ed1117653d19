/**
 * One application of a plan ({@link ApplyRun}): its dependencies, what it did so far, and the Okta
 * users it linked. Created by each applyPlan call and passed as a value to every step; nothing of
 * a run is kept at module level. Also the one tail of a failed Okta call about a record
 * ({@link settleFailure}), over okta/errors.ts's classifier.
 */
import type { OktaConfig } from '../../okta/schema';
import type { LifecycleConfig } from '../schema';
import type { OktaClient } from '../../okta/client';
import { classifyOktaFailure, type OktaError } from '../../okta/errors';
import type { OktaMirror, StateStore } from '../../state/store';
import type { Logger } from '../../util/log';

export interface ApplyDeps {
  state: StateStore;
  /** The agent's mirror of Okta: Okta's answers to this run's writes are recorded in it. */
  mirror: OktaMirror;
  oktaClient: OktaClient;
  okta: OktaConfig;
  lifecycle: LifecycleConfig;
  runId: number;
  log: Logger;
  /** The groups a user created this run joins with its create (the group plan's apply), and what is recorded once it is. */
  joins?: {
    joinsOnCreate(userAnchor: string): { groupAnchor: string; groupId: string }[];
    joined(userAnchor: string, userId: string, joins: readonly { groupAnchor: string; groupId: string }[]): void;
  };
  /** Aborting stops taking new actions; writes in flight complete and are recorded. */
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
}

export interface ApplyCounts {
  created: number;
  linked: number;
  updated: number;
  /** Drift repaired: users whose Okta profile was put back to what the directory says. */
  drift: number;
  renamed: number;
  quarantined: number;
  suspended: number;
  deactivated: number;
  unsuspended: number;
  activated: number;
  /** Missing observations recorded (users not seen by a full run, or deleted). */
  missing: number;
  /** Okta writes that failed for reasons other than the record (network, 5xx after retries): retried next run. */
  failed: number;
  /** Actions not started because the run was stopped. */
  notStarted: number;
}

export interface ApplyResult {
  counts: ApplyCounts;
  /** Records quarantined by Okta's answer during apply (plan-time quarantines are in the plan). */
  oktaQuarantines: { anchor: string; dn: string; reason: string }[];
  failures: { anchor: string; dn: string; error: string }[];
  interrupted: boolean;
}

/** The state of one applyPlan call. */
export interface ApplyRun extends ApplyDeps {
  readonly result: ApplyResult;
  /** Okta users linked in this run (Okta id → record): two records never link the same user. */
  readonly linked: Map<string, { anchor: string; dn: string }>;
}

export function startApplyRun(deps: ApplyDeps): ApplyRun {
  const counts: ApplyCounts = {
    created: 0,
    linked: 0,
    updated: 0,
    drift: 0,
    renamed: 0,
    quarantined: 0,
    suspended: 0,
    deactivated: 0,
    unsuspended: 0,
    activated: 0,
    missing: 0,
    failed: 0,
    notStarted: 0,
  };
  return { ...deps, result: { counts, oktaQuarantines: [], failures: [], interrupted: false }, linked: new Map() };
}

/** The record an Okta write is about. */
export interface Subject {
  kind: string;
  anchor: string;
  dn: string;
}

/** Okta's answer keeps the record out of Okta (or, if linked, untouched) until it is fixed. */
export function quarantineFromOkta(run: ApplyRun, a: Subject, reason: string): void {
  run.state.users.recordQuarantine(a.anchor, a.dn, 'okta', reason, run.runId);
  run.result.counts.quarantined++;
  run.result.oktaQuarantines.push({ anchor: a.anchor, dn: a.dn, reason });
  run.log.warn('record quarantined by Okta', { dn: a.dn, anchor: a.anchor, reason });
}

/**
 * The one tail of a failed Okta call about a record (classified by okta/errors.ts): a fatal or
 * internal error stops the run (rethrown); a call that may have happened is counted as failed and
 * tried again by the next run; a refusal quarantines the record with Okta's errorCode
 * (`refusal` words the reason when the call needs more context than Okta's answer).
 */
export function settleFailure(run: ApplyRun, a: Subject, e: unknown, refusal?: (error: OktaError, okta: string) => string): void {
  const failure = classifyOktaFailure(e);
  if (failure.kind === 'refused') return quarantineFromOkta(run, a, refusal ? refusal(failure.error, failure.reason) : failure.reason);
  run.result.counts.failed++;
  run.result.failures.push({ anchor: a.anchor, dn: a.dn, error: failure.reason });
  run.log.error(`Okta ${a.kind} failed; it will be retried next run`, { dn: a.dn, anchor: a.anchor, error: failure.reason });
}
