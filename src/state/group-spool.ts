/**
 * A run's group plan, in TEMP tables of the state connection (like the users' plan spool): private to
 * this process, on disk in the temp directory when large, gone when the connection closes; planning
 * writes nothing to the state file. This module stores and retrieves rows; what they mean — who holds
 * a name, which user a DN names, which groups are recomputed — is decided by the group-planning rules
 * (src/sync/groups/rules.ts). Sets that may be large are read a page at a time (keyset.ts).
 *
 * - grp_run_users: every user of this run's spool (anchor, normalised DN, kind; DN and login for
 *   showing the plan), so member DNs resolve to the DNs the directory has now, and users planned for
 *   creation count as members;
 * - grp_run_groups / grp_run_direct: the groups read this run and their direct member DNs;
 * - grp_alias: DNs renamed this run (old → new), for stored member lists of groups not re-read;
 * - grp_targets: groups whose memberships are recomputed;
 * - grp_actions / grp_ops: the planned group actions and membership operations, in order.
 */
import type { Db } from './db';
import { bySeq, keysetRows, textPages } from './keyset';
import {
  GroupSpoolRows,
  runGroupRow,
  type Alias,
  type PlannedGroupAction,
  type PlannedMemberOp,
  type RawRunGroup,
  type RunGroupRow,
  type RunUser,
} from './group-spool-rows';

const TEMP_TABLES = ['grp_run_users', 'grp_run_groups', 'grp_run_direct', 'grp_alias', 'grp_targets', 'grp_actions', 'grp_ops'];
export class GroupSpool {
  /** The rows planning reads, for the group-planning rules. */
  readonly rows: GroupSpoolRows;
  private readonly insUser;
  private readonly insGroup;
  private readonly insDirect;
  private readonly insAlias;
  private readonly insTarget;
  private readonly insAction;
  private readonly insOp;
  private readonly runGroupStmt;
  private actionSeq = 0;
  private opSeq = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    db.exec(`
      ${TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS temp.${t};`).join('\n')}
      CREATE TEMP TABLE grp_run_users (anchor TEXT PRIMARY KEY, dn_norm TEXT NOT NULL, kind TEXT NOT NULL, dn TEXT, login TEXT) WITHOUT ROWID;
      CREATE INDEX temp.grp_run_users_dn ON grp_run_users(dn_norm);
      CREATE TEMP TABLE grp_run_groups (anchor TEXT PRIMARY KEY, dn TEXT NOT NULL, dn_norm TEXT NOT NULL, name TEXT, description TEXT,
        name_norm TEXT, quarantine TEXT) WITHOUT ROWID;
      CREATE INDEX temp.grp_run_groups_dn ON grp_run_groups(dn_norm);
      CREATE INDEX temp.grp_run_groups_name ON grp_run_groups(name_norm);
      CREATE TEMP TABLE grp_run_direct (group_anchor TEXT NOT NULL, member_dn TEXT NOT NULL, PRIMARY KEY (group_anchor, member_dn)) WITHOUT ROWID;
      CREATE INDEX temp.grp_run_direct_dn ON grp_run_direct(member_dn);
      CREATE TEMP TABLE grp_alias (old_dn TEXT PRIMARY KEY, new_dn TEXT NOT NULL, anchor TEXT NOT NULL, kind TEXT NOT NULL) WITHOUT ROWID;
      CREATE INDEX temp.grp_alias_new ON grp_alias(new_dn);
      CREATE TEMP TABLE grp_targets (anchor TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TEMP TABLE grp_actions (seq INTEGER PRIMARY KEY, anchor TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL);
      CREATE TEMP TABLE grp_ops (seq INTEGER PRIMARY KEY, group_anchor TEXT NOT NULL, op TEXT NOT NULL, user_anchor TEXT NOT NULL);
      CREATE INDEX temp.grp_ops_group ON grp_ops(group_anchor);
      CREATE INDEX temp.grp_ops_user ON grp_ops(user_anchor, op);
    `);
    this.insUser = db.prepare('INSERT OR REPLACE INTO temp.grp_run_users (anchor, dn_norm, kind, dn, login) VALUES (?, ?, ?, ?, ?)');
    this.insGroup = db.prepare(`INSERT OR REPLACE INTO temp.grp_run_groups (anchor, dn, dn_norm, name, description, name_norm, quarantine)
      VALUES (@anchor, @dn, @dnNorm, @name, @description, @nameNorm, @quarantine)`);
    this.insDirect = db.prepare('INSERT OR IGNORE INTO temp.grp_run_direct (group_anchor, member_dn) VALUES (?, ?)');
    this.insAlias = db.prepare('INSERT OR IGNORE INTO temp.grp_alias (old_dn, new_dn, anchor, kind) VALUES (@oldDn, @newDn, @anchor, @kind)');
    this.insTarget = db.prepare('INSERT OR IGNORE INTO temp.grp_targets (anchor) VALUES (?)');
    this.insAction = db.prepare('INSERT INTO temp.grp_actions (seq, anchor, kind, payload) VALUES (?, ?, ?, ?)');
    this.insOp = db.prepare('INSERT INTO temp.grp_ops (seq, group_anchor, op, user_anchor) VALUES (?, ?, ?, ?)');
    this.runGroupStmt = db.prepare<[string], RawRunGroup>('SELECT * FROM temp.grp_run_groups WHERE anchor = ?');
    this.rows = new GroupSpoolRows(db);
  }

  // ---- filling ----

  /** This run's users (from the spool); `dn` and `login` (when the plan knows it) for showing the plan. */
  addRunUsers(rows: readonly RunUser[]): void {
    this.db.transaction(() => {
      for (const r of rows) this.insUser.run(r.anchor, r.dnNorm, r.kind, r.dn ?? null, r.login ?? null);
    })();
  }

  addRunGroups(groups: readonly { row: RunGroupRow; members: readonly string[] }[]): void {
    this.db.transaction(() => {
      for (const g of groups) {
        this.insGroup.run(g.row);
        for (const m of g.members) this.insDirect.run(g.row.anchor, m);
      }
    })();
  }

  /** This run's renames; the first one recorded for an old DN is kept. */
  addAliases(aliases: readonly Alias[]): void {
    this.db.transaction(() => {
      for (const a of aliases) this.insAlias.run(a);
    })();
  }

  setRunGroupQuarantine(anchor: string, reason: string): void {
    this.db.prepare('UPDATE temp.grp_run_groups SET quarantine = ? WHERE anchor = ?').run(reason, anchor);
  }

  /** Add a target; true when it was not one yet. */
  addTarget(anchor: string): boolean {
    return this.insTarget.run(anchor).changes > 0;
  }

  addPlanned(anchor: string, kind: string, payload: unknown, ops: readonly { op: 'add' | 'remove'; userAnchor: string }[]): void {
    this.db.transaction(() => {
      this.insAction.run(++this.actionSeq, anchor, kind, JSON.stringify(payload));
      for (const o of ops) this.insOp.run(++this.opSeq, anchor, o.op, o.userAnchor);
    })();
  }

  runGroup(anchor: string): RunGroupRow | undefined {
    const r = this.runGroupStmt.get(anchor);
    return r && runGroupRow(r);
  }

  *targets(batch = 500): Generator<string[]> {
    const stmt = this.db.prepare<[string, number], { anchor: string }>('SELECT anchor FROM temp.grp_targets WHERE anchor > ? ORDER BY anchor LIMIT ?');
    for (const rows of textPages(stmt, (r) => r.anchor, batch)) yield rows.map((r) => r.anchor);
  }

  // ---- the plan ----

  /** Planned group actions of some kinds, in plan order, a batch at a time. */
  *actions<P = unknown>(kinds: readonly string[], batch = 500): Generator<PlannedGroupAction<P>> {
    const stmt = this.db.prepare<unknown[], { seq: number; anchor: string; kind: string; payload: string }>(
      `SELECT * FROM temp.grp_actions WHERE seq > ? AND kind IN (${kinds.map(() => '?').join(',')}) ORDER BY seq LIMIT ?`,
    );
    const page = (after: number, limit: number) => stmt.all(after, ...kinds, limit);
    for (const r of keysetRows(bySeq(page), batch)) yield { seq: r.seq, anchor: r.anchor, kind: r.kind, payload: JSON.parse(r.payload) as P };
  }

  /** Planned membership operations of groups whose action is one of `kinds`, in plan order. */
  *ops(kinds: readonly string[], batch = 1000): Generator<PlannedMemberOp> {
    const stmt = this.db.prepare<unknown[], { seq: number; group_anchor: string; op: 'add' | 'remove'; user_anchor: string }>(
      `SELECT o.* FROM temp.grp_ops o JOIN temp.grp_actions a ON a.anchor = o.group_anchor
        WHERE o.seq > ? AND a.kind IN (${kinds.map(() => '?').join(',')}) ORDER BY o.seq LIMIT ?`,
    );
    const page = (after: number, limit: number) => stmt.all(after, ...kinds, limit);
    for (const r of keysetRows(bySeq(page), batch)) yield { seq: r.seq, groupAnchor: r.group_anchor, op: r.op, userAnchor: r.user_anchor };
  }

  /** The groups this plan adds a user to, whose action is one of `kinds` (a user created this run can join them with its create). */
  addsOf(userAnchor: string, kinds: readonly string[]): string[] {
    return this.db
      .prepare<unknown[], { group_anchor: string }>(
        `SELECT o.group_anchor FROM temp.grp_ops o JOIN temp.grp_actions a ON a.anchor = o.group_anchor
          WHERE o.user_anchor = ? AND o.op = 'add' AND a.kind IN (${kinds.map(() => '?').join(',')}) ORDER BY o.seq`,
      )
      .all(userAnchor, ...kinds)
      .map((r) => r.group_anchor);
  }

  /**
   * The adds users created this run carry with their create (at most 20 each: Okta's limit on
   * `groupIds`), for the forecast. Reads the users' plan spool (temp.spool_actions, the same
   * connection's).
   */
  addsOnCreate(): number {
    return (
      this.db
        .prepare<[], { n: number | null }>(
          `SELECT sum(min(n, 20)) AS n FROM (
           SELECT count(*) AS n FROM temp.grp_ops o
             JOIN temp.grp_actions a ON a.anchor = o.group_anchor AND a.kind IN ('ensure', 'rename', 'keep')
             JOIN temp.spool_actions u ON u.anchor = o.user_anchor AND u.kind = 'create'
            WHERE o.op = 'add' GROUP BY o.user_anchor)`,
        )
        .get()!.n ?? 0
    );
  }

  /** These adds were carried out already (the user joined the groups with its create): the membership phase skips them. */
  addsDone(userAnchor: string, groupAnchors: readonly string[]): void {
    const del = this.db.prepare("DELETE FROM temp.grp_ops WHERE user_anchor = ? AND op = 'add' AND group_anchor = ?");
    this.db.transaction(() => {
      for (const g of groupAnchors) del.run(userAnchor, g);
    })();
  }

  counts(): { actions: Record<string, number>; adds: number; removes: number } {
    const actions: Record<string, number> = {};
    for (const r of this.db.prepare<[], { kind: string; n: number }>('SELECT kind, count(*) AS n FROM temp.grp_actions GROUP BY kind').all())
      actions[r.kind] = r.n;
    const ops = this.db.prepare<[], { op: string; n: number }>('SELECT op, count(*) AS n FROM temp.grp_ops GROUP BY op').all();
    return { actions, adds: ops.find((o) => o.op === 'add')?.n ?? 0, removes: ops.find((o) => o.op === 'remove')?.n ?? 0 };
  }

  /** Planned group actions with their membership counts, in plan order, a batch at a time. */
  *actionsWithCounts<P = unknown>(batch = 500): Generator<PlannedGroupAction<P> & { adds: number; removes: number }> {
    const stmt = this.db.prepare<[number, number], { seq: number; anchor: string; kind: string; payload: string; adds: number; removes: number }>(
      `SELECT a.seq, a.anchor, a.kind, a.payload,
         (SELECT count(*) FROM temp.grp_ops o WHERE o.group_anchor = a.anchor AND o.op = 'add') AS adds,
         (SELECT count(*) FROM temp.grp_ops o WHERE o.group_anchor = a.anchor AND o.op = 'remove') AS removes
       FROM temp.grp_actions a WHERE a.seq > ? ORDER BY a.seq LIMIT ?`,
    );
    const page = (after: number, limit: number) => stmt.all(after, limit);
    for (const r of keysetRows(bySeq(page), batch))
      yield { seq: r.seq, anchor: r.anchor, kind: r.kind, payload: JSON.parse(r.payload) as P, adds: r.adds, removes: r.removes };
  }

  /**
   * Planned membership operations with the user's login and DN (as this run read it, else as the
   * state knows it), in plan order; of one group, or of all groups. A batch at a time.
   */
  *memberOps(groupAnchor?: string, batch = 1000): Generator<PlannedMemberOp & { login: string | null; dn: string | null }> {
    const stmt = this.db.prepare<
      unknown[],
      { seq: number; group_anchor: string; op: 'add' | 'remove'; user_anchor: string; login: string | null; dn: string | null }
    >(
      `SELECT o.seq, o.group_anchor, o.op, o.user_anchor, coalesce(r.login, u.login) AS login, coalesce(r.dn, u.dn) AS dn
       FROM temp.grp_ops o LEFT JOIN temp.grp_run_users r ON r.anchor = o.user_anchor LEFT JOIN main.users u ON u.anchor = o.user_anchor
       WHERE o.seq > ? ${groupAnchor === undefined ? '' : 'AND o.group_anchor = ?'} ORDER BY o.seq LIMIT ?`,
    );
    const page = (after: number, limit: number) => (groupAnchor === undefined ? stmt.all(after, limit) : stmt.all(after, groupAnchor, limit));
    for (const r of keysetRows(bySeq(page), batch))
      yield { seq: r.seq, groupAnchor: r.group_anchor, op: r.op, userAnchor: r.user_anchor, login: r.login, dn: r.dn };
  }

  /** The kind of the planned action of a group, if it has one. */
  plannedKind(anchor: string): string | undefined {
    return this.db.prepare<[string], { kind: string }>('SELECT kind FROM temp.grp_actions WHERE anchor = ?').get(anchor)?.kind;
  }

  // ---- applying the directory side ----

  /**
   * Record what this run read from the directory, in one transaction: the groups read (DN, wanted
   * name, seen), their direct members, this run's renames in the member lists of groups not re-read
   * (users only once the users table holds the new DN), users deleted in the directory dropped from
   * them, groups gone from the directory (forgotten when the agent holds nothing in Okta for them),
   * plan-time quarantines, and `pending` on every group with planned writes.
   */
  recordDirectory(runId: number): void {
    const now = this.now().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO main.groups (anchor, dn, dn_norm, want_name, want_description, name_norm, last_seen_run, created_at, updated_at)
             SELECT anchor, dn, dn_norm, name, description, name_norm, @runId, @now, @now FROM temp.grp_run_groups WHERE true
           ON CONFLICT(anchor) DO UPDATE SET dn = excluded.dn, dn_norm = excluded.dn_norm, want_name = excluded.want_name,
             want_description = excluded.want_description, name_norm = excluded.name_norm, last_seen_run = excluded.last_seen_run,
             removed_run = NULL,
             updated_at = CASE WHEN groups.dn <> excluded.dn OR groups.want_name IS NOT excluded.want_name
               OR groups.want_description IS NOT excluded.want_description OR groups.removed_run IS NOT NULL THEN excluded.updated_at ELSE groups.updated_at END`,
        )
        .run({ runId, now });
      this.db.exec(`
        -- only what changed is written (a full run re-reads every group; most member lists are as before)
        DELETE FROM main.group_direct_members WHERE group_anchor IN (SELECT anchor FROM temp.grp_run_groups)
          AND NOT EXISTS (SELECT 1 FROM temp.grp_run_direct r
                          WHERE r.group_anchor = group_direct_members.group_anchor AND r.member_dn = group_direct_members.member_dn);
        INSERT OR IGNORE INTO main.group_direct_members (group_anchor, member_dn) SELECT group_anchor, member_dn FROM temp.grp_run_direct;
        CREATE TEMP TABLE IF NOT EXISTS grp_alias_done (old_dn TEXT PRIMARY KEY, new_dn TEXT NOT NULL) WITHOUT ROWID;
        DELETE FROM temp.grp_alias_done;
        INSERT INTO temp.grp_alias_done SELECT a.old_dn, a.new_dn FROM temp.grp_alias a
          WHERE a.kind = 'group' OR EXISTS (SELECT 1 FROM main.users u WHERE u.anchor = a.anchor AND u.dn_norm = a.new_dn);
        INSERT OR IGNORE INTO main.group_direct_members (group_anchor, member_dn)
          SELECT d.group_anchor, a.new_dn FROM main.group_direct_members d JOIN temp.grp_alias_done a ON a.old_dn = d.member_dn
            WHERE d.group_anchor NOT IN (SELECT anchor FROM temp.grp_run_groups);
        DELETE FROM main.group_direct_members WHERE member_dn IN (SELECT old_dn FROM temp.grp_alias_done)
          AND group_anchor NOT IN (SELECT anchor FROM temp.grp_run_groups);
        DELETE FROM main.group_direct_members WHERE member_dn IN (SELECT dn_norm FROM temp.grp_run_users WHERE kind = 'deleted')
          AND group_anchor NOT IN (SELECT anchor FROM temp.grp_run_groups);
        DROP TABLE temp.grp_alias_done;
      `);
      this.db
        .prepare(
          `UPDATE main.groups SET removed_run = @runId, updated_at = @now
             WHERE anchor IN (SELECT anchor FROM temp.grp_actions WHERE kind = 'gone') AND removed_run IS NULL`,
        )
        .run({ runId, now });
      this.db.exec(`
        DELETE FROM main.group_direct_members WHERE group_anchor IN (SELECT anchor FROM temp.grp_actions WHERE kind = 'gone');
        DELETE FROM main.groups WHERE anchor IN (SELECT anchor FROM temp.grp_actions WHERE kind = 'gone') AND okta_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM main.group_members m WHERE m.group_anchor = groups.anchor);
      `);
      this.db
        .prepare(
          `UPDATE main.groups SET quarantine_reason = r.quarantine, quarantined_run = @runId, pending = 1, updated_at = @now
             FROM temp.grp_run_groups r WHERE r.anchor = groups.anchor AND r.quarantine IS NOT NULL`,
        )
        .run({ runId, now });
      this.db.exec(`
        UPDATE main.groups SET pending = 1 WHERE anchor IN
          (SELECT anchor FROM temp.grp_actions WHERE kind IN ('ensure', 'rename', 'gone') UNION SELECT group_anchor FROM temp.grp_ops);
      `);
    })();
  }

  close(): void {
    this.db.exec(TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS temp.${t};`).join('\n'));
  }
}
