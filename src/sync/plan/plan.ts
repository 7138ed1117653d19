/**
 * The plan: a pure function of (what the directory wants, what the state says was applied, the
 * lifecycle policy) → actions. No I/O, no clock.
 *
 * - create / link: a record the agent never linked (a record disabled in the directory waits until
 *   it is enabled, unless lifecycle.createDisabled): first contact (first-contact.ts) decides from
 *   what the agent knows of Okta whether an existing Okta user is linked, a user created, or the
 *   record quarantined;
 * - update: only the attributes that changed since the last applied profile (before and after),
 *   with a status change when the directory disabled or re-enabled the user; plus, with
 *   okta.drift: repair, the attributes that drifted in Okta (drift.ts); `drift` when those are the
 *   only differences;
 * - lifecycle: only the status changes;
 * - unchanged: no Okta call (possibly a DN-only state update after a rename or move);
 * - quarantine / skip: as the transforms decided;
 * - missing: a managed user the directory no longer shows; deprovisioned after the grace.
 */
import type { LifecycleConfig } from '../schema';
import type { OktaUser } from '../../okta/client';
import type { MatchDecision } from '../../okta/matching';
import type { OktaConfig } from '../../okta/schema';
import { attributeOf, normalizeLogin, profileValuesEqual, type Profile } from '../../okta/profile';
import type { UserRow } from '../../state/users';
import { driftChanges } from './drift';
import { decideFirstContact, type FirstContactLookups } from './first-contact';
import type { Action, AttributeChange, Desired, LifecycleIntent, MissingAction } from './types';

export interface PlanContext {
  /**
   * Who already holds a login (compared as Okta compares): the agent's state and the records
   * planned earlier in this run. Undefined when nobody does.
   */
  loginHolder(loginNorm: string): { anchor: string; dn: string } | undefined;
  lifecycle: Pick<LifecycleConfig, 'createDisabled' | 'missing' | 'missingGraceRuns'>;
  /** What the agent knows of Okta (its mirror). Undefined: nothing, every new record is created. */
  okta?: OktaKnowledge;
}

/** Okta as the plan sees it: lookups over the agent's mirror, and the drift policy. */
export interface OktaKnowledge extends FirstContactLookups {
  /** The Okta user with this id. */
  user(oktaId: string): OktaUser | undefined;
  /** The match rules' decision for a desired profile. */
  match(profile: Profile): MatchDecision;
  drift: OktaConfig['drift'];
  /** The attributes drift compares: those the transforms may set (null: a hook may set any). */
  mapped: readonly string[] | null;
}

/** Attributes whose values differ between the last applied profile and the desired one. Removed → null. */
export function diffProfiles(applied: Profile | null, desired: Profile): AttributeChange[] {
  const changes: AttributeChange[] = [];
  const before = applied ?? {};
  for (const [attribute, after] of Object.entries(desired)) {
    const was = attributeOf(before, attribute);
    if (!profileValuesEqual(was, after)) changes.push({ attribute, before: was, after });
  }
  for (const attribute of Object.keys(before)) {
    if (attributeOf(desired, attribute) === undefined && before[attribute] !== null) changes.push({ attribute, before: before[attribute], after: null });
  }
  return byAttribute(changes);
}

const byAttribute = (changes: AttributeChange[]) => changes.sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0));

/** The status change the directory asks for, given what the agent last recorded. */
export function lifecycleIntent(disabledNow: boolean, row: UserRow): LifecycleIntent | null {
  if (disabledNow && !row.disabled) return 'disable';
  if (!disabledNow && (row.disabled || row.lifecycleReason === 'missing')) return 'enable';
  return null;
}

export function planRecord(d: Desired, row: UserRow | undefined, ctx: PlanContext): Action {
  if (d.kind === 'skip') return { kind: 'skip', anchor: d.anchor, dn: d.dn, step: d.step, reason: d.reason };
  if (d.kind === 'quarantine') {
    return { kind: 'quarantine', anchor: d.anchor, dn: d.dn, step: d.step, reason: d.reason, oktaId: row?.oktaId ?? null };
  }

  const holder = ctx.loginHolder(normalizeLogin(d.login));
  if (holder && holder.anchor !== d.anchor) {
    return {
      kind: 'quarantine',
      anchor: d.anchor,
      dn: d.dn,
      step: 'login-unique',
      reason: `login "${d.login}" is already used by ${holder.dn} (anchor ${holder.anchor})`,
      oktaId: row?.oktaId ?? null,
    };
  }

  if (!row?.oktaId) {
    if (d.disabled && !ctx.lifecycle.createDisabled) {
      return {
        kind: 'skip',
        anchor: d.anchor,
        dn: d.dn,
        step: 'lifecycle',
        reason: 'disabled in the directory: created once enabled (lifecycle.createDisabled: false)',
      };
    }
    const first = ctx.okta ? decideFirstContact(d, ctx.okta.match(d.profile), ctx.okta) : { kind: 'create' as const };
    if (first.kind === 'quarantine') return { kind: 'quarantine', anchor: d.anchor, dn: d.dn, step: first.step, reason: first.reason, oktaId: null };
    if (first.kind === 'link') {
      const u = first.user;
      return {
        kind: 'link',
        anchor: d.anchor,
        dn: d.dn,
        oktaId: u.id,
        oktaLogin: String(u.profile.login ?? ''),
        oktaStatus: u.status,
        how: first.how,
        login: d.login,
        loginSource: d.loginSource,
        changes: first.changes,
        profile: d.profile,
        disabled: d.disabled,
      };
    }
    return { kind: 'create', anchor: d.anchor, dn: d.dn, login: d.login, loginSource: d.loginSource, profile: d.profile, disabled: d.disabled };
  }

  const previousDn = row.dn !== d.dn ? row.dn : null;
  const intent = lifecycleIntent(d.disabled, row);
  const okta = ctx.okta?.user(row.oktaId);
  // Okta refuses profile updates of deactivated users: they wait until the user is enabled again
  const frozen = (okta?.status ?? row.oktaStatus) === 'DEPROVISIONED' && intent !== 'enable';
  const changes = frozen ? [] : diffProfiles(row.profile, d.profile);
  const policy = ctx.okta?.drift ?? 'ignore';
  const drift =
    frozen || !okta || policy === 'ignore'
      ? []
      : driftChanges(okta.profile, d.profile, row.profile, ctx.okta!.mapped, new Set(changes.map((c) => c.attribute)));
  if (drift.length && !changes.length && !intent) {
    return {
      kind: 'drift',
      anchor: d.anchor,
      dn: d.dn,
      oktaId: row.oktaId,
      login: d.login,
      loginSource: d.loginSource,
      changes: drift,
      profile: d.profile,
      disabled: d.disabled,
      previousDn,
      lifecycle: null,
      drift: drift.map((c) => c.attribute),
      repair: policy === 'repair',
      wasQuarantined: row.quarantine !== null,
    };
  }
  if (policy === 'repair') changes.push(...drift);
  if (changes.length) {
    return {
      kind: 'update',
      anchor: d.anchor,
      dn: d.dn,
      oktaId: row.oktaId,
      login: d.login,
      loginSource: d.loginSource,
      changes: byAttribute(changes),
      profile: d.profile,
      disabled: d.disabled,
      previousDn,
      lifecycle: intent,
      ...(drift.length ? { drift: drift.map((c) => c.attribute) } : {}),
    };
  }
  if (intent) {
    return { kind: 'lifecycle', anchor: d.anchor, dn: d.dn, oktaId: row.oktaId, login: row.login, op: intent, disabled: d.disabled, previousDn };
  }
  return { kind: 'unchanged', anchor: d.anchor, dn: d.dn, previousDn, wasQuarantined: row.quarantine !== null };
}

/**
 * Plan a page of records. Logins claimed by earlier records of the same page count as held, so two
 * directory entries that want one login never both get it (the first keeps it; the second is quarantined).
 */
export function planBatch(desired: readonly Desired[], rows: ReadonlyMap<string, UserRow>, ctx: PlanContext): Action[] {
  const claimedHere = new Map<string, { anchor: string; dn: string }>();
  const linkedHere = new Map<string, { anchor: string; dn: string }>();
  const okta = ctx.okta;
  const pageCtx: PlanContext = {
    ...ctx,
    loginHolder: (norm) => claimedHere.get(norm) ?? ctx.loginHolder(norm),
    okta: okta && { ...okta, linkHolder: (id) => linkedHere.get(id) ?? okta.linkHolder(id) },
  };
  return desired.map((d) => {
    const action = planRecord(d, rows.get(d.anchor), pageCtx);
    if (takesLogin(action) && d.kind === 'ok') claimedHere.set(normalizeLogin(d.login), { anchor: d.anchor, dn: d.dn });
    if (action.kind === 'link') linkedHere.set(action.oktaId, { anchor: d.anchor, dn: d.dn });
    return action;
  });
}

/** Actions whose record takes its login in Okta (a page's later records, and later pages, see it held). */
export const takesLogin = (a: Action): a is Extract<Action, { login: string }> =>
  a.kind === 'create' || a.kind === 'link' || a.kind === 'update' || a.kind === 'drift';

/**
 * A managed user the directory no longer shows: one more missing observation; deprovisioned (per
 * lifecycle.missing) once missing for `missingGraceRuns`. Undefined for users the agent does not
 * manage in Okta (nothing to do) .
 */
export function planMissing(row: UserRow, why: MissingAction['why'], ctx: Pick<PlanContext, 'lifecycle'>): MissingAction | undefined {
  if (!row.oktaId) return undefined;
  const missingRuns = row.missingRuns + 1;
  const deprovision = ctx.lifecycle.missing !== 'nothing' && row.lifecycleReason !== 'missing' && missingRuns >= ctx.lifecycle.missingGraceRuns;
  return { kind: 'missing', anchor: row.anchor, dn: row.dn, oktaId: row.oktaId, login: row.login, missingRuns, deprovision, why };
}
