/**
 * Journal recovery at the start of a run: settle the Okta writes a previous process left in flight
 * (it crashed or was killed between an Okta call and the state update, or a create's answer stayed
 * unknown). Each kind is settled by what Okta shows now, before anything is planned:
 *
 * - create: a user with the journaled login and profile is recorded as created; otherwise the
 *   entry is dropped and the next plan creates it again;
 * - lifecycle: the user's status is read; a change Okta carried out is recorded as the run would
 *   have; otherwise the plan asks for it again (and reads the status before sending it);
 * - group create: looked up by name (sync/groups/apply.ts);
 * - update, link, group profile and membership writes: idempotent, and the state does not claim
 *   them, so the plan sends them again.
 */
import type { JournalEntry } from '../../state/store';
import { GROUP_CREATE, recoverGroupCreate } from '../groups/apply';
import type { ApplyDeps } from './context';
import { reached, recordStatus, type LifecycleEntry } from './lifecycle';
import { sameProfile, type CreateEntry } from './users';

type RecoverDeps = Pick<ApplyDeps, 'state' | 'oktaClient' | 'log' | 'runId'>;

export async function recoverJournal(deps: RecoverDeps): Promise<number> {
  const { state, log } = deps;
  let resolved = 0;
  for (const j of state.journal.pending()) {
    if (j.op === 'create') await recoverCreate(j, deps);
    else if (j.op === 'lifecycle') await recoverLifecycle(j, deps);
    else if (j.op === GROUP_CREATE) await recoverGroupCreate(j, deps);
    else {
      state.journal.end(j.id);
      log.warn(`an unfinished ${j.op} will be planned again`, { anchor: j.anchor });
    }
    resolved++;
  }
  return resolved;
}

async function recoverCreate(j: JournalEntry, { state, oktaClient, log, runId }: RecoverDeps): Promise<void> {
  const p = j.payload as CreateEntry;
  const user = await oktaClient.getUser(p.login);
  state.transaction(() => {
    if (user && sameProfile(user.profile, p.profile) && !state.users.find(user.id)) {
      state.users.recordApplied({
        anchor: j.anchor,
        dn: p.dn,
        oktaId: user.id,
        login: p.login,
        loginSource: p.loginSource,
        profile: p.profile,
        oktaStatus: user.status,
        link: 'created',
        disabled: p.disabled,
        runId,
      });
      log.warn('recovered a create whose result was not recorded', { anchor: j.anchor, login: p.login, oktaId: user.id });
    } else {
      log.warn('an unfinished create did not reach Okta; it will be planned again', { anchor: j.anchor, login: p.login });
    }
    state.journal.end(j.id);
  });
}

async function recoverLifecycle(j: JournalEntry, { state, oktaClient, log }: RecoverDeps): Promise<void> {
  const p = j.payload as LifecycleEntry;
  const user = await oktaClient.getUser(p.oktaId);
  state.transaction(() => {
    if (user && reached(p.op, user.status)) {
      recordStatus(state, j.anchor, p.intent, user.status, p.dn);
      log.warn(`recovered a ${p.op} whose result was not recorded`, { anchor: j.anchor, oktaId: p.oktaId, status: user.status });
    } else {
      log.warn(`an unfinished ${p.op} did not take effect in Okta; it will be planned again`, { anchor: j.anchor, oktaId: p.oktaId });
    }
    state.journal.end(j.id);
  });
}
