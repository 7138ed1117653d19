/**
 * The group spool fetches rows by key and takes no decision: each fetch returns what the TEMP tables
 * and the state hold, with the flags the rules decide on, across pages.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupSpool } from '../../../src/state/group-spool';
import type { RunGroupRow } from '../../../src/state/group-spool-rows';
import { StateStore } from '../../../src/state/store';

const NOW = '2026-01-01T00:00:00.000Z';
const u = (n: string) => `uid=${n},ou=people,dc=x`;
const g = (n: string) => `cn=${n},ou=groups,dc=x`;

let dir: string;
let state: StateStore;
let spool: GroupSpool;

/**
 * State: users ada (linked, at uid=ada-old), bob (unlinked, at uid=bob); groups Old (linked as "Sales",
 * wants "Sales"; lists uid=ada-old and uid=bob), Gone (left the directory, a membership left),
 * Pending (pending). This run: ada (seen, now at uid=ada), cat (create); groups Old (now "Sales
 * Team"), New and new2 (both "Ops"), Nameless.
 */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'grp-spool-'));
  const path = join(dir, 'state.db');
  StateStore.open(path).close();
  const db = new Database(path);
  const user = db.prepare(`INSERT INTO users (anchor, dn, dn_norm, okta_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  user.run('ada', u('ada-old'), u('ada-old'), '00uA', NOW, NOW);
  user.run('bob', u('bob'), u('bob'), null, NOW, NOW);
  const grp = db.prepare(`INSERT INTO groups (anchor, dn, dn_norm, want_name, name_norm, okta_id, name, removed_run, pending, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  grp.run('old', g('old'), g('old'), 'Sales', 'sales', '00gO', 'Sales', null, 0, NOW, NOW);
  grp.run('gone', g('gone'), g('gone'), 'Gone', 'gone', '00gG', 'Gone', 3, 0, NOW, NOW);
  grp.run('pending', g('pending'), g('pending'), 'Pending', 'pending', null, null, null, 1, NOW, NOW);
  const direct = db.prepare('INSERT INTO group_direct_members (group_anchor, member_dn) VALUES (?, ?)');
  direct.run('old', u('ada-old'));
  direct.run('old', u('bob'));
  direct.run('pending', u('ada-old'));
  db.prepare('INSERT INTO group_members (group_anchor, user_anchor) VALUES (?, ?)').run('gone', 'ada');
  db.close();
  state = StateStore.open(path, { readonly: true });
  spool = state.groupSpool();
  spool.addRunUsers([
    { anchor: 'ada', dnNorm: u('ada'), kind: 'seen' },
    { anchor: 'cat', dnNorm: u('cat'), kind: 'create' },
  ]);
  const run = (anchor: string, name: string | null): RunGroupRow => ({
    anchor,
    dn: g(anchor),
    dnNorm: g(anchor),
    name,
    description: null,
    nameNorm: name?.toLowerCase() ?? null,
    quarantine: name ? null : 'no name',
  });
  spool.addRunGroups([
    { row: { ...run('old', 'Sales Team'), dn: g('renamed'), dnNorm: g('renamed') }, members: [u('ada')] },
    { row: run('new', 'Ops'), members: [u('cat'), g('renamed')] },
    { row: run('new2', 'OPS'), members: [] },
    { row: run('nameless', null), members: [] },
  ]);
});

afterEach(() => {
  spool.close();
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

test('renamed entries: users and groups whose DN differs from the state, across pages', () => {
  expect([...spool.rows.renamedEntries(1)].flat()).toEqual([
    { entry: 'user', anchor: 'ada', oldDn: u('ada-old'), newDn: u('ada'), runKind: 'seen' },
    { entry: 'group', anchor: 'old', oldDn: g('old'), newDn: g('renamed'), runKind: null },
  ]);
});

test('name claims: the named groups of this run by name key (one name adjacent) across pages, with their Okta link', () => {
  const claims = [...spool.rows.nameClaims(1)];
  expect(claims.map((c) => [c.anchor, c.nameNorm, c.oktaId, c.oktaName])).toEqual([
    ['new', 'ops', null, null],
    ['new2', 'ops', null, null],
    ['old', 'sales team', '00gO', 'Sales'],
  ]);
});

test("users at a DN: this run's and the state's, flagged when the state's user is one of this run's", () => {
  expect(spool.rows.usersAt(u('ada'))).toEqual([{ source: 'run', anchor: 'ada', kind: 'seen', oktaId: '00uA' }]);
  expect(spool.rows.usersAt(u('ada-old'))).toEqual([{ source: 'state', anchor: 'ada', oktaId: '00uA', inRun: true }]);
  expect(spool.rows.usersAt(u('bob'))).toEqual([{ source: 'state', anchor: 'bob', oktaId: null, inRun: false }]);
  expect(spool.rows.usersAt(u('nobody'))).toEqual([]);
});

test('groups at a DN: read this run, and the state, with removed and read-this-run flags', () => {
  expect(spool.rows.groupsAt(g('renamed'))).toEqual([{ source: 'run', anchor: 'old' }]);
  expect(spool.rows.groupsAt(g('old'))).toEqual([{ source: 'state', anchor: 'old', removed: false, readThisRun: true }]);
  expect(spool.rows.groupsAt(g('gone'))).toEqual([{ source: 'state', anchor: 'gone', removed: true, readThisRun: false }]);
});

test("direct members: as read this run and as stored, with this run's rename of each stored DN", () => {
  spool.addAliases([{ oldDn: u('ada-old'), newDn: u('ada'), anchor: 'ada', kind: 'user' }]);
  expect(spool.rows.directMembers('pending')).toEqual({ readThisRun: false, run: [], stored: [{ dn: u('ada-old'), renamedTo: u('ada') }] });
  const old = spool.rows.directMembers('old');
  expect(old.readThisRun).toBe(true);
  expect(old.run).toEqual([u('ada')]);
  expect(old.stored).toHaveLength(2);
});

test('the first rename recorded for an old DN is kept', () => {
  spool.addAliases([
    { oldDn: u('x'), newDn: u('y'), anchor: 'a', kind: 'user' },
    { oldDn: u('x'), newDn: g('z'), anchor: 'b', kind: 'group' },
  ]);
  expect([...spool.rows.aliases()].flat()).toEqual([{ oldDn: u('x'), newDn: u('y'), anchor: 'a', kind: 'user' }]);
});

test('listing: groups whose members list a DN, or a DN renamed to it this run', () => {
  spool.addAliases([{ oldDn: u('ada-old'), newDn: u('ada'), anchor: 'ada', kind: 'user' }]);
  const rows = spool.rows.listing(u('ada'));
  expect(rows).toEqual(
    expect.arrayContaining([
      { source: 'run', anchor: 'old' },
      { source: 'state', anchor: 'old', memberDn: u('ada-old'), renamedTo: u('ada'), removed: false, readThisRun: true },
      { source: 'state', anchor: 'pending', memberDn: u('ada-old'), renamedTo: u('ada'), removed: false, readThisRun: false },
    ]),
  );
  expect(rows).toHaveLength(3);
});

test('state groups: every one, or those pending or quarantined, across pages, with what this run knows', () => {
  const all = [...spool.rows.stateGroups(1)].flat();
  expect(all.map((r) => [r.anchor, r.readThisRun, r.hasAppliedMembers])).toEqual([
    ['gone', false, true],
    ['old', true, false],
    ['pending', false, false],
  ]);
  expect([...spool.rows.retryCandidates(1)].flat().map((r) => r.anchor)).toEqual(['pending']);
});

test('state groups by name: the wanted name, or the applied one', () => {
  expect(spool.rows.stateGroupsNamed('sales').map((r) => [r.anchor, r.readThisRun])).toEqual([['old', true]]);
  expect(spool.rows.stateGroupsNamed('gone')).toEqual([
    { anchor: 'gone', dn: g('gone'), nameNorm: 'gone', oktaId: '00gG', name: 'Gone', removed: true, quarantined: false, readThisRun: false },
  ]);
});

test('the plan: actions and operations in plan order, counted, a page at a time', () => {
  spool.addPlanned('new', 'ensure', { dn: g('new'), name: 'Ops', description: null }, [{ op: 'add', userAnchor: 'cat' }]);
  spool.addPlanned('old', 'keep', { dn: g('renamed'), oktaId: '00gO' }, [
    { op: 'add', userAnchor: 'ada' },
    { op: 'remove', userAnchor: 'bob' },
  ]);
  expect([...spool.actions(['ensure', 'keep'], 1)].map((a) => a.anchor)).toEqual(['new', 'old']);
  expect([...spool.ops(['keep'], 1)].map((o) => [o.op, o.userAnchor])).toEqual([
    ['add', 'ada'],
    ['remove', 'bob'],
  ]);
  expect(spool.counts()).toEqual({ actions: { ensure: 1, keep: 1 }, adds: 2, removes: 1 });
  expect([...spool.actionsWithCounts(1)].map((a) => [a.anchor, a.adds, a.removes])).toEqual([
    ['new', 1, 0],
    ['old', 1, 1],
  ]);
  expect(spool.plannedKind('old')).toBe('keep');
});
