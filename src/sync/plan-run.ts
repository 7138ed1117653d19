/**
 * The planning half of a run: stream the directory page by page, transform each record, plan it
 * against the state, and spool the actions; then the users the directory no longer shows (a full
 * run: every managed user not seen; an incremental run: AD deletions). Nothing is written to Okta
 * or to the state file; the spool lives in temp tables. Used by `plan` and by `sync` before it
 * applies (and before the safeguards decide whether it may).
 */
import type { LifecycleConfig } from './schema';
import type { Checkpoint, DirectorySource } from '../directory/source';
import type { SourcePage, SourceRecord } from '../directory/types';
import { normalizeLogin } from '../okta/profile';
import type { PlanSpool, StateStore, UserRow } from '../state/store';
import { planBatch, planMissing, type PlanContext } from './plan';
import type { Action, Desired, MissingAction } from './types';

/** What the transform stage gives the planner, for one record. */
export interface RecordTransformer {
  /** Load per-run data (lookup tables) before the first record; claims go to this run's spool. */
  beginRun(spool: PlanSpool): Promise<void>;
  transform(record: SourceRecord, previous: UserRow | undefined): Promise<Desired>;
}

export interface PlanProgress {
  pages: number;
  read: number;
}

export interface PlanOptions {
  /** Incremental: only what changed since this checkpoint is read. Undefined: a full run. */
  since?: Checkpoint;
  lifecycle: LifecycleConfig;
  onPage?: (p: PlanProgress) => void;
}

/** What the safeguards weigh (before any write). */
export interface PlanTotals {
  /** Users the agent manages in Okta now. */
  managed: number;
  /** Existing users to suspend or deactivate: disabled in the directory, or missing past the grace. */
  deprovisions: number;
  /** Managed users missing for the first time (they will be deprovisioned after the grace). */
  newlyMissing: number;
  updates: number;
}

export interface PlannedRun {
  spool: PlanSpool;
  /** Action counts by kind, plus `read` and `rejected`. */
  counts: Record<string, number>;
  totals: PlanTotals;
}

/** Pseudo-anchor for an entry that has no usable anchor, so it can be quarantined and listed. */
export const rejectedAnchor = (dn: string) => `dn:${dn}`;

/** The plan's view of a run: logins held by records planned earlier in it, then by the state. */
export function planContext(state: StateStore, spool: PlanSpool, lifecycle: LifecycleConfig): PlanContext {
  return {
    lifecycle,
    loginHolder(norm) {
      const inRun = spool.loginClaimedBy(norm);
      if (inRun) return inRun;
      const row = state.users.holderOfLogin(norm);
      return row ? { anchor: row.anchor, dn: row.dn } : undefined;
    },
  };
}

export async function planRun(source: DirectorySource, state: StateStore, transformer: RecordTransformer, opts: PlanOptions): Promise<PlannedRun> {
  const spool = state.spool();
  const ctx = planContext(state, spool, opts.lifecycle);
  const totals: PlanTotals = { managed: state.users.counts().linked, deprovisions: 0, newlyMissing: 0, updates: 0 };
  const tally = (a: Action) => {
    if (a.kind === 'update') totals.updates++;
    const disables = (a.kind === 'update' && a.lifecycle === 'disable') || (a.kind === 'lifecycle' && a.op === 'disable');
    if (disables && opts.lifecycle.disabled !== 'nothing') totals.deprovisions++;
    if (a.kind === 'missing') {
      if (a.deprovision) totals.deprovisions++;
      else if (a.missingRuns === 1) totals.newlyMissing++;
    }
  };

  await transformer.beginRun(spool);
  let read = 0;
  let rejected = 0;
  let pages = 0;
  const planPage = async (page: SourcePage) => {
    pages++;
    read += page.records.length;
    rejected += page.rejected.length;
    const rows = state.users.getMany(page.records.map((r) => r.anchor));
    const desired: Desired[] = await Promise.all(page.records.map((r) => transformer.transform(r, rows.get(r.anchor))));
    const actions: Action[] = planBatch(desired, rows, ctx);
    for (const rej of page.rejected) {
      actions.push({ kind: 'quarantine', anchor: rejectedAnchor(rej.dn), dn: rej.dn, step: 'directory', reason: rej.reason, oktaId: null });
    }
    actions.forEach(tally);
    const logins = actions.flatMap((a) =>
      a.kind === 'create' || a.kind === 'update' ? [{ loginNorm: normalizeLogin(a.login), anchor: a.anchor, dn: a.dn }] : [],
    );
    spool.addPage(
      actions.map((a) => ({ anchor: a.anchor, kind: a.kind, payload: a })),
      // a record skipped by a rule is out of scope: it does not count as seen
      actions.filter((a) => a.kind !== 'skip' && !a.anchor.startsWith('dn:')).map((a) => a.anchor),
      logins,
    );
    opts.onPage?.({ pages, read });
  };
  for await (const page of source.users(opts.since)) await planPage(page);
  if (opts.since) {
    // quarantined records are retried every run, even when their entry did not change
    // (the cause may be outside the directory: a lookup table, Okta, another record)
    for (const batch of spool.unseenQuarantined()) {
      for await (const page of source.usersByDn(batch.map((q) => q.dn))) {
        const fresh = page.records.filter((r) => !spool.wasSeen(r.anchor));
        await planPage({ records: fresh, rejected: [] });
      }
    }
  }

  const missing = (anchors: string[], why: MissingAction['why']) => {
    const rows = state.users.getMany(anchors);
    const actions = anchors.flatMap((a) => {
      const row = rows.get(a);
      const m = row && planMissing(row, why, ctx);
      return m ? [m] : [];
    });
    actions.forEach(tally);
    spool.addPage(
      actions.map((a) => ({ anchor: a.anchor, kind: a.kind, payload: a })),
      [],
    );
  };
  if (opts.since) {
    for await (const anchors of source.deletedUsers(opts.since)) missing(anchors, 'deleted in the directory');
  } else {
    for (const anchors of spool.unseenUsers()) missing(anchors, 'not seen by a full run');
  }
  return { spool, counts: { read, rejected, ...spool.counts() }, totals };
}
