/**
 * The plan: a pure function of (what the directory wants, what the state says was applied, the
 * lifecycle policy) → actions. No I/O, no clock.
 *
 * - create: a record the agent never linked (a record disabled in the directory waits until it is
 *   enabled, unless lifecycle.createDisabled);
 * - update: only the attributes that changed since the last applied profile (before and after),
 *   with a status change when the directory disabled or re-enabled the user;
 * - lifecycle: only the status changes;
 * - unchanged: no Okta call (possibly a DN-only state update after a rename or move);
 * - quarantine / skip: as the transforms decided;
 * - missing: a managed user the directory no longer shows; deprovisioned after the grace.
 */
import type { LifecycleConfig } from '../schema';
import { normalizeLogin, profileValuesEqual, type Profile } from '../../okta/profile';
import type { UserRow } from '../../state/users';
import type { Action, AttributeChange, Desired, LifecycleIntent, MissingAction } from './types';

export interface PlanContext {
  /**
   * Who already holds a login (compared as Okta compares): the agent's state and the records
   * planned earlier in this run. Undefined when nobody does.
   */
  loginHolder(loginNorm: string): { anchor: string; dn: string } | undefined;
  lifecycle: Pick<LifecycleConfig, 'createDisabled' | 'missing' | 'missingGraceRuns'>;
}

/** Attributes whose values differ between the last applied profile and the desired one. Removed → null. */
export function diffProfiles(applied: Profile | null, desired: Profile): AttributeChange[] {
  const changes: AttributeChange[] = [];
  const before = applied ?? {};
  for (const [attribute, after] of Object.entries(desired)) {
    if (!profileValuesEqual(before[attribute], after)) changes.push({ attribute, before: before[attribute], after });
  }
  for (const attribute of Object.keys(before)) {
    if (!(attribute in desired) && before[attribute] !== null) changes.push({ attribute, before: before[attribute], after: null });
  }
  return changes.sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0));
}

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
    return { kind: 'create', anchor: d.anchor, dn: d.dn, login: d.login, loginSource: d.loginSource, profile: d.profile, disabled: d.disabled };
  }

  const previousDn = row.dn !== d.dn ? row.dn : null;
  const intent = lifecycleIntent(d.disabled, row);
  // Okta refuses profile updates of deactivated users: they wait until the user is enabled again
  const frozen = row.oktaStatus === 'DEPROVISIONED' && intent !== 'enable';
  const changes = frozen ? [] : diffProfiles(row.profile, d.profile);
  if (changes.length) {
    return {
      kind: 'update',
      anchor: d.anchor,
      dn: d.dn,
      oktaId: row.oktaId,
      login: d.login,
      loginSource: d.loginSource,
      changes,
      profile: d.profile,
      disabled: d.disabled,
      previousDn,
      lifecycle: intent,
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
  const pageCtx: PlanContext = { ...ctx, loginHolder: (norm) => claimedHere.get(norm) ?? ctx.loginHolder(norm) };
  return desired.map((d) => {
    const action = planRecord(d, rows.get(d.anchor), pageCtx);
    if ((action.kind === 'create' || action.kind === 'update') && d.kind === 'ok') {
      claimedHere.set(normalizeLogin(d.login), { anchor: d.anchor, dn: d.dn });
    }
    return action;
  });
}

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
