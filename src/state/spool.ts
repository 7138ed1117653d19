/**
 * The plan spool: every action a run plans is written here before anything is applied, so the
 * whole plan can be counted (safeguards) and printed without holding the directory in memory.
 * It lives in TEMP tables of the state connection: private to this process, on disk in the temp
 * directory when large, gone when the connection closes. Writing it never changes the state file.
 */
import type { Db } from './db';
import { InLists } from './in-list';
import { bySeq, keysetRows, textPages } from './keyset';

export interface SpooledAction<P = unknown> {
  seq: number;
  anchor: string;
  kind: string;
  payload: P;
}

export class PlanSpool {
  private readonly insert;
  private readonly insertSeen;
  private readonly insertLogin;
  private readonly insertUnique;
  private readonly uniqueInRun;
  private readonly uniqueStored;
  private readonly loginStmt;
  private readonly insertLink;
  private readonly linkStmt;
  private readonly inLists;
  private seq = 0;

  constructor(private readonly db: Db) {
    this.inLists = new InLists(db);
    db.exec(`
      DROP TABLE IF EXISTS temp.spool_actions;
      DROP TABLE IF EXISTS temp.spool_seen;
      CREATE TEMP TABLE spool_actions (seq INTEGER PRIMARY KEY, anchor TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, quiet INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX temp.spool_actions_kind ON spool_actions(kind, seq);
      CREATE TEMP TABLE spool_seen (anchor TEXT PRIMARY KEY) WITHOUT ROWID;
      DROP TABLE IF EXISTS temp.spool_logins;
      CREATE TEMP TABLE spool_logins (login_norm TEXT PRIMARY KEY, anchor TEXT NOT NULL, dn TEXT NOT NULL) WITHOUT ROWID;
      DROP TABLE IF EXISTS temp.spool_deleted;
      CREATE TEMP TABLE spool_deleted (anchor TEXT PRIMARY KEY) WITHOUT ROWID;
      DROP TABLE IF EXISTS temp.spool_links;
      CREATE TEMP TABLE spool_links (okta_id TEXT PRIMARY KEY, anchor TEXT NOT NULL, dn TEXT NOT NULL) WITHOUT ROWID;
      DROP TABLE IF EXISTS temp.spool_unique;
      CREATE TEMP TABLE spool_unique (attribute TEXT NOT NULL, value TEXT NOT NULL, anchor TEXT NOT NULL, dn TEXT NOT NULL, PRIMARY KEY (attribute, value)) WITHOUT ROWID;
    `);
    this.insertUnique = db.prepare('INSERT OR IGNORE INTO temp.spool_unique (attribute, value, anchor, dn) VALUES (?, ?, ?, ?)');
    this.uniqueInRun = db.prepare<[string, string], { anchor: string; dn: string }>(
      'SELECT anchor, dn FROM temp.spool_unique WHERE attribute = ? AND value = ?',
    );
    this.uniqueStored = db.prepare<[string, string], { anchor: string; dn: string }>(
      'SELECT c.anchor, u.dn FROM main.unique_claims c JOIN main.users u ON u.anchor = c.anchor WHERE c.attribute = ? AND c.value = ?',
    );
    this.insertLogin = db.prepare('INSERT OR IGNORE INTO temp.spool_logins (login_norm, anchor, dn) VALUES (?, ?, ?)');
    this.loginStmt = db.prepare<[string], { anchor: string; dn: string }>('SELECT anchor, dn FROM temp.spool_logins WHERE login_norm = ?');
    this.insertLink = db.prepare('INSERT OR IGNORE INTO temp.spool_links (okta_id, anchor, dn) VALUES (?, ?, ?)');
    this.linkStmt = db.prepare<[string], { anchor: string; dn: string }>('SELECT anchor, dn FROM temp.spool_links WHERE okta_id = ?');
    this.insert = db.prepare('INSERT INTO temp.spool_actions (seq, anchor, kind, payload, quiet) VALUES (?, ?, ?, ?, ?)');
    this.insertSeen = db.prepare('INSERT OR IGNORE INTO temp.spool_seen (anchor) VALUES (?)');
  }

  /**
   * Append a page of actions, mark their anchors seen and record the logins they claim and the Okta
   * users they link (first contact), in one transaction.
   */
  addPage(
    actions: { anchor: string; kind: string; payload: unknown; quiet?: boolean }[],
    seen: readonly string[],
    logins: readonly { loginNorm: string; anchor: string; dn: string }[] = [],
    links: readonly { oktaId: string; anchor: string; dn: string }[] = [],
  ): void {
    this.db.transaction(() => {
      for (const a of actions) this.insert.run(++this.seq, a.anchor, a.kind, JSON.stringify(a.payload), a.quiet ? 1 : 0);
      for (const s of seen) this.insertSeen.run(s);
      for (const l of logins) this.insertLogin.run(l.loginNorm, l.anchor, l.dn);
      for (const l of links) this.insertLink.run(l.oktaId, l.anchor, l.dn);
    })();
  }

  /** The record that links this Okta user earlier in this run's plan (first contact). */
  linkClaimedBy(oktaId: string): { anchor: string; dn: string } | undefined {
    return this.linkStmt.get(oktaId);
  }

  /** Claim a login for this run (first claimant keeps it); returns who holds it now. */
  claimLogin(loginNorm: string, anchor: string, dn: string): { anchor: string; dn: string } {
    this.insertLogin.run(loginNorm, anchor, dn);
    return this.loginStmt.get(loginNorm)!;
  }

  releaseLogin(loginNorm: string, anchor: string): void {
    this.db.prepare('DELETE FROM temp.spool_logins WHERE login_norm = ? AND anchor = ?').run(loginNorm, anchor);
  }

  /**
   * Claim a value of a unique attribute for this run. The holder recorded by earlier runs keeps
   * it; otherwise the first claimant of this run does. Returns the holder.
   */
  claimUnique(attribute: string, value: string, anchor: string, dn: string): { anchor: string; dn: string } {
    const stored = this.uniqueStored.get(attribute, value);
    if (stored && stored.anchor !== anchor) return stored;
    this.insertUnique.run(attribute, value, anchor, dn);
    return this.uniqueInRun.get(attribute, value)!;
  }

  releaseUnique(attribute: string, value: string, anchor: string): void {
    this.db.prepare('DELETE FROM temp.spool_unique WHERE attribute = ? AND value = ? AND anchor = ?').run(attribute, value, anchor);
  }

  /**
   * After a run: the records that reached Okta (or were already there unchanged) hold exactly the
   * unique values they claimed this run; their older claims are released.
   */
  persistUniqueClaims(): void {
    this.db.transaction(() => {
      this.db.exec(`
        DELETE FROM main.unique_claims WHERE anchor IN
          (SELECT a.anchor FROM temp.spool_actions a JOIN main.users u ON u.anchor = a.anchor
            WHERE a.kind IN ('create', 'link', 'update', 'drift', 'unchanged') AND u.okta_id IS NOT NULL);
        INSERT OR REPLACE INTO main.unique_claims (attribute, value, anchor)
          SELECT s.attribute, s.value, s.anchor FROM temp.spool_unique s JOIN main.users u ON u.anchor = s.anchor
            WHERE u.okta_id IS NOT NULL;
      `);
    })();
  }

  /** Who claimed a value of a unique attribute earlier in this run's plan. */
  uniqueClaimedBy(attribute: string, value: string): { anchor: string; dn: string } | undefined {
    return this.uniqueInRun.get(attribute, value);
  }

  /** Who claimed a login earlier in this run's plan. */
  loginClaimedBy(loginNorm: string): { anchor: string; dn: string } | undefined {
    return this.loginStmt.get(loginNorm);
  }

  /** Who claimed each of these logins earlier in this run's plan: a page's question in one query (unclaimed ones absent). */
  loginsClaimedBy(loginNorms: readonly string[]): Map<string, { anchor: string; dn: string }> {
    const out = new Map<string, { anchor: string; dn: string }>();
    for (const r of this.inLists.all<{ login_norm: string; anchor: string; dn: string }>(
      'SELECT login_norm, anchor, dn FROM temp.spool_logins WHERE login_norm',
      loginNorms,
    )) {
      out.set(r.login_norm, { anchor: r.anchor, dn: r.dn });
    }
    return out;
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db.prepare<[], { kind: string; n: number }>('SELECT kind, count(*) AS n FROM temp.spool_actions GROUP BY kind').all()) {
      out[r.kind] = r.n;
    }
    return out;
  }

  /**
   * Actions in plan order, a batch at a time (no statement stays open while the caller writes).
   * `quiet: false` leaves out the actions spooled as quiet (nothing to send or record).
   */
  *actions<P = unknown>(kinds?: readonly string[], opts: { batch?: number; quiet?: false } = {}): Generator<SpooledAction<P>> {
    const batch = opts.batch ?? 1000;
    const filter = `${kinds ? `AND kind IN (${kinds.map(() => '?').join(',')})` : ''}${opts.quiet === false ? ' AND quiet = 0' : ''}`;
    const stmt = this.db.prepare<unknown[], { seq: number; anchor: string; kind: string; payload: string }>(
      `SELECT * FROM temp.spool_actions WHERE seq > ? ${filter} ORDER BY seq LIMIT ?`,
    );
    const rows = keysetRows(
      bySeq((after, limit) => stmt.all(after, ...(kinds ?? []), limit)),
      batch,
    );
    for (const r of rows) yield { seq: r.seq, anchor: r.anchor, kind: r.kind, payload: JSON.parse(r.payload) as P };
  }

  /** Anchors of users linked in Okta that were not seen this run, a batch at a time. */
  *unseenUsers(batch = 1000): Generator<string[]> {
    for (const rows of this.byAnchor<{ anchor: string }>(
      `SELECT anchor FROM main.users u WHERE anchor > ? AND okta_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM temp.spool_seen s WHERE s.anchor = u.anchor)
       ORDER BY anchor LIMIT ?`,
      batch,
    )) {
      yield rows.map((r) => r.anchor);
    }
  }

  /** Pages of rows by anchor (`sql` takes the anchor to start after and the page size). */
  private byAnchor<R extends { anchor: string }>(sql: string, batch: number): Generator<R[]> {
    const stmt = this.db.prepare<[string, number], R>(sql);
    return textPages(stmt, (r) => r.anchor, batch);
  }

  wasSeen(anchor: string): boolean {
    return this.db.prepare('SELECT 1 FROM temp.spool_seen WHERE anchor = ?').get(anchor) !== undefined;
  }

  /** Quarantined records (with a real anchor) not read this run, a batch at a time: retried by DN. */
  *unseenQuarantined(batch = 500): Generator<{ anchor: string; dn: string }[]> {
    yield* this.byAnchor<{ anchor: string; dn: string }>(
      `SELECT anchor, dn FROM main.users u WHERE anchor > ? AND quarantine_reason IS NOT NULL AND anchor NOT LIKE 'dn:%'
         AND NOT EXISTS (SELECT 1 FROM temp.spool_seen s WHERE s.anchor = u.anchor)
       ORDER BY anchor LIMIT ?`,
      batch,
    );
  }

  /** Anchors the directory reported deleted this run (Active Directory tombstones). */
  markDeleted(anchors: readonly string[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO temp.spool_deleted (anchor) VALUES (?)');
    this.db.transaction(() => {
      for (const a of anchors) insert.run(a);
    })();
  }

  /**
   * After a run: forget records that never reached Okta and are gone from the directory
   * (quarantined entries that were deleted or fixed under a new anchor), so `quarantine` lists
   * only what is still there. Gone: not seen by a full run, or reported deleted (any run).
   */
  forgetGoneUnlinked(runId: number, fullRun: boolean): number {
    return this.db
      .prepare(
        `DELETE FROM main.users WHERE okta_id IS NULL AND (quarantined_run IS NULL OR quarantined_run < ?)
           AND NOT EXISTS (SELECT 1 FROM temp.spool_seen s WHERE s.anchor = users.anchor)
           AND (? OR EXISTS (SELECT 1 FROM temp.spool_deleted d WHERE d.anchor = users.anchor))`,
      )
      .run(runId, fullRun ? 1 : 0).changes;
  }

  /**
   * Mark every seen anchor's user row as seen in this run, no longer missing (one statement at the
   * end of a run). A full run stamps only the rows that were missing: the others were seen by the
   * run as a whole (users.ts resolves `lastSeenRun` from the runs table), so a nightly full run does
   * not rewrite every row of the users table. Returns the number of rows written.
   */
  stampSeen(runId: number, fullRun: boolean): number {
    return this.db
      .prepare(
        `UPDATE main.users SET last_seen_run = ?, missing_runs = 0, missing_since = NULL WHERE anchor IN (SELECT anchor FROM temp.spool_seen)
           ${fullRun ? 'AND (missing_runs <> 0 OR missing_since IS NOT NULL OR last_seen_run IS NULL)' : ''}`,
      )
      .run(runId).changes;
  }

  close(): void {
    this.db.exec(
      'DROP TABLE IF EXISTS temp.spool_actions; DROP TABLE IF EXISTS temp.spool_seen; DROP TABLE IF EXISTS temp.spool_logins; DROP TABLE IF EXISTS temp.spool_links; DROP TABLE IF EXISTS temp.spool_unique; DROP TABLE IF EXISTS temp.spool_deleted;',
    );
  }
}
