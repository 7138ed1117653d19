/** UserStore: creation statuses, validation, uniqueness, updates, lifecycle, delete, seeding. */
import { OktaSimError } from '../../../src/okta-sim/errors';
import { createIdGenerator } from '../../../src/okta-sim/ids';
import { normalizeLogin } from '../../../src/okta-sim/normalize';
import { UserStore, type UserRulesOptions } from '../../../src/okta-sim/store/users';

let now = Date.parse('2025-03-01T10:00:00.000Z');
const clock = () => now;

function store(rules: Partial<UserRulesOptions> = {}) {
  return new UserStore(clock, createIdGenerator(1), { loginFormat: 'email', activationDelayMs: 0, editDeprovisionedProfiles: false, ...rules }, 0);
}

const profile = (n: string, extra: Record<string, unknown> = {}) => ({
  login: `${n}@example.com`,
  email: `${n}@example.com`,
  firstName: 'F',
  lastName: 'L',
  ...extra,
});

function err(f: () => unknown): OktaSimError {
  try {
    f();
  } catch (e) {
    if (e instanceof OktaSimError) return e;
    throw e;
  }
  throw new Error('expected an OktaSimError');
}

const dflt = { activate: true, provider: false };

describe('create', () => {
  test.each([
    ['activate=false', { activate: false, provider: false }, {}, 'STAGED'],
    ['profile only, activate', dflt, {}, 'PROVISIONED'],
    ['provider=true', { activate: true, provider: true }, {}, 'ACTIVE'],
    ['FEDERATION credentials', dflt, { credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } }, 'ACTIVE'],
    ['SOCIAL credentials', dflt, { credentials: { provider: { type: 'SOCIAL', name: 'Google' } } }, 'ACTIVE'],
    ['password', dflt, { credentials: { password: { value: 'xX1!abcdefg' } } }, 'ACTIVE'],
    ['password, activate=false', { activate: false, provider: false }, { credentials: { password: { value: 'xX1!abcdefg' } } }, 'STAGED'],
    ['password hook', dflt, { credentials: { password: { hook: { type: 'default' } } } }, 'ACTIVE'],
    ['nextLogin=changePassword', { ...dflt, nextLogin: 'changePassword' }, { credentials: { password: { value: 'xX1!abcdefg' } } }, 'PASSWORD_EXPIRED'],
  ])('%s → %s', (_n, params, body, status) => {
    const s = store();
    const { user } = s.create({ profile: profile('a'), ...body }, params);
    expect(user.status).toBe(status);
    expect(user.statusChanged === null).toBe(status === 'STAGED');
  });

  test("validation: all problems reported as E0000001 causes in the schema's order, first field in the summary", () => {
    const e = err(() => store().create({ profile: { login: 'abc', email: 'nope', firstName: '', lastName: 'x'.repeat(51) } }, dflt));
    expect([e.status, e.errorCode, e.errorSummary]).toEqual([400, 'E0000001', 'Api validation failed: login']);
    expect(e.causes).toEqual([
      'login: The field must be at least 5 characters long',
      'firstName: The field cannot be left blank',
      'lastName: The field cannot be longer than 50 characters',
      'email: The field must be at least 5 characters long',
    ]);
    expect(err(() => store().create({ profile: profile('a', { login: 'not-an-email' }) }, dflt)).causes).toEqual([
      'login: Username must be in the form of an email address',
    ]);
    expect(err(() => store().create({}, dflt)).causes).toContain('login: The field cannot be left blank');
  });

  test('loginFormat "any" or a pattern relaxes the email requirement', () => {
    expect(store({ loginFormat: 'any' }).create({ profile: profile('a', { login: 'jdoe1' }) }, dflt).user.profile.login).toBe('jdoe1');
    expect(err(() => store({ loginFormat: /^[a-z]+$/ }).create({ profile: profile('a', { login: 'jdoe1' }) }, dflt)).errorCode).toBe('E0000001');
  });

  test('login uniqueness ignores case and diacritics and includes DEPROVISIONED users', () => {
    const s = store();
    s.create({ profile: profile('x', { login: 'Isaac.Brock@example.com' }) }, dflt);
    for (const login of ['isaac.brock@example.com', 'ISAAC.BROCK@EXAMPLE.COM', 'isáàc.bröck@example.com']) {
      const e = err(() => s.create({ profile: profile('y', { login }) }, dflt));
      expect(e.errorSummary).toBe('Api validation failed: login');
      expect(e.causes).toEqual(['login: An object with this field already exists in the current organization']);
    }
    s.seed({ status: 'DEPROVISIONED', profile: profile('old') });
    expect(err(() => s.create({ profile: profile('OLD') }, dflt)).errorCode).toBe('E0000001');
    expect(normalizeLogin('Ångström@Ex.com')).toBe('angstrom@ex.com');
  });

  test('groupIds above 20 → E0000093; nextLogin rules → E0000125 / E0000124', () => {
    const s = store();
    expect(err(() => s.create({ profile: profile('a'), groupIds: Array(21).fill('00g') }, dflt)).errorCode).toBe('E0000093');
    expect(err(() => s.create({ profile: profile('a') }, { activate: false, provider: false, nextLogin: 'changePassword' })).errorCode).toBe('E0000125');
    expect(err(() => s.create({ profile: profile('a') }, { ...dflt, nextLogin: 'changePassword' })).errorCode).toBe('E0000124');
    expect(err(() => s.create([1], dflt)).errorCode).toBe('E0000003');
  });
});

describe('update', () => {
  test('partial: shallow merge, null clears, unchanged attributes kept; lastUpdated only on change', () => {
    const s = store();
    const { user } = s.create({ profile: profile('a', { city: 'Paris', title: 'Dev' }) }, dflt);
    now += 1000;
    const u2 = s.update(user.id, { profile: { title: 'Lead', city: null } }, 'partial');
    expect(u2.profile).toEqual({ ...profile('a'), title: 'Lead' });
    expect(u2.lastUpdated).toBe(now);
    now += 1000;
    const u3 = s.update(user.id, { profile: { title: 'Lead' } }, 'partial');
    expect(u3.lastUpdated).toBe(u2.lastUpdated);
    expect(u3.version).toBe(u2.version);
  });

  test('replace: profile becomes exactly the body; required fields enforced', () => {
    const s = store();
    const { user } = s.create({ profile: profile('a', { city: 'Paris' }) }, dflt);
    expect(s.update(user.id, { profile: profile('a') }, 'replace').profile.city).toBeUndefined();
    expect(err(() => s.update(user.id, { profile: { login: 'a@example.com' } }, 'replace')).causes).toContain('email: The field cannot be left blank');
  });

  test('renaming a login checks uniqueness and re-indexes', () => {
    const s = store();
    const a = s.create({ profile: profile('a') }, dflt).user;
    s.create({ profile: profile('b') }, dflt);
    expect(err(() => s.update(a.id, { profile: { login: 'B@example.com' } }, 'partial')).errorCode).toBe('E0000001');
    s.update(a.id, { profile: { login: 'c@example.com' } }, 'partial');
    expect(s.index.resolve('C@EXAMPLE.COM')?.id).toBe(a.id);
    expect(s.index.resolve('a@example.com')).toBeUndefined();
    expect(s.create({ profile: profile('a') }, dflt).user.profile.login).toBe('a@example.com');
  });

  test('DEPROVISIONED users: 403 E0000038 unless the org allows editing them', () => {
    const u = store().seed({ status: 'DEPROVISIONED', profile: profile('d') });
    expect(u.status).toBe('DEPROVISIONED');
    const s1 = store();
    const d1 = s1.seed({ status: 'DEPROVISIONED', profile: profile('d') });
    expect(err(() => s1.update(d1.id, { profile: { title: 'x' } }, 'partial')).errorCode).toBe('E0000038');
    const s2 = store({ editDeprovisionedProfiles: true });
    const d2 = s2.seed({ status: 'DEPROVISIONED', profile: profile('d') });
    expect(s2.update(d2.id, { profile: { title: 'x' } }, 'partial').profile.title).toBe('x');
  });

  test('type: partial update must keep the type; replace may change it; provider is read-only', () => {
    const s = store();
    const { user } = s.create({ profile: profile('a') }, dflt);
    expect(s.update(user.id, { profile: {}, type: { id: user.typeId } }, 'partial').typeId).toBe(user.typeId);
    expect(err(() => s.update(user.id, { type: { id: 'otyOther' } }, 'partial')).errorSummary).toBe('Api validation failed: type');
    expect(s.update(user.id, { profile: profile('a'), type: { id: 'otyOther' } }, 'replace').typeId).toBe('otyOther');
    expect(s.update(user.id, { credentials: { provider: { type: 'LDAP', name: 'x' } } }, 'partial').credentials.provider.type).toBe('OKTA');
  });

  test('activation window: transitioningToStatus and 409 E0000112 until it ends', () => {
    const s = store({ activationDelayMs: 5000 });
    const { user } = s.create({ profile: profile('a'), credentials: { password: { value: 'xX1!abcdefg' } } }, dflt);
    expect(user.transitioningToStatus).toBe('ACTIVE');
    expect(err(() => s.update(user.id, { profile: { title: 'x' } }, 'partial')).errorCode).toBe('E0000112');
    now += 5000;
    expect(s.update(user.id, { profile: { title: 'x' } }, 'partial').profile.title).toBe('x');
  });
});

describe('lifecycle, delete, lookup', () => {
  test('transitions update status timestamps; wrong state throws', () => {
    const s = store();
    const { user } = s.create({ profile: profile('a') }, { activate: false, provider: false });
    now += 1000;
    const p = s.transition(user.id, 'activate');
    expect([p.status, p.statusChanged, p.activated]).toEqual(['PROVISIONED', now, null]);
    expect(err(() => s.transition(user.id, 'suspend')).errorCode).toBe('E0000001');
    expect(err(() => s.transition('nope', 'suspend')).errorCode).toBe('E0000007');
  });

  test('delete: first deactivates, then deletes and frees the login', () => {
    const s = store();
    const { user } = s.create({ profile: profile('a') }, dflt);
    expect(s.delete(user.id).outcome).toBe('deactivated');
    expect(s.index.get(user.id)?.status).toBe('DEPROVISIONED');
    expect(s.delete(user.id).outcome).toBe('deleted');
    expect(s.index.get(user.id)).toBeUndefined();
    expect(s.create({ profile: profile('a') }, dflt).user.id).not.toBe(user.id);
  });

  test('resolve: id, login (case/diacritics-insensitive), unambiguous short name', () => {
    const s = store();
    const a = s.seed({ profile: profile('jdoe') });
    expect(s.index.resolve(a.id)?.id).toBe(a.id);
    expect(s.index.resolve('JDOE@example.com')?.id).toBe(a.id);
    expect(s.index.resolve('jdöe@example.com')?.id).toBe(a.id);
    expect(s.index.resolve('jdoe')?.id).toBe(a.id);
    s.seed({ profile: { ...profile('x'), login: 'jdoe@other.example' } });
    expect(s.index.resolve('jdoe')).toBeUndefined();
  });

  test('seed: defaults, explicit timestamps, duplicate checks', () => {
    const s = store();
    const u = s.seed({ status: 'SUSPENDED', profile: profile('s'), created: '2020-01-01T00:00:00.000Z', credentials: { password: true } });
    expect(u.created).toBe(Date.parse('2020-01-01T00:00:00.000Z'));
    expect(u.lastUpdated).toBe(u.created);
    expect(u.credentials.hasPassword).toBe(true);
    expect(() => s.seed({ profile: profile('S') })).toThrow(/login already exists/);
    expect(() => s.seed({ id: u.id, profile: profile('t') })).toThrow(/id already exists/);
    const forced = s.force(u.id, () => ({ status: 'LOCKED_OUT' }));
    expect([forced.status, forced.statusChanged]).toEqual(['LOCKED_OUT', now]);
  });
});
