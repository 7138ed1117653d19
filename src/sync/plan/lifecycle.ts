/**
 * Which Okta lifecycle operation carries out a status change, given the user's current Okta status
 * (read fresh before acting) and the configured policy. Pure.
 *
 * - disable/missing with `suspend`: ACTIVE-like users are suspended; a user that never activated
 *   (PROVISIONED, STAGED) cannot be suspended in Okta and could still activate, so it is
 *   deactivated instead; already suspended or deactivated: nothing to do.
 * - disable/missing with `deactivate`: deactivated unless already.
 * - enable: SUSPENDED → unsuspend; DEPROVISIONED → activate (no e-mail); otherwise nothing.
 * - policy `nothing`: no Okta call.
 * Okta users are never deleted.
 */
import type { LifecycleOp } from '../../okta/client';

const SUSPENDABLE = new Set(['ACTIVE', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY']);

export type Policy = 'suspend' | 'deactivate' | 'nothing';

export function chooseOp(status: string, intent: 'disable' | 'enable', policy: Policy): LifecycleOp | null {
  if (intent === 'enable') {
    if (status === 'SUSPENDED') return 'unsuspend';
    if (status === 'DEPROVISIONED') return 'activate';
    return null;
  }
  if (policy === 'nothing' || status === 'DEPROVISIONED') return null;
  if (policy === 'deactivate') return 'deactivate';
  if (status === 'SUSPENDED') return null;
  return SUSPENDABLE.has(status) ? 'suspend' : 'deactivate';
}

/** The status an operation leaves behind (activate: re-read, it depends on credentials and provider). */
export function statusAfter(op: LifecycleOp, before: string): string | undefined {
  switch (op) {
    case 'suspend':
      return 'SUSPENDED';
    case 'unsuspend':
      return 'ACTIVE';
    case 'deactivate':
      return 'DEPROVISIONED';
    case 'activate':
      return undefined;
  }
  return before;
}
