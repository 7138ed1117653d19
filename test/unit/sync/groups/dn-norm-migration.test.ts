/**
 * State files written before DNs were compared per RFC 4514 (schema version 3: `dn_norm` was the DN
 * lower-cased with the spaces around `,` `=` `+` dropped, escapes as the directory wrote them) still
 * work: opening the state recomputes the normalised DNs, drops the stored member lists (normalised
 * only, so not recomputable) and the watermarks, so the next run is full.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeDn } from '../../../../src/directory/dn';
import { MIGRATIONS } from '../../../../src/state/migrations';
import { StateStore } from '../../../../src/state/store';
import { memberAt } from '../../../../src/sync/groups/rules';

/** What version 3 stored as dn_norm. */
const formerNorm = (dn: string) =>
  dn
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');

const SMITH = 'CN=Smith\\, John,OU=People,DC=corp,DC=test'; // how AD names the entry
const SMITH_MEMBER = 'CN=Smith\\2C John,OU=People,DC=corp,DC=test'; // how a member value may name it
const EQ = 'CN=a\\3Db,OU=People,DC=corp,DC=test';
const GROUP = 'CN=Sales\\, EMEA,OU=Groups,DC=corp,DC=test';
const NOW = '2026-01-01T00:00:00.000Z';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dn-norm-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A state file at schema version 3 with rows as version 3 wrote them. */
function version3State(o: { memberLists: boolean }): string {
  const path = join(dir, 'state.db');
  const db = new Database(path);
  for (const m of MIGRATIONS.slice(0, 3)) db.exec(m);
  db.pragma('user_version = 3');
  const user = db.prepare(`INSERT INTO users (anchor, dn, dn_norm, okta_id, login, login_norm, link, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?)`);
  user.run('u-smith', SMITH, formerNorm(SMITH), '00u1', 'jsmith@x.test', 'jsmith@x.test', NOW, NOW);
  user.run('u-eq', EQ, formerNorm(EQ), '00u2', 'eq@x.test', 'eq@x.test', NOW, NOW);
  db.prepare(
    `INSERT INTO groups (anchor, dn, dn_norm, want_name, okta_id, name, name_norm, link, created_at, updated_at)
    VALUES ('g-sales', ?, ?, 'Sales, EMEA', '00g1', 'Sales, EMEA', 'sales, emea', 'created', ?, ?)`,
  ).run(GROUP, formerNorm(GROUP), NOW, NOW);
  if (o.memberLists) {
    db.prepare('INSERT INTO group_direct_members (group_anchor, member_dn) VALUES (?, ?)').run('g-sales', formerNorm(SMITH));
    db.prepare('INSERT INTO group_members (group_anchor, user_anchor) VALUES (?, ?)').run('g-sales', 'u-smith');
  }
  db.prepare("INSERT INTO watermarks (source, value, run_id, updated_at) VALUES ('ldap://dc', '{}', 1, ?)").run(NOW);
  db.close();
  return path;
}

function raw<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

test('the former normalisation does not find the entry by its hex-escaped spelling (why the migration exists)', () => {
  expect(formerNorm(SMITH_MEMBER)).not.toBe(formerNorm(SMITH));
  expect(normalizeDn(SMITH_MEMBER)).toBe(normalizeDn(SMITH));
});

test('opened read-write: normalised DNs recomputed, member lists and watermarks dropped, memberships kept', () => {
  const path = version3State({ memberLists: true });
  const state = StateStore.open(path);
  try {
    expect(state.users.byDn(SMITH_MEMBER)?.anchor).toBe('u-smith');
    expect(state.users.byDn('cn=a=b,ou=people,dc=corp,dc=test')?.anchor).toBe('u-eq');
    expect(state.groups.byDn('CN=Sales\\2C EMEA,OU=Groups,DC=corp,DC=test')?.anchor).toBe('g-sales');
    // the plan's lookup of a member value
    const spool = state.groupSpool();
    expect(memberAt(spool.rows.usersAt(normalizeDn(SMITH_MEMBER)))).toEqual({ anchor: 'u-smith', eligible: true });
    spool.close();
    expect(state.groups.directMembers('g-sales')).toEqual([]);
    expect(state.groups.appliedMembers('g-sales')).toEqual(['u-smith']);
    expect(state.watermarks.get('ldap://dc')).toBeUndefined();
  } finally {
    state.close();
  }
  expect(raw<{ tbl: string }>(path, 'SELECT tbl FROM dn_norm_refresh')).toEqual([]);
  expect(raw<{ dn_norm: string }>(path, "SELECT dn_norm FROM users WHERE anchor = 'u-smith'")).toEqual([{ dn_norm: normalizeDn(SMITH) }]);
});

test('without stored member lists (groups never synced), the watermark is kept: no full run is needed', () => {
  const path = version3State({ memberLists: false });
  const state = StateStore.open(path);
  try {
    expect(state.watermarks.get('ldap://dc')).toEqual({});
    expect(state.users.byDn(SMITH_MEMBER)?.anchor).toBe('u-smith');
  } finally {
    state.close();
  }
});

test('opened read-only (plan, status): the lookups work on the migrated copy and the file is not changed', () => {
  const path = version3State({ memberLists: true });
  const before = readFileSync(path);
  const state = StateStore.open(path, { readonly: true });
  try {
    expect(state.users.byDn(SMITH_MEMBER)?.anchor).toBe('u-smith');
    expect(state.watermarks.get('ldap://dc')).toBeUndefined();
  } finally {
    state.close();
  }
  expect(readFileSync(path).equals(before)).toBe(true);
});

test('a refresh left undone (the process stopped after migrating) happens at the next read-write open', () => {
  const path = version3State({ memberLists: false });
  StateStore.open(path).close();
  // as if the refresh had not run
  const db = new Database(path);
  db.prepare("UPDATE users SET dn_norm = ? WHERE anchor = 'u-smith'").run(formerNorm(SMITH));
  db.exec("INSERT INTO dn_norm_refresh (tbl) VALUES ('users')");
  db.close();
  const ro = StateStore.open(path, { readonly: true });
  try {
    expect(ro.users.byDn(SMITH_MEMBER)).toBeUndefined(); // a read-only file cannot be refreshed
  } finally {
    ro.close();
  }
  const rw = StateStore.open(path);
  try {
    expect(rw.users.byDn(SMITH_MEMBER)?.anchor).toBe('u-smith');
  } finally {
    rw.close();
  }
});
