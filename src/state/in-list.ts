/**
 * A page's lookups in one query: `SELECT … WHERE key IN (?, …)` for up to 500 keys at a time, the
 * statement prepared once per shape (per repository instance: the cache is bounded by the number
 * of distinct page sizes, at most 500 per query text).
 */
import type { Db } from './db';

const MAX_KEYS = 500;

export class InLists {
  private readonly statements = new Map<string, (keys: readonly string[]) => unknown[]>();

  constructor(private readonly db: Db) {}

  /**
   * The rows of `${select} IN (…keys)`; `select` ends with the key column (`SELECT a, b FROM t WHERE k`).
   * `raw`: rows as arrays in column order (a third of the cost of objects, for a page's many rows).
   */
  all<R>(select: string, keys: readonly string[], opts: { raw?: boolean } = {}): R[] {
    const out: R[] = [];
    for (let i = 0; i < keys.length; i += MAX_KEYS) {
      const chunk = keys.length <= MAX_KEYS ? keys : keys.slice(i, i + MAX_KEYS);
      const sql = `${select} IN (${'?,'.repeat(chunk.length - 1)}?)`;
      const key = opts.raw ? `raw:${sql}` : sql;
      let all = this.statements.get(key);
      if (!all) {
        const stmt = this.db.prepare<string[], unknown>(sql).raw(opts.raw ?? false);
        this.statements.set(key, (all = (k) => stmt.all(...k)));
      }
      for (const r of all(chunk) as R[]) out.push(r);
    }
    return out;
  }
}
