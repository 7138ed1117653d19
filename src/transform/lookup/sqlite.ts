/**
 * Read-only row source for the transform `lookup` step: a table, view or SELECT of an SQLite
 * database file. Opened read-only (the file must exist); a statement that could write is refused.
 * Rows are streamed to the caller (which indexes them once per run), then the database is closed.
 */
import { openReadOnlySqlite, type ReadOnlyDatabase, type ReadOnlyStatement } from '../../state/sqlite-readonly';

export interface SqliteLookupSpec {
  file: string;
  table?: string;
  query?: string;
}

export class SqliteLookupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqliteLookupError';
  }
}

/** Quote an SQLite identifier ("a""b"). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/**
 * Stream every row as column → text (numbers as decimal text, blobs as base64, NULL omitted).
 * `onColumns` receives the column names first, so the caller can check the columns it needs.
 */
export function readSqliteLookup(spec: SqliteLookupSpec, onColumns: (columns: string[]) => void, onRow: (row: Record<string, string>) => void): void {
  if ((spec.table === undefined) === (spec.query === undefined)) throw new SqliteLookupError('give exactly one of table or query');
  let db: ReadOnlyDatabase;
  try {
    db = openReadOnlySqlite(spec.file);
  } catch (e) {
    throw new SqliteLookupError(`cannot open SQLite file ${spec.file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const sql = spec.table !== undefined ? `SELECT * FROM ${quoteIdent(spec.table)}` : spec.query!;
    let stmt: ReadOnlyStatement;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      throw new SqliteLookupError(`${spec.file}: ${(e as Error).message}`, { cause: e });
    }
    if (!stmt.readsOnly) throw new SqliteLookupError(`${spec.file}: the lookup query must be a read-only SELECT`);
    onColumns(stmt.columns());
    for (const raw of stmt.rows()) {
      const row: Record<string, string> = {};
      for (const k in raw) {
        const v = raw[k];
        if (v === null || v === undefined) continue;
        row[k] = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('base64') : String(v);
      }
      onRow(row);
    }
  } finally {
    db.close();
  }
}
