/**
 * Why the state database cannot be used, in words a sysadmin can act on. Every failure to open,
 * create or use the state file becomes a {@link StateError} of one kind:
 * - `not-state`: the file at state.path is not this agent's state (empty, truncated, not SQLite, or
 *   another program's database). A configuration matter: the command line exits 3.
 * - `damaged`: the agent's state, but SQLite found it corrupt.
 * - `access`: the file or its directory cannot be read or written (permissions, a read-only file
 *   system, a parent that is a file, a full disk).
 * - `version`: written by a newer agent.
 * The last three exit 12. Messages name the file and what to do; the SQLite or system error is the
 * `cause` (printed with --debug).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export type StateErrorKind = 'not-state' | 'damaged' | 'access' | 'version';

export class StateError extends Error {
  constructor(
    readonly kind: StateErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateError';
  }
}

/** What to do about a file at state.path that is not (or no longer) a usable state. */
export function startOverAdvice(path: string): string {
  return (
    `Restore ${path} from a backup, or point state.path at the agent's state file. To start over instead, move it away: ` +
    'the next run is then a first run (Okta users the agent created are linked again only with okta.match: login; with match: none they are quarantined as taken logins)'
  );
}

const errnoOf = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

/** A file-system failure while creating or opening the state at `path`. */
export function fileError(e: unknown, path: string, doing: string): StateError {
  let dir = dirname(path);
  // the directory to fix is the deepest one that exists (the ones below it could not be created)
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const code = errnoOf(e);
  const uid = process.getuid?.();
  const who = uid === undefined ? '' : ` (the agent runs as uid ${uid})`;
  const why: Record<string, string> = {
    EACCES: `permission denied: ${dir} must be writable by the agent${who}`,
    EPERM: `permission denied: ${dir} must be writable by the agent${who}`,
    EROFS: `${dir} is on a read-only file system (under systemd: list it in ReadWritePaths=)`,
    ENOSPC: `no space left on the device of ${dir}`,
    ENOTDIR: `${fileOnTheWay(path)} is a file, not a directory`,
    EEXIST: `${fileOnTheWay(path)} is a file, not a directory`,
    ELOOP: `too many symbolic links in ${dir}`,
  };
  return new StateError('access', `cannot ${doing} the state database ${path}: ${why[code] ?? (e as Error)?.message ?? String(e)}`, { cause: e });
}

/** The first directory of `path` that is a file (what ENOTDIR and EEXIST complain about). */
function fileOnTheWay(path: string): string {
  let found = dirname(path);
  for (let d = dirname(path); dirname(d) !== d; d = dirname(d)) {
    try {
      if (!statSync(d).isDirectory()) found = d;
    } catch {
      /* missing or unreadable: not the file in the way */
    }
  }
  return found;
}

/**
 * An SQLite failure (better-sqlite3's SqliteError, code SQLITE_…) as a StateError, or undefined when
 * `e` is no SQLite failure. `path` is the state file when known.
 */
export function sqliteError(e: unknown, path?: string): StateError | undefined {
  if (e instanceof StateError) return e;
  const code = errnoOf(e);
  if (!code.startsWith('SQLITE_')) return undefined;
  const file = path ?? 'the state database (state.path)';
  const sqlite = `SQLite: ${(e as Error).message} (${code})`;
  if (code === 'SQLITE_NOTADB') {
    return new StateError('not-state', `${file} is not this agent's state database: it is not an SQLite database (${sqlite}). ${startOverAdvice(file)}`, {
      cause: e,
    });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StateError('damaged', `the state database ${file} is damaged (${sqlite}). ${startOverAdvice(file)}`, { cause: e });
  }
  if (code.startsWith('SQLITE_FULL')) return new StateError('access', `the state database ${file} cannot grow: the disk is full (${sqlite})`, { cause: e });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StateError('access', `the state database ${file} stayed locked by another process (${sqlite})`, { cause: e });
  }
  return new StateError('access', `the state database ${file} cannot be read or written (${sqlite}); check the file's permissions and its file system`, {
    cause: e,
  });
}
