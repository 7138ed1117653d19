/**
 * Creates, first-contact links and updates of users, each journaled before it is sent.
 *
 * - create: profile only. A login Okta already has is linked (`okta.match: login`) or quarantined
 *   with Okta's error; a create whose response was lost is resolved by looking the login up before
 *   trying again, so there is never a duplicate.
 * - link: a pre-existing Okta user found by the match rules becomes this record's user; what
 *   differs is updated.
 * - update: a partial update with only the changed attributes.
 */
import type { OktaConfig } from '../../okta/schema';
import type { OktaClient, OktaUser } from '../../okta/client';
import { classifyOktaFailure, describeOktaError, OktaError } from '../../okta/errors';
import { findMatch, type MatchDecision } from '../../okta/matching';
import { normalizeLogin, profileValuesEqual, type Profile } from '../../okta/profile';
import { diffProfiles } from '../plan/plan';
import type { CreateAction, UpdateAction } from '../plan/types';
import { quarantineFromOkta, settleFailure, type ApplyRun } from './context';
import { changeStatus } from './lifecycle';

/** What a create's journal entry holds: enough for the next start to find the user by login. */
export interface CreateEntry {
  login: string;
  profile: Profile;
  dn: string;
  loginSource: string | null;
  disabled: boolean;
}

const LOGIN_TAKEN = /login: An object with this field already exists/i;

function isLoginTaken(e: OktaError): boolean {
  return e.status === 400 && e.errorCode === 'E0000001' && (LOGIN_TAKEN.test(e.errorSummary) || e.errorCauses.some((c) => LOGIN_TAKEN.test(c)));
}

/** An ambiguous create stays journaled: the next start looks the login up before anything else. */
const outcomeUnknown = (e: unknown) => e instanceof OktaError && e.ambiguous;

export async function applyCreate(a: CreateAction, run: ApplyRun): Promise<void> {
  const { oktaClient, okta, state, runId } = run;
  // rules other than login need a look at Okta before the create (a login conflict shows itself on create)
  if (okta.match.some((r) => r.by !== 'login')) {
    let decision: MatchDecision;
    try {
      decision = await findMatch(oktaClient, okta.match, a.profile);
    } catch (e) {
      return settleFailure(run, a, e);
    }
    if (decision.kind === 'ambiguous') {
      const list = decision.candidates.map((c) => `${c.id} (${c.login}) by ${c.rules.join(' and ')}`).join('; ');
      return quarantineFromOkta(run, a, `ambiguous match in Okta, not guessed: ${list}`);
    }
    if (decision.kind === 'one') return linkExisting(a, decision.user, `matched by ${decision.rules.join(' and ')}`, run);
  }
  const entry: CreateEntry = { login: a.login, profile: a.profile, dn: a.dn, loginSource: a.loginSource, disabled: a.disabled };
  try {
    await state.journal.around(
      { runId, anchor: a.anchor, op: 'create', payload: entry },
      () => createOnce(oktaClient, a.profile, okta),
      (user) => {
        state.users.recordApplied({ ...appliedOf(a, user, runId), link: 'created' });
        run.result.counts.created++;
      },
      outcomeUnknown,
    );
  } catch (e) {
    return handleCreateError(e, a, run);
  }
  if (a.disabled) {
    const row = state.users.get(a.anchor);
    if (row?.oktaId) await changeStatus(a, row.oktaId, 'disable', run);
  }
}

/** Okta refused the create: a login it already has is linked (match: login) or quarantined; otherwise the one tail. */
async function handleCreateError(e: unknown, a: CreateAction, run: ApplyRun): Promise<void> {
  if (!(e instanceof OktaError) || !isLoginTaken(e)) return settleFailure(run, a, e);
  if (!run.okta.match.some((r) => r.by === 'login')) {
    return quarantineFromOkta(run, a, `login "${a.login}" already exists in Okta and no okta.match rule covers login: ${describeOktaError(e)}`);
  }
  let user: OktaUser | null;
  try {
    user = await run.oktaClient.getUser(a.login);
  } catch (e2) {
    return settleFailure(run, a, e2);
  }
  if (!user) return quarantineFromOkta(run, a, `Okta reported login "${a.login}" as taken but has no such user`);
  return linkExisting(a, user, 'matched by login', run);
}

/**
 * Create, and if the answer was lost (timeout, connection reset, 5xx) look the login up: a user
 * with exactly our profile is the one we just created; otherwise try again (twice at most).
 */
async function createOnce(oktaClient: OktaClient, profile: Profile, okta: OktaConfig): Promise<OktaUser> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await oktaClient.createUser(profile, { activate: okta.activate, provider: okta.provider });
    } catch (e) {
      if (classifyOktaFailure(e).kind !== 'ambiguous') throw e;
      const found = await oktaClient.getUser(String(profile.login));
      if (found) {
        if (sameProfile(found.profile, profile)) return found;
        // someone else's user holds the login: report it the way Okta would have
        throw new OktaError(400, 'E0000001', 'Api validation failed: login', ['login: An object with this field already exists in the current organization']);
      }
      if (attempt >= 2) throw e;
    }
  }
}

/** Okta's profile has every attribute of ours with the same value (attributes we do not manage are ignored). */
export function sameProfile(okta: Profile, ours: Profile): boolean {
  return Object.entries(ours).every(([k, v]) => profileValuesEqual(okta[k] ?? null, v));
}

/** Link a pre-existing Okta user to this record (first contact), then update what differs. */
async function linkExisting(a: CreateAction, user: OktaUser, how: string, run: ApplyRun): Promise<void> {
  const { oktaClient, state, runId } = run;
  const theirLogin = String(user.profile.login ?? '');
  const claimedBy = run.linked.get(user.id);
  if (claimedBy && claimedBy.anchor !== a.anchor) {
    return quarantineFromOkta(run, a, `Okta user ${user.id} (login "${theirLogin}", ${how}) is already linked to ${claimedBy.dn}`);
  }
  run.linked.set(user.id, { anchor: a.anchor, dn: a.dn });
  const other = state.users.find(user.id);
  if (other && other.anchor !== a.anchor) {
    return quarantineFromOkta(run, a, `Okta user ${user.id} (login "${theirLogin}", ${how}) is already linked to ${other.dn}`);
  }
  if (user.status === 'DEPROVISIONED') {
    return quarantineFromOkta(
      run,
      a,
      `Okta user ${user.id} (login "${theirLogin}", ${how}) is deactivated; reactivate it or resolve the conflict in Okta first`,
    );
  }
  const loginHolder = normalizeLogin(theirLogin) !== normalizeLogin(a.login) ? state.users.holderOfLogin(a.login) : undefined;
  if (loginHolder && loginHolder.anchor !== a.anchor) {
    return quarantineFromOkta(run, a, `Okta user ${user.id} (${how}) would get login "${a.login}", which ${loginHolder.dn} holds`);
  }
  // only the attributes the agent manages are compared; others in Okta are left alone
  const current: Profile = {};
  for (const k of Object.keys(a.profile)) if (k in user.profile) current[k] = user.profile[k];
  const changes = diffProfiles(current, a.profile).filter((c) => c.after !== null);
  try {
    await state.journal.around(
      { runId, anchor: a.anchor, op: 'link', payload: { oktaId: user.id, changes } },
      async () => (changes.length ? oktaClient.updateProfile(user.id, Object.fromEntries(changes.map((c) => [c.attribute, c.after]))) : user),
      (updated) => {
        state.users.recordApplied({ ...appliedOf(a, updated, runId), link: 'linked' });
        run.result.counts.linked++;
      },
    );
  } catch (e) {
    return settleFailure(run, a, e);
  }
  run.log.info('linked existing Okta user', { dn: a.dn, login: a.login, oktaId: user.id, how, changed: changes.map((c) => c.attribute) });
}

export async function applyUpdate(a: UpdateAction, run: ApplyRun): Promise<void> {
  const { oktaClient, state, runId } = run;
  const changes: Profile = Object.fromEntries(a.changes.map((c) => [c.attribute, c.after]));
  // a deactivated user must be active again before Okta accepts a profile update
  if (a.lifecycle === 'enable' && !(await changeStatus(a, a.oktaId, 'enable', run))) return;
  try {
    await state.journal.around(
      { runId, anchor: a.anchor, op: 'update', payload: { oktaId: a.oktaId, changes } },
      () => oktaClient.updateProfile(a.oktaId, changes),
      (user) => {
        const link = state.users.get(a.anchor)?.link ?? 'created';
        state.users.recordApplied({ ...appliedOf(a, user, runId), link });
        run.result.counts.updated++;
        if (a.previousDn) run.result.counts.renamed++;
      },
    );
  } catch (e) {
    return settleFailure(run, a, e, (err, okta) => (err.status === 404 ? `Okta user ${a.oktaId} no longer exists (deleted in Okta?): ${okta}` : okta));
  }
  if (a.lifecycle === 'disable') await changeStatus(a, a.oktaId, 'disable', run);
}

function appliedOf(a: CreateAction | UpdateAction, user: OktaUser, runId: number) {
  return {
    anchor: a.anchor,
    dn: a.dn,
    oktaId: user.id,
    login: a.login,
    loginSource: a.loginSource,
    profile: a.profile,
    oktaStatus: user.status,
    disabled: a.disabled,
    runId,
  };
}
