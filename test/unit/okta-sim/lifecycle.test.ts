/** The user lifecycle state machine, every operation from every status. */
import { planTransition, type LifecycleOp } from '../../../src/okta-sim/store/lifecycle';
import { USER_STATUSES, type ProviderType, type UserRecord, type UserStatus } from '../../../src/okta-sim/types';

function user(status: UserStatus, opts: { password?: boolean; provider?: ProviderType } = {}): UserRecord {
  return {
    id: '00u1',
    status,
    created: 0,
    activated: null,
    statusChanged: null,
    lastLogin: null,
    lastUpdated: 0,
    passwordChanged: null,
    typeId: 'oty',
    profile: { login: 'a@example.com' },
    credentials: { hasPassword: opts.password ?? false, provider: { type: opts.provider ?? 'OKTA', name: 'x' } },
    version: 1,
  };
}

const outcome = (op: LifecycleOp, status: UserStatus, opts = {}) => {
  const r = planTransition(user(status, opts), op);
  return typeof r === 'string' ? r : `${r.status} ${r.errorCode}`;
};

const EXPECTED: Record<LifecycleOp, Partial<Record<UserStatus, string>> & { otherwise: string }> = {
  activate: { STAGED: 'PROVISIONED', DEPROVISIONED: 'PROVISIONED', otherwise: '403 E0000016' },
  deactivate: { DEPROVISIONED: '403 E0000038', otherwise: 'DEPROVISIONED' },
  reactivate: { PROVISIONED: 'PROVISIONED', RECOVERY: 'PROVISIONED', otherwise: '403 E0000038' },
  suspend: { ACTIVE: 'SUSPENDED', otherwise: '400 E0000001' },
  unsuspend: { SUSPENDED: 'ACTIVE', otherwise: '400 E0000001' },
  unlock: { LOCKED_OUT: 'ACTIVE', ACTIVE: 'ACTIVE', otherwise: '403 E0000032' },
};

describe.each(Object.keys(EXPECTED) as LifecycleOp[])('%s', (op) => {
  test.each([...USER_STATUSES])('from %s', (status) => {
    expect(outcome(op, status)).toBe(EXPECTED[op][status] ?? EXPECTED[op].otherwise);
  });
});

test('activation lands on ACTIVE for password, FEDERATION and SOCIAL users', () => {
  expect(outcome('activate', 'STAGED', { password: true })).toBe('ACTIVE');
  expect(outcome('activate', 'STAGED', { provider: 'FEDERATION' })).toBe('ACTIVE');
  expect(outcome('activate', 'DEPROVISIONED', { provider: 'SOCIAL' })).toBe('ACTIVE');
});

test('unlock is refused for directory-sourced accounts', () => {
  expect(outcome('unlock', 'LOCKED_OUT', { provider: 'ACTIVE_DIRECTORY' })).toBe('403 E0000032');
  expect(outcome('unlock', 'LOCKED_OUT', { provider: 'LDAP' })).toBe('403 E0000032');
});
