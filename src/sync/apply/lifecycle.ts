/**
 * Status changes in Okta: a user disabled or enabled again in the directory, or missing from it
 * past the grace. The user's status comes from the agent's mirror of Okta (read by GET only when
 * the mirror does not have the user), the policy picks the operation (the pure chooseOp), the call
 * is journaled before it is sent, and the status Okta confirmed is recorded (state and mirror). A
 * status the mirror had wrong (changed in Okta since its refresh) shows as Okta refusing the call:
 * the status is then read and the operation chosen again, once.
 *
 * A lifecycle call whose answer was lost (timeout, connection reset, 5xx) may or may not have been
 * carried out: the user's status says which, as a lost create is settled by looking the login up.
 */
import type { LifecycleOp, OktaClient } from '../../okta/client';
import { classifyOktaFailure } from '../../okta/errors';
import type { StateStore } from '../../state/store';
import { chooseOp, statusAfter } from '../plan/lifecycle';
import type { LifecycleAction, LifecycleIntent, MissingAction } from '../plan/types';
import { quarantineFromOkta, settleFailure, type ApplyCounts, type ApplyRun, type Subject } from './context';

const COUNTED: Record<LifecycleOp, keyof ApplyCounts> = { suspend: 'suspended', deactivate: 'deactivated', unsuspend: 'unsuspended', activate: 'activated' };

/** Why the status changes: the directory disabled or enabled the user, or it is missing. */
export type StatusIntent = LifecycleIntent | 'missing';

/** What a lifecycle call's journal entry holds: enough for the next start to read the status and record it. */
export interface LifecycleEntry {
  oktaId: string;
  op: LifecycleOp;
  intent: StatusIntent;
  /** The record's DN to record with the status (none for a missing user). */
  dn: string | null;
}

export async function applyLifecycleAction(a: LifecycleAction, run: ApplyRun): Promise<void> {
  if (await changeStatus(a, a.oktaId, a.op, run)) {
    if (a.previousDn) run.result.counts.renamed++;
  }
}

export async function applyMissing(a: MissingAction, run: ApplyRun): Promise<void> {
  run.state.users.recordMissing(a.anchor, a.missingRuns);
  run.result.counts.missing++;
  await changeStatus(a, a.oktaId, 'missing', run);
}

/**
 * Carry out a status change: read the user's current Okta status, pick the operation the policy
 * calls for, send it (journaled), and record the result. Returns false when it could not be done
 * (the record is then quarantined or counted as failed).
 */
export async function changeStatus(a: Subject, oktaId: string, intent: StatusIntent, run: ApplyRun): Promise<boolean> {
  const { oktaClient, state, runId } = run;
  const policy = intent === 'missing' ? run.lifecycle.missing : run.lifecycle.disabled;
  const dn = a.kind === 'missing' ? null : a.dn;
  const gone = () => {
    run.mirror.removeUser(oktaId);
    quarantineFromOkta(run, a, `Okta user ${oktaId} no longer exists (deleted in Okta?)`);
    return false;
  };
  /** The status Okta has now (recorded in the mirror); null: the user is gone. */
  const read = async () => {
    const user = await oktaClient.getUser(oktaId);
    if (user) run.mirror.putUsers([user]);
    return user?.status ?? null;
  };
  try {
    const mirrored = run.mirror.user(oktaId)?.status;
    let before = mirrored ?? (await read());
    if (before === null) return gone();
    let op = chooseOp(before, intent === 'enable' ? 'enable' : 'disable', policy);
    const send = async (o: LifecycleOp, from: string) => {
      const entry: LifecycleEntry = { oktaId, op: o, intent, dn };
      return state.journal.around(
        { runId, anchor: a.anchor, op: 'lifecycle', payload: entry },
        () => sendLifecycle(oktaClient, oktaId, o, from),
        (after) => {
          recordStatus(state, a.anchor, intent, after, dn);
          run.mirror.setStatus(oktaId, after);
        },
      );
    };
    let status: string | undefined;
    if (op) {
      try {
        status = await send(op, before);
      } catch (e) {
        // the mirror's status may be stale: Okta's refusal is settled by reading it and deciding again
        if (mirrored === undefined || classifyOktaFailure(e).kind !== 'refused') throw e;
        before = await read();
        if (before === null) return gone();
        op = chooseOp(before, intent === 'enable' ? 'enable' : 'disable', policy);
        if (op) status = await send(op, before);
      }
    }
    if (!op) {
      recordStatus(state, a.anchor, intent, before, dn);
      return true;
    }
    run.result.counts[COUNTED[op]]++;
    run.log.info(`${op} ${a.dn}`, {
      anchor: a.anchor,
      oktaId,
      because: intent === 'missing' ? 'missing from the directory' : `${intent}d in the directory`,
      status,
    });
    return true;
  } catch (e) {
    settleFailure(run, a, e);
    return false;
  }
}

/**
 * Send one lifecycle call; returns the user's status after it. When the outcome is unknown the
 * status is read: reached, the call worked; not reached, it is sent again (twice at most). A
 * refusal after an unknown outcome ("not allowed in the user's current status") is settled the
 * same way: the call whose answer was lost did it.
 */
async function sendLifecycle(oktaClient: OktaClient, oktaId: string, op: LifecycleOp, before: string): Promise<string> {
  let unknown = false;
  for (let attempt = 0; ; attempt++) {
    try {
      await oktaClient.lifecycle(oktaId, op);
      return statusAfter(op, before) ?? (await oktaClient.getUser(oktaId))?.status ?? before;
    } catch (e) {
      const failure = classifyOktaFailure(e);
      if (failure.kind === 'refused' && !unknown) throw e;
      const user = await oktaClient.getUser(oktaId);
      if (user && reached(op, user.status)) return user.status;
      if (failure.kind === 'refused' || attempt >= 2) throw e;
      unknown = true;
    }
  }
}

/** Whether a user in `status` shows that `op` was carried out. */
export function reached(op: LifecycleOp, status: string): boolean {
  const target = statusAfter(op, status);
  // activate: ACTIVE, or PROVISIONED for a user without credentials
  return target ? status === target : status === 'ACTIVE' || status === 'PROVISIONED';
}

/** Record the status Okta confirmed, and why the agent holds the user there (if it does). */
export function recordStatus(state: StateStore, anchor: string, intent: StatusIntent, status: string, dn: string | null): void {
  const held = status === 'SUSPENDED' || status === 'DEPROVISIONED';
  state.users.recordStatus(anchor, {
    oktaStatus: status,
    lifecycleReason: intent === 'enable' ? null : held ? (intent === 'missing' ? 'missing' : 'disabled') : null,
    disabled: intent === 'missing' ? (state.users.get(anchor)?.disabled ?? false) : intent === 'disable',
    dn: dn ?? undefined,
  });
}
