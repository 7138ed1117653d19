import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../src/state/migrations';
import { StateStore } from '../../../src/state/store';

const dir = () => mkdtempSync(join(tmpdir(), 'state-'));

test('a new state file is created with mode 0600, in WAL mode, migrated to the latest version', () => {
  const p = join(dir(), 'sub', 'state.db');
  const s = StateStore.open(p);
  s.close();
  expect(statSync(p).mode & 0o777).toBe(0o600);
  const db = new Database(p, { readonly: true });
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  db.close();
});

test('read-only opening never creates a file', () => {
  const p = join(dir(), 'none.db');
  const s = StateStore.open(p, { readonly: true });
  expect(s.users.counts().total).toBe(0);
  s.close();
  expect(existsSync(p)).toBe(false);
});

test('read-only opening of an older schema reads a migrated copy and leaves the file as it was', () => {
  const p = join(dir(), 'old.db');
  const db = new Database(p);
  db.exec(MIGRATIONS[0]);
  db.pragma('user_version = 1');
  db.prepare("INSERT INTO users (anchor, dn, created_at, updated_at) VALUES ('a', 'uid=a', 'now', 'now')").run();
  db.close();
  const s = StateStore.open(p, { readonly: true });
  expect(s.users.get('a')?.missingRuns).toBe(0);
  s.close();
  const again = new Database(p, { readonly: true });
  expect(again.pragma('user_version', { simple: true })).toBe(1);
  again.close();
});

test('a state file from a newer agent is refused', () => {
  const p = join(dir(), 'new.db');
  const db = new Database(p);
  db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  db.close();
  expect(() => StateStore.open(p)).toThrow(/newer than this agent/);
});

test('the run lock: one holder at a time; a dead holder on this host is taken over', () => {
  const p = join(dir(), 'lock.db');
  const a = StateStore.open(p);
  expect(a.lock.acquire()).toEqual({ ok: true });
  const b = StateStore.open(p);
  // same process: the lock is re-entrant for its pid, so fake another live holder
  new Database(p).prepare('UPDATE run_lock SET pid = 1').run();
  expect(b.lock.acquire()).toMatchObject({ ok: false, holder: { pid: 1 } });
  // a pid that does not exist
  new Database(p).prepare('UPDATE run_lock SET pid = 2147483646').run();
  expect(b.lock.acquire()).toEqual({ ok: true });
  a.close();
  b.close();
});
