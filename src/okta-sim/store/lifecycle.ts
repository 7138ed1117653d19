/**
 * The user lifecycle state machine (facts §1.6, spec UserLifecycle operations):
 *
 * | op         | allowed from            | to                                   | otherwise            |
 * |------------|-------------------------|--------------------------------------|----------------------|
 * | activate   | STAGED, DEPROVISIONED   | ACTIVE (password or federated/social | 403 E0000016 [U]     |
 * |            |                         | provider) else PROVISIONED           |                      |
 * | deactivate | any but DEPROVISIONED   | DEPROVISIONED                        | 403 E0000038 [U]     |
 * | reactivate | PROVISIONED, RECOVERY   | PROVISIONED (activation restarted)   | 403 E0000038         |
 * | suspend    | ACTIVE                  | SUSPENDED                            | 400 E0000001         |
 * | unsuspend  | SUSPENDED               | ACTIVE                               | 400 E0000001         |
 * | unlock     | LOCKED_OUT (ACTIVE: no-op) | ACTIVE                            | 403 E0000032 [U]     |
 *
 * Unlock is refused for directory-sourced accounts (provider ACTIVE_DIRECTORY / LDAP), as documented.
 * [U] = the error for that case is not shown in an Okta example; see the simulator's README notes.
 */
import { errors, type OktaSimError } from '../errors';
import type { UserRecord, UserStatus } from '../types';

export const LIFECYCLE_OPS = ['activate', 'deactivate', 'reactivate', 'suspend', 'unsuspend', 'unlock'] as const;
export type LifecycleOp = (typeof LIFECYCLE_OPS)[number];

/** Where activation lands: ACTIVE when the user can sign in without the activation flow. */
export function activationTarget(user: Pick<UserRecord, 'credentials'>): UserStatus {
  const t = user.credentials.provider.type;
  return user.credentials.hasPassword || t === 'FEDERATION' || t === 'SOCIAL' ? 'ACTIVE' : 'PROVISIONED';
}

/** The status `op` moves `user` to, or the Okta error for an illegal transition. */
export function planTransition(user: UserRecord, op: LifecycleOp): UserStatus | OktaSimError {
  const s = user.status;
  switch (op) {
    case 'activate':
      return s === 'STAGED' || s === 'DEPROVISIONED' ? activationTarget(user) : errors.alreadyActive();
    case 'deactivate':
      return s !== 'DEPROVISIONED' ? 'DEPROVISIONED' : errors.wrongStatus();
    case 'reactivate':
      return s === 'PROVISIONED' || s === 'RECOVERY' ? 'PROVISIONED' : errors.wrongStatus();
    case 'suspend':
      return s === 'ACTIVE' ? 'SUSPENDED' : errors.precondition('suspendUser', 'Cannot suspend a user that is not ACTIVE.');
    case 'unsuspend':
      return s === 'SUSPENDED' ? 'ACTIVE' : errors.precondition('unsuspendUser', 'Cannot unsuspend a user that is not SUSPENDED.');
    case 'unlock': {
      const p = user.credentials.provider.type;
      if (p === 'ACTIVE_DIRECTORY' || p === 'LDAP') return errors.unlockNotAllowed();
      return s === 'LOCKED_OUT' || s === 'ACTIVE' ? 'ACTIVE' : errors.unlockNotAllowed();
    }
  }
}

/** Lifecycle operations offered as `_links` for a user in `status` (only those the simulator serves). */
export function availableOps(status: UserStatus): LifecycleOp[] {
  switch (status) {
    case 'STAGED':
      return ['activate', 'deactivate'];
    case 'PROVISIONED':
      return ['reactivate', 'deactivate'];
    case 'ACTIVE':
      return ['suspend', 'deactivate'];
    case 'SUSPENDED':
      return ['unsuspend', 'deactivate'];
    case 'LOCKED_OUT':
      return ['unlock', 'deactivate'];
    case 'RECOVERY':
      return ['reactivate', 'deactivate'];
    case 'PASSWORD_EXPIRED':
      return ['deactivate'];
    case 'DEPROVISIONED':
      return ['activate'];
  }
}
