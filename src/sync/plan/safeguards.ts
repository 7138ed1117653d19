/**
 * Safeguards: before any write, a run whose plan would deprovision, strip memberships from, or
 * update too many users stops. Pure: the plan's totals and the configured thresholds in, a verdict
 * with the reasons out. An operator lets one run through with `sync --allow-mass-change`.
 */
import type { LifecycleConfig, SafeguardsConfig } from '../schema';
import type { Action } from './types';

/** What the safeguards weigh of the users' plan (before any write). */
export interface PlanTotals {
  /** Users the agent manages in Okta now. */
  managed: number;
  /** Existing users to suspend or deactivate: disabled in the directory, or missing past the grace. */
  deprovisions: number;
  /** Managed users missing for the first time (they will be deprovisioned after the grace). */
  newlyMissing: number;
  updates: number;
}

/** Count one planned action into the totals. */
export function countAction(totals: PlanTotals, a: Action, lifecycle: Pick<LifecycleConfig, 'disabled'>): void {
  if (a.kind === 'update') totals.updates++;
  const disables = (a.kind === 'update' && a.lifecycle === 'disable') || (a.kind === 'lifecycle' && a.op === 'disable');
  if (disables && lifecycle.disabled !== 'nothing') totals.deprovisions++;
  if (a.kind === 'missing') {
    if (a.deprovision) totals.deprovisions++;
    else if (a.missingRuns === 1) totals.newlyMissing++;
  }
}

export interface SafeguardInput extends PlanTotals {
  membershipRemovals: number;
}

export type SafeguardVerdict = { ok: true } | { ok: false; reasons: string[] };

export function checkSafeguards(t: SafeguardInput, cfg: SafeguardsConfig): SafeguardVerdict {
  const reasons: string[] = [];
  const managed = Math.max(t.managed, 0);
  const check = (what: string, n: number, limit: { percent: number; count: number }) => {
    if (n > limit.count) {
      reasons.push(`${what}: ${n} planned, more than safeguards.${key(what)}.count (${limit.count})`);
      return;
    }
    const pct = managed ? (100 * n) / managed : n > 0 ? 100 : 0;
    if (n >= cfg.ignoreBelow && pct > limit.percent) {
      reasons.push(
        `${what}: ${n} planned, ${pct.toFixed(1)}% of the ${managed} users the agent manages, more than safeguards.${key(what)}.percent (${limit.percent}%)`,
      );
    }
  };
  check('deactivations and suspensions (including users newly missing from the directory)', t.deprovisions + t.newlyMissing, cfg.deprovisions);
  check('group membership removals', t.membershipRemovals, cfg.membershipRemovals);
  check('profile updates', t.updates, cfg.updates);
  return reasons.length ? { ok: false, reasons } : { ok: true };
}

function key(what: string): string {
  if (what.startsWith('deactivations')) return 'deprovisions';
  if (what.startsWith('group')) return 'membershipRemovals';
  return 'updates';
}

export class SafeguardStop extends Error {
  constructor(readonly reasons: string[]) {
    super(
      `safeguard: the run was stopped before any write:\n  - ${reasons.join('\n  - ')}\nCheck the plan (ldap-okta-sync plan); if it is what you want, run once with: ldap-okta-sync sync --allow-mass-change`,
    );
    this.name = 'SafeguardStop';
  }
}
