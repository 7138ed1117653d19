/**
 * The state database: one SQLite file (WAL, mode 0600) with versioned migrations. This module and
 * its siblings are the only importers of better-sqlite3.
 *
 * Opening modes:
 * - `readwrite` (sync, run): creates the file (0600) and its directory if missing, migrates forward.
 * - `readonly` (plan, status, explain): opens an existing file read-only; when there is no file yet,
 *   an empty in-memory database with the current schema stands in, so nothing is written anywhere.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export class StateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateError';
  }
}

export function openDatabase(path: string, mode: 'readwrite' | 'readonly'): Db {
  if (mode === 'readonly' && (path === ':memory:' || !existsSync(path))) {
    const db = new Database(':memory:');
    migrate(db);
    return db;
  }
  if (mode === 'readwrite' && path !== ':memory:' && !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // create the file ourselves so it never exists with a wider mode, whatever the umask
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly: mode === 'readonly', fileMustExist: mode === 'readonly', timeout: 10_000 });
  } catch (e) {
    throw new StateError(`cannot open state database ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (mode === 'readwrite') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } else {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      db.close();
      throw new StateError(`state database ${path} has schema version ${version}, newer than this agent (${MIGRATIONS.length}); upgrade the agent`);
    }
    if (version < MIGRATIONS.length) {
      db.close();
      // a read-only command must not migrate; read from a migrated in-memory copy instead
      const src = new Database(path, { readonly: true, fileMustExist: true });
      const copy = new Database(src.serialize());
      src.close();
      migrate(copy);
      return copy;
    }
  }
  db.pragma('temp_store = FILE');
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StateError(`state database has schema version ${version}, newer than this agent (${MIGRATIONS.length}); upgrade the agent`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
