/**
 * The plan phase of a run: where the directory stands and the mode decision (incremental from the
 * stored watermark, or full; `startPhase`) → refresh the agent's mirror of Okta (`refreshIfDue`: a
 * full run always; an incremental run when the last refresh is okta.mirror.refreshSeconds old) →
 * plan the users (stream the directory page by page through the record path into the plan spool,
 * then the users the directory no longer shows) → plan the groups → the safeguards' verdict
 * (`planFrom`). Nothing is written to Okta; the spool lives in temp tables, and the refresh writes
 * only the mirror (a read-only state's TEMP copy for `plan`). It returns the plan as a value: `sync`
 * applies it (run.ts), `plan` and `demo` print it. `sync` stops after `startPhase` when the
 * directory did not move (an idle poll).
 */
import { samePosition } from '../directory/checkpoint';
import { noReads, type Checkpoint, type DirectoryReads, type DirectorySource, type GoneUser } from '../directory/source';
import type { SourcePage } from '../directory/types';
import type { OktaConfig } from '../okta/schema';
import type { UserSchema } from '../okta/user-schema';
import type { PlanSpool, StateStore } from '../state/store';
import type { Pipeline } from '../transform';
import type { Logger } from '../util/log';
import { changedParts, configFingerprint, configFingerprintParts } from './fingerprint';
import { planGroups, type GroupPlan } from './groups';
import { planMissing } from './plan/plan';
import type { RunConfig } from './schema';
import { checkSafeguards, countAction, type PlanTotals, type SafeguardVerdict } from './plan/safeguards';
import { forecastCountsOf, type ForecastCounts } from './plan/forecast';
import type { Action, MissingAction } from './plan/types';
import { refreshDue, refreshFor, type MirrorReader, type RefreshResult } from './mirror/refresh';
import { actionsOf, RecordPath } from './record';
import { userSchemaForRun } from './user-schema';

/** What is stored per source after a run whose writes are all durable. */
export interface Watermark {
  checkpoint: Checkpoint;
  /** configFingerprint() of the run that stored it. */
  fingerprint: string;
  /** configFingerprintParts() of that run (absent in watermarks of earlier agents). */
  parts?: Record<string, string>;
}

export type RequestedMode = 'auto' | 'full' | 'incremental';

export interface ModeDecision {
  mode: 'full' | 'incremental';
  since?: Checkpoint;
  reason: string;
  /** Incremental, and the directory's change position did not move since the watermark: nothing to read. */
  unchanged?: true;
}

/**
 * How often a run retries what an earlier run left (quarantined records, unconfirmed group writes,
 * a full run that failed): a seconds-level schedule does not repeat a failing run every second.
 */
export const RETRY_EVERY_MS = 60_000;

/** Full or incremental, and why (logged with the run). Pure. `unfinishedFull`: the last full run failed (a full run is owed). */
export function decideMode(
  requested: RequestedMode | undefined,
  previous: Watermark | undefined,
  current: Checkpoint,
  fingerprint: string,
  source: Pick<DirectorySource, 'canResume'>,
  parts?: Record<string, string>,
  unfinishedFull?: { runId: number; outcome: string },
): ModeDecision {
  if (requested === 'full') return { mode: 'full', reason: 'a full run was requested' };
  if (!previous?.checkpoint) return { mode: 'full', reason: 'no watermark yet (first run, or the source or its scope changed)' };
  if (previous.fingerprint !== fingerprint) {
    const which = previous.parts && parts ? changedParts(previous.parts, parts).join(', ') : 'which keys: not recorded by the last run';
    return {
      mode: 'full',
      reason: `the configuration changed since the last run (${which}): records may need new values even where the directory did not change`,
    };
  }
  const verdict = source.canResume(previous.checkpoint, current);
  if (!verdict.ok) return { mode: 'full', reason: verdict.reason };
  if (unfinishedFull && requested !== 'incremental') {
    const what = unfinishedFull.outcome === 'interrupted' ? 'was interrupted' : 'failed';
    return {
      mode: 'full',
      reason: `the last full run (run ${unfinishedFull.runId}) ${what}: it is repeated (users gone from the directory are found by full runs)`,
    };
  }
  if (samePosition(previous.checkpoint, current))
    return { mode: 'incremental', since: previous.checkpoint, reason: 'no change since the last run', unchanged: true };
  return { mode: 'incremental', since: previous.checkpoint, reason: 'changes since the last run' };
}

export interface PlanPhaseDeps {
  config: RunConfig;
  source: DirectorySource;
  state: StateStore;
  pipeline: Pipeline;
  /** Okta reads: the mirror's refresh and the org's user schema. */
  okta: MirrorReader;
  /** The org's user schema, when the caller read it already (else the phase reads it first). */
  schema?: UserSchema;
  log: Logger;
  now?: () => Date;
}

export interface PlanProgress {
  pages: number;
  read: number;
}

export interface PlanPhaseOptions {
  /** auto (default): incremental when the stored watermark allows it, else full. */
  mode?: RequestedMode;
  /** This run's count of directory reads (the caller's value, so that it outlives a failure). */
  reads?: DirectoryReads;
  /** Told the mode decision before anything is read. */
  onDecision?: (d: ModeDecision) => void;
  onPage?: (p: PlanProgress) => void;
  /**
   * Refresh the mirror of Okta: when due (default: a full run always, an incremental run when the
   * last refresh is okta.mirror.refreshSeconds old), always, or never (decide from it as it is).
   */
  refresh?: 'due' | 'always' | 'never';
  /** Read every Okta user and group again (`--rebuild-mirror`). */
  rebuildMirror?: boolean;
}

/**
 * A planned run: what `sync` applies and `plan` prints. The spools (the users' `spool`, the groups'
 * `groups.spool`) belong to the caller, who closes them.
 */
export interface PlannedRun {
  decision: ModeDecision;
  /** The source's checkpoint before reading: the next watermark, once every write is durable. */
  checkpoint: Checkpoint;
  fingerprint: string;
  /** The fingerprint key by key, stored with the watermark. */
  fingerprintParts: Record<string, string>;
  /** The run's plan spool (temp tables): the users' actions. */
  spool: PlanSpool;
  /** Users: action counts by kind, plus `read`, `rejected` and `statusChanges` (Okta status changes planned). */
  counts: Record<string, number>;
  totals: PlanTotals;
  /** The groups' plan: its summary, and its own spool (temp tables). */
  groups: GroupPlan;
  verdict: SafeguardVerdict;
  /** What the phase read from the directory (users and groups). */
  reads: DirectoryReads;
  /** The refresh of the Okta mirror this run made; null when it decided from the mirror as it was. */
  mirror: RefreshResult | null;
}

/** Where the directory stands at the start of a run, and what the run does about it. */
export interface RunStart {
  /** The source's checkpoint before reading: the next watermark, once every write is durable. */
  checkpoint: Checkpoint;
  fingerprint: string;
  /** The fingerprint key by key, stored with the watermark. */
  fingerprintParts: Record<string, string>;
  decision: ModeDecision;
  reads: DirectoryReads;
}

/** Open the source (its run's reads counted in `opts.reads`), read its change position, decide the mode. */
export async function startPhase(deps: Pick<PlanPhaseDeps, 'config' | 'source' | 'state'>, opts: PlanPhaseOptions = {}): Promise<RunStart> {
  const { config, source, state } = deps;
  const reads = opts.reads ?? noReads();
  await source.open(reads);
  const checkpoint = await source.checkpoint();
  const fingerprint = configFingerprint(config);
  const fingerprintParts = configFingerprintParts(config);
  const owed = state.runs.unfinishedFull(RETRY_EVERY_MS);
  const decision = decideMode(opts.mode, state.watermarks.get<Watermark>(source.id), checkpoint, fingerprint, source, fingerprintParts, owed);
  opts.onDecision?.(decision);
  return { checkpoint, fingerprint, fingerprintParts, decision, reads };
}

export async function planPhase(deps: PlanPhaseDeps, opts: PlanPhaseOptions = {}): Promise<PlannedRun> {
  const start = await startPhase(deps, opts);
  return planFrom(deps, start, await refreshIfDue(deps, start.decision, opts), opts);
}

/**
 * Refresh the mirror when the run calls for it: the refresh is also what proves the API token (a
 * revoked one fails here, before anything is planned or written), and it reads and checks the
 * org's user schema (a configuration mapping an attribute the org lacks stops here).
 */
export async function refreshIfDue(
  deps: Pick<PlanPhaseDeps, 'config' | 'state' | 'pipeline' | 'okta' | 'log' | 'now'>,
  decision: Pick<ModeDecision, 'mode'>,
  opts: Pick<PlanPhaseOptions, 'refresh' | 'rebuildMirror'>,
): Promise<RefreshResult | null> {
  const { config, state } = deps;
  const now = deps.now ?? (() => new Date());
  const when = opts.refresh ?? 'due';
  if (when === 'never' || (when === 'due' && !opts.rebuildMirror && !refreshDue(state.mirror, decision.mode, config.okta.mirror, now()))) return null;
  return refreshFor({ ...deps, now }, { rebuild: opts.rebuildMirror, mode: decision.mode });
}

/**
 * The rest of the plan phase, from where the directory stands and what the mirror's refresh (if
 * any) read: users, groups, the safeguards' verdict.
 */
export async function planFrom(
  deps: PlanPhaseDeps,
  start: RunStart,
  mirror: RefreshResult | null,
  opts: Pick<PlanPhaseOptions, 'onPage'> = {},
): Promise<PlannedRun> {
  const { config, source, state, log } = deps;
  const { decision, checkpoint, fingerprint, fingerprintParts, reads } = start;
  // before anything is planned: a configuration mapping an attribute the org lacks stops here
  const schema = deps.schema ?? (await userSchemaForRun({ oktaClient: deps.okta, state, log, pipeline: deps.pipeline, okta: config.okta }, mirror?.schema));
  const spool = state.spool();
  let groups: GroupPlan | undefined;
  try {
    const users = await planUsers(deps, schema, spool, { since: decision.since, until: checkpoint, changedInOkta: mirror?.users.changed ?? [] }, opts.onPage);
    groups = await planGroups({ config, source, state, spool, log, since: decision.since, oktaMembersRead: mirror?.groups?.membersRead });
    const verdict = checkSafeguards({ ...users.totals, membershipRemovals: groups.summary.memberRemoves }, config.safeguards);
    return { decision, checkpoint, fingerprint, fingerprintParts, spool, ...users, groups, verdict, reads, mirror };
  } catch (e) {
    groups?.spool?.close();
    spool.close();
    throw e;
  }
}

/**
 * The users: every record the directory shows (all of them, or those changed since `since`, plus
 * the quarantined ones and the managed users Okta changed since the mirror knew them), then the managed users it no longer shows (a full run: every managed user
 * not seen; an incremental run: the users the directory reports gone between `since` and `until`,
 * unless this run saw them, e.g. moved out of scope and back).
 */
async function planUsers(
  deps: PlanPhaseDeps,
  schema: UserSchema,
  spool: PlanSpool,
  scope: { since: Checkpoint | undefined; until: Checkpoint; changedInOkta: readonly string[] },
  onPage: PlanPhaseOptions['onPage'],
): Promise<{ counts: Record<string, number>; totals: PlanTotals }> {
  const { since, until } = scope;
  const { config, source, state, log } = deps;
  const lifecycle = config.lifecycle;
  const totals: PlanTotals = { managed: state.users.counts().linked, deprovisions: 0, newlyMissing: 0, updates: 0 };
  const path = await RecordPath.begin({ pipeline: deps.pipeline, state, spool, okta: { mirror: state.mirror, config: config.okta }, lifecycle, schema });
  let read = 0;
  let rejected = 0;
  let pages = 0;
  let statusChanges = 0;
  const count = (a: Action) => {
    countAction(totals, a, lifecycle);
    if (changesStatus(a)) statusChanges++;
  };
  const planPage = async (page: SourcePage) => {
    pages++;
    read += page.records.length;
    rejected += page.rejected.length;
    const actions = actionsOf(await path.planPage(page));
    for (const a of actions) count(a);
    path.keep(actions, 'actions');
    onPage?.({ pages, read });
  };
  for await (const page of source.users(since)) await planPage(page);
  if (since) {
    // quarantined records are retried every run, even when their entry did not change
    // (the cause may be outside the directory: a lookup table, Okta, another record)
    for (const batch of spool.unseenQuarantined()) {
      for await (const page of source.usersByDn(batch.map((q) => q.dn))) {
        const fresh = page.records.filter((r) => !spool.wasSeen(r.anchor));
        await planPage({ records: fresh, rejected: [] });
      }
    }
    // managed users someone changed in Okta since the mirror knew them (this run's refresh read
    // them): planned again, so that drift is found without waiting for a full run
    if (config.okta.drift !== 'ignore') {
      const dns = scope.changedInOkta.flatMap((id) => {
        const row = state.users.byOktaId(id);
        return row && !spool.wasSeen(row.anchor) ? [row.dn] : [];
      });
      for (let i = 0; i < dns.length; i += 500) {
        for await (const page of source.usersByDn(dns.slice(i, i + 500))) {
          await planPage({ records: page.records.filter((r) => !spool.wasSeen(r.anchor)), rejected: [] });
        }
      }
    }
  }

  const WHY: Record<GoneUser['why'], MissingAction['why']> = { deleted: 'deleted in the directory', 'moved out of scope': 'moved out of scope' };
  const missing = (anchors: string[], why: MissingAction['why']) => {
    const rows = state.users.getMany(anchors);
    const actions = anchors.flatMap((a) => {
      const row = rows.get(a);
      const m = row && planMissing(row, why, { lifecycle });
      return m ? [m] : [];
    });
    for (const a of actions) count(a);
    spool.addPage(
      actions.map((a) => ({ anchor: a.anchor, kind: a.kind, payload: a })),
      [],
    );
  };
  if (since) {
    const tracking = await source.tracksDeletions(since);
    if (!tracking.ok) log.info(`this incremental run cannot see deletions (${tracking.reason}): full runs find users gone from the directory`);
    for await (const page of source.goneUsers(since, until)) {
      const gone = page.filter((g) => !spool.wasSeen(g.anchor));
      spool.markDeleted(gone.map((g) => g.anchor));
      for (const why of ['deleted', 'moved out of scope'] as const) {
        const anchors = gone.filter((g) => g.why === why).map((g) => g.anchor);
        if (anchors.length) missing(anchors, WHY[why]);
      }
    }
  } else {
    for (const anchors of spool.unseenUsers()) missing(anchors, 'not seen by a full run');
  }
  return { counts: { read, rejected, ...spool.counts(), statusChanges }, totals };
}

/** Whether applying the action changes (or may change) the user's Okta status. */
export function changesStatus(a: Action): boolean {
  return (
    a.kind === 'lifecycle' ||
    (a.kind === 'update' && a.lifecycle !== null) ||
    (a.kind === 'missing' && a.deprovision) ||
    ((a.kind === 'create' || a.kind === 'link') && a.disabled)
  );
}

/** What the forecast counts of a planned run (sync/plan/forecast.ts). */
export function forecastCounts(p: Pick<PlannedRun, 'counts' | 'groups'>, drift: OktaConfig['drift']): ForecastCounts {
  return forecastCountsOf({ ...p.counts, ...groupForecastCounts(p.groups) }, drift);
}

/** A group plan's counts as the forecast counts them: a user created this run joins its groups with its create. */
export function groupForecastCounts(
  groups: Pick<GroupPlan, 'summary' | 'spool'>,
): Record<'groupCreates' | 'groupRenames' | 'memberAdds' | 'memberRemoves', number> {
  const g = groups.summary;
  return { groupCreates: g.creates, groupRenames: g.updates, memberAdds: g.memberAdds - (groups.spool?.addsOnCreate() ?? 0), memberRemoves: g.memberRemoves };
}
