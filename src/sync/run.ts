/**
 * One sync run end to end: lock → recover unfinished writes → read and plan (spool) → apply →
 * record the run. The run row, the users table and (later) watermarks change only as Okta confirms
 * writes; a run that fails before applying leaves the users table as it was and records why.
 */
import type { Config } from '../config/schema';
import type { DirectorySource } from '../directory/source';
import type { OktaSink } from '../okta/client';
import type { StateStore } from '../state/store';
import type { Logger } from '../util/log';
import { applyPlan, recoverJournal, type ApplyResult } from './apply';
import { planRun, type RecordTransformer } from './plan-run';
import { emptyReport, type RunReport } from './report';

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

export async function syncRun(deps: SyncDeps): Promise<RunReport> {
  const { state, source, log } = deps;
  const now = deps.now ?? (() => new Date());
  const lock = state.lock.acquire();
  if (!lock.ok) throw new RunLockedError(lock.holder);
  const interrupted = state.runs.markInterrupted();
  if (interrupted) log.warn(`${interrupted} earlier run(s) did not finish (the agent stopped during them)`);
  const runId = state.runs.begin('sync', 'full', deps.trigger);
  state.lock.setRun(runId);
  const started = now();
  const report = emptyReport(runId, 'full', started);
  let planned: Awaited<ReturnType<typeof planRun>> | undefined;
  try {
    const recovered = await recoverJournal({ state, sink: deps.sink, log, runId });
    if (recovered) report.counts.recovered = recovered;

    await source.open();
    planned = await planRun(source, state, deps.transformer, (p) => log.debug('read page', { page: p.pages, read: p.read }));
    Object.assign(report.plan, planned.counts);
    report.directory.entriesRead = source.entriesRead;
    await source.close();

    const applied: ApplyResult = await applyPlan(planned.spool, {
      state,
      sink: deps.sink,
      okta: deps.config.okta,
      runId,
      log,
      signal: deps.signal,
    });
    if (!applied.interrupted) {
      planned.spool.stampSeen(runId);
      planned.spool.persistUniqueClaims();
    }
    Object.assign(report.counts, applied.counts);
    report.failures = applied.failures;
    report.oktaQuarantines = applied.oktaQuarantines;
    report.outcome = applied.interrupted ? 'interrupted' : report.counts.quarantined > 0 || applied.failures.length > 0 ? 'quarantined' : 'ok';
  } catch (e) {
    report.outcome = 'failed';
    report.error = (e as Error).message;
    throw e;
  } finally {
    await source.close().catch(() => undefined);
    report.endedAt = now().toISOString();
    report.durationMs = now().getTime() - started.getTime();
    report.okta = {
      requests: deps.sink.requestCounts.total,
      writes: deps.sink.requestCounts.writes,
      retries: deps.sink.requestCounts.retries,
      rateLimited: deps.sink.requestCounts.rateLimited,
      rateLimitWaitMs: Math.round(deps.sink.rateLimitWaitMs),
    };
    state.runs.finish(runId, report.outcome === 'running' ? 'failed' : report.outcome, { ...report.plan, ...report.counts, ...report.okta }, report.error);
    planned?.spool.close();
    state.lock.release();
  }
  return report;
}
