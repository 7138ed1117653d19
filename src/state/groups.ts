/**
 * Group state: directory groups in scope (`groups`), their direct member DNs as last read
 * (`group_direct_members`, for flattening nested groups on incremental runs) and the memberships
 * the agent applied in Okta (`group_members`). The Okta side (okta_id, applied name, memberships) is
 * recorded only after Okta confirmed a write; the directory side (DN, wanted name, direct members)
 * is recorded when a run applies.
 *
 * {@link GroupPlanTables} are the group half of a run's plan: TEMP tables on the state connection
 * (like the plan spool), so planning writes nothing to the state file and memory stays bounded.
 */
import type { Db } from './db';
import { normalizeDn } from '../directory/dn';

export interface GroupRow {
  anchor: string;
  dn: string;
  dnNorm: string;
  /** What the name and description templates gave when the group was last read. */
  wantName: string | null;
  wantDescription: string | null;
  oktaId: string | null;
  /** Name and description last applied in Okta. */
  name: string | null;
  description: string | null;
  link: 'created' | 'matched' | null;
  lastSeenRun: number | null;
  /** Set when a full run found the group gone from the directory (or out of scope). */
  removedRun: number | null;
  pending: boolean;
  quarantine: { reason: string; run: number } | null;
  createdAt: string;
  updatedAt: string;
}

interface RawGroup {
  anchor: string;
  dn: string;
  dn_norm: string;
  want_name: string | null;
  want_description: string | null;
  okta_id: string | null;
  name: string | null;
  description: string | null;
  name_norm: string | null;
  link: 'created' | 'matched' | null;
  last_seen_run: number | null;
  removed_run: number | null;
  pending: number;
  quarantine_reason: string | null;
  quarantined_run: number | null;
  created_at: string;
  updated_at: string;
}

function toRow(r: RawGroup): GroupRow {
  return {
    anchor: r.anchor,
    dn: r.dn,
    dnNorm: r.dn_norm,
    wantName: r.want_name,
    wantDescription: r.want_description,
    oktaId: r.okta_id,
    name: r.name,
    description: r.description,
    link: r.link,
    lastSeenRun: r.last_seen_run,
    removedRun: r.removed_run,
    pending: r.pending === 1,
    quarantine: r.quarantine_reason ? { reason: r.quarantine_reason, run: r.quarantined_run ?? 0 } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class GroupsRepo {
  private readonly byAnchor;
  private readonly byOkta;
  private readonly members;
  private readonly memberCount;
  private readonly insertMember;
  private readonly deleteMember;
  private readonly link;
  private readonly applied;
  private readonly quarantineStmt;
  private readonly settleStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    refreshNormalisedDns(db);
    this.byAnchor = db.prepare<[string], RawGroup>('SELECT * FROM main.groups WHERE anchor = ?');
    this.byOkta = db.prepare<[string], RawGroup>('SELECT * FROM main.groups WHERE okta_id = ?');
    this.members = db.prepare<[string], { user_anchor: string }>('SELECT user_anchor FROM main.group_members WHERE group_anchor = ? ORDER BY user_anchor');
    this.memberCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM main.group_members WHERE group_anchor = ?');
    this.insertMember = db.prepare('INSERT OR IGNORE INTO main.group_members (group_anchor, user_anchor) VALUES (?, ?)');
    this.deleteMember = db.prepare('DELETE FROM main.group_members WHERE group_anchor = ? AND user_anchor = ?');
    this.link = db.prepare(`UPDATE main.groups SET okta_id = @oktaId, link = @link, name = @name, description = @description,
        updated_at = @now WHERE anchor = @anchor`);
    this.applied = db.prepare('UPDATE main.groups SET name = @name, description = @description, updated_at = @now WHERE anchor = @anchor');
    this.quarantineStmt = db.prepare(
      'UPDATE main.groups SET quarantine_reason = @reason, quarantined_run = @runId, pending = 1, updated_at = @now WHERE anchor = @anchor',
    );
    this.settleStmt = db.prepare(`UPDATE main.groups SET pending = 0, quarantine_reason = NULL, quarantined_run = NULL,
        updated_at = CASE WHEN quarantine_reason IS NOT NULL THEN @now ELSE updated_at END
      WHERE anchor = @anchor AND (pending = 1 OR quarantine_reason IS NOT NULL)`);
  }

  get(anchor: string): GroupRow | undefined {
    const r = this.byAnchor.get(anchor);
    return r && toRow(r);
  }

  /** The group with this DN (normalised), if the agent knows it. */
  byDn(dn: string): GroupRow | undefined {
    const r = this.db.prepare<[string], RawGroup>('SELECT * FROM main.groups WHERE dn_norm = ? ORDER BY removed_run IS NOT NULL LIMIT 1').get(normalizeDn(dn));
    return r && toRow(r);
  }

  /** The group row that manages this Okta group, if any. */
  byOktaId(oktaId: string): GroupRow | undefined {
    const r = this.byOkta.get(oktaId);
    return r && toRow(r);
  }

  /** User anchors the agent made members of this group in Okta. */
  appliedMembers(groupAnchor: string): string[] {
    return this.members.all(groupAnchor).map((r) => r.user_anchor);
  }

  appliedMemberCount(groupAnchor: string): number {
    return this.memberCount.get(groupAnchor)!.n;
  }

  /** Okta confirmed the group exists for this anchor (created, or matched on first contact). */
  recordLinked(anchor: string, oktaId: string, link: 'created' | 'matched', name: string, description: string | null): void {
    this.link.run({ anchor, oktaId, link, name, description, now: this.now().toISOString() });
  }

  /** Okta confirmed a profile replace (rename). */
  recordProfile(anchor: string, name: string, description: string | null): void {
    this.applied.run({ anchor, name, description, now: this.now().toISOString() });
  }

  /**
   * The Okta group of a group that left the directory goes to a new directory group of the same
   * name (recreated in the directory under a new anchor); the old row is forgotten.
   */
  transferLink(fromAnchor: string, toAnchor: string, oktaId: string, name: string, description: string | null): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM main.group_members WHERE group_anchor = ?').run(fromAnchor);
      this.db.prepare('DELETE FROM main.group_direct_members WHERE group_anchor = ?').run(fromAnchor);
      this.db.prepare('DELETE FROM main.groups WHERE anchor = ?').run(fromAnchor);
      this.link.run({ anchor: toAnchor, oktaId, link: 'matched', name, description, now: this.now().toISOString() });
    })();
  }

  /** The Okta group is gone (deleted in Okta): forget the link and the memberships applied in it. */
  unlink(anchor: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM main.group_members WHERE group_anchor = ?').run(anchor);
      this.db
        .prepare('UPDATE main.groups SET okta_id = NULL, link = NULL, name = NULL, description = NULL, pending = 1, updated_at = ? WHERE anchor = ?')
        .run(this.now().toISOString(), anchor);
    })();
  }

  recordMemberAdded(groupAnchor: string, userAnchor: string): void {
    this.insertMember.run(groupAnchor, userAnchor);
  }

  recordMemberRemoved(groupAnchor: string, userAnchor: string): void {
    this.deleteMember.run(groupAnchor, userAnchor);
  }

  /** The group stays as it is in Okta, with a reason; retried every run (incremental ones too). */
  recordQuarantine(anchor: string, reason: string, runId: number): void {
    this.quarantineStmt.run({ anchor, reason, runId, now: this.now().toISOString() });
  }

  /** Every planned write of this group was confirmed: no retry needed, no quarantine. */
  settle(anchor: string): void {
    this.settleStmt.run({ anchor, now: this.now().toISOString() });
  }

  /** A group that left the directory and whose memberships are all removed (nothing left to do). */
  forgetIfDone(anchor: string): void {
    this.db
      .prepare(
        `DELETE FROM main.groups WHERE anchor = ? AND removed_run IS NOT NULL AND okta_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM main.group_members m WHERE m.group_anchor = groups.anchor)`,
      )
      .run(anchor);
  }

  quarantined(): GroupRow[] {
    return this.db.prepare<[], RawGroup>('SELECT * FROM main.groups WHERE quarantine_reason IS NOT NULL ORDER BY quarantined_run DESC, dn').all().map(toRow);
  }

  counts(): { total: number; linked: number; quarantined: number; removed: number; memberships: number } {
    const g = this.db
      .prepare<[], { total: number; linked: number; quarantined: number; removed: number }>(
        `SELECT count(*) AS total, count(okta_id) AS linked, count(quarantine_reason) AS quarantined, count(removed_run) AS removed FROM main.groups`,
      )
      .get()!;
    const m = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM main.group_members').get()!;
    return { ...g, memberships: m.n };
  }

  /** Direct member DNs (normalised) of a group as last read. */
  directMembers(anchor: string): string[] {
    return this.db
      .prepare<[string], { member_dn: string }>('SELECT member_dn FROM main.group_direct_members WHERE group_anchor = ? ORDER BY member_dn')
      .all(anchor)
      .map((r) => r.member_dn);
  }

  /** A fresh set of plan tables for this run's groups (drops any earlier plan's tables). */
  planTables(): GroupPlanTables {
    return new GroupPlanTables(this.db, this.now);
  }
}

/**
 * Normalised DNs (`users.dn_norm`, `groups.dn_norm`) written before DNs were compared per RFC 4514
 * (migration 4 lists the tables in `dn_norm_refresh`) are recomputed from the DNs, once, in one
 * transaction, when the state is opened: group member DNs resolve to users whatever escapes the
 * directory used. A state opened read-only cannot be changed; it is opened read-only as a migrated
 * in-memory copy when it needs migration 4, so the refresh happens there (a file migrated by a process
 * that stopped before the refresh is refreshed by the next read-write open).
 */
export function refreshNormalisedDns(db: Db, batch = 5000): void {
  if (db.readonly) return;
  const pending = () =>
    db
      .prepare<[], { tbl: string }>('SELECT tbl FROM main.dn_norm_refresh ORDER BY tbl')
      .all()
      .map((r) => r.tbl);
  if (!pending().length) return;
  db.transaction(() => {
    for (const tbl of pending()) {
      if (tbl !== 'users' && tbl !== 'groups') throw new Error(`dn_norm_refresh: unknown table ${tbl}`);
      const read = db.prepare<[string, number], { anchor: string; dn: string; dn_norm: string | null }>(
        `SELECT anchor, dn, dn_norm FROM main.${tbl} WHERE anchor > ? ORDER BY anchor LIMIT ?`,
      );
      const write = db.prepare(`UPDATE main.${tbl} SET dn_norm = ? WHERE anchor = ?`);
      let after = '';
      for (;;) {
        const rows = read.all(after, batch);
        if (!rows.length) break;
        for (const r of rows) {
          const norm = normalizeDn(r.dn);
          if (norm !== r.dn_norm) write.run(norm, r.anchor);
        }
        after = rows[rows.length - 1].anchor;
      }
      db.prepare('DELETE FROM main.dn_norm_refresh WHERE tbl = ?').run(tbl);
    }
  }).immediate();
}

/** How a user of this run's plan can take part in memberships. */
export type RunUserKind = 'create' | 'seen' | 'missing' | 'deleted';

export interface RunGroupRow {
  anchor: string;
  dn: string;
  dnNorm: string;
  name: string | null;
  description: string | null;
  nameNorm: string | null;
  /** Why the plan quarantines this group (no name, name taken, no anchor). */
  quarantine: string | null;
}

export interface PlannedGroupAction<P = unknown> {
  seq: number;
  anchor: string;
  kind: string;
  payload: P;
}

export interface PlannedMemberOp {
  seq: number;
  groupAnchor: string;
  op: 'add' | 'remove';
  userAnchor: string;
}

const TEMP_TABLES = ['grp_run_users', 'grp_run_groups', 'grp_run_direct', 'grp_alias', 'grp_targets', 'grp_actions', 'grp_ops'];

/**
 * The group plan of one run, in TEMP tables of the state connection:
 * - grp_run_users: every user of this run's spool (anchor, normalised DN, kind; DN and login for
 *   showing the plan), so member DNs resolve to the DNs the directory has now, and users planned for
 *   creation count as members;
 * - grp_run_groups / grp_run_direct: the groups read this run and their direct member DNs;
 * - grp_alias: DNs renamed this run (old → new), for stored member lists of groups not re-read;
 * - grp_targets: groups whose memberships are recomputed;
 * - grp_actions / grp_ops: the planned group actions and membership operations, in order.
 */
export class GroupPlanTables {
  private readonly insUser;
  private readonly insGroup;
  private readonly insDirect;
  private readonly insTarget;
  private readonly insAction;
  private readonly insOp;
  private readonly runUserByDn;
  private readonly stateUserByDn;
  private readonly runGroupByDn;
  private readonly stateGroupByDn;
  private readonly directOf;
  private readonly listingRun;
  private readonly listingState;
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
    `);
    this.insUser = db.prepare('INSERT OR REPLACE INTO temp.grp_run_users (anchor, dn_norm, kind, dn, login) VALUES (?, ?, ?, ?, ?)');
    this.insGroup = db.prepare(`INSERT OR REPLACE INTO temp.grp_run_groups (anchor, dn, dn_norm, name, description, name_norm, quarantine)
      VALUES (@anchor, @dn, @dnNorm, @name, @description, @nameNorm, @quarantine)`);
    this.insDirect = db.prepare('INSERT OR IGNORE INTO temp.grp_run_direct (group_anchor, member_dn) VALUES (?, ?)');
    this.insTarget = db.prepare('INSERT OR IGNORE INTO temp.grp_targets (anchor) VALUES (?)');
    this.insAction = db.prepare('INSERT INTO temp.grp_actions (seq, anchor, kind, payload) VALUES (?, ?, ?, ?)');
    this.insOp = db.prepare('INSERT INTO temp.grp_ops (seq, group_anchor, op, user_anchor) VALUES (?, ?, ?, ?)');
    this.runUserByDn = db.prepare<[string], { anchor: string; kind: RunUserKind; okta_id: string | null }>(
      `SELECT r.anchor, r.kind, u.okta_id FROM temp.grp_run_users r LEFT JOIN main.users u ON u.anchor = r.anchor WHERE r.dn_norm = ?
       ORDER BY CASE r.kind WHEN 'deleted' THEN 2 WHEN 'missing' THEN 1 ELSE 0 END LIMIT 1`,
    );
    this.stateUserByDn = db.prepare<[string], { anchor: string; okta_id: string | null }>(
      `SELECT u.anchor, u.okta_id FROM main.users u WHERE u.dn_norm = ?
         AND NOT EXISTS (SELECT 1 FROM temp.grp_run_users r WHERE r.anchor = u.anchor)
       ORDER BY u.okta_id IS NULL LIMIT 1`,
    );
    this.runGroupByDn = db.prepare<[string], { anchor: string }>('SELECT anchor FROM temp.grp_run_groups WHERE dn_norm = ? LIMIT 1');
    this.stateGroupByDn = db.prepare<[string], { anchor: string }>(
      `SELECT g.anchor FROM main.groups g WHERE g.dn_norm = ? AND g.removed_run IS NULL
         AND NOT EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = g.anchor) LIMIT 1`,
    );
    this.directOf = db.prepare<{ a: string }, { dn: string }>(
      `SELECT member_dn AS dn FROM temp.grp_run_direct WHERE group_anchor = @a
       UNION ALL
       SELECT coalesce(al.new_dn, d.member_dn) AS dn FROM main.group_direct_members d LEFT JOIN temp.grp_alias al ON al.old_dn = d.member_dn
         WHERE d.group_anchor = @a AND NOT EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = @a)`,
    );
    this.listingRun = db.prepare<[string], { anchor: string }>('SELECT group_anchor AS anchor FROM temp.grp_run_direct WHERE member_dn = ?');
    this.listingState = db.prepare<{ dn: string }, { anchor: string }>(
      `SELECT DISTINCT d.group_anchor AS anchor FROM main.group_direct_members d JOIN main.groups g ON g.anchor = d.group_anchor AND g.removed_run IS NULL
         WHERE (d.member_dn = @dn OR d.member_dn IN (SELECT old_dn FROM temp.grp_alias WHERE new_dn = @dn))
           AND NOT EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = d.group_anchor)`,
    );
    this.runGroupStmt = db.prepare<[string], RawRunGroup>('SELECT * FROM temp.grp_run_groups WHERE anchor = ?');
  }

  // ---- filling ----

  /** This run's users (from the spool); `dn` and `login` (when the plan knows it) for showing the plan. */
  addRunUsers(rows: readonly { anchor: string; dnNorm: string; kind: RunUserKind; dn?: string; login?: string | null }[]): void {
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

  /** DNs that changed this run (users and groups whose state DN differs from the directory's). */
  computeAliases(): void {
    this.db.exec(`
      INSERT OR IGNORE INTO temp.grp_alias (old_dn, new_dn, anchor, kind)
        SELECT u.dn_norm, r.dn_norm, r.anchor, 'user' FROM temp.grp_run_users r JOIN main.users u ON u.anchor = r.anchor
          WHERE r.kind IN ('seen', 'create') AND u.dn_norm IS NOT NULL AND u.dn_norm <> r.dn_norm;
      INSERT OR IGNORE INTO temp.grp_alias (old_dn, new_dn, anchor, kind)
        SELECT g.dn_norm, r.dn_norm, r.anchor, 'group' FROM temp.grp_run_groups r JOIN main.groups g ON g.anchor = r.anchor
          WHERE g.dn_norm <> r.dn_norm;
    `);
  }

  /**
   * Groups whose names collide with another group of this run (case-insensitively): the group that
   * already manages an Okta group of that name, else the first by DN, keeps it.
   */
  nameCollisions(): { anchor: string; name: string; holderDn: string }[] {
    return this.db
      .prepare<[], { anchor: string; name: string; holder_dn: string }>(
        `WITH ranked AS (
           SELECT r.anchor, r.name, r.dn, r.name_norm,
             row_number() OVER (PARTITION BY r.name_norm ORDER BY (g.okta_id IS NOT NULL AND g.name IS NOT NULL AND lower(g.name) = r.name_norm) DESC, r.dn_norm, r.anchor) AS k
           FROM temp.grp_run_groups r LEFT JOIN main.groups g ON g.anchor = r.anchor
           WHERE r.quarantine IS NULL AND r.name_norm IS NOT NULL)
         SELECT a.anchor, a.name, b.dn AS holder_dn FROM ranked a JOIN ranked b ON b.name_norm = a.name_norm AND b.k = 1 WHERE a.k > 1`,
      )
      .all()
      .map((r) => ({ anchor: r.anchor, name: r.name, holderDn: r.holder_dn }));
  }

  /**
   * A group in state, not read this run and still in the directory, that holds this name in Okta or
   * wants it (and is not itself quarantined).
   */
  stateNameHolder(nameNorm: string, anchor: string): { anchor: string; dn: string } | undefined {
    return this.db
      .prepare<[string, string, string], { anchor: string; dn: string }>(
        `SELECT g.anchor, g.dn FROM main.groups g WHERE (g.name_norm = ? OR (g.okta_id IS NOT NULL AND lower(g.name) = ?))
           AND g.anchor <> ? AND g.removed_run IS NULL AND (g.okta_id IS NOT NULL OR g.quarantine_reason IS NULL)
           AND NOT EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = g.anchor) LIMIT 1`,
      )
      .get(nameNorm, nameNorm, anchor);
  }

  setRunGroupQuarantine(anchor: string, reason: string): void {
    this.db.prepare('UPDATE temp.grp_run_groups SET quarantine = ? WHERE anchor = ?').run(reason, anchor);
  }

  // ---- lookups while planning ----

  /** The user a member DN names, and whether it can be an Okta member (linked, or planned for creation). */
  resolveUser(dnNorm: string): { anchor: string; eligible: boolean } | undefined {
    const r = this.runUserByDn.get(dnNorm);
    if (r) return { anchor: r.anchor, eligible: r.kind !== 'deleted' && (r.okta_id !== null || r.kind === 'create') };
    const s = this.stateUserByDn.get(dnNorm);
    if (s) return { anchor: s.anchor, eligible: s.okta_id !== null };
    return undefined;
  }

  /** The group in scope with this DN: read this run, or (incremental runs) known from earlier runs. */
  groupOfDn(dnNorm: string, incremental: boolean): string | undefined {
    const r = this.runGroupByDn.get(dnNorm);
    if (r) return r.anchor;
    return incremental ? this.stateGroupByDn.get(dnNorm)?.anchor : undefined;
  }

  /** Current direct member DNs: as read this run, else as stored (with this run's renames applied). */
  directMembers(anchor: string): string[] {
    return this.directOf.all({ a: anchor }).map((r) => r.dn);
  }

  /** Groups in scope whose direct members include this DN (or its old DN, if it was renamed this run). */
  groupsListing(dnNorm: string, incremental: boolean): string[] {
    const out = new Set(this.listingRun.all(dnNorm).map((r) => r.anchor));
    if (incremental) for (const r of this.listingState.all({ dn: dnNorm })) out.add(r.anchor);
    return [...out];
  }

  runGroup(anchor: string): RunGroupRow | undefined {
    const r = this.runGroupStmt.get(anchor);
    return r && { anchor: r.anchor, dn: r.dn, dnNorm: r.dn_norm, name: r.name, description: r.description, nameNorm: r.name_norm, quarantine: r.quarantine };
  }

  /** DNs (normalised) of this run's users of some kinds, and of renamed users (old and new), a batch at a time. */
  *affectedUserDns(batch = 1000): Generator<string[]> {
    const stmt = this.db.prepare<[string, number], { dn: string }>(
      `SELECT dn FROM (
         SELECT dn_norm AS dn FROM temp.grp_run_users WHERE kind IN ('create', 'deleted')
         UNION SELECT old_dn FROM temp.grp_alias UNION SELECT new_dn FROM temp.grp_alias)
       WHERE dn > ? ORDER BY dn LIMIT ?`,
    );
    for (const rows of keyset(stmt, (r) => r.dn, batch)) yield rows.map((r) => r.dn);
  }

  /** Anchors of this run's groups (rejected entries excluded), a batch at a time. */
  *runGroupAnchors(batch = 1000): Generator<string[]> {
    const stmt = this.db.prepare<[string, number], { anchor: string }>('SELECT anchor FROM temp.grp_run_groups WHERE anchor > ? ORDER BY anchor LIMIT ?');
    for (const rows of keyset(stmt, (r) => r.anchor, batch)) yield rows.map((r) => r.anchor);
  }

  /** State groups to look at again: pending or quarantined (not read this run, still in the directory). */
  *retryGroups(batch = 1000): Generator<string[]> {
    const stmt = this.db.prepare<[string, number], { anchor: string }>(
      `SELECT anchor FROM main.groups g WHERE anchor > ? AND (pending = 1 OR quarantine_reason IS NOT NULL) AND removed_run IS NULL
         AND anchor NOT LIKE 'dn:%' AND NOT EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = g.anchor)
       ORDER BY anchor LIMIT ?`,
    );
    for (const rows of keyset(stmt, (r) => r.anchor, batch)) yield rows.map((r) => r.anchor);
  }

  /**
   * Groups that are no longer in the directory: on a full run, state groups not read (still
   * counted as present); on any run, groups found gone earlier whose memberships are not all removed.
   */
  *goneGroups(full: boolean, batch = 1000): Generator<GroupRow[]> {
    const stmt = this.db.prepare<[string, number], RawGroup>(
      `SELECT * FROM main.groups g WHERE anchor > ?
         AND NOT EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = g.anchor)
         AND (${full ? 'removed_run IS NULL OR ' : ''}(removed_run IS NOT NULL AND EXISTS (SELECT 1 FROM main.group_members m WHERE m.group_anchor = g.anchor)))
       ORDER BY anchor LIMIT ?`,
    );
    for (const rows of keyset(stmt, (r) => r.anchor, batch)) yield rows.map(toRow);
  }

  /** Add a target; true when it was not one yet. */
  addTarget(anchor: string): boolean {
    return this.insTarget.run(anchor).changes > 0;
  }

  *targets(batch = 500): Generator<string[]> {
    const stmt = this.db.prepare<[string, number], { anchor: string }>('SELECT anchor FROM temp.grp_targets WHERE anchor > ? ORDER BY anchor LIMIT ?');
    for (const rows of keyset(stmt, (r) => r.anchor, batch)) yield rows.map((r) => r.anchor);
  }

  // ---- the plan ----

  addPlanned(anchor: string, kind: string, payload: unknown, ops: readonly { op: 'add' | 'remove'; userAnchor: string }[]): void {
    this.db.transaction(() => {
      this.insAction.run(++this.actionSeq, anchor, kind, JSON.stringify(payload));
      for (const o of ops) this.insOp.run(++this.opSeq, anchor, o.op, o.userAnchor);
    })();
  }

  /** Planned group actions of some kinds, in plan order, a batch at a time. */
  *actions<P = unknown>(kinds: readonly string[], batch = 500): Generator<PlannedGroupAction<P>> {
    const stmt = this.db.prepare<unknown[], { seq: number; anchor: string; kind: string; payload: string }>(
      `SELECT * FROM temp.grp_actions WHERE seq > ? AND kind IN (${kinds.map(() => '?').join(',')}) ORDER BY seq LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = stmt.all(after, ...kinds, batch);
      if (!rows.length) return;
      for (const r of rows) yield { seq: r.seq, anchor: r.anchor, kind: r.kind, payload: JSON.parse(r.payload) as P };
      after = rows[rows.length - 1].seq;
    }
  }

  /** Planned membership operations of groups whose action is one of `kinds`, in plan order. */
  *ops(kinds: readonly string[], batch = 1000): Generator<PlannedMemberOp> {
    const stmt = this.db.prepare<unknown[], { seq: number; group_anchor: string; op: 'add' | 'remove'; user_anchor: string }>(
      `SELECT o.* FROM temp.grp_ops o JOIN temp.grp_actions a ON a.anchor = o.group_anchor
        WHERE o.seq > ? AND a.kind IN (${kinds.map(() => '?').join(',')}) ORDER BY o.seq LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = stmt.all(after, ...kinds, batch);
      if (!rows.length) return;
      for (const r of rows) yield { seq: r.seq, groupAnchor: r.group_anchor, op: r.op, userAnchor: r.user_anchor };
      after = rows[rows.length - 1].seq;
    }
  }

  counts(): { actions: Record<string, number>; adds: number; removes: number } {
    const actions: Record<string, number> = {};
    for (const r of this.db.prepare<[], { kind: string; n: number }>('SELECT kind, count(*) AS n FROM temp.grp_actions GROUP BY kind').all())
      actions[r.kind] = r.n;
    const ops = this.db.prepare<[], { op: string; n: number }>('SELECT op, count(*) AS n FROM temp.grp_ops GROUP BY op').all();
    return { actions, adds: ops.find((o) => o.op === 'add')?.n ?? 0, removes: ops.find((o) => o.op === 'remove')?.n ?? 0 };
  }

  // ---- showing the plan ----

  /** Planned group actions with their membership counts, in plan order, a batch at a time. */
  *actionsWithCounts<P = unknown>(batch = 500): Generator<PlannedGroupAction<P> & { adds: number; removes: number }> {
    const stmt = this.db.prepare<[number, number], { seq: number; anchor: string; kind: string; payload: string; adds: number; removes: number }>(
      `SELECT a.seq, a.anchor, a.kind, a.payload,
         (SELECT count(*) FROM temp.grp_ops o WHERE o.group_anchor = a.anchor AND o.op = 'add') AS adds,
         (SELECT count(*) FROM temp.grp_ops o WHERE o.group_anchor = a.anchor AND o.op = 'remove') AS removes
       FROM temp.grp_actions a WHERE a.seq > ? ORDER BY a.seq LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = stmt.all(after, batch);
      if (!rows.length) return;
      for (const r of rows) yield { seq: r.seq, anchor: r.anchor, kind: r.kind, payload: JSON.parse(r.payload) as P, adds: r.adds, removes: r.removes };
      after = rows[rows.length - 1].seq;
    }
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
    let after = 0;
    for (;;) {
      const rows = groupAnchor === undefined ? stmt.all(after, batch) : stmt.all(after, groupAnchor, batch);
      if (!rows.length) return;
      for (const r of rows) yield { seq: r.seq, groupAnchor: r.group_anchor, op: r.op, userAnchor: r.user_anchor, login: r.login, dn: r.dn };
      after = rows[rows.length - 1].seq;
    }
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

interface RawRunGroup {
  anchor: string;
  dn: string;
  dn_norm: string;
  name: string | null;
  description: string | null;
  name_norm: string | null;
  quarantine: string | null;
}

function* keyset<R>(stmt: { all(after: string, limit: number): R[] }, key: (r: R) => string, batch: number): Generator<R[]> {
  let after = '';
  for (;;) {
    const rows = stmt.all(after, batch);
    if (!rows.length) return;
    yield rows;
    after = key(rows[rows.length - 1]);
  }
}
