/**
 * Persistent group state: directory groups in scope (`groups`), their direct member DNs as last read
 * (`group_direct_members`, for flattening nested groups on incremental runs) and the memberships
 * the agent applied in Okta (`group_members`). The Okta side (okta_id, applied name, memberships) is
 * recorded only after Okta confirmed a write; the directory side (DN, wanted name, direct members)
 * is recorded when a run applies (from its group plan: group-spool.ts).
 */
import type { Db } from './db';
import { normalizeDn } from '../directory/dn';
import { textPages } from './keyset';

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

/** A `groups` row as SQLite returns it. */
export interface RawGroup {
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

export function toRow(r: RawGroup): GroupRow {
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
      for (const rows of textPages(read, (r) => r.anchor, batch)) {
        for (const r of rows) {
          const norm = normalizeDn(r.dn);
          if (norm !== r.dn_norm) write.run(norm, r.anchor);
        }
      }
      db.prepare('DELETE FROM main.dn_norm_refresh WHERE tbl = ?').run(tbl);
    }
  }).immediate();
}
