/**
 * One sync run end to end: lock → where the directory stands, the mode → the refresh of the mirror
 * of Okta when due (it proves the token; plan-phase.ts) → recover unfinished writes → the rest of
 * the plan phase (users and groups spooled, the safeguards' verdict) → stop if a safeguard says so → apply (groups' first contacts, creates and renames; users, created with the
 * groups they join; the other memberships) → record the run and, only if every write is durable,
 * advance the watermark.
 * The users table changes only as Okta confirms writes; a run that fails or is stopped before
 * applying leaves it as it was and records why.
 *
 * A scheduled incremental run whose directory did not move since the watermark (an idle poll)
 * stops after reading the change position: one directory request, nothing planned, nothing sent;
 * unless records wait to be tried again (quarantined users and groups, unconfirmed group writes)
 * and no run tried them for {@link RETRY_EVERY_MS}. Of a streak of idle polls the runs table keeps
 * the latest. An idle poll still refreshes the mirror of Okta when that is due (the token is proven),
 * and goes on as a run when the refresh found users or memberships the agent manages changed in
 * Okta (drift). A run started by hand (`sync`) always reads. A full run that failed is repeated by
 * the next run not sooner than RETRY_EVERY_MS after it began, unless that one asks for an
 * incremental run explicitly (`sync --incremental`).
 */
import type { RunConfig } from './schema';
import { noReads, type DirectoryReads, type DirectorySource } from '../directory/source';
import type { OktaClient } from '../okta/client';
import type { StateStore } from '../state/store';
import type { Pipeline } from '../transform';
import type { Logger } from '../util/log';
import { applyPlan, recoverJournal, type ApplyResult } from './apply';
import { NO_GROUPS_APPLIED, startGroupApply, type GroupApplyCounts } from './groups';
import { planFrom, refreshIfDue, RETRY_EVERY_MS, startPhase, type PlannedRun, type RequestedMode, type Watermark } from './plan-phase';
import type { RefreshResult } from './mirror/refresh';
import { emptyReport, type RunReport } from './report';
import { userSchemaForRun } from './user-schema';

export class RunLockedError extends Error {
  constructor(readonly holder: { pid: number; host: string; runId: number | null; acquiredAt: string }) {
    super(`another run is in progress (pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt})`);
    this.name = 'RunLockedError';
  }
}

/** Where a run leaves its report (state/reports.ts); none for an in-memory state. */
export interface ReportSink {
  save(runId: number, report: object, now?: Date): string;
  /** Remove a run's report (an idle poll the runs table no longer keeps). */
  forget(runId: number): void;
}

export interface SyncDeps {
  config: RunConfig;
  source: DirectorySource;
  state: StateStore;
  pipeline: Pipeline;
  oktaClient: OktaClient;
  log: Logger;
  trigger: 'cli' | 'schedule' | 'start';
  signal?: AbortSignal;
  now?: () => Date;
  /** This run's count of directory reads, when the caller wants to watch it (progress); else the run's own. */
  reads?: DirectoryReads;
  reports?: ReportSink;
  /** What the run is doing, for a progress display (plan: records read; apply: writes done of all). */
  onProgress?: (p: RunProgress) => void;
}

export type RunProgress = { phase: 'plan'; entriesRead: number; planned: number } | { phase: 'apply'; applied: number; total: number };

export interface SyncOptions {
  /** auto (default): incremental when the stored watermark allows it, else full. */
  mode?: RequestedMode;
  /** Let this one run through the safeguards. */
  allowMassChange?: boolean;
  /** Read every Okta user and group into the mirror again. */
  rebuildMirror?: boolean;
}

export async function syncRun(deps: SyncDeps, opts: SyncOptions = {}): Promise<RunReport> {
  const { state, source, log, config } = deps;
  const now = deps.now ?? (() => new Date());
  const lock = state.lock.acquire();
  if (!lock.ok) throw new RunLockedError(lock.holder);
  const interrupted = state.runs.markInterrupted();
  if (interrupted) log.warn(`${interrupted} earlier run(s) did not finish (the agent stopped during them)`);
  const runId = state.runs.begin('sync', opts.mode === 'incremental' ? 'incremental' : 'full', deps.trigger);
  state.lock.setRun(runId);
  const started = now();
  const report = emptyReport(runId, 'full', started);
  // the oktaClient lives as long as the daemon: this run's requests are the difference
  const requestsBefore = { ...deps.oktaClient.requestCounts };
  const waitBefore = deps.oktaClient.rateLimitWaitMs;
  const reads = deps.reads ?? noReads();
  const errorsBefore = { ...deps.oktaClient.errorCounts };
  let planned: PlannedRun | undefined;
  let idle = false;
  try {
    const start = await startPhase(
      { config, source, state },
      {
        mode: opts.mode,
        reads,
        onDecision: (decision) => {
          report.mode = decision.mode;
          report.modeReason = decision.reason;
          state.runs.setMode(runId, decision.mode);
          if (opts.mode === 'incremental' && decision.mode === 'full') log.warn(`an incremental run was requested, but this is a full run: ${decision.reason}`);
          else if (decision.unchanged) log.debug(`${decision.mode} run: ${decision.reason}`, { runId });
          else log.info(`${decision.mode} run: ${decision.reason}`, { runId });
        },
      },
    );
    const planDeps = { config, source, state, pipeline: deps.pipeline, okta: deps.oktaClient, log, now };
    const idlePoll = start.decision.unchanged && deps.trigger === 'schedule' && state.journal.pending().length === 0 && !retryDue(state, runId);
    // before any write (recovery included): the refresh of the mirror of Okta when due (it proves the
    // token and checks the configuration against the org's user schema), else that check against
    // the schema the state has. An idle poll refreshes when due too: the API token is proven at least
    // every okta.mirror.refreshSeconds, however long the directory stays unchanged
    const mirror = await refreshIfDue(planDeps, start.decision, { rebuildMirror: opts.rebuildMirror });
    if (mirror) report.mirror = { users: mirror.users.read, full: mirror.users.full, requests: mirror.requests };
    // an idle poll stops here, unless the refresh found users or memberships the agent manages changed in Okta (drift)
    if (idlePoll && !(config.okta.drift !== 'ignore' && mirror && changedInOkta(mirror, state))) {
      idle = true;
      report.outcome = 'ok';
      report.plan.read = 0;
      return report;
    }
    const schema = await userSchemaForRun({ oktaClient: deps.oktaClient, state, log, pipeline: deps.pipeline, okta: config.okta }, mirror?.schema);
    const recovered = await recoverJournal({ state, oktaClient: deps.oktaClient, log, runId });
    if (recovered) report.counts.recovered = recovered;
    planned = await planFrom({ ...planDeps, schema }, start, mirror, {
      onPage: (p) => {
        log.debug('read page', { page: p.pages, read: p.read });
        deps.onProgress?.({ phase: 'plan', entriesRead: reads.entries, planned: p.read });
      },
    });
    const { decision, verdict } = planned;
    // the connection waits for the next run (or the end of the process) while Okta is written
    await source.release();
    Object.assign(report.plan, planned.counts);
    if (config.groups) report.groupsPlan = planned.groups.summary;

    if (!verdict.ok) {
      if (!opts.allowMassChange) {
        report.outcome = 'stopped';
        report.error = `safeguard: ${verdict.reasons.join('; ')}`;
        report.safeguard = verdict.reasons;
        log.error('run stopped by a safeguard before any write', { runId, reasons: verdict.reasons });
        return report;
      }
      log.warn('safeguard thresholds exceeded; going on because of --allow-mass-change', { runId, reasons: verdict.reasons });
    }

    // groups first contact, creates and renames before the users: a user created then joins its groups with its create
    const groupApply = startGroupApply(planned.groups, { config, state, log, oktaClient: deps.oktaClient, runId, signal: deps.signal });
    await groupApply?.prepare();
    const total = deps.onProgress ? writesPlanned(planned) : 0;
    const applied: ApplyResult = await applyPlan(planned.spool, {
      state,
      mirror: state.mirror,
      oktaClient: deps.oktaClient,
      okta: config.okta,
      lifecycle: config.lifecycle,
      runId,
      log,
      signal: deps.signal,
      joins: groupApply ?? undefined,
      onProgress: deps.onProgress && ((applied) => deps.onProgress!({ phase: 'apply', applied, total })),
    });
    let groupsApplied: GroupApplyCounts = groupApply?.counts ?? NO_GROUPS_APPLIED;
    if (!applied.interrupted && groupApply) groupsApplied = await groupApply.finish();
    Object.assign(report.counts, applied.counts);
    if (config.groups) report.groups = groupsApplied;
    report.failures = applied.failures;
    report.oktaQuarantines = applied.oktaQuarantines;

    if (!applied.interrupted) {
      planned.spool.stampSeen(runId, decision.mode === 'full');
      planned.spool.persistUniqueClaims();
      planned.spool.forgetGoneUnlinked(runId, decision.mode === 'full');
    }
    const failed = applied.failures.length + groupsApplied.failed;
    report.outcome = applied.interrupted ? 'interrupted' : report.counts.quarantined > 0 || groupsApplied.quarantined > 0 || failed > 0 ? 'quarantined' : 'ok';
    // the next incremental run starts here only if every write of this one is durable
    if (!applied.interrupted && failed === 0)
      state.watermarks.set(
        source.id,
        { checkpoint: planned.checkpoint, fingerprint: planned.fingerprint, parts: planned.fingerprintParts } satisfies Watermark,
        runId,
      );
    else log.warn('the watermark stays where it was: the next run reads these changes again', { runId, failed, interrupted: applied.interrupted });
  } catch (e) {
    report.outcome = 'failed';
    report.error = (e as Error).message;
    throw e;
  } finally {
    // a failed run drops the connection: the next run connects again
    await (report.outcome === 'failed' ? source.close() : source.release()).catch(() => undefined);
    report.endedAt = now().toISOString();
    report.durationMs = now().getTime() - started.getTime();
    report.directory = { entriesRead: reads.entries, queries: reads.queries };
    report.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const rc = deps.oktaClient.requestCounts;
    report.okta = {
      requests: rc.total - requestsBefore.total,
      writes: rc.writes - requestsBefore.writes,
      retries: rc.retries - requestsBefore.retries,
      rateLimited: rc.rateLimited - requestsBefore.rateLimited,
      rateLimitWaitMs: Math.round(deps.oktaClient.rateLimitWaitMs - waitBefore),
      errors: countsSince(deps.oktaClient.errorCounts, errorsBefore),
    };
    const { errors, ...oktaCounts } = report.okta;
    state.runs.finish(
      runId,
      report.outcome === 'running' ? 'failed' : report.outcome,
      {
        ...report.plan,
        ...report.counts,
        ...prefixed('groups', report.groups),
        entriesRead: report.directory.entriesRead,
        directoryQueries: report.directory.queries,
        ...oktaCounts,
        ...prefixed('oktaErrors', errors),
        ...(idle ? { idle: 1 } : {}),
      },
      report.error,
    );
    // the limits the responses gave, for the forecasts of later plans
    state.okta.setSeenLimits(deps.oktaClient.seenLimits);
    // the runs table keeps the latest idle poll of a streak; so do the reports
    const forgotten = idle ? state.runs.forgetIdleBefore(runId) : undefined;
    planned?.groups.spool?.close();
    planned?.spool.close();
    state.lock.release();
    saveReport(deps, report, now(), forgotten);
  }
  return report;
}

/** The refresh read users the agent manages that changed in Okta, or managed groups whose members changed. */
function changedInOkta(mirror: RefreshResult, state: StateStore): boolean {
  return !!mirror.groups?.membersRead.length || mirror.users.changed.some((id) => state.users.byOktaId(id));
}

/** Something waits to be tried again, and no run read the directory for a while. */
function retryDue(state: StateStore, runId: number): boolean {
  if (!state.hasRetries()) return false;
  const since = state.runs.msSinceWorkBefore(runId);
  return since === undefined || since >= RETRY_EVERY_MS;
}

/** The Okta writes apply will make: creates, updates, lifecycle changes, missing users' deprovisioning. */
function writesPlanned(planned: PlannedRun): number {
  const c = planned.counts;
  let n = (c.create ?? 0) + (c.update ?? 0) + (c.lifecycle ?? 0);
  for (const a of planned.spool.actions<{ deprovision?: boolean }>(['missing'])) if (a.payload.deprovision) n++;
  return n;
}

/** Every run leaves its report; a report that cannot be written is logged, never fails the run. */
function saveReport(deps: SyncDeps, report: RunReport, now: Date, forgotten: number | undefined): void {
  if (!deps.reports) return;
  try {
    if (forgotten !== undefined) deps.reports.forget(forgotten);
    const file = deps.reports.save(report.runId, report, now);
    deps.log.debug('run report written', { runId: report.runId, file });
  } catch (e) {
    deps.log.warn('cannot write the run report', { runId: report.runId, error: (e as Error).message });
  }
}

/** What a cumulative count map gained since `before` (only keys that grew). */
function countsSince(now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v > (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
}

function prefixed(prefix: string, o: object | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (typeof v === 'number') out[`${prefix}.${k}`] = v;
  return out;
}
