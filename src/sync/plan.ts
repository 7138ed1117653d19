/**
 * The plan: a pure function of (what the directory wants, what the state says was applied) → actions.
 * No I/O, no clock. Creates for records the agent has never linked; updates carrying only the
 * attributes that changed since the last applied profile (before and after); unchanged records
 * (no Okta call, possibly a DN-only state update); quarantined and skipped records.
 */
import { normalizeLogin, profileValuesEqual, type Profile } from '../okta/profile';
import type { UserRow } from '../state/users';
import type { Action, AttributeChange, Desired } from './types';

export interface PlanContext {
  /**
   * Who already holds a login (compared as Okta compares): the agent's state and the records
   * planned earlier in this run. Undefined when nobody does.
   */
  loginHolder(loginNorm: string): { anchor: string; dn: string } | undefined;
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
    return { kind: 'create', anchor: d.anchor, dn: d.dn, login: d.login, loginSource: d.loginSource, profile: d.profile, disabled: d.disabled };
  }

  const previousDn = row.dn !== d.dn ? row.dn : null;
  const changes = diffProfiles(row.profile, d.profile);
  if (!changes.length) {
    return { kind: 'unchanged', anchor: d.anchor, dn: d.dn, previousDn, wasQuarantined: row.quarantine !== null };
  }
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
  };
}

/**
 * Plan a page of records. Logins claimed by earlier records of the same page count as held, so two
 * directory entries that want one login never both get it (the first keeps it; the second is quarantined).
 */
export function planBatch(desired: readonly Desired[], rows: ReadonlyMap<string, UserRow>, ctx: PlanContext): Action[] {
  const claimedHere = new Map<string, { anchor: string; dn: string }>();
  const pageCtx: PlanContext = { loginHolder: (norm) => claimedHere.get(norm) ?? ctx.loginHolder(norm) };
  return desired.map((d) => {
    const action = planRecord(d, rows.get(d.anchor), pageCtx);
    if ((action.kind === 'create' || action.kind === 'update') && d.kind === 'ok') {
      claimedHere.set(normalizeLogin(d.login), { anchor: d.anchor, dn: d.dn });
    }
    return action;
  });
}
