/** From transform outcomes and planned actions (first contact included) to a record's fate and its problems. */
import { assess, matchRulesOf, severityOf } from '../../../../src/inspect/preflight/categorize';
import type { Finding, TransformOutcome } from '../../../../src/transform';
import type { Action } from '../../../../src/sync/plan/types';

const DN = 'uid=jdoe,ou=people,dc=example,dc=com';
const ok = (findings: Finding[] = [], login = 'jdoe@example.com'): TransformOutcome => ({
  kind: 'ok',
  anchor: 'a1',
  profile: { login },
  login,
  loginSource: null,
  findings,
});
const quarantined = (step: string, reason: string, findings: Finding[] = []): TransformOutcome => ({
  kind: 'quarantine',
  anchor: 'a1',
  step,
  reason,
  findings,
});
const create = (login = 'jdoe@example.com'): Action => ({
  kind: 'create',
  anchor: 'a1',
  dn: DN,
  login,
  loginSource: null,
  profile: { login },
  disabled: false,
});
const qAction = (step: string, reason: string): Action => ({ kind: 'quarantine', anchor: 'a1', dn: DN, step, reason, oktaId: null });
const f = (type: Finding['type'], step: string, before?: Finding['before'], after?: Finding['after'], attribute: string | null = 'x'): Finding => ({
  type,
  step,
  attribute,
  before,
  after,
  message: `${type} message`,
});

describe('matchRulesOf', () => {
  test.each([
    ['none', { login: false, other: [], describe: 'none' }],
    [undefined, { login: false, other: [], describe: 'none' }],
    ['login', { login: true, other: [], describe: 'login' }],
    [[], { login: false, other: [], describe: 'none' }],
    [[{ by: 'email' }, { by: 'login' }], { login: true, other: ['email'], describe: 'login, email' }],
    [
      [{ by: 'attribute', attribute: 'employeeNumber', caseInsensitive: false }],
      { login: false, other: ['attribute employeeNumber'], describe: 'attribute employeeNumber' },
    ],
    [['email', { attribute: 'employeeNumber' }], { login: false, other: ['email', 'attribute employeeNumber'], describe: 'email, attribute employeeNumber' }],
  ])('%j', (match, rules) => expect(matchRulesOf(match)).toEqual(rules));
});

describe('severityOf', () => {
  test.each([
    [f('phone.normalized', 'clean', '415 555 0100', '+14155550100'), ok(), 'fixed'],
    [f('phone.invalid', 'clean', 'n/a', null), ok(), 'dropped'],
    [f('phone.invalid', 'clean', 'n/a', 'n/a'), ok(), 'kept'],
    [f('email.invalid', 'clean', 'x@', undefined), quarantined('clean', 'email: bad'), 'quarantine'],
    [f('username.conflict', 'login', 'a@x.com', 'a2@x.com'), ok(), 'resolved'],
    [f('username.conflict', 'login', 'a@x.com', null), quarantined('login', 'no available login'), 'quarantine'],
    [f('validate.required', 'checks', null), quarantined('checks', 'email is required'), 'quarantine'],
    [f('lookup.default', 'dept', 'E1'), ok(), 'warning'],
    [f('lookup.no-match', 'dept', 'E1'), quarantined('dept', 'no row'), 'quarantine'],
    [f('lookup.no-match', 'dept', 'E1'), quarantined('checks', 'other'), 'warning'],
  ] as const)('%#: %j', (finding, outcome, severity) => expect(severityOf(finding, outcome)).toBe(severity));
});

describe('assess', () => {
  test('a create with findings: fixes and dropped values are problems, the record is created', () => {
    const a = assess({
      anchor: 'a1',
      dn: DN,
      outcome: ok([f('phone.normalized', 'clean', '1', '+1'), f('phone.invalid', 'clean', 'n/a', null, 'mobilePhone')]),
      action: create(),
    });
    expect(a.fate).toBe('create');
    expect(a.login).toBe('jdoe@example.com');
    expect(a.problems.map((p) => [p.type, p.severity, p.attribute, p.before, p.after])).toEqual([
      ['phone.normalized', 'fixed', 'x', '1', '+1'],
      ['phone.invalid', 'dropped', 'mobilePhone', 'n/a', null],
    ]);
  });

  test('a skipped record has only its skip (findings of steps before the rule are out of scope)', () => {
    const outcome: TransformOutcome = {
      kind: 'skip',
      anchor: 'a1',
      step: 'svc',
      reason: 'service account',
      findings: [f('phone.invalid', 'clean', 'n/a', null)],
    };
    const a = assess({ anchor: 'a1', dn: DN, outcome, action: { kind: 'skip', anchor: 'a1', dn: DN, step: 'svc', reason: 'service account' } });
    expect(a).toEqual({
      fate: 'skip',
      login: null,
      problems: [{ type: 'skipped', severity: 'skip', step: 'svc', attribute: null, message: 'service account' }],
    });
  });

  test('a record disabled in the directory and not created (lifecycle.createDisabled: false)', () => {
    const a = assess({
      anchor: 'a1',
      dn: DN,
      outcome: ok(),
      action: { kind: 'skip', anchor: 'a1', dn: DN, step: 'lifecycle', reason: 'disabled in the directory' },
    });
    expect(a.problems[0]).toMatchObject({ type: 'lifecycle.disabled', severity: 'skip' });
  });

  test('a quarantine explained by its findings gets no extra row; one without a finding gets `quarantined` with step and reason', () => {
    const withFinding = assess({
      anchor: 'a1',
      dn: DN,
      outcome: quarantined('checks', 'email is required', [f('validate.required', 'checks', null, undefined, 'email')]),
      action: qAction('checks', 'email is required'),
    });
    expect(withFinding.fate).toBe('quarantine');
    expect(withFinding.problems.map((p) => p.type)).toEqual(['validate.required']);
    const hookError = assess({
      anchor: 'a1',
      dn: DN,
      outcome: quarantined('custom', 'internal error in step custom: boom'),
      action: qAction('custom', 'internal error in step custom: boom'),
      knownLogin: 'old@example.com',
    });
    expect(hookError).toEqual({
      fate: 'quarantine',
      login: 'old@example.com',
      problems: [{ type: 'quarantined', severity: 'quarantine', step: 'custom', attribute: null, message: 'internal error in step custom: boom' }],
    });
  });

  test('transforms passed but the plan quarantined it: another record has the login', () => {
    const a = assess({
      anchor: 'a1',
      dn: DN,
      outcome: ok(),
      action: qAction('login-unique', 'login "jdoe@example.com" is already used by uid=other (anchor a2)'),
    });
    expect(a.fate).toBe('quarantine');
    expect(a.problems).toEqual([
      {
        type: 'login.duplicate',
        severity: 'quarantine',
        step: 'login-unique',
        attribute: 'login',
        before: 'jdoe@example.com',
        message: 'login "jdoe@example.com" is already used by uid=other (anchor a2)',
      },
    ]);
  });

  test('an entry the reader rejected', () => {
    const a = assess({ anchor: 'dn:cn=x', dn: 'cn=x', outcome: null, action: qAction('directory', 'no entryUUID') });
    expect(a).toEqual({
      fate: 'rejected',
      login: null,
      problems: [{ type: 'directory.rejected', severity: 'quarantine', step: 'directory', attribute: null, message: 'no entryUUID' }],
    });
  });

  test('first contact, decided by the plan from the mirror: a link, or a quarantine by the match rules, is an okta.conflict problem', () => {
    const link: Action = {
      kind: 'link',
      anchor: 'a1',
      dn: DN,
      oktaId: '00u1',
      oktaLogin: 'john.doe@example.com',
      oktaStatus: 'ACTIVE',
      how: 'matched by attribute employeeNumber',
      login: 'jdoe@example.com',
      loginSource: null,
      changes: [{ attribute: 'login', before: 'john.doe@example.com', after: 'jdoe@example.com' }],
      profile: { login: 'jdoe@example.com' },
      disabled: false,
    };
    const linked = assess({ anchor: 'a1', dn: DN, outcome: ok(), action: link });
    expect(linked.fate).toBe('link');
    expect(linked.problems).toEqual([
      {
        type: 'okta.conflict',
        severity: 'resolved',
        step: 'okta-match',
        attribute: 'login',
        before: 'john.doe@example.com',
        message: 'Okta user 00u1 (ACTIVE) exists, matched by attribute employeeNumber: it is linked and what differs is updated',
      },
    ]);
    const refused = assess({ anchor: 'a1', dn: DN, outcome: ok(), action: qAction('okta-match', 'login "jdoe@example.com" already exists in Okta') });
    expect(refused.fate).toBe('quarantine');
    expect(refused.problems.map((p) => [p.type, p.severity, p.before])).toEqual([['okta.conflict', 'quarantine', 'jdoe@example.com']]);
  });

  test('already linked users: update, unchanged, status change', () => {
    const upd: Action = {
      kind: 'update',
      anchor: 'a1',
      dn: DN,
      oktaId: '00u1',
      login: 'jdoe@example.com',
      loginSource: null,
      changes: [],
      profile: {},
      disabled: false,
      previousDn: null,
      lifecycle: null,
    };
    expect(assess({ anchor: 'a1', dn: DN, outcome: ok(), action: upd }).fate).toBe('update');
    expect(
      assess({ anchor: 'a1', dn: DN, outcome: ok(), action: { kind: 'unchanged', anchor: 'a1', dn: DN, previousDn: null, wasQuarantined: false } }).fate,
    ).toBe('unchanged');
    expect(
      assess({
        anchor: 'a1',
        dn: DN,
        outcome: ok(),
        action: { kind: 'lifecycle', anchor: 'a1', dn: DN, oktaId: '00u1', login: null, op: 'disable', disabled: true, previousDn: null },
      }).fate,
    ).toBe('lifecycle');
  });
});
