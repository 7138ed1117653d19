/**
 * The planning half of a run: stream the directory page by page, transform each record, plan it
 * against the state, and spool the actions. Nothing is written to Okta or to the state file; the
 * spool lives in temp tables. Used by `plan` (and dry runs) and by `sync` before it applies.
 */
import type { DirectorySource } from '../directory/source';
import type { SourceRecord } from '../directory/types';
import { normalizeLogin } from '../okta/profile';
import type { PlanSpool, StateStore, UserRow } from '../state/store';
import { planBatch, type PlanContext } from './plan';
import type { Action, Desired } from './types';

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

export interface PlannedRun {
  spool: PlanSpool;
  /** Action counts by kind, plus `read` and `rejected`. */
  counts: Record<string, number>;
}

/** Pseudo-anchor for an entry that has no usable anchor, so it can be quarantined and listed. */
export const rejectedAnchor = (dn: string) => `dn:${dn}`;

export async function planRun(
  source: DirectorySource,
  state: StateStore,
  transformer: RecordTransformer,
  onPage?: (p: PlanProgress) => void,
): Promise<PlannedRun> {
  const spool = state.spool();
  const ctx: PlanContext = {
    loginHolder(norm) {
      const inRun = spool.loginClaimedBy(norm);
      if (inRun) return inRun;
      const row = state.users.holderOfLogin(norm);
      return row ? { anchor: row.anchor, dn: row.dn } : undefined;
    },
  };
  await transformer.beginRun(spool);
  let read = 0;
  let rejected = 0;
  let pages = 0;
  for await (const page of source.users()) {
    pages++;
    read += page.records.length;
    rejected += page.rejected.length;
    const rows = state.users.getMany(page.records.map((r) => r.anchor));
    const desired: Desired[] = await Promise.all(page.records.map((r) => transformer.transform(r, rows.get(r.anchor))));
    const actions: Action[] = planBatch(desired, rows, ctx);
    for (const rej of page.rejected) {
      actions.push({ kind: 'quarantine', anchor: rejectedAnchor(rej.dn), dn: rej.dn, step: 'directory', reason: rej.reason, oktaId: null });
    }
    const logins = actions.flatMap((a) =>
      a.kind === 'create' || a.kind === 'update' ? [{ loginNorm: normalizeLogin(a.login), anchor: a.anchor, dn: a.dn }] : [],
    );
    spool.addPage(
      actions.map((a) => ({ anchor: a.anchor, kind: a.kind, payload: a })),
      // a skipped record is out of scope: it does not count as seen
      actions.filter((a) => a.kind !== 'skip' && !a.anchor.startsWith('dn:')).map((a) => a.anchor),
      logins,
    );
    onPage?.({ pages, read });
  }
  return { spool, counts: { read, rejected, ...spool.counts() } };
}
