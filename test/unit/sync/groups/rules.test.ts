/**
 * The group-planning rules, case by case, over rows as the group spool gives them (no SQLite).
 */
import type { GroupRow } from '../../../../src/state/group-store';
import type { ListingRow, NameClaim, RunGroupRow, StateGroupRow, StateNameRow, UserAtDn } from '../../../../src/state/group-spool-rows';
import {
  aliasOf,
  compareCodePoints,
  directMembersNow,
  goneAction,
  groupAction,
  groupAt,
  groupsListing,
  isGone,
  isRetried,
  memberAt,
  nameCollisions,
  nameTakenInState,
  recomputesListingGroups,
  rejectedGroupOf,
  runGroupOf,
  runUserKind,
  targetIntent,
  type TargetIntent,
} from '../../../../src/sync/groups/rules';

const NOW = '2026-01-01T00:00:00.000Z';
const u = (n: string) => `uid=${n},ou=people,dc=x`;
const g = (n: string) => `cn=${n},ou=groups,dc=x`;

function stateRow(anchor: string, over: Partial<GroupRow> = {}): GroupRow {
  return {
    anchor,
    dn: g(anchor),
    dnNorm: g(anchor),
    wantName: anchor,
    wantDescription: null,
    oktaId: null,
    name: null,
    description: null,
    link: null,
    lastSeenRun: 1,
    removedRun: null,
    pending: false,
    quarantine: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

const stateGroup = (anchor: string, over: Partial<StateGroupRow> = {}): StateGroupRow => ({
  ...stateRow(anchor),
  readThisRun: false,
  hasAppliedMembers: false,
  ...over,
});

function runGroup(anchor: string, name: string | null, over: Partial<RunGroupRow> = {}): RunGroupRow {
  return { anchor, dn: g(anchor), dnNorm: g(anchor), name, description: null, nameNorm: name?.toLowerCase() ?? null, quarantine: null, ...over };
}

describe("this run's entries", () => {
  test('runUserKind: created or linked on first contact (manageable this run), deleted in the directory, missing, and everything else seen', () => {
    expect(runUserKind({ kind: 'create' })).toBe('create');
    expect(runUserKind({ kind: 'link' })).toBe('create');
    expect(runUserKind({ kind: 'missing', why: 'deleted in the directory' })).toBe('deleted');
    expect(runUserKind({ kind: 'missing', why: 'moved out of scope' })).toBe('deleted');
    expect(runUserKind({ kind: 'missing', why: 'not found in the directory' })).toBe('missing');
    for (const kind of ['update', 'drift', 'unchanged', 'quarantine']) expect(runUserKind({ kind })).toBe('seen');
  });

  test('runGroupOf: the name, its key (ignoring case, beyond ASCII too) and the member DNs normalised, once each', () => {
    const r = runGroupOf(
      {
        anchor: 'a1',
        dn: 'CN=Ärzte,OU=Groups,DC=x',
        attributes: {},
        members: ['UID=Ada,ou=people,dc=x', 'uid=ada, ou=people, dc=x', '', "uid=bob,ou=people,dc=x#'01'B"],
      },
      { ok: true, name: 'Ärzte', description: 'Doctors' },
    );
    expect(r.row).toEqual({
      anchor: 'a1',
      dn: 'CN=Ärzte,OU=Groups,DC=x',
      dnNorm: 'cn=ärzte,ou=groups,dc=x',
      name: 'Ärzte',
      description: 'Doctors',
      nameNorm: 'ärzte',
      quarantine: null,
    });
    expect(r.members.sort()).toEqual([u('ada'), u('bob')]);
  });

  test('runGroupOf: a group the templates cannot name is quarantined with the reason, with its members', () => {
    const r = runGroupOf({ anchor: 'a1', dn: g('x'), attributes: {}, members: [u('ada')] }, { ok: false, reason: 'no name' });
    expect(r.row).toMatchObject({ name: null, nameNorm: null, description: null, quarantine: 'no name' });
    expect(r.members).toEqual([u('ada')]);
  });

  test('rejectedGroupOf: an entry the directory source rejected is quarantined under its DN, without members', () => {
    expect(rejectedGroupOf({ dn: g('x'), reason: 'no objectGUID' })).toEqual({
      row: { anchor: `dn:${g('x')}`, dn: g('x'), dnNorm: g('x'), name: null, description: null, nameNorm: null, quarantine: 'directory: no objectGUID' },
      members: [],
    });
  });

  test("aliasOf: a group's DN change, or a user's in the directory, renames stored members; a missing or deleted user's does not", () => {
    const e = { anchor: 'a', oldDn: u('old'), newDn: u('new') };
    expect(aliasOf({ ...e, entry: 'user', runKind: 'seen' })).toEqual({ oldDn: u('old'), newDn: u('new'), anchor: 'a', kind: 'user' });
    expect(aliasOf({ ...e, entry: 'user', runKind: 'create' })).toMatchObject({ kind: 'user' });
    expect(aliasOf({ ...e, entry: 'user', runKind: 'missing' })).toBeNull();
    expect(aliasOf({ ...e, entry: 'user', runKind: 'deleted' })).toBeNull();
    expect(aliasOf({ ...e, entry: 'group', runKind: null })).toMatchObject({ kind: 'group' });
  });
});

describe('memberAt: which user a member DN names', () => {
  const run = (anchor: string, kind: Extract<UserAtDn, { source: 'run' }>['kind'], oktaId: string | null = null): UserAtDn => ({
    source: 'run',
    anchor,
    kind,
    oktaId,
  });
  const st = (anchor: string, oktaId: string | null, inRun = false): UserAtDn => ({ source: 'state', anchor, oktaId, inRun });

  test('nobody at the DN: no member (a contact, a computer, a user out of scope)', () => {
    expect(memberAt([])).toBeUndefined();
  });

  test("this run's user in the directory comes before one missing, before one deleted, whatever the order", () => {
    expect(memberAt([run('d', 'deleted', '00ud'), run('m', 'missing', '00um'), run('s', 'seen', '00us')])).toEqual({ anchor: 's', eligible: true });
    expect(memberAt([run('d', 'deleted', '00ud'), run('m', 'missing', '00um')])).toEqual({ anchor: 'm', eligible: true });
  });

  test('a member if linked in Okta or planned for creation; not a member if deleted in the directory, or not in Okta', () => {
    expect(memberAt([run('c', 'create')])).toEqual({ anchor: 'c', eligible: true });
    expect(memberAt([run('s', 'seen')])).toEqual({ anchor: 's', eligible: false });
    expect(memberAt([run('d', 'deleted', '00ud')])).toEqual({ anchor: 'd', eligible: false });
  });

  test("this run's user comes before the state's at the same DN", () => {
    expect(memberAt([st('old', '00uo'), run('new', 'seen')])).toEqual({ anchor: 'new', eligible: false });
  });

  test("a state user that is one of this run's users (now at another DN) does not stand for the DN", () => {
    expect(memberAt([st('moved', '00um', true)])).toBeUndefined();
  });

  test('of the state users at the DN, a linked one first; an unlinked one is no member', () => {
    expect(memberAt([st('a', null), st('b', '00ub'), st('c', '00uc')])).toEqual({ anchor: 'b', eligible: true });
    expect(memberAt([st('a', null)])).toEqual({ anchor: 'a', eligible: false });
  });
});

describe('groups at a DN, direct members, listings', () => {
  test('groupAt: a group read this run; on an incremental run, else a state group not read again and still in the directory', () => {
    const rows = [{ source: 'state', anchor: 'S', removed: false, readThisRun: false } as const];
    expect(groupAt([{ source: 'run', anchor: 'R' }, ...rows], false)).toBe('R');
    expect(groupAt([...rows, { source: 'run', anchor: 'R' }], true)).toBe('R');
    expect(groupAt(rows, true)).toBe('S');
    expect(groupAt(rows, false)).toBeUndefined(); // a full run reads every group in scope
    expect(groupAt([{ ...rows[0], removed: true }], true)).toBeUndefined();
    expect(groupAt([{ ...rows[0], readThisRun: true }], true)).toBeUndefined(); // read this run under another DN: moved
  });

  test('directMembersNow: as read this run; else as stored, with the renames of this run', () => {
    const stored = [
      { dn: u('a'), renamedTo: null },
      { dn: u('b'), renamedTo: u('b2') },
    ];
    expect(directMembersNow({ readThisRun: true, run: [u('c')], stored })).toEqual([u('c')]);
    expect(directMembersNow({ readThisRun: true, run: [], stored })).toEqual([]);
    expect(directMembersNow({ readThisRun: false, run: [], stored })).toEqual([u('a'), u('b2')]);
  });

  test('groupsListing: groups read this run, and state groups listing the DN or a DN renamed to it, still in the directory, not read again', () => {
    const st = (anchor: string, over: Partial<Extract<ListingRow, { source: 'state' }>> = {}): ListingRow => ({
      source: 'state',
      anchor,
      memberDn: u('x'),
      renamedTo: null,
      removed: false,
      readThisRun: false,
      ...over,
    });
    const rows: ListingRow[] = [
      { source: 'run', anchor: 'R' },
      st('S'),
      st('OLD', { memberDn: u('x-before'), renamedTo: u('x') }),
      st('GONE', { removed: true }),
      st('R', { readThisRun: true }),
      st('REREAD', { readThisRun: true }),
      st('OTHER', { memberDn: u('y'), renamedTo: u('y2') }),
    ];
    expect(groupsListing(u('x'), rows).sort()).toEqual(['OLD', 'R', 'S']);
  });
});

describe('names: Okta group names are unique ignoring case', () => {
  const claim = (anchor: string, name: string, dn: string, over: Partial<NameClaim> = {}): NameClaim => ({
    ...runGroup(anchor, name),
    dn,
    dnNorm: dn.toLowerCase(),
    nameNorm: name.toLowerCase(),
    oktaId: null,
    oktaName: null,
    ...over,
  });

  test('two new groups with one name: the first by DN keeps it, the other is quarantined naming the holder', () => {
    expect([...nameCollisions([claim('b', 'sales', g('b')), claim('a', 'Sales', g('a'))])]).toEqual([
      { anchor: 'b', reason: `the name "sales" is also the name of directory group ${g('a')} (Okta group names are unique, compared ignoring case)` },
    ]);
  });

  test('the group already holding the Okta group of that name keeps it, whatever its DN', () => {
    const out = [...nameCollisions([claim('a', 'Sales', g('a')), claim('z', 'SALES', g('z'), { oktaId: '00gZ', oktaName: 'Sales' })])];
    expect(out).toEqual([{ anchor: 'a', reason: expect.stringContaining(g('z')) }]);
  });

  test('holding the name is compared like Okta compares names, beyond ASCII too', () => {
    const out = [...nameCollisions([claim('a', 'ärzte', g('a')), claim('z', 'Ärzte', g('z'), { oktaId: '00gZ', oktaName: 'ÄRZTE' })])];
    expect(out.map((q) => q.anchor)).toEqual(['a']);
  });

  test('an Okta group under another name (a rename to come) does not hold this name', () => {
    const out = [...nameCollisions([claim('a', 'Sales', g('a')), claim('z', 'Sales', g('z'), { oktaId: '00gZ', oktaName: 'Marketing' })])];
    expect(out.map((q) => q.anchor)).toEqual(['z']);
  });

  test('three groups with one name: two quarantined; equal DNs fall back to the anchor', () => {
    const out = [...nameCollisions([claim('c', 'X', g('same')), claim('b', 'x', g('same')), claim('a', 'X', g('other'))])];
    expect(out.map((q) => q.anchor).sort()).toEqual(['b', 'c']);
    expect(out[0].reason).toContain(g('other'));
    expect([...nameCollisions([claim('c', 'X', g('same')), claim('b', 'x', g('same'))])].map((q) => q.anchor)).toEqual(['c']);
  });

  test('a group already quarantined claims no name; different names do not collide', () => {
    expect([...nameCollisions([claim('a', 'X', g('a'), { quarantine: 'no anchor' }), claim('b', 'X', g('b'))])]).toEqual([]);
    expect([...nameCollisions([claim('a', 'X', g('a')), claim('b', 'Y', g('b'))])]).toEqual([]);
  });

  test("claims ordered by name: one name's quarantines come before the next names are read (one name held at a time)", () => {
    const pulled: string[] = [];
    function* claims() {
      for (const c of [claim('a', 'A', g('a')), claim('b', 'a', g('b')), claim('c', 'C', g('c')), claim('d', 'D', g('d'))]) {
        pulled.push(c.anchor);
        yield c;
      }
    }
    const it = nameCollisions(claims());
    expect(it.next().value).toMatchObject({ anchor: 'b' });
    expect(pulled).toEqual(['a', 'b', 'c']);
  });

  test('the first by DN is by code point, as SQLite orders text (not UTF-16 units)', () => {
    const astral = g('\u{1F600}');
    const bmp = g('\uFF21'); // a character above the surrogates: before every astral one in code point order
    expect(astral < bmp).toBe(true); // JavaScript's order
    expect(compareCodePoints(astral, bmp)).toBeGreaterThan(0);
    const out = [...nameCollisions([claim('astral', 'X', astral), claim('bmp', 'X', bmp)])];
    expect(out.map((q) => q.anchor)).toEqual(['astral']);
  });

  test('compareCodePoints agrees with the UTF-8 byte order', () => {
    const words = ['', 'a', 'ab', 'b', 'B', 'é', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}', 'a\u{1F600}', 'a\uFFFF'];
    for (const a of words) for (const b of words) expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });

  describe('nameTakenInState (incremental runs)', () => {
    const read = runGroup('new', 'Sales');
    const holder = (over: Partial<StateNameRow> = {}): StateNameRow => ({
      anchor: 'old',
      dn: g('old'),
      nameNorm: 'sales',
      oktaId: null,
      name: null,
      removed: false,
      quarantined: false,
      readThisRun: false,
      ...over,
    });

    test('a group not read again that wants the name, or holds it in Okta under its applied name: the group read is quarantined', () => {
      expect(nameTakenInState(read, [holder()])).toBe(
        `the name "Sales" is also the name of directory group ${g('old')} (Okta group names are unique, compared ignoring case)`,
      );
      expect(nameTakenInState(read, [holder({ nameNorm: 'marketing', oktaId: '00g1', name: 'SALES' })])).toContain(g('old'));
    });

    test('no holder: itself, a group that left the directory, one read this run, one quarantined without an Okta group, another name', () => {
      expect(nameTakenInState(read, [holder({ anchor: 'new' })])).toBeNull();
      expect(nameTakenInState(read, [holder({ removed: true })])).toBeNull();
      expect(nameTakenInState(read, [holder({ readThisRun: true })])).toBeNull();
      expect(nameTakenInState(read, [holder({ quarantined: true })])).toBeNull();
      expect(nameTakenInState(read, [holder({ nameNorm: 'marketing', oktaId: '00g1', name: 'Marketing' })])).toBeNull();
    });

    test('a quarantined group that holds an Okta group still holds the name', () => {
      expect(nameTakenInState(read, [holder({ quarantined: true, oktaId: '00g1', name: 'Sales' })])).toContain(g('old'));
    });

    test('a group read this run that is quarantined already, or has no name, is not checked', () => {
      expect(nameTakenInState({ ...read, quarantine: 'taken' }, [holder()])).toBeNull();
      expect(nameTakenInState(runGroup('new', null), [holder()])).toBeNull();
    });
  });
});

describe('which groups are recomputed', () => {
  test('the groups listing a user planned for creation or deleted in the directory (incremental)', () => {
    expect(recomputesListingGroups('create')).toBe(true);
    expect(recomputesListingGroups('deleted')).toBe(true);
    expect(recomputesListingGroups('seen')).toBe(false);
    expect(recomputesListingGroups('missing')).toBe(false);
  });

  test('retried: pending or quarantined, still in the directory, with an anchor, not read this run', () => {
    expect(isRetried(stateGroup('a', { pending: true }))).toBe(true);
    expect(isRetried(stateGroup('a', { quarantine: { reason: 'Okta E0000001', run: 3 } }))).toBe(true);
    expect(isRetried(stateGroup('a'))).toBe(false);
    expect(isRetried(stateGroup('a', { pending: true, removedRun: 2 }))).toBe(false);
    expect(isRetried(stateGroup(`dn:${g('x')}`, { pending: true }))).toBe(false);
    expect(isRetried(stateGroup('a', { pending: true, readThisRun: true }))).toBe(false);
  });

  test('gone: on a full run a state group not read; on any run one found gone before with memberships left', () => {
    expect(isGone(stateGroup('a'), true)).toBe(true);
    expect(isGone(stateGroup('a'), false)).toBe(false);
    expect(isGone(stateGroup('a', { readThisRun: true }), true)).toBe(false);
    expect(isGone(stateGroup('a', { removedRun: 2, hasAppliedMembers: true }), false)).toBe(true);
    expect(isGone(stateGroup('a', { removedRun: 2, hasAppliedMembers: true }), true)).toBe(true);
    expect(isGone(stateGroup('a', { removedRun: 2 }), true)).toBe(false);
  });
});

describe('the plan per group', () => {
  test('targetIntent: a group read this run is what this run says (its quarantine, or its name and description)', () => {
    const row = stateRow('a', { wantName: 'Before', wantDescription: 'before' });
    expect(targetIntent('a', runGroup('a', null, { quarantine: 'no name' }), row)).toEqual({ kind: 'quarantine', dn: g('a'), reason: 'no name' });
    expect(targetIntent('a', runGroup('a', 'Now', { description: 'now' }), row)).toEqual({ kind: 'members', dn: g('a'), name: 'Now', description: 'now' });
  });

  test('targetIntent: a group not read again is what the state wanted; without a wanted name it stays quarantined', () => {
    expect(targetIntent('a', undefined, stateRow('a', { wantName: 'Sales', wantDescription: 'S' }))).toEqual({
      kind: 'members',
      dn: g('a'),
      name: 'Sales',
      description: 'S',
    });
    expect(targetIntent('a', undefined, stateRow('a', { wantName: null, quarantine: { reason: 'earlier reason', run: 1 } }))).toMatchObject({
      kind: 'quarantine',
      reason: 'earlier reason',
    });
    expect(targetIntent('a', undefined, stateRow('a', { wantName: null }))).toMatchObject({ reason: 'the name template gave no value for this group' });
    expect(() => targetIntent('a', undefined, undefined)).toThrow(/neither read this run nor in the state/);
  });

  const members = (name: string, description: string | null = null): TargetIntent => ({ kind: 'members', dn: g('a'), name, description });

  test('no Okta group yet: ensure (create or take over), with every desired member to add, sorted', () => {
    expect(groupAction(members('Sales'), undefined, ['u2', 'u1'], [])).toEqual({
      kind: 'ensure',
      payload: { dn: g('a'), name: 'Sales', description: null },
      ops: [
        { op: 'add', userAnchor: 'u1' },
        { op: 'add', userAnchor: 'u2' },
      ],
    });
  });

  test('linked, same name and description: keep, with adds before removes; only applied memberships are removed', () => {
    const row = stateRow('a', { oktaId: '00gA', name: 'Sales', description: null });
    expect(groupAction(members('Sales'), row, ['u1', 'u3'], ['u2', 'u3', 'u0'])).toEqual({
      kind: 'keep',
      payload: { dn: g('a'), oktaId: '00gA' },
      ops: [
        { op: 'add', userAnchor: 'u1' },
        { op: 'remove', userAnchor: 'u0' },
        { op: 'remove', userAnchor: 'u2' },
      ],
    });
  });

  test('linked, another name or description: rename, with what was applied before', () => {
    const row = stateRow('a', { oktaId: '00gA', name: 'Sales', description: 'old' });
    expect(groupAction(members('Sales Team', 'old'), row, [], [])).toMatchObject({
      kind: 'rename',
      payload: { name: 'Sales Team', description: 'old', oktaId: '00gA', from: { name: 'Sales', description: 'old' } },
    });
    expect(groupAction(members('Sales', null), row, [], []).kind).toBe('rename');
  });

  test('without an Okta group, no membership is removed (there is none to remove)', () => {
    expect(groupAction(members('Sales'), stateRow('a'), [], ['u1']).ops).toEqual([]);
  });

  test('quarantine: no operation at all', () => {
    expect(groupAction({ kind: 'quarantine', dn: g('a'), reason: 'r' }, undefined, ['u1'], ['u2'])).toEqual({
      kind: 'quarantine',
      payload: { dn: g('a'), reason: 'r' },
      ops: [],
    });
  });

  test("gone: the agent's memberships are removed from the Okta group, which stays; without an Okta group nothing to remove", () => {
    expect(goneAction(stateRow('a', { oktaId: '00gA' }), ['u1', 'u2'])).toEqual({
      kind: 'gone',
      payload: { dn: g('a'), oktaId: '00gA' },
      ops: [
        { op: 'remove', userAnchor: 'u1' },
        { op: 'remove', userAnchor: 'u2' },
      ],
    });
    expect(goneAction(stateRow('a'), ['u1'])).toEqual({ kind: 'gone', payload: { dn: g('a'), oktaId: null }, ops: [] });
  });
});
