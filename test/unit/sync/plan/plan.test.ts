import { diffProfiles, planBatch, planMissing, planRecord, type PlanContext } from '../../../../src/sync/plan/plan';
import { chooseOp } from '../../../../src/sync/plan/lifecycle';
import type { Desired } from '../../../../src/sync/plan/types';
import type { UserRow } from '../../../../src/state/users';

const LIFECYCLE: PlanContext['lifecycle'] = { createDisabled: false, missing: 'deactivate', missingGraceRuns: 2 };
const nobody: PlanContext = { loginHolder: () => undefined, lifecycle: LIFECYCLE };

function ok(anchor: string, profile: Record<string, string>, over: Partial<Extract<Desired, { kind: 'ok' }>> = {}): Desired {
  return { kind: 'ok', anchor, dn: `uid=${anchor},ou=people,dc=example,dc=com`, disabled: false, profile, login: profile.login, loginSource: null, ...over };
}

function row(anchor: string, profile: Record<string, string> | null, over: Partial<UserRow> = {}): UserRow {
  return {
    anchor,
    dn: `uid=${anchor},ou=people,dc=example,dc=com`,
    oktaId: profile ? `00u${anchor}` : null,
    login: profile?.login ?? null,
    loginSource: null,
    profile,
    oktaStatus: profile ? 'ACTIVE' : null,
    link: profile ? 'created' : null,
    disabled: false,
    lastSeenRun: 1,
    quarantine: null,
    missingRuns: 0,
    missingSince: null,
    lifecycleReason: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const P = { login: 'ada@example.com', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };

describe('planRecord', () => {
  test('a record the state has never seen is created with its whole profile', () => {
    const a = planRecord(ok('a1', P), undefined, nobody);
    expect(a).toEqual({ kind: 'create', anchor: 'a1', dn: expect.any(String), login: P.login, loginSource: null, profile: P, disabled: false });
  });

  test('a record quarantined before and never created in Okta is created once it is fine', () => {
    const a = planRecord(ok('a1', P), row('a1', null, { quarantine: { step: 'validate', reason: 'no email', run: 1, since: '2026-01-01T00:00:00Z' } }), nobody);
    expect(a.kind).toBe('create');
  });

  test('an unchanged profile makes no Okta call', () => {
    expect(planRecord(ok('a1', P), row('a1', P), nobody)).toEqual({
      kind: 'unchanged',
      anchor: 'a1',
      dn: expect.any(String),
      previousDn: null,
      wasQuarantined: false,
    });
  });

  test('an update carries only the changed attributes, with before and after', () => {
    const a = planRecord(ok('a1', { ...P, firstName: 'Augusta', title: 'Countess' }), row('a1', P), nobody);
    expect(a.kind).toBe('update');
    if (a.kind !== 'update') return;
    expect(a.oktaId).toBe('00ua1');
    expect(a.changes).toEqual([
      { attribute: 'firstName', before: 'Ada', after: 'Augusta' },
      { attribute: 'title', before: undefined, after: 'Countess' },
    ]);
  });

  test('an attribute the directory no longer has is cleared with null', () => {
    const a = planRecord(ok('a1', P), row('a1', { ...P, title: 'Countess' }), nobody);
    expect(a.kind === 'update' && a.changes).toEqual([{ attribute: 'title', before: 'Countess', after: null }]);
  });

  test('a rename or move with the same profile only updates the DN in the state', () => {
    const a = planRecord(ok('a1', P, { dn: 'uid=a1,ou=moved,dc=example,dc=com' }), row('a1', P), nobody);
    expect(a).toMatchObject({ kind: 'unchanged', previousDn: 'uid=a1,ou=people,dc=example,dc=com', dn: 'uid=a1,ou=moved,dc=example,dc=com' });
  });

  test('a rename with profile changes is one update that remembers the old DN, never a create', () => {
    const a = planRecord(ok('a1', { ...P, lastName: 'King' }, { dn: 'uid=a1,ou=moved,dc=example,dc=com' }), row('a1', P), nobody);
    expect(a).toMatchObject({ kind: 'update', previousDn: 'uid=a1,ou=people,dc=example,dc=com' });
  });

  test('a quarantined record that was already linked keeps its Okta id and is not written', () => {
    const d: Desired = { kind: 'quarantine', anchor: 'a1', dn: 'uid=a1', step: 'validate', reason: 'email is missing' };
    expect(planRecord(d, row('a1', P), nobody)).toEqual({
      kind: 'quarantine',
      anchor: 'a1',
      dn: 'uid=a1',
      step: 'validate',
      reason: 'email is missing',
      oktaId: '00ua1',
    });
  });

  test('a previously quarantined record that is fine and unchanged is released from quarantine', () => {
    const a = planRecord(ok('a1', P), row('a1', P, { quarantine: { step: 'validate', reason: 'x', run: 2, since: '2026-01-01T00:00:00Z' } }), nobody);
    expect(a).toMatchObject({ kind: 'unchanged', wasQuarantined: true });
  });

  test('a skipped record is reported with its step and reason', () => {
    const d: Desired = { kind: 'skip', anchor: 's1', dn: 'uid=svc', step: 'skip#1', reason: 'service account' };
    expect(planRecord(d, undefined, nobody)).toEqual({ kind: 'skip', anchor: 's1', dn: 'uid=svc', step: 'skip#1', reason: 'service account' });
  });

  test('a login held by another anchor (ignoring case and diacritics) is quarantined, never duplicated', () => {
    const ctx: PlanContext = { ...nobody, loginHolder: (norm) => (norm === 'ada@example.com' ? { anchor: 'other', dn: 'uid=other' } : undefined) };
    const a = planRecord(ok('a1', { ...P, login: 'Adá@Example.com' }), undefined, ctx);
    expect(a).toMatchObject({ kind: 'quarantine', step: 'login-unique' });
    expect(a.kind === 'quarantine' && a.reason).toContain('uid=other');
  });

  test('a login held by the same anchor is its own', () => {
    const ctx: PlanContext = { ...nobody, loginHolder: () => ({ anchor: 'a1', dn: 'uid=a1' }) };
    expect(planRecord(ok('a1', P), row('a1', P), ctx).kind).toBe('unchanged');
  });
});

describe('planRecord: lifecycle', () => {
  test('disabled in the directory: a status change, no profile write when nothing else changed', () => {
    expect(planRecord(ok('a1', P, { disabled: true }), row('a1', P), nobody)).toMatchObject({ kind: 'lifecycle', op: 'disable', oktaId: '00ua1' });
  });
  test('disabled with profile changes: one update that disables after writing the profile', () => {
    expect(planRecord(ok('a1', { ...P, title: 'Ex' }, { disabled: true }), row('a1', P), nobody)).toMatchObject({ kind: 'update', lifecycle: 'disable' });
  });
  test('enabled again: the status change is planned', () => {
    const r = row('a1', P, { disabled: true, lifecycleReason: 'disabled', oktaStatus: 'SUSPENDED' });
    expect(planRecord(ok('a1', P), r, nobody)).toMatchObject({ kind: 'lifecycle', op: 'enable' });
  });
  test('still disabled: nothing to do', () => {
    const r = row('a1', P, { disabled: true, lifecycleReason: 'disabled', oktaStatus: 'SUSPENDED' });
    expect(planRecord(ok('a1', P, { disabled: true }), r, nobody).kind).toBe('unchanged');
  });
  test("a deactivated user's profile is not updated until it is enabled (Okta refuses)", () => {
    const r = row('a1', P, { disabled: true, lifecycleReason: 'disabled', oktaStatus: 'DEPROVISIONED' });
    expect(planRecord(ok('a1', { ...P, title: 'New' }, { disabled: true }), r, nobody).kind).toBe('unchanged');
    expect(planRecord(ok('a1', { ...P, title: 'New' }), r, nobody)).toMatchObject({ kind: 'update', lifecycle: 'enable' });
  });
  test('a user deprovisioned because it was missing comes back: enabled again', () => {
    const r = row('a1', P, { lifecycleReason: 'missing', oktaStatus: 'DEPROVISIONED', missingRuns: 3 });
    expect(planRecord(ok('a1', P), r, nobody)).toMatchObject({ kind: 'lifecycle', op: 'enable' });
  });
  test('a new user disabled in the directory is not created (createDisabled: false)', () => {
    expect(planRecord(ok('a1', P, { disabled: true }), undefined, nobody)).toMatchObject({ kind: 'skip', step: 'lifecycle' });
  });
  test('… or created and then disabled with createDisabled: true', () => {
    const ctx = { ...nobody, lifecycle: { ...LIFECYCLE, createDisabled: true } };
    expect(planRecord(ok('a1', P, { disabled: true }), undefined, ctx)).toMatchObject({ kind: 'create', disabled: true });
  });
});

describe('planMissing', () => {
  test('the first missing run only counts', () => {
    expect(planMissing(row('a1', P), 'not seen by a full run', nobody)).toMatchObject({ kind: 'missing', missingRuns: 1, deprovision: false });
  });
  test('after the grace the user is deprovisioned', () => {
    expect(planMissing(row('a1', P, { missingRuns: 1 }), 'not seen by a full run', nobody)).toMatchObject({ missingRuns: 2, deprovision: true });
  });
  test('once deprovisioned for being missing, not again', () => {
    expect(planMissing(row('a1', P, { missingRuns: 5, lifecycleReason: 'missing' }), 'not seen by a full run', nobody)).toMatchObject({ deprovision: false });
  });
  test('policy nothing never deprovisions', () => {
    expect(planMissing(row('a1', P, { missingRuns: 9 }), 'deleted in the directory', { lifecycle: { ...LIFECYCLE, missing: 'nothing' } })?.deprovision).toBe(
      false,
    );
  });
  test('records that never reached Okta are not "missing"', () => {
    expect(planMissing(row('a1', null), 'not seen by a full run', nobody)).toBeUndefined();
  });
});

describe('chooseOp: the Okta operation for a status change', () => {
  test.each([
    ['ACTIVE', 'disable', 'suspend', 'suspend'],
    ['PROVISIONED', 'disable', 'suspend', 'deactivate'],
    ['STAGED', 'disable', 'suspend', 'deactivate'],
    ['SUSPENDED', 'disable', 'suspend', null],
    ['DEPROVISIONED', 'disable', 'deactivate', null],
    ['ACTIVE', 'disable', 'deactivate', 'deactivate'],
    ['ACTIVE', 'disable', 'nothing', null],
    ['SUSPENDED', 'enable', 'suspend', 'unsuspend'],
    ['DEPROVISIONED', 'enable', 'suspend', 'activate'],
    ['ACTIVE', 'enable', 'suspend', null],
  ] as const)('%s, %s, policy %s → %s', (status, intent, policy, op) => {
    expect(chooseOp(status, intent, policy)).toBe(op);
  });
});

describe('planBatch', () => {
  test('two records of one page that want the same login: the first is created, the second quarantined', () => {
    const actions = planBatch([ok('a1', P), ok('a2', { ...P, login: 'ADA@example.com' })], new Map(), nobody);
    expect(actions.map((a) => a.kind)).toEqual(['create', 'quarantine']);
  });

  test('state rows are matched by anchor', () => {
    const rows = new Map([['a2', row('a2', P)]]);
    const actions = planBatch([ok('a1', { ...P, login: 'b@example.com' }), ok('a2', P)], rows, nobody);
    expect(actions.map((a) => a.kind)).toEqual(['create', 'unchanged']);
  });
});

describe('diffProfiles', () => {
  test('arrays compare by value', () => {
    expect(diffProfiles({ groups: ['a', 'b'] }, { groups: ['a', 'b'] })).toEqual([]);
    expect(diffProfiles({ groups: ['a', 'b'] }, { groups: ['b', 'a'] })).toHaveLength(1);
  });
  test('nothing applied yet: every attribute is a change', () => {
    expect(diffProfiles(null, { a: '1' })).toEqual([{ attribute: 'a', before: undefined, after: '1' }]);
  });
});
