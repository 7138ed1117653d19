/**
 * The applying half of a run: executes the spooled plan against Okta, in plan order, with bounded
 * concurrency. Every Okta write is journaled before it is sent (the state's journal: the entry is
 * committed first and removed in the same transaction that records the result), so the state never
 * claims a write that did not happen and a crash in between is settled on the next start
 * (recover.ts).
 *
 * - create / link / update / drift (repaired): users.ts;
 * - lifecycle (suspend, deactivate, unsuspend, activate) and missing users: lifecycle.ts;
 * - quarantine / unchanged / skip, drift only reported: state only (or nothing), no Okta call.
 */
import type { PlanSpool } from '../../state/store';
import { needsNothing, type Action, type QuarantineAction } from '../plan/types';
import { startApplyRun, type ApplyDeps, type ApplyResult, type ApplyRun } from './context';
import { applyLifecycleAction, applyMissing } from './lifecycle';
import { applyCreate, applyLink, applyUpdate } from './users';

export async function applyPlan(spool: PlanSpool, deps: ApplyDeps): Promise<ApplyResult> {
  const run = startApplyRun(deps);
  const { state, result } = run;

  // state-only actions first, in batches (no Okta call)
  let batch: Action[] = [];
  const flush = () => {
    state.transaction(() => {
      for (const a of batch) {
        if (a.kind === 'quarantine') recordQuarantine(a, run);
        else if (a.kind === 'unchanged' || a.kind === 'drift') recordUnchanged(a, run);
        else if (a.kind === 'missing') {
          state.users.recordMissing(a.anchor, a.missingRuns);
          result.counts.missing++;
        }
      }
    });
    batch = [];
  };
  for (const a of spool.actions<Action>(['quarantine', 'unchanged', 'drift', 'missing'], { quiet: false })) {
    if (a.kind === 'quarantine') result.counts.quarantined++;
    if (a.payload.kind === 'drift' && a.payload.repair) continue; // an Okta write, below
    if (needsNothing(a.payload)) continue;
    if (a.payload.kind === 'missing' && a.payload.deprovision) continue; // an Okta write, below
    batch.push(a.payload);
    if (batch.length >= 1000) flush();
  }
  if (batch.length) flush();

  // Okta writes, a bounded number at a time (the governor paces them further)
  const isWrite = (a: Action) => (a.kind !== 'missing' || a.deprovision) && (a.kind !== 'drift' || a.repair === true);
  const writes = spool.actions<Action>(['create', 'link', 'update', 'drift', 'lifecycle', 'missing']);
  let done = 0;
  let fatal: { error: unknown } | undefined;
  const worker = async () => {
    // a failure that makes the run pointless (bad token, Okta gone) stops every worker
    while (!deps.signal?.aborted && !fatal) {
      const next = writes.next();
      if (next.done) return;
      const a = next.value.payload;
      if (!isWrite(a)) continue;
      try {
        if (a.kind === 'create') await applyCreate(a, run);
        else if (a.kind === 'link') await applyLink(a, run);
        else if (a.kind === 'update' || a.kind === 'drift') await applyUpdate(a, run);
        else if (a.kind === 'lifecycle') await applyLifecycleAction(a, run);
        else if (a.kind === 'missing') await applyMissing(a, run);
      } catch (e) {
        fatal ??= { error: e };
        return;
      }
      deps.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: deps.okta.concurrency }, worker));
  if (fatal) throw fatal.error;
  if (deps.signal?.aborted) {
    result.interrupted = true;
    for (let n = writes.next(); !n.done; n = writes.next()) if (isWrite(n.value.payload)) result.counts.notStarted++;
  }
  return result;
}

function recordQuarantine(a: QuarantineAction, run: ApplyRun): void {
  run.state.users.recordQuarantine(a.anchor, a.dn, a.step, a.reason, run.runId);
}

/** Nothing to send (unchanged, or drift only reported): the DN and quarantine bookkeeping. */
function recordUnchanged(a: { anchor: string; dn: string; previousDn: string | null }, run: ApplyRun): void {
  if (a.previousDn) run.result.counts.renamed++;
  run.state.users.recordSeen(a.anchor, a.dn, run.runId);
}
