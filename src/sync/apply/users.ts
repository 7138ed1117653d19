/**
 * Creates, first-contact links and updates of users, each journaled before it is sent; Okta's
 * answer is recorded in the state and in the agent's mirror of Okta.
 *
 * - create: optimistic: the plan found the login free in the mirror, so the profile is POSTed
 *   directly. A login Okta has after all (created since the mirror's refresh: a race) is read by
 *   login and the match rules decide about that user (first-contact.ts): linked, or quarantined.
 *   A create whose response was lost is resolved by looking the login up before trying again, so
 *   there is never a duplicate.
 * - link: the pre-existing Okta user the plan matched becomes this record's user; what differs is
 *   updated (nothing is sent when nothing differs).
 * - update / drift: a partial update with only the changed (or drifted) attributes.
 */
import type { OktaConfig } from '../../okta/schema';
import type { OktaClient, OktaUser } from '../../okta/client';
import { classifyOktaFailure, describeOktaError, OktaError } from '../../okta/errors';
import { findMatch, lookupsOver } from '../../okta/matching';
import { profileValuesEqual, type Profile } from '../../okta/profile';
import { decideFirstContact } from '../plan/first-contact';
import type { CreateAction, LinkAction, UpdateAction } from '../plan/types';
import { quarantineFromOkta, settleFailure, type ApplyRun } from './context';

/** A group a user joins with its create. */
type CreateJoin = { groupAnchor: string; groupId: string };
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
  const entry: CreateEntry = { login: a.login, profile: a.profile, dn: a.dn, loginSource: a.loginSource, disabled: a.disabled };
  // the groups this run adds the user to join with the create (the membership phase skips them)
  const joins = run.joins?.joinsOnCreate(a.anchor) ?? [];
  try {
    await state.journal.around(
      { runId, anchor: a.anchor, op: 'create', payload: entry },
      () => createOnce(oktaClient, a.profile, okta, joins),
      ({ user, joined }) => {
        state.users.recordApplied({ ...appliedOf(a, user, runId), link: 'created' });
        run.mirror.putUsers([user]);
        run.result.counts.created++;
        if (joined.length) run.joins?.joined(a.anchor, user.id, joined);
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

/**
 * Okta refused the create. A login it has that the mirror did not know (a race): the holder is
 * read (one GET, recorded in the mirror) and first contact decides with the match rules about that
 * user — linked, or quarantined with Okta's error; never a duplicate, never a guess.
 */
async function handleCreateError(e: unknown, a: CreateAction, run: ApplyRun): Promise<void> {
  if (!(e instanceof OktaError) || !isLoginTaken(e)) return settleFailure(run, a, e);
  let user: OktaUser | null;
  try {
    user = await run.oktaClient.getUser(a.login);
  } catch (e2) {
    return settleFailure(run, a, e2);
  }
  if (!user) return quarantineFromOkta(run, a, `Okta reported login "${a.login}" as taken but has no such user`);
  run.mirror.putUsers([user]);
  const only = lookupsOver([user]);
  const first = decideFirstContact(a, findMatch(run.okta.match, a.profile, only), {
    loginHolders: (login) => only.byLogin(login),
    linkHolder: (id) => run.linked.get(id) ?? run.state.users.byOktaId(id),
  });
  if (first.kind === 'link') {
    const u = first.user;
    const link: LinkAction = {
      ...a,
      kind: 'link',
      oktaId: u.id,
      oktaLogin: String(u.profile.login ?? ''),
      oktaStatus: u.status,
      how: first.how,
      changes: first.changes,
    };
    return applyLink(link, run, u);
  }
  const why = first.kind === 'quarantine' ? first.reason : `login "${a.login}" already exists in Okta`;
  return quarantineFromOkta(run, a, `${why}: ${describeOktaError(e)}`);
}

/** Okta refused the groups of a create (a group gone since the plan): the create is sent again without them. */
const groupsRefused = (e: unknown) => e instanceof OktaError && e.status === 400 && /groupIds/.test([e.errorSummary, ...e.errorCauses].join(' '));

/**
 * Create (with the groups the user joins, when any), and if the answer was lost (timeout,
 * connection reset, 5xx) look the login up: a user with exactly our profile is the one we just
 * created (its groups are then left to the membership phase); otherwise try again (twice at most).
 */
async function createOnce(
  oktaClient: OktaClient,
  profile: Profile,
  okta: OktaConfig,
  joins: readonly CreateJoin[],
): Promise<{ user: OktaUser; joined: readonly CreateJoin[] }> {
  let groups = joins;
  for (let attempt = 0; ; attempt++) {
    try {
      const user = await oktaClient.createUser(profile, { activate: okta.activate, provider: okta.provider, groupIds: groups.map((j) => j.groupId) });
      return { user, joined: groups };
    } catch (e) {
      if (groups.length && groupsRefused(e)) {
        groups = [];
        continue;
      }
      if (classifyOktaFailure(e).kind !== 'ambiguous') throw e;
      const found = await oktaClient.getUser(String(profile.login));
      if (found) {
        if (sameProfile(found.profile, profile)) return { user: found, joined: [] };
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

/**
 * Link a pre-existing Okta user to this record (first contact), then update what differs (only
 * the attributes the agent manages are compared; nothing is sent when nothing differs). `known`:
 * the user as Okta just returned it (a create that found the login taken).
 */
export async function applyLink(a: LinkAction, run: ApplyRun, known?: OktaUser): Promise<void> {
  const { oktaClient, state, runId } = run;
  const theirs = `Okta user ${a.oktaId} (login "${a.oktaLogin}", ${a.how})`;
  const claimedBy = run.linked.get(a.oktaId) ?? state.users.byOktaId(a.oktaId);
  if (claimedBy && claimedBy.anchor !== a.anchor) return quarantineFromOkta(run, a, `${theirs} is already linked to ${claimedBy.dn}`);
  run.linked.set(a.oktaId, { anchor: a.anchor, dn: a.dn });
  const changes: Profile = Object.fromEntries(a.changes.map((c) => [c.attribute, c.after]));
  const unchanged: OktaUser = known ?? { id: a.oktaId, status: a.oktaStatus, profile: {} };
  try {
    await state.journal.around(
      { runId, anchor: a.anchor, op: 'link', payload: { oktaId: a.oktaId, changes: a.changes } },
      async () => (a.changes.length ? oktaClient.updateProfile(a.oktaId, changes) : unchanged),
      (user) => {
        state.users.recordApplied({ ...appliedOf(a, user, runId), link: 'linked' });
        if (a.changes.length || known) run.mirror.putUsers([user]);
        run.result.counts.linked++;
      },
    );
  } catch (e) {
    return settleFailure(run, a, e, (err, okta) => gone(run, a.oktaId, err, okta));
  }
  run.log.info('linked existing Okta user', { dn: a.dn, login: a.login, oktaId: a.oktaId, how: a.how, changed: a.changes.map((c) => c.attribute) });
  if (a.disabled) await changeStatus(a, a.oktaId, 'disable', run);
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
        run.mirror.putUsers([user]);
        run.result.counts[a.kind === 'drift' ? 'drift' : 'updated']++;
        if (a.previousDn) run.result.counts.renamed++;
      },
    );
  } catch (e) {
    return settleFailure(run, a, e, (err, okta) => gone(run, a.oktaId, err, okta));
  }
  if (a.lifecycle === 'disable') await changeStatus(a, a.oktaId, 'disable', run);
}

/** Okta's refusal as a quarantine reason; a 404 means the user was deleted in Okta (the mirror forgets it). */
function gone(run: ApplyRun, oktaId: string, err: OktaError, okta: string): string {
  if (err.status !== 404) return okta;
  run.mirror.removeUser(oktaId);
  return `Okta user ${oktaId} no longer exists (deleted in Okta?): ${okta}`;
}

function appliedOf(a: CreateAction | LinkAction | UpdateAction, user: OktaUser, runId: number) {
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
