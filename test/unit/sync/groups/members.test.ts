import { diffMembership, flattenMembers, memberDnOf, type FlattenLookups } from '../../../../src/sync/groups/members';

/** A directory in miniature: group anchor → { dn, members }. */
function dir(groups: Record<string, { dn: string; members: string[] }>): FlattenLookups {
  const byDn = new Map(Object.entries(groups).map(([a, g]) => [g.dn, a]));
  return { groupOfDn: (dn) => byDn.get(dn), directMembers: (a) => groups[a]?.members ?? [] };
}

const u = (n: string) => `uid=${n},ou=people,dc=x`;
const g = (n: string) => `cn=${n},ou=groups,dc=x`;

describe('flattenMembers', () => {
  test('a group without nested groups: its direct members', () => {
    const r = flattenMembers('A', dir({ A: { dn: g('a'), members: [u('1'), u('2')] } }), 'flatten');
    expect([...r.memberDns].sort()).toEqual([u('1'), u('2')]);
    expect(r.nestedGroups.size).toBe(0);
    expect(r.cycle).toBe(false);
  });

  test('flatten: members of nested groups, at any depth, count as members', () => {
    const d = dir({
      A: { dn: g('a'), members: [u('1'), g('b')] },
      B: { dn: g('b'), members: [u('2'), g('c')] },
      C: { dn: g('c'), members: [u('3')] },
    });
    const r = flattenMembers('A', d, 'flatten');
    expect([...r.memberDns].sort()).toEqual([u('1'), u('2'), u('3')]);
    expect([...r.nestedGroups].sort()).toEqual(['B', 'C']);
  });

  test('direct: a nested group contributes nothing, and its DN is not taken for a member', () => {
    const d = dir({ A: { dn: g('a'), members: [u('1'), g('b')] }, B: { dn: g('b'), members: [u('2')] } });
    const r = flattenMembers('A', d, 'direct');
    expect([...r.memberDns]).toEqual([u('1')]);
  });

  test('a cycle A → B → A ends, every member once, and is reported', () => {
    const d = dir({ A: { dn: g('a'), members: [u('1'), g('b')] }, B: { dn: g('b'), members: [u('2'), g('a')] } });
    const r = flattenMembers('A', d, 'flatten');
    expect([...r.memberDns].sort()).toEqual([u('1'), u('2')]);
    expect(r.cycle).toBe(true);
    expect(r.nestedGroups.has('A')).toBe(false);
  });

  test('a group that lists itself ends and keeps its other members', () => {
    const r = flattenMembers('A', dir({ A: { dn: g('a'), members: [g('a'), u('1')] } }), 'flatten');
    expect([...r.memberDns]).toEqual([u('1')]);
    expect(r.cycle).toBe(true);
  });

  test('a cycle below the root (B ↔ C) ends too', () => {
    const d = dir({
      A: { dn: g('a'), members: [g('b')] },
      B: { dn: g('b'), members: [g('c'), u('2')] },
      C: { dn: g('c'), members: [g('b'), u('3')] },
    });
    const r = flattenMembers('A', d, 'flatten');
    expect([...r.memberDns].sort()).toEqual([u('2'), u('3')]);
    expect(r.cycle).toBe(false);
  });

  test('a diamond (A → B, A → C, B → D, C → D) expands D once', () => {
    let reads = 0;
    const base = dir({
      A: { dn: g('a'), members: [g('b'), g('c')] },
      B: { dn: g('b'), members: [g('d')] },
      C: { dn: g('c'), members: [g('d')] },
      D: { dn: g('d'), members: [u('4')] },
    });
    const r = flattenMembers('A', { ...base, directMembers: (a) => (reads++, base.directMembers(a)) }, 'flatten');
    expect([...r.memberDns]).toEqual([u('4')]);
    expect(reads).toBe(4);
  });

  test('a member DN that is not a group in scope (a user, or a group out of scope) is a member DN', () => {
    const r = flattenMembers('A', dir({ A: { dn: g('a'), members: ['cn=other,ou=elsewhere,dc=x'] } }), 'flatten');
    expect([...r.memberDns]).toEqual(['cn=other,ou=elsewhere,dc=x']);
  });
});

describe('diffMembership', () => {
  test('desired members not applied yet are added', () => {
    expect(diffMembership(['u1', 'u2', 'u3'], ['u1'])).toEqual({ add: ['u2', 'u3'], remove: [] });
  });

  test('applied members no longer desired are removed', () => {
    expect(diffMembership(['u1'], ['u1', 'u2'])).toEqual({ add: [], remove: ['u2'] });
  });

  test('the same sets: nothing to do', () => {
    expect(diffMembership(['u2', 'u1'], ['u1', 'u2'])).toEqual({ add: [], remove: [] });
  });

  test('members added by hand in Okta are not in the applied set, so they are never removed', () => {
    // Okta has u1 (agent) and h9 (by hand); the agent only knows what it applied: u1
    expect(diffMembership([], ['u1'])).toEqual({ add: [], remove: ['u1'] });
  });

  test('both directions at once, sorted', () => {
    expect(diffMembership(['c', 'a', 'x'], ['b', 'x', 'd'])).toEqual({ add: ['a', 'c'], remove: ['b', 'd'] });
  });
});

describe('memberDnOf', () => {
  test('normalises case and spaces around separators', () => {
    expect(memberDnOf('UID=Ada , OU=People,DC=Example')).toBe('uid=ada,ou=people,dc=example');
  });

  test("drops a uniqueMember's optional UID", () => {
    expect(memberDnOf("uid=ada,ou=people,dc=x#'0101'B")).toBe('uid=ada,ou=people,dc=x');
  });

  test('an empty placeholder value is no member', () => {
    expect(memberDnOf('')).toBeNull();
    expect(memberDnOf('  ')).toBeNull();
  });

  test('hex escapes (as Samba writes member values) name the same entry as the backslash form', () => {
    expect(memberDnOf('CN=Smith\\2C John\\3D,OU=People,DC=x')).toBe(memberDnOf('cn=smith\\, john\\=,ou=people,dc=x'));
  });

  test('an escaped trailing space is part of the DN', () => {
    expect(memberDnOf('cn=x,dc=y\\ ')).toBe('cn=x,dc=y\\ ');
    expect(memberDnOf('cn=x\\ ,dc=y')).not.toBe(memberDnOf('cn=x,dc=y'));
  });
});
