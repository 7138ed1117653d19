/**
 * One sync run end to end: lock → recover unfinished writes → checkpoint and mode (full, or
 * incremental from the stored watermark) → read and plan users and groups (spooled) → safeguards
 * → apply → record the run and, only if every write is durable, advance the watermark.
 * The users table changes only as Okta confirms writes; a run that fails or is stopped before
 * applying leaves it as it was and records why.
 */
import type { RunConfig as Config } from './schema';
import type { Checkpoint, DirectorySource } from '../directory/source';
import type { OktaSink } from '../okta/client';
import type { StateStore } from '../state/store';
import type { Logger } from '../util/log';
import { applyPlan, recoverJournal, type ApplyResult } from './apply';
import { applyGroups, NO_GROUPS_APPLIED, planGroups, type GroupApplyCounts } from './groups';
import { planRun, type PlannedRun, type RecordTransformer } from './plan-run';
import { emptyReport, type RunReport } from './report';
import { configFingerprint } from './fingerprint';
import { checkSafeguards } from './safeguards';

export class RunLockedError extends Error {
  constructor(readonly holder: { pid: number; host: string; runId: number | null; acquiredAt: string }) {
    super(`another run is in progress (pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt})`);
    this.name = 'RunLockedError';
  }
}

export interface SyncDeps {
  config: Config;
  source: DirectorySource;
  state: StateStore;
  transformer: RecordTransformer;
  sink: OktaSink;
  log: Logger;
  trigger: 'cli' | 'schedule' | 'start';
  signal?: AbortSignal;
  now?: () => Date;
}

export interface SyncOptions {
  /** auto (default): incremental when the stored watermark allows it, else full. */
  mode?: 'auto' | 'full' | 'incremental';
  /** Let this one run through the safeguards. */
  allowMassChange?: boolean;
}

/** What is stored per source after a run whose writes are all durable. */
export interface Watermark {
  checkpoint: Checkpoint;
  /** configFingerprint() of the run that stored it. */
  fingerprint: string;
}

export interface ModeDecision {
  mode: 'full' | 'incremental';
  since?: Checkpoint;
  reason: string;
}

/** Full or incremental, and why (logged with the run). Pure. */
export function decideMode(
  requested: SyncOptions['mode'],
  previous: Watermark | undefined,
  current: Checkpoint,
  fingerprint: string,
  source: Pick<DirectorySource, 'canResume'>,
): ModeDecision {
  if (requested === 'full') return { mode: 'full', reason: 'a full run was requested' };
  if (!previous?.checkpoint) return { mode: 'full', reason: 'no watermark yet (first run, or the source or its scope changed)' };
  if (previous.fingerprint !== fingerprint)
    return { mode: 'full', reason: 'the configuration (scope, attributes, transforms, groups or lifecycle) changed since the last run' };
  const verdict = source.canResume(previous.checkpoint, current);
  if (!verdict.ok) return { mode: 'full', reason: verdict.reason };
  return { mode: 'incremental', since: previous.checkpoint, reason: 'changes since the last run' };
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
  // the sink lives as long as the daemon: this run's requests are the difference
  const requestsBefore = { ...deps.sink.requestCounts };
  const waitBefore = deps.sink.rateLimitWaitMs;
  let planned: PlannedRun | undefined;
  try {
    const recovered = await recoverJournal({ state, sink: deps.sink, log, runId });
    if (recovered) report.counts.recovered = recovered;

    await source.open();
    const checkpoint = await source.checkpoint();
    const fingerprint = configFingerprint(config);
    const decision = decideMode(opts.mode, state.watermarks.get<Watermark>(source.id), checkpoint, fingerprint, source);
    report.mode = decision.mode;
    report.modeReason = decision.reason;
    state.runs.setMode(runId, decision.mode);
    if (opts.mode === 'incremental' && decision.mode === 'full') log.warn(`an incremental run was requested, but this is a full run: ${decision.reason}`);
    else log.info(`${decision.mode} run: ${decision.reason}`, { runId });

    planned = await planRun(source, state, deps.transformer, {
      since: decision.since,
      lifecycle: config.lifecycle,
      onPage: (p) => log.debug('read page', { page: p.pages, read: p.read }),
    });
    const groupsCtx = { config, source, state, spool: planned.spool, log, since: decision.since };
    const groupPlan = await planGroups(groupsCtx);
    report.directory.entriesRead = source.entriesRead;
    await source.close();
    Object.assign(report.plan, planned.counts);
    if (config.groups) report.groupsPlan = groupPlan;

    const verdict = checkSafeguards({ ...planned.totals, membershipRemovals: groupPlan.memberRemoves }, config.safeguards);
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

    const applied: ApplyResult = await applyPlan(planned.spool, {
      state,
      sink: deps.sink,
      okta: config.okta,
      lifecycle: config.lifecycle,
      runId,
      log,
      signal: deps.signal,
    });
    let groupsApplied: GroupApplyCounts = NO_GROUPS_APPLIED;
    if (!applied.interrupted) groupsApplied = await applyGroups({ ...groupsCtx, sink: deps.sink, runId, signal: deps.signal });
    Object.assign(report.counts, applied.counts);
    if (config.groups) report.groups = groupsApplied;
    report.failures = applied.failures;
    report.oktaQuarantines = applied.oktaQuarantines;

    if (!applied.interrupted) {
      planned.spool.stampSeen(runId);
      planned.spool.persistUniqueClaims();
      if (decision.mode === 'full') planned.spool.forgetUnseenUnlinked(runId);
    }
    const failed = applied.failures.length + groupsApplied.failed;
    report.outcome = applied.interrupted ? 'interrupted' : report.counts.quarantined > 0 || groupsApplied.quarantined > 0 || failed > 0 ? 'quarantined' : 'ok';
    // the next incremental run starts here only if every write of this one is durable
    if (!applied.interrupted && failed === 0) state.watermarks.set(source.id, { checkpoint, fingerprint } satisfies Watermark, runId);
    else log.warn('the watermark stays where it was: the next run reads these changes again', { runId, failed, interrupted: applied.interrupted });
  } catch (e) {
    report.outcome = 'failed';
    report.error = (e as Error).message;
    throw e;
  } finally {
    await source.close().catch(() => undefined);
    report.endedAt = now().toISOString();
    report.durationMs = now().getTime() - started.getTime();
    report.directory.entriesRead = source.entriesRead;
    report.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const rc = deps.sink.requestCounts;
    report.okta = {
      requests: rc.total - requestsBefore.total,
      writes: rc.writes - requestsBefore.writes,
      retries: rc.retries - requestsBefore.retries,
      rateLimited: rc.rateLimited - requestsBefore.rateLimited,
      rateLimitWaitMs: Math.round(deps.sink.rateLimitWaitMs - waitBefore),
    };
    state.runs.finish(
      runId,
      report.outcome === 'running' ? 'failed' : report.outcome,
      { ...report.plan, ...report.counts, ...prefixed('groups', report.groups), entriesRead: report.directory.entriesRead, ...report.okta },
      report.error,
    );
    planned?.spool.close();
    state.lock.release();
  }
  return report;
}

function prefixed(prefix: string, o: object | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (typeof v === 'number') out[`${prefix}.${k}`] = v;
  return out;
}
