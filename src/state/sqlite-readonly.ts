/**
 * Any SQLite file, opened read-only (it must exist), for readers outside the state (the transform
 * `lookup` step's SQLite source). state/ stays the only importer of better-sqlite3.
 */
import Database from 'better-sqlite3';

export interface ReadOnlyStatement {
  /** The statement returns rows and cannot write (a SELECT). */
  readonly readsOnly: boolean;
  columns(): string[];
  /** Rows as column → value (TEXT, INTEGER, REAL, BLOB as a Buffer, NULL). */
  rows(): IterableIterator<Record<string, unknown>>;
}

export interface ReadOnlyDatabase {
  /** Throws SQLite's message when the SQL does not compile. */
  prepare(sql: string): ReadOnlyStatement;
  close(): void;
}

/** Throws SQLite's message when the file cannot be opened. */
export function openReadOnlySqlite(file: string): ReadOnlyDatabase {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    prepare(sql) {
      const stmt = db.prepare(sql);
      return {
        readsOnly: stmt.reader && stmt.readonly,
        columns: () => stmt.columns().map((c) => c.name),
        rows: () => stmt.iterate() as IterableIterator<Record<string, unknown>>,
      };
    },
    close: () => db.close(),
  };
}
