/**
 * The applying half of a run: executes the spooled plan against Okta, in plan order, with bounded
 * concurrency. For every Okta write a journal entry is committed first and removed in the same
 * transaction that records the result, so the state never claims a write that did not happen and a
 * crash in between is resolved on the next start ({@link recoverJournal}).
 *
 * - create: profile only. A login Okta already has is linked (`okta.match: login`) or quarantined
 *   with Okta's error; a create whose response was lost is resolved by looking the login up before
 *   trying again, so there is never a duplicate.
 * - update: a partial update with only the changed attributes.
 * - quarantine / unchanged / skip: state only (or nothing), no Okta call.
 */
import type { OktaConfig } from '../okta/schema';
import type { LifecycleConfig } from './schema';
import type { OktaSink, OktaUser } from '../okta/client';
import { OktaError, OktaFatalError, toOktaError } from '../okta/errors';
import { findMatch, type MatchDecision } from '../okta/matching';
import { normalizeLogin, profileValuesEqual, type Profile } from '../okta/profile';
import type { PlanSpool, StateStore } from '../state/store';
import type { Logger } from '../util/log';
import { chooseOp, statusAfter } from './plan/lifecycle';
import { diffProfiles } from './plan/plan';
import type { Action, CreateAction, LifecycleAction, LifecycleIntent, MissingAction, QuarantineAction, UnchangedAction, UpdateAction } from './plan/types';

export interface ApplyDeps {
  state: StateStore;
  sink: OktaSink;
  okta: OktaConfig;
  lifecycle: LifecycleConfig;
  runId: number;
  log: Logger;
  /** Aborting stops taking new actions; writes in flight complete and are recorded. */
  signal?: AbortSignal;
  onProgress?: (done: number) => void;
}

export interface ApplyCounts {
  created: number;
  linked: number;
  updated: number;
  renamed: number;
  quarantined: number;
  suspended: number;
  deactivated: number;
  unsuspended: number;
  activated: number;
  /** Missing observations recorded (users not seen by a full run, or deleted). */
  missing: number;
  /** Okta writes that failed for reasons other than the record (network, 5xx after retries): retried next run. */
  failed: number;
  /** Actions not started because the run was stopped. */
  notStarted: number;
}

/** Okta users linked in this run (by Okta id → anchor): two records never link the same user. */
const linkedThisRun = new WeakMap<ApplyResult, Map<string, { anchor: string; dn: string }>>();

export interface ApplyResult {
  counts: ApplyCounts;
  /** Records quarantined by Okta's answer during apply (plan-time quarantines are in the plan). */
  oktaQuarantines: { anchor: string; dn: string; reason: string }[];
  failures: { anchor: string; dn: string; error: string }[];
  interrupted: boolean;
}

const LOGIN_TAKEN = /login: An object with this field already exists/i;

export function isLoginTaken(e: OktaError): boolean {
  return e.status === 400 && e.errorCode === 'E0000001' && (LOGIN_TAKEN.test(e.errorSummary) || e.errorCauses.some((c) => LOGIN_TAKEN.test(c)));
}

export function describeOktaError(e: OktaError): string {
  return `Okta ${e.errorCode ?? `HTTP ${e.status ?? '-'}`}: ${e.errorSummary}${e.errorCauses.length ? ` (${e.errorCauses.join('; ')})` : ''}`;
}

export async function applyPlan(spool: PlanSpool, deps: ApplyDeps): Promise<ApplyResult> {
  const result: ApplyResult = {
    counts: {
      created: 0,
      linked: 0,
      updated: 0,
      renamed: 0,
      quarantined: 0,
      suspended: 0,
      deactivated: 0,
      unsuspended: 0,
      activated: 0,
      missing: 0,
      failed: 0,
      notStarted: 0,
    },
    oktaQuarantines: [],
    failures: [],
    interrupted: false,
  };
  const { state } = deps;

  // state-only actions first, in batches (no Okta call)
  let batch: Action[] = [];
  const flush = () => {
    state.transaction(() => {
      for (const a of batch) {
        if (a.kind === 'quarantine') recordQuarantine(a, deps);
        else if (a.kind === 'unchanged') recordUnchanged(a, deps, result);
        else if (a.kind === 'missing') {
          deps.state.users.recordMissing(a.anchor, a.missingRuns);
          result.counts.missing++;
        }
      }
    });
    batch = [];
  };
  for (const a of spool.actions<Action>(['quarantine', 'unchanged', 'missing'])) {
    if (a.kind === 'quarantine') result.counts.quarantined++;
    if (a.payload.kind === 'unchanged' && !a.payload.previousDn && !a.payload.wasQuarantined) continue;
    if (a.payload.kind === 'missing' && a.payload.deprovision) continue; // an Okta write, below
    batch.push(a.payload);
    if (batch.length >= 1000) flush();
  }
  if (batch.length) flush();

  // Okta writes, a bounded number at a time (the governor paces them further)
  const isWrite = (a: Action) => a.kind !== 'missing' || a.deprovision;
  const writes = spool.actions<Action>(['create', 'update', 'lifecycle', 'missing']);
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
        if (a.kind === 'create') await applyCreate(a, deps, result);
        else if (a.kind === 'update') await applyUpdate(a, deps, result);
        else if (a.kind === 'lifecycle') await applyLifecycleAction(a, deps, result);
        else if (a.kind === 'missing') await applyMissing(a, deps, result);
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

function recordQuarantine(a: QuarantineAction, deps: ApplyDeps): void {
  deps.state.users.recordQuarantine(a.anchor, a.dn, a.step, a.reason, deps.runId);
}

function recordUnchanged(a: UnchangedAction, deps: ApplyDeps, result: ApplyResult): void {
  if (a.previousDn) result.counts.renamed++;
  deps.state.users.recordSeen(a.anchor, a.dn, deps.runId);
}

type Subject = { kind: string; anchor: string; dn: string };

function quarantineFromOkta(a: Subject, reason: string, deps: ApplyDeps, result: ApplyResult): void {
  deps.state.users.recordQuarantine(a.anchor, a.dn, 'okta', reason, deps.runId);
  result.counts.quarantined++;
  result.oktaQuarantines.push({ anchor: a.anchor, dn: a.dn, reason });
  deps.log.warn('record quarantined by Okta', { dn: a.dn, anchor: a.anchor, reason });
}

function fail(a: Subject, e: OktaError, deps: ApplyDeps, result: ApplyResult): void {
  result.counts.failed++;
  const error = describeOktaError(e);
  result.failures.push({ anchor: a.anchor, dn: a.dn, error });
  deps.log.error(`Okta ${a.kind} failed; it will be retried next run`, { dn: a.dn, anchor: a.anchor, error });
}

/** Run a journaled write: the journal entry is committed before `write` and removed with `record`. */
async function journaled<T>(deps: ApplyDeps, anchor: string, op: string, payload: unknown, write: () => Promise<T>, record: (v: T) => void): Promise<T> {
  const id = deps.state.journal.begin(deps.runId, anchor, op, payload);
  let value: T;
  try {
    value = await write();
  } catch (e) {
    const err = e instanceof OktaFatalError ? e : toOktaError(e);
    // an ambiguous create stays journaled: the next start looks the login up before anything else
    if (!(op === 'create' && err instanceof OktaError && err.ambiguous)) deps.state.journal.end(id);
    throw err;
  }
  deps.state.transaction(() => {
    record(value);
    deps.state.journal.end(id);
  });
  return value;
}

async function applyCreate(a: CreateAction, deps: ApplyDeps, result: ApplyResult): Promise<void> {
  const { sink, okta, state, runId } = deps;
  // rules other than login need a look at Okta before the create (a login conflict shows itself on create)
  if (okta.match.some((r) => r.by !== 'login')) {
    let decision: MatchDecision;
    try {
      decision = await findMatch(sink, okta.match, a.profile);
    } catch (e) {
      if (e instanceof OktaFatalError) throw e;
      return fail(a, toOktaError(e), deps, result);
    }
    if (decision.kind === 'ambiguous') {
      const list = decision.candidates.map((c) => `${c.id} (${c.login}) by ${c.rules.join(' and ')}`).join('; ');
      return quarantineFromOkta(a, `ambiguous match in Okta, not guessed: ${list}`, deps, result);
    }
    if (decision.kind === 'one') return linkExisting(a, decision.user, `matched by ${decision.rules.join(' and ')}`, deps, result);
  }
  try {
    await journaled(
      deps,
      a.anchor,
      'create',
      { login: a.login, profile: a.profile, dn: a.dn, loginSource: a.loginSource, disabled: a.disabled },
      () => createOnce(sink, a.profile, okta),
      (user) => {
        state.users.recordApplied({ ...appliedOf(a, user, runId), link: 'created' });
        result.counts.created++;
      },
    );
  } catch (e) {
    return handleCreateError(e, a, deps, result);
  }
  if (a.disabled) {
    const row = state.users.get(a.anchor);
    if (row?.oktaId) await applyIntent(a, row.oktaId, 'disable', deps, result);
  }
}

async function handleCreateError(e: unknown, a: CreateAction, deps: ApplyDeps, result: ApplyResult): Promise<void> {
  const { okta } = deps;
  {
    if (e instanceof OktaFatalError) throw e;
    if (!(e instanceof OktaError)) throw e; // not Okta's answer: an internal failure stops the run
    const err = e;
    if (isLoginTaken(err)) {
      if (okta.match.some((r) => r.by === 'login')) {
        let user: OktaUser | null;
        try {
          user = await deps.sink.getUser(a.login);
        } catch (e2) {
          if (e2 instanceof OktaFatalError) throw e2;
          return fail(a, toOktaError(e2), deps, result);
        }
        if (!user) return quarantineFromOkta(a, `Okta reported login "${a.login}" as taken but has no such user`, deps, result);
        return linkExisting(a, user, 'matched by login', deps, result);
      }
      return quarantineFromOkta(a, `login "${a.login}" already exists in Okta and no okta.match rule covers login: ${describeOktaError(err)}`, deps, result);
    }
    if (err.ambiguous) return fail(a, err, deps, result);
    return quarantineFromOkta(a, describeOktaError(err), deps, result);
  }
}

/**
 * Create, and if the answer was lost (timeout, connection reset, 5xx) look the login up: a user
 * with exactly our profile is the one we just created; otherwise try again (twice at most).
 */
async function createOnce(sink: OktaSink, profile: Profile, okta: OktaConfig): Promise<OktaUser> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await sink.createUser(profile, { activate: okta.activate, provider: okta.provider });
    } catch (e) {
      const err = e instanceof OktaFatalError ? e : toOktaError(e);
      if (!(err instanceof OktaError) || !err.ambiguous) throw err;
      const found = await sink.getUser(String(profile.login));
      if (found) {
        if (sameProfile(found.profile, profile)) return found;
        // someone else's user holds the login: report it the way Okta would have
        throw new OktaError(400, 'E0000001', 'Api validation failed: login', ['login: An object with this field already exists in the current organization']);
      }
      if (attempt >= 2) throw err;
    }
  }
}

function sameProfile(okta: Profile, ours: Profile): boolean {
  return Object.entries(ours).every(([k, v]) => profileValuesEqual(okta[k] ?? null, v));
}

/** Link a pre-existing Okta user to this record (first contact), then update what differs. */
async function linkExisting(a: CreateAction, user: OktaUser, how: string, deps: ApplyDeps, result: ApplyResult): Promise<void> {
  const { sink, state, runId } = deps;
  const theirLogin = String(user.profile.login ?? '');
  const claims = linkedThisRun.get(result) ?? new Map<string, { anchor: string; dn: string }>();
  linkedThisRun.set(result, claims);
  const claimedBy = claims.get(user.id);
  if (claimedBy && claimedBy.anchor !== a.anchor) {
    return quarantineFromOkta(a, `Okta user ${user.id} (login "${theirLogin}", ${how}) is already linked to ${claimedBy.dn}`, deps, result);
  }
  claims.set(user.id, { anchor: a.anchor, dn: a.dn });
  const other = state.users.find(user.id);
  if (other && other.anchor !== a.anchor) {
    return quarantineFromOkta(a, `Okta user ${user.id} (login "${theirLogin}", ${how}) is already linked to ${other.dn}`, deps, result);
  }
  if (user.status === 'DEPROVISIONED') {
    return quarantineFromOkta(
      a,
      `Okta user ${user.id} (login "${theirLogin}", ${how}) is deactivated; reactivate it or resolve the conflict in Okta first`,
      deps,
      result,
    );
  }
  const loginHolder = normalizeLogin(theirLogin) !== normalizeLogin(a.login) ? state.users.holderOfLogin(a.login) : undefined;
  if (loginHolder && loginHolder.anchor !== a.anchor) {
    return quarantineFromOkta(a, `Okta user ${user.id} (${how}) would get login "${a.login}", which ${loginHolder.dn} holds`, deps, result);
  }
  // only the attributes the agent manages are compared; others in Okta are left alone
  const current: Profile = {};
  for (const k of Object.keys(a.profile)) if (k in user.profile) current[k] = user.profile[k];
  const changes = diffProfiles(current, a.profile).filter((c) => c.after !== null);
  const linked = user;
  try {
    await journaled(
      deps,
      a.anchor,
      'link',
      { oktaId: user.id, changes },
      async () => (changes.length ? sink.updateProfile(linked.id, Object.fromEntries(changes.map((c) => [c.attribute, c.after]))) : linked),
      (updated) => {
        state.users.recordApplied({ ...appliedOf(a, updated, runId), link: 'linked' });
        result.counts.linked++;
      },
    );
    deps.log.info('linked existing Okta user', { dn: a.dn, login: a.login, oktaId: user.id, how, changed: changes.map((c) => c.attribute) });
  } catch (e) {
    if (e instanceof OktaFatalError) throw e;
    if (!(e instanceof OktaError)) throw e; // not Okta's answer: an internal failure stops the run
    const err = e;
    if (err.ambiguous) return fail(a, err, deps, result);
    return quarantineFromOkta(a, describeOktaError(err), deps, result);
  }
}

async function applyUpdate(a: UpdateAction, deps: ApplyDeps, result: ApplyResult): Promise<void> {
  const { sink, state, runId } = deps;
  const changes: Profile = Object.fromEntries(a.changes.map((c) => [c.attribute, c.after]));
  // a deactivated user must be active again before Okta accepts a profile update
  if (a.lifecycle === 'enable' && !(await applyIntent(a, a.oktaId, 'enable', deps, result))) return;
  try {
    await journaled(
      deps,
      a.anchor,
      'update',
      { oktaId: a.oktaId, changes },
      () => sink.updateProfile(a.oktaId, changes),
      (user) => {
        const link = state.users.get(a.anchor)?.link ?? 'created';
        state.users.recordApplied({ ...appliedOf(a, user, runId), link });
        result.counts.updated++;
        if (a.previousDn) result.counts.renamed++;
      },
    );
  } catch (e) {
    if (e instanceof OktaFatalError) throw e;
    if (!(e instanceof OktaError)) throw e; // not Okta's answer: an internal failure stops the run
    const err = e;
    if (err.ambiguous) return fail(a, err, deps, result);
    if (err.status === 404) {
      return quarantineFromOkta(a, `Okta user ${a.oktaId} no longer exists (deleted in Okta?): ${describeOktaError(err)}`, deps, result);
    }
    return quarantineFromOkta(a, describeOktaError(err), deps, result);
  }
  if (a.lifecycle === 'disable') await applyIntent(a, a.oktaId, 'disable', deps, result);
}

async function applyLifecycleAction(a: LifecycleAction, deps: ApplyDeps, result: ApplyResult): Promise<void> {
  if (await applyIntent(a, a.oktaId, a.op, deps, result)) {
    if (a.previousDn) result.counts.renamed++;
  }
}

async function applyMissing(a: MissingAction, deps: ApplyDeps, result: ApplyResult): Promise<void> {
  deps.state.users.recordMissing(a.anchor, a.missingRuns);
  result.counts.missing++;
  await applyIntent(a, a.oktaId, 'missing', deps, result);
}

/**
 * Carry out a status change: read the user's current Okta status, pick the operation the policy
 * calls for (lifecycle.ts), call it, and record the result. Returns false when it could not be done
 * (the record is then quarantined or counted as failed).
 */
async function applyIntent(
  a: Subject & { disabled?: boolean; dn: string },
  oktaId: string,
  intent: LifecycleIntent | 'missing',
  deps: ApplyDeps,
  result: ApplyResult,
): Promise<boolean> {
  const { sink, state, log } = deps;
  const policy = intent === 'missing' ? deps.lifecycle.missing : deps.lifecycle.disabled;
  try {
    const user = await sink.getUser(oktaId);
    if (!user) {
      quarantineFromOkta(a, `Okta user ${oktaId} no longer exists (deleted in Okta?)`, deps, result);
      return false;
    }
    const op = chooseOp(user.status, intent === 'enable' ? 'enable' : 'disable', policy);
    let status = user.status;
    if (op) {
      await sink.lifecycle(oktaId, op);
      status = statusAfter(op, status) ?? (await sink.getUser(oktaId))?.status ?? status;
      if (op === 'suspend') result.counts.suspended++;
      else if (op === 'deactivate') result.counts.deactivated++;
      else if (op === 'unsuspend') result.counts.unsuspended++;
      else result.counts.activated++;
      log.info(`${op} ${a.dn}`, {
        anchor: a.anchor,
        oktaId,
        because: intent === 'missing' ? 'missing from the directory' : `${intent}d in the directory`,
        status,
      });
    }
    const held = status === 'SUSPENDED' || status === 'DEPROVISIONED';
    state.users.recordStatus(a.anchor, {
      oktaStatus: status,
      lifecycleReason: intent === 'enable' ? null : held ? (intent === 'missing' ? 'missing' : 'disabled') : null,
      disabled: intent === 'missing' ? (state.users.get(a.anchor)?.disabled ?? false) : intent === 'disable',
      dn: a.kind === 'missing' ? undefined : a.dn,
    });
    return true;
  } catch (e) {
    if (e instanceof OktaFatalError) throw e;
    const err = toOktaError(e);
    if (err.ambiguous) fail(a, err, deps, result);
    else quarantineFromOkta(a, describeOktaError(err), deps, result);
    return false;
  }
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

/**
 * Resolve writes a previous process left in flight (it crashed or was killed between an Okta call
 * and the state update). Creates: a user with the journaled login and profile is linked as created;
 * otherwise the entry is dropped and the next plan creates it again. Updates and links are
 * idempotent: dropping the entry makes the next plan send them again.
 */
export async function recoverJournal(deps: Pick<ApplyDeps, 'state' | 'sink' | 'log' | 'runId'>): Promise<number> {
  const { state, sink, log } = deps;
  let resolved = 0;
  for (const j of state.journal.pending()) {
    if (j.op === 'create') {
      const p = j.payload as { login: string; profile: Profile; dn: string; loginSource: string | null; disabled: boolean };
      const user = await sink.getUser(p.login);
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
            runId: deps.runId,
          });
          log.warn('recovered a create whose result was not recorded', { anchor: j.anchor, login: p.login, oktaId: user.id });
        } else {
          log.warn('an unfinished create did not reach Okta; it will be planned again', { anchor: j.anchor, login: p.login });
        }
        state.journal.end(j.id);
      });
    } else {
      state.journal.end(j.id);
      log.warn(`an unfinished ${j.op} will be planned again`, { anchor: j.anchor });
    }
    resolved++;
  }
  return resolved;
}
