/**
 * The groups half of the Okta mirror (okta-mirror.ts): every Okta group (id, type, name,
 * description, timestamps: first contact finds a group by name here), and the members of the
 * groups the agent manages (read when Okta's `lastMembershipUpdated` moved since they were last
 * read; the agent's own membership writes are applied as Okta confirms them). Timestamps are
 * ISO strings in one form (okta/client.ts), so they compare as text.
 */
import type { Db } from './db';
import type { OktaGroup } from '../okta/client';

interface RawGroup {
  id: string;
  type: string;
  name: string;
  description: string | null;
  last_updated: string | null;
  last_membership_updated: string | null;
  members_read: string | null;
}

export interface MirrorGroup extends OktaGroup {
  /** Okta's lastMembershipUpdated when the members were last read; null: never read. */
  membersRead: string | null;
}

const toGroup = (r: RawGroup): MirrorGroup => ({
  id: r.id,
  type: r.type,
  name: r.name,
  description: r.description,
  lastUpdated: r.last_updated,
  lastMembershipUpdated: r.last_membership_updated,
  membersRead: r.members_read,
});

/** Okta compares group names ignoring case. */
const nameKey = (name: string) => name.toLowerCase();

export class MirrorGroups {
  private readonly upsert;
  private readonly memberIns;
  private readonly memberDel;
  private readonly known;
  private readonly member;

  constructor(
    private readonly db: Db,
    private readonly s: 'main' | 'temp',
  ) {
    this.upsert = db.prepare(`
      INSERT INTO ${s}.okta_groups (id, type, name, name_norm, description, last_updated, last_membership_updated)
      VALUES (@id, @type, @name, @nameNorm, @description, @lastUpdated, @lastMembershipUpdated)
      ON CONFLICT(id) DO UPDATE SET type = excluded.type, name = excluded.name, name_norm = excluded.name_norm,
        description = excluded.description, last_updated = COALESCE(excluded.last_updated, okta_groups.last_updated),
        last_membership_updated = COALESCE(excluded.last_membership_updated, okta_groups.last_membership_updated)
      WHERE excluded.last_updated IS NULL OR okta_groups.last_updated IS NULL OR excluded.last_updated >= okta_groups.last_updated
        OR excluded.last_membership_updated > COALESCE(okta_groups.last_membership_updated, '')`);
    this.memberIns = db.prepare(`INSERT OR IGNORE INTO ${s}.okta_group_members (group_id, user_id) VALUES (?, ?)`);
    this.memberDel = db.prepare(`DELETE FROM ${s}.okta_group_members WHERE group_id = ? AND user_id = ?`);
    // asked per applied membership by the groups' plan (drift): prepared once
    this.known = db.prepare<[string], unknown>(`SELECT 1 FROM ${s}.okta_groups WHERE id = ? AND members_read IS NOT NULL`);
    this.member = db.prepare<[string, string], unknown>(`SELECT 1 FROM ${s}.okta_group_members WHERE group_id = ? AND user_id = ?`);
  }

  clear(): void {
    this.db.exec(`DELETE FROM ${this.s}.okta_groups; DELETE FROM ${this.s}.okta_group_members;`);
  }

  /** Record groups as Okta returned them (a page of a read, or a write's answer). */
  put(groups: readonly OktaGroup[]): void {
    this.db.transaction(() => {
      for (const g of groups) {
        this.upsert.run({
          id: g.id,
          type: g.type,
          name: g.name,
          nameNorm: nameKey(g.name),
          description: g.description,
          lastUpdated: g.lastUpdated ?? null,
          lastMembershipUpdated: g.lastMembershipUpdated ?? null,
        });
      }
    })();
  }

  get(id: string): MirrorGroup | undefined {
    const r = this.db.prepare<[string], RawGroup>(`SELECT * FROM ${this.s}.okta_groups WHERE id = ?`).get(id);
    return r && toGroup(r);
  }

  /** Groups whose name is `name`, ignoring case (as Okta compares them). */
  named(name: string): MirrorGroup[] {
    return this.db.prepare<[string], RawGroup>(`SELECT * FROM ${this.s}.okta_groups WHERE name_norm = ? ORDER BY id`).all(nameKey(name)).map(toGroup);
  }

  /** Okta answered 404 for this group: it is gone. */
  remove(id: string): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM ${this.s}.okta_groups WHERE id = ?`).run(id);
      this.db.prepare(`DELETE FROM ${this.s}.okta_group_members WHERE group_id = ?`).run(id);
    })();
  }

  /** Start reading a group's members afresh (its known members are forgotten until the read completes). */
  beginMembers(groupId: string): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM ${this.s}.okta_group_members WHERE group_id = ?`).run(groupId);
      this.db.prepare(`UPDATE ${this.s}.okta_groups SET members_read = NULL WHERE id = ?`).run(groupId);
    })();
  }

  /** A page of a group's members (user ids). */
  addMembers(groupId: string, userIds: readonly string[]): void {
    this.db.transaction(() => {
      for (const u of userIds) this.memberIns.run(groupId, u);
    })();
  }

  /** A group's members were read completely, as of Okta's `lastMembershipUpdated` = `stamp`. */
  endMembers(groupId: string, stamp: string): void {
    this.db.prepare(`UPDATE ${this.s}.okta_groups SET members_read = ? WHERE id = ?`).run(stamp, groupId);
  }

  /** A membership write Okta confirmed. */
  memberAdded(groupId: string, userId: string): void {
    this.memberIns.run(groupId, userId);
  }

  memberRemoved(groupId: string, userId: string): void {
    this.memberDel.run(groupId, userId);
  }

  forgetUser(userId: string): void {
    this.db.prepare(`DELETE FROM ${this.s}.okta_group_members WHERE user_id = ?`).run(userId);
  }

  /** Whether the group's members are known (read at least once since it is managed). */
  membersKnown(groupId: string): boolean {
    return this.known.get(groupId) !== undefined;
  }

  isMember(groupId: string, userId: string): boolean {
    return this.member.get(groupId, userId) !== undefined;
  }

  /**
   * Groups the agent manages (the state's `groups.okta_id`) whose members are not known or changed
   * in Okta since they were read: their members are (re)read by the refresh.
   */
  managedToRead(): MirrorGroup[] {
    return this.db
      .prepare<[], RawGroup>(
        `SELECT o.* FROM main.groups g JOIN ${this.s}.okta_groups o ON o.id = g.okta_id
          WHERE o.members_read IS NULL OR o.last_membership_updated > o.members_read ORDER BY o.id`,
      )
      .all()
      .map(toGroup);
  }
}
