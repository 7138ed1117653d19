/**
 * Keyset pagination: the one way the state reads a set of rows that may be large. Each page is the
 * next `batch` rows after the key of the last row of the page before (`WHERE key > ? ORDER BY key
 * LIMIT ?`), so one page at a time is held, and no statement stays open between pages: the caller may
 * write to the same connection while it goes through the rows (better-sqlite3 refuses writes while an
 * iterating statement is open).
 */

export interface Keyset<R, K> {
  /** At most `limit` rows whose key is greater than `after`, in key order. */
  page(after: K, limit: number): R[];
  /** The key of a row (what the next page starts after). */
  key(row: R): K;
  /** A key before every row's ('' for text keys, 0 for sequence numbers). */
  start: K;
}

/** The rows, a page at a time. */
export function* keysetPages<R, K>(q: Keyset<R, K>, batch: number): Generator<R[]> {
  let after = q.start;
  for (;;) {
    const rows = q.page(after, batch);
    if (!rows.length) return;
    yield rows;
    after = q.key(rows[rows.length - 1]);
  }
}

/** The rows one by one, read a page at a time. */
export function* keysetRows<R, K>(q: Keyset<R, K>, batch: number): Generator<R> {
  for (const rows of keysetPages(q, batch)) yield* rows;
}

/** A keyset over a text key, such as an anchor or a DN ('' comes before every key). */
export function byText<R>(page: (after: string, limit: number) => R[], key: (row: R) => string): Keyset<R, string> {
  return { page, key, start: '' };
}

/** A keyset over a sequence number (plan order; 0 comes before every row). */
export function bySeq<R extends { seq: number }>(page: (after: number, limit: number) => R[]): Keyset<R, number> {
  return { page, key: (r) => r.seq, start: 0 };
}

/** The pages of a statement that takes the text key to start after and the page size. */
export function textPages<R>(stmt: { all(after: string, limit: number): R[] }, key: (row: R) => string, batch: number): Generator<R[]> {
  return keysetPages(
    byText((after, limit) => stmt.all(after, limit), key),
    batch,
  );
}
