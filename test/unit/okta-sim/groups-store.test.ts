/** GroupStore and OktaStore: name uniqueness, group types, memberships. */
import { OktaSimError } from '../../../src/okta-sim/errors';
import { createIdGenerator } from '../../../src/okta-sim/ids';
import { OktaStore } from '../../../src/okta-sim/store';

let now = 1_700_000_000_000;
const mk = () => new OktaStore(() => now, createIdGenerator(5), { loginFormat: 'email', activationDelayMs: 0, editDeprovisionedProfiles: false }, 0);

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof OktaSimError) return `${e.status} ${e.errorCode}`;
    throw e;
  }
  throw new Error('no error');
}

const profile = (n: string) => ({ login: `${n}@example.com`, email: `${n}@example.com`, firstName: 'F', lastName: 'L' });

test('create: OKTA_GROUP, name required, names unique case-insensitively (also against APP_GROUPs)', () => {
  const s = mk();
  const g = s.groups.create({ profile: { name: 'Engineering', description: 'Eng' } });
  expect([g.type, g.objectClass]).toEqual(['OKTA_GROUP', ['okta:user_group']]);
  expect(code(() => s.groups.create({ profile: { name: 'ENGINEERING' } }))).toBe('400 E0000001');
  expect(code(() => s.groups.create({ profile: {} }))).toBe('400 E0000001');
  expect(code(() => s.groups.create({ profile: { name: 'x'.repeat(256) } }))).toBe('400 E0000001');
  s.groups.seed({ type: 'APP_GROUP', name: 'Domain Users' });
  s.groups.seed({ type: 'APP_GROUP', name: 'Domain Users' });
  expect(code(() => s.groups.create({ profile: { name: 'domain users' } }))).toBe('400 E0000001');
});

test('replace: keeps its own name, rejects a taken one, only OKTA_GROUP', () => {
  const s = mk();
  const a = s.groups.create({ profile: { name: 'A' } });
  s.groups.create({ profile: { name: 'B' } });
  now += 10;
  const a2 = s.groups.replace(a.id, { profile: { name: 'a', description: 'renamed case' } });
  expect([a2.profile.name, a2.lastUpdated]).toEqual(['a', now]);
  expect(code(() => s.groups.replace(a.id, { profile: { name: 'b' } }))).toBe('400 E0000001');
  const app = s.groups.seed({ type: 'APP_GROUP', name: 'App' });
  expect(code(() => s.groups.replace(app.id, { profile: { name: 'App2' } }))).toBe('403 E0000006');
  expect(code(() => s.groups.replace('00gnope', { profile: { name: 'x' } }))).toBe('404 E0000007');
});

test('memberships: idempotent, OKTA_GROUP only, 404 for unknown ids, lastMembershipUpdated', () => {
  const s = mk();
  const g = s.groups.create({ profile: { name: 'G' } });
  const u = s.users.seed({ profile: profile('u') });
  now += 100;
  s.assign(g.id, u.id);
  s.assign(g.id, u.id);
  expect(s.memberships.count(g.id)).toBe(1);
  expect(s.groups.get(g.id)!.lastMembershipUpdated).toBe(now);
  expect(code(() => s.assign(g.id, 'u@example.com'))).toBe('404 E0000007');
  expect(code(() => s.assign('00gnope', u.id))).toBe('404 E0000007');
  const app = s.groups.seed({ type: 'APP_GROUP', name: 'App' });
  const builtIn = s.groups.seed({ type: 'BUILT_IN', name: 'Everyone' });
  expect(code(() => s.assign(app.id, u.id))).toBe('403 E0000006');
  expect(code(() => s.unassign(builtIn.id, u.id))).toBe('403 E0000006');
  s.unassign(g.id, u.id);
  s.unassign(g.id, u.id);
  expect(s.memberships.count(g.id)).toBe(0);
});

test('createUser with groupIds assigns; unknown or non-OKTA groups are rejected before creating', () => {
  const s = mk();
  const g = s.groups.create({ profile: { name: 'G' } });
  const app = s.groups.seed({ type: 'APP_GROUP', name: 'App' });
  const u = s.createUser({ profile: profile('a'), groupIds: [g.id] }, { activate: false, provider: false });
  expect(s.memberships.groupIdsOf(u.id)).toEqual([g.id]);
  expect(code(() => s.createUser({ profile: profile('b'), groupIds: ['00gnope'] }, { activate: false, provider: false }))).toBe('400 E0000001');
  expect(code(() => s.createUser({ profile: profile('b'), groupIds: [app.id] }, { activate: false, provider: false }))).toBe('400 E0000001');
  expect(s.users.index.resolve('b@example.com')).toBeUndefined();
});

test('deleting a user or a group drops memberships; BUILT_IN groups cannot be deleted', () => {
  const s = mk();
  const g = s.groups.create({ profile: { name: 'G' } });
  const h = s.groups.create({ profile: { name: 'H' } });
  const u = s.users.seed({ profile: profile('u') });
  s.assign(g.id, u.id);
  s.assign(h.id, u.id);
  s.deleteUser(u.id);
  expect(s.memberships.count(g.id)).toBe(1);
  s.deleteUser(u.id);
  expect(s.memberships.count(g.id)).toBe(0);
  const v = s.users.seed({ profile: profile('v') });
  s.assign(g.id, v.id);
  s.deleteGroup(g.id);
  expect(s.memberships.groupIdsOf(v.id)).toEqual([]);
  expect(s.groups.create({ profile: { name: 'G' } }).profile.name).toBe('G');
  const everyone = s.groups.seed({ type: 'BUILT_IN', name: 'Everyone' });
  expect(code(() => s.deleteGroup(everyone.id))).toBe('403 E0000006');
});
