import { diffProfiles, planBatch, planRecord, type PlanContext } from '../../../src/sync/plan';
import type { Desired } from '../../../src/sync/types';
import type { UserRow } from '../../../src/state/users';

const nobody: PlanContext = { loginHolder: () => undefined };

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
    const a = planRecord(ok('a1', P), row('a1', null, { quarantine: { step: 'validate', reason: 'no email', run: 1 } }), nobody);
    expect(a.kind).toBe('create');
  });

  test('an unchanged profile makes no Okta call', () => {
    expect(planRecord(ok('a1', P), row('a1', P), nobody)).toEqual({ kind: 'unchanged', anchor: 'a1', dn: expect.any(String), previousDn: null, wasQuarantined: false });
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
    expect(planRecord(d, row('a1', P), nobody)).toEqual({ kind: 'quarantine', anchor: 'a1', dn: 'uid=a1', step: 'validate', reason: 'email is missing', oktaId: '00ua1' });
  });

  test('a previously quarantined record that is fine and unchanged is released from quarantine', () => {
    const a = planRecord(ok('a1', P), row('a1', P, { quarantine: { step: 'validate', reason: 'x', run: 2 } }), nobody);
    expect(a).toMatchObject({ kind: 'unchanged', wasQuarantined: true });
  });

  test('a skipped record is reported with its step and reason', () => {
    const d: Desired = { kind: 'skip', anchor: 's1', dn: 'uid=svc', step: 'skip#1', reason: 'service account' };
    expect(planRecord(d, undefined, nobody)).toEqual({ kind: 'skip', anchor: 's1', dn: 'uid=svc', step: 'skip#1', reason: 'service account' });
  });

  test('a login held by another anchor (ignoring case and diacritics) is quarantined, never duplicated', () => {
    const ctx: PlanContext = { loginHolder: (norm) => (norm === 'ada@example.com' ? { anchor: 'other', dn: 'uid=other' } : undefined) };
    const a = planRecord(ok('a1', { ...P, login: 'Adá@Example.com' }), undefined, ctx);
    expect(a).toMatchObject({ kind: 'quarantine', step: 'login-unique' });
    expect(a.kind === 'quarantine' && a.reason).toContain('uid=other');
  });

  test('a login held by the same anchor is its own', () => {
    const ctx: PlanContext = { loginHolder: () => ({ anchor: 'a1', dn: 'uid=a1' }) };
    expect(planRecord(ok('a1', P), row('a1', P), ctx).kind).toBe('unchanged');
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
    expect(diffProfiles({ groups: ['a', 'b'] } as never, { groups: ['a', 'b'] } as never)).toEqual([]);
    expect(diffProfiles({ groups: ['a', 'b'] } as never, { groups: ['b', 'a'] } as never)).toHaveLength(1);
  });
  test('nothing applied yet: every attribute is a change', () => {
    expect(diffProfiles(null, { a: '1' })).toEqual([{ attribute: 'a', before: undefined, after: '1' }]);
  });
});
