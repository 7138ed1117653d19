/**
 * The rows a run's group plan (group-spool.ts) gives the group-planning rules
 * (src/sync/groups/rules.ts): what the TEMP tables and the state hold, fetched by key, with no
 * decision taken (which user a DN names, who holds a name, which groups are recomputed: the rules).
 */
import type { Db } from './db';
import { toRow, type GroupRow, type RawGroup } from './group-store';
import { keysetRows, textPages } from './keyset';

/** How a user of this run's plan can take part in memberships. */
export type RunUserKind = 'create' | 'seen' | 'missing' | 'deleted';

export interface RunUser {
  anchor: string;
  dnNorm: string;
  kind: RunUserKind;
  /** For showing the plan. */
  dn?: string;
  login?: string | null;
}

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

/** An entry of this run whose normalised DN differs from the one the state holds. */
export interface RenamedEntry {
  entry: 'user' | 'group';
  anchor: string;
  oldDn: string;
  newDn: string;
  /** users: how the user takes part in this run. */
  runKind: RunUserKind | null;
}

export interface Alias {
  oldDn: string;
  newDn: string;
  anchor: string;
  kind: 'user' | 'group';
}

/** A group read this run with a name, and the Okta group its state row holds. */
export interface NameClaim extends RunGroupRow {
  nameNorm: string;
  oktaId: string | null;
  /** The name last applied to that Okta group. */
  oktaName: string | null;
}

/** A state group whose wanted name, or applied name, is a name (compared as the fetch could). */
export interface StateNameRow {
  anchor: string;
  dn: string;
  nameNorm: string | null;
  oktaId: string | null;
  name: string | null;
  removed: boolean;
  quarantined: boolean;
  readThisRun: boolean;
}

/** A user at a DN: one of this run's users, or a user of the state (`inRun`: also one of this run's). */
export type UserAtDn =
  { source: 'run'; anchor: string; kind: RunUserKind; oktaId: string | null } | { source: 'state'; anchor: string; oktaId: string | null; inRun: boolean };

/** A group at a DN: read this run, or known to the state. */
export type GroupAtDn = { source: 'run'; anchor: string } | { source: 'state'; anchor: string; removed: boolean; readThisRun: boolean };

/** A group's direct member DNs: as read this run (if it was), and as stored, with this run's rename of each. */
export interface DirectMemberRows {
  readThisRun: boolean;
  run: string[];
  stored: { dn: string; renamedTo: string | null }[];
}

/** A group whose direct members list a DN (or one of its former DNs). */
export type ListingRow =
  { source: 'run'; anchor: string } | { source: 'state'; anchor: string; memberDn: string; renamedTo: string | null; removed: boolean; readThisRun: boolean };

/** A state group, with what this run knows about it. */
export interface StateGroupRow extends GroupRow {
  readThisRun: boolean;
  hasAppliedMembers: boolean;
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

/** A 0/1 column as a boolean. */
export const flag = (v: number | null) => v === 1;

/** SQLite's 0/1 flags of the spool's queries. */
export interface Flags {
  removed: number;
  quarantined: number;
  read_this_run: number;
}

export interface RawRunGroup {
  anchor: string;
  dn: string;
  dn_norm: string;
  name: string | null;
  description: string | null;
  name_norm: string | null;
  quarantine: string | null;
}

export type RawStateGroup = RawGroup & { read_this_run: number; has_members: number };

export const stateGroupRow = (r: RawStateGroup): StateGroupRow => ({ ...toRow(r), readThisRun: flag(r.read_this_run), hasAppliedMembers: flag(r.has_members) });

export const runGroupRow = (r: RawRunGroup): RunGroupRow => ({
  anchor: r.anchor,
  dn: r.dn,
  dnNorm: r.dn_norm,
  name: r.name,
  description: r.description,
  nameNorm: r.name_norm,
  quarantine: r.quarantine,
});

/** Whether the group with this anchor (an SQL expression) was read this run. */
export const READ_THIS_RUN = (anchor: string) => `EXISTS (SELECT 1 FROM temp.grp_run_groups r WHERE r.anchor = ${anchor})`;

/**
 * The rows group planning reads from a run's group plan (group-spool.ts) and the state, for the rules
 * to decide on; large sets a page at a time.
 */
export class GroupSpoolRows {
  private readonly usersAtStmt;
  private readonly groupsAtStmt;
  private readonly wasReadStmt;
  private readonly runDirectStmt;
  private readonly storedDirectStmt;
  private readonly listingStmt;

  constructor(private readonly db: Db) {
    this.usersAtStmt = db.prepare<
      { dn: string },
      { source: 'run' | 'state'; anchor: string; kind: RunUserKind | null; okta_id: string | null; in_run: number }
    >(
      `SELECT 'run' AS source, r.anchor, r.kind, u.okta_id, 1 AS in_run FROM temp.grp_run_users r LEFT JOIN main.users u ON u.anchor = r.anchor
         WHERE r.dn_norm = @dn
       UNION ALL
       SELECT 'state', u.anchor, NULL, u.okta_id, EXISTS (SELECT 1 FROM temp.grp_run_users r WHERE r.anchor = u.anchor) FROM main.users u
         WHERE u.dn_norm = @dn
       ORDER BY 1, 2`,
    );
    this.groupsAtStmt = db.prepare<{ dn: string }, { source: 'run' | 'state'; anchor: string; removed: number; read_this_run: number }>(
      `SELECT 'run' AS source, anchor, 0 AS removed, 1 AS read_this_run FROM temp.grp_run_groups WHERE dn_norm = @dn
       UNION ALL
       SELECT 'state', g.anchor, g.removed_run IS NOT NULL, ${READ_THIS_RUN('g.anchor')} FROM main.groups g WHERE g.dn_norm = @dn
       ORDER BY 1, 2`,
    );
    this.wasReadStmt = db.prepare<[string], { anchor: string }>('SELECT anchor FROM temp.grp_run_groups WHERE anchor = ?');
    this.runDirectStmt = db.prepare<[string], { dn: string }>('SELECT member_dn AS dn FROM temp.grp_run_direct WHERE group_anchor = ?');
    this.storedDirectStmt = db.prepare<[string], { dn: string; renamed_to: string | null }>(
      `SELECT d.member_dn AS dn, al.new_dn AS renamed_to FROM main.group_direct_members d LEFT JOIN temp.grp_alias al ON al.old_dn = d.member_dn
         WHERE d.group_anchor = ?`,
    );
    this.listingStmt = db.prepare<
      { dn: string },
      { source: 'run' | 'state'; anchor: string; member_dn: string; renamed_to: string | null; removed: number; read_this_run: number }
    >(
      `SELECT 'run' AS source, group_anchor AS anchor, member_dn, NULL AS renamed_to, 0 AS removed, 1 AS read_this_run
         FROM temp.grp_run_direct WHERE member_dn = @dn
       UNION ALL
       SELECT 'state', d.group_anchor, d.member_dn, al.new_dn, g.removed_run IS NOT NULL, ${READ_THIS_RUN('d.group_anchor')}
         FROM main.group_direct_members d JOIN main.groups g ON g.anchor = d.group_anchor LEFT JOIN temp.grp_alias al ON al.old_dn = d.member_dn
         WHERE d.member_dn = @dn OR d.member_dn IN (SELECT old_dn FROM temp.grp_alias WHERE new_dn = @dn)`,
    );
  }

  /** This run's users, a page at a time. */
  runUsers(batch = 1000): Generator<{ anchor: string; dnNorm: string; kind: RunUserKind }[]> {
    const stmt = this.db.prepare<[string, number], { anchor: string; dnNorm: string; kind: RunUserKind }>(
      'SELECT anchor, dn_norm AS dnNorm, kind FROM temp.grp_run_users WHERE anchor > ? ORDER BY anchor LIMIT ?',
    );
    return textPages(stmt, (r) => r.anchor, batch);
  }

  /** This run's groups (rejected entries included), a page at a time. */
  *runGroups(batch = 1000): Generator<RunGroupRow[]> {
    const stmt = this.db.prepare<[string, number], RawRunGroup>('SELECT * FROM temp.grp_run_groups WHERE anchor > ? ORDER BY anchor LIMIT ?');
    for (const rows of textPages(stmt, (r) => r.anchor, batch)) yield rows.map(runGroupRow);
  }

  /** Users and groups of this run whose normalised DN differs from the state's, a page at a time. */
  *renamedEntries(batch = 1000): Generator<RenamedEntry[]> {
    const users = this.db.prepare<[string, number], { anchor: string; old_dn: string; new_dn: string; kind: RunUserKind }>(
      `SELECT r.anchor, u.dn_norm AS old_dn, r.dn_norm AS new_dn, r.kind FROM temp.grp_run_users r JOIN main.users u ON u.anchor = r.anchor
         WHERE r.anchor > ? AND u.dn_norm IS NOT NULL AND u.dn_norm <> r.dn_norm ORDER BY r.anchor LIMIT ?`,
    );
    for (const rows of textPages(users, (r) => r.anchor, batch))
      yield rows.map((r) => ({ entry: 'user', anchor: r.anchor, oldDn: r.old_dn, newDn: r.new_dn, runKind: r.kind }));
    const groups = this.db.prepare<[string, number], { anchor: string; old_dn: string; new_dn: string }>(
      `SELECT r.anchor, g.dn_norm AS old_dn, r.dn_norm AS new_dn FROM temp.grp_run_groups r JOIN main.groups g ON g.anchor = r.anchor
         WHERE r.anchor > ? AND g.dn_norm <> r.dn_norm ORDER BY r.anchor LIMIT ?`,
    );
    for (const rows of textPages(groups, (r) => r.anchor, batch))
      yield rows.map((r) => ({ entry: 'group', anchor: r.anchor, oldDn: r.old_dn, newDn: r.new_dn, runKind: null }));
  }

  /** This run's renames, a page at a time. */
  aliases(batch = 1000): Generator<Alias[]> {
    const stmt = this.db.prepare<[string, number], Alias>(
      'SELECT old_dn AS oldDn, new_dn AS newDn, anchor, kind FROM temp.grp_alias WHERE old_dn > ? ORDER BY old_dn LIMIT ?',
    );
    return textPages(stmt, (r) => r.oldDn, batch);
  }

  /** This run's groups that have a name, ordered by name key (the groups of one name are adjacent), with their Okta link. */
  *nameClaims(batch = 1000): Generator<NameClaim> {
    const stmt = this.db.prepare<[string, string, number], RawRunGroup & { name_norm: string; okta_id: string | null; okta_name: string | null }>(
      `SELECT r.*, g.okta_id, g.name AS okta_name FROM temp.grp_run_groups r LEFT JOIN main.groups g ON g.anchor = r.anchor
         WHERE r.name_norm IS NOT NULL AND (r.name_norm, r.anchor) > (?, ?) ORDER BY r.name_norm, r.anchor LIMIT ?`,
    );
    const rows = keysetRows(
      { page: (after: [string, string], limit) => stmt.all(after[0], after[1], limit), key: (r) => [r.name_norm, r.anchor], start: ['', ''] },
      batch,
    );
    for (const r of rows) yield { ...runGroupRow(r), nameNorm: r.name_norm, oktaId: r.okta_id, oktaName: r.okta_name };
  }

  /** State groups that want this name (name key), or hold an Okta group of that name (ASCII case-insensitively). */
  stateGroupsNamed(nameNorm: string): StateNameRow[] {
    return this.db
      .prepare<[string, string], { anchor: string; dn: string; name_norm: string | null; okta_id: string | null; name: string | null } & Flags>(
        `SELECT g.anchor, g.dn, g.name_norm, g.okta_id, g.name, g.removed_run IS NOT NULL AS removed, g.quarantine_reason IS NOT NULL AS quarantined,
           ${READ_THIS_RUN('g.anchor')} AS read_this_run
         FROM main.groups g WHERE g.name_norm = ? OR lower(g.name) = ? ORDER BY g.anchor`,
      )
      .all(nameNorm, nameNorm)
      .map((r) => ({
        anchor: r.anchor,
        dn: r.dn,
        nameNorm: r.name_norm,
        oktaId: r.okta_id,
        name: r.name,
        removed: flag(r.removed),
        quarantined: flag(r.quarantined),
        readThisRun: flag(r.read_this_run),
      }));
  }

  /** The users at a DN (normalised): this run's, and the state's. */
  usersAt(dnNorm: string): UserAtDn[] {
    return this.usersAtStmt
      .all({ dn: dnNorm })
      .map((r) =>
        r.source === 'run'
          ? { source: 'run', anchor: r.anchor, kind: r.kind!, oktaId: r.okta_id }
          : { source: 'state', anchor: r.anchor, oktaId: r.okta_id, inRun: flag(r.in_run) },
      );
  }

  /** The groups at a DN (normalised): read this run, and known to the state. */
  groupsAt(dnNorm: string): GroupAtDn[] {
    return this.groupsAtStmt
      .all({ dn: dnNorm })
      .map((r) =>
        r.source === 'run'
          ? { source: 'run', anchor: r.anchor }
          : { source: 'state', anchor: r.anchor, removed: flag(r.removed), readThisRun: flag(r.read_this_run) },
      );
  }

  /** A group's direct member DNs as read this run and as stored (with this run's renames). */
  directMembers(anchor: string): DirectMemberRows {
    return {
      readThisRun: this.wasReadStmt.get(anchor) !== undefined,
      run: this.runDirectStmt.all(anchor).map((r) => r.dn),
      stored: this.storedDirectStmt.all(anchor).map((r) => ({ dn: r.dn, renamedTo: r.renamed_to })),
    };
  }

  /** Groups whose direct members list this DN, or a DN renamed to it this run: as read this run, and as stored. */
  listing(dnNorm: string): ListingRow[] {
    return this.listingStmt
      .all({ dn: dnNorm })
      .map((r) =>
        r.source === 'run'
          ? { source: 'run', anchor: r.anchor }
          : { source: 'state', anchor: r.anchor, memberDn: r.member_dn, renamedTo: r.renamed_to, removed: flag(r.removed), readThisRun: flag(r.read_this_run) },
      );
  }

  /** State groups left pending or quarantined, a page at a time. */
  retryCandidates(batch = 1000): Generator<StateGroupRow[]> {
    return this.stateGroupPages('pending = 1 OR quarantine_reason IS NOT NULL', batch);
  }

  /** Every state group, a page at a time. */
  stateGroups(batch = 1000): Generator<StateGroupRow[]> {
    return this.stateGroupPages('true', batch);
  }

  private *stateGroupPages(where: string, batch: number): Generator<StateGroupRow[]> {
    const stmt = this.db.prepare<[string, number], RawStateGroup>(
      `SELECT g.*, ${READ_THIS_RUN('g.anchor')} AS read_this_run,
         EXISTS (SELECT 1 FROM main.group_members m WHERE m.group_anchor = g.anchor) AS has_members
       FROM main.groups g WHERE g.anchor > ? AND (${where}) ORDER BY g.anchor LIMIT ?`,
    );
    for (const rows of textPages(stmt, (r) => r.anchor, batch)) yield rows.map(stateGroupRow);
  }
}
