/**
 * What a stage's semantic check of its config section returns (see the `check…` functions of the
 * stages' schema.ts files): problems the schema cannot see, each on a key path from the
 * configuration's root, so the loader can report it with file, line and key.
 */

/** A key path from the configuration's root, e.g. ['source', 'users', 'baseDns', 0]. */
export type KeyPath = ReadonlyArray<string | number>;

/** A key path as messages write it: `source.users.baseDns[0]`. */
export function formatPath(path: KeyPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

export interface CheckIssue {
  path: KeyPath;
  message: string;
  /** An error (the default) makes the configuration invalid; a warning is reported and loading goes on. */
  severity?: 'error' | 'warning';
}
