/**
 * The state database: one SQLite file (WAL, mode 0600) with versioned migrations. This module and
 * its siblings are the only importers of better-sqlite3.
 *
 * Opening modes:
 * - `readwrite` (sync, run): creates the file (0600) and its directory if missing, migrates forward.
 * - `readonly` (plan, status, explain): opens an existing file read-only; when there is no file yet,
 *   an empty in-memory database with the current schema stands in, so nothing is written anywhere.
 *
 * Only a missing file means "first run". A file that is there but is not this agent's state (empty,
 * truncated, not SQLite, another program's database) is refused, never migrated or started over;
 * so is a damaged one. The file is created complete (migrated under a temporary name, then linked
 * into place), so a crash while creating it never leaves an empty state behind. An existing file
 * others may read is tightened to 0600 (read-only commands only report it). Failures are
 * {@link StateError}s (errors.ts).
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, linkSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';
import { fileError, sqliteError, startOverAdvice, StateError } from './errors';

export type Db = Database.Database;

/** SQLite's page cache per schema of the state connection, in KiB (see openState). */
const PAGE_CACHE_KIB = 4000;

/** Bytes the WAL file is cut back to once a checkpoint has copied it into the database. */
export const WAL_SIZE_LIMIT = 32 * 1024 * 1024;
export { StateError };

export interface OpenOptions {
  /** Told what the opening noticed but did not refuse (a state file others could read). */
  notice?: (message: string) => void;
}

export function openDatabase(path: string, mode: 'readwrite' | 'readonly', opts: OpenOptions = {}): Db {
  if (path === ':memory:') return memoryDatabase();
  const stat = statOf(path);
  if (!stat) {
    if (mode === 'readonly') return memoryDatabase();
    createStateFile(path);
  } else {
    checkStateFile(path, stat);
    tightenMode(path, stat, mode, opts.notice);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: mode === 'readonly', fileMustExist: true, timeout: 10_000 });
  } catch (e) {
    throw sqliteError(e, path) ?? fileError(e, path, 'open');
  }
  try {
    const version = checkOurs(db, path);
    if (mode === 'readwrite') {
      db.pragma('journal_mode = WAL');
      // a full run writes every user's page in one transaction: without a limit the WAL file keeps that size
      // (≈ the users table) for as long as the connection lives, i.e. the daemon's life
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    } else if (version < MIGRATIONS.length) {
      db.close();
      // a read-only command must not migrate; read from a migrated in-memory copy instead
      const src = new Database(path, { readonly: true, fileMustExist: true });
      const copy = new Database(src.serialize());
      src.close();
      migrate(copy);
      return copy;
    }
    db.pragma('temp_store = FILE');
    // better-sqlite3 builds SQLite with a 16 MB page cache per schema (main, and temp for the
    // spools): 32 MB of the agent's memory for no measured gain; the file's pages stay in the OS cache
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma(`temp.cache_size = -${PAGE_CACHE_KIB}`);
    return db;
  } catch (e) {
    if (db.open) db.close();
    throw sqliteError(e, path) ?? e;
  }
}

function memoryDatabase(): Db {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(e, path, 'open');
  }
}

/** A new state file, complete before it appears under its name. */
function createStateFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw fileError(e, path, 'create');
  }
  const tmp = `${path}.new-${process.pid}`;
  try {
    // created by us, so it never exists with a wider mode, whatever the umask
    closeSync(openSync(tmp, 'w', 0o600));
    chmodSync(tmp, 0o600);
    const db = new Database(tmp);
    try {
      // 8 KiB pages: rows of a few hundred bytes (users, okta_users) leave less unused at the end of a page
      // than in 4 KiB ones (test/unit/state/state-size.test.ts: 863 bytes a user, 4 KiB 890, 16 KiB 859).
      // Rows that grow later split pages whatever the size (the 100k sync bench: 8 KiB 910, 16 KiB 905);
      // larger pages cost more WAL per small write (an idle poll) and ~35 near-empty tables. Set before the first table.
      db.pragma('page_size = 8192');
      db.pragma('journal_mode = WAL');
      migrate(db);
    } finally {
      db.close();
    }
    try {
      linkSync(tmp, path); // fails when another process created the state meanwhile: then that one is used
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' && !existsSync(path)) renameSync(tmp, path);
    }
  } catch (e) {
    throw sqliteError(e, path) ?? fileError(e, path, 'create');
  } finally {
    rmSync(tmp, { force: true });
  }
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Refuse a file that cannot be this agent's state, before SQLite opens (and maybe writes) it. */
function checkStateFile(path: string, stat: Stats): void {
  const notState = (what: string) => new StateError('not-state', `state.path ${path} ${what}: it is not the agent's state database. ${startOverAdvice(path)}`);
  if (stat.isDirectory()) throw notState('is a directory');
  if (stat.size === 0) throw notState('is empty (0 bytes), and only a missing state file means a first run');
  const head = Buffer.alloc(100);
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, head, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw fileError(e, path, 'read');
  }
  if (read < 100 || !head.subarray(0, 16).equals(SQLITE_MAGIC)) {
    const prefix = head.subarray(0, Math.min(read, 16));
    throw notState(prefix.equals(SQLITE_MAGIC.subarray(0, prefix.length)) ? `is truncated (${stat.size} bytes)` : 'is not an SQLite database');
  }
  const raw = head.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const expected = pageSize * head.readUInt32BE(28);
  // (a checkpoint cut short by a crash may leave the file short: the WAL still holds the rest)
  if (stat.size < expected && !existsSync(`${path}-wal`)) throw notState(`is truncated (${stat.size} of ${expected} bytes)`);
}

/** The schema version of a database that is the agent's state; a foreign one is refused. */
function checkOurs(db: Db, path: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StateError('version', `state database ${path} has schema version ${version}, newer than this agent (${MIGRATIONS.length}); upgrade the agent`);
  }
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  if (version === 0 || !tables.includes('users')) {
    const what = tables.length ? `an SQLite database of another program (tables: ${tables.slice(0, 5).join(', ')})` : 'an SQLite database without tables';
    throw new StateError('not-state', `state.path ${path} is not this agent's state database: ${what}. ${startOverAdvice(path)}`);
  }
  return version;
}

/** The state holds who is who in Okta: others on the machine have no business reading it. */
function tightenMode(path: string, stat: Stats, mode: 'readwrite' | 'readonly', notice: OpenOptions['notice']): void {
  const perms = stat.mode & 0o777;
  if ((perms & 0o077) === 0) return;
  const was = perms.toString(8).padStart(4, '0');
  if (mode === 'readonly') {
    notice?.(`the state file ${path} has mode ${was} (others may read it); the next sync tightens it to 0600`);
    return;
  }
  try {
    for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    notice?.(`the state file ${path} had mode ${was} (others could read it): now 0600`);
  } catch (e) {
    notice?.(`the state file ${path} has mode ${was} (others may read it) and cannot be tightened: ${(e as Error).message}`);
  }
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StateError('version', `state database has schema version ${version}, newer than this agent (${MIGRATIONS.length}); upgrade the agent`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
