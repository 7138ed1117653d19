/**
 * Group membership index: group → members (ordered by user id, for `GET /groups/{id}/users`
 * cursor pagination) and user → groups. Adds and removes are idempotent and report whether
 * anything changed.
 */
import { SortedIds } from './sorted-ids';

interface Members {
  set: Set<string>;
  order: SortedIds;
}

export class Memberships {
  private readonly members = new Map<string, Members>();
  private readonly groupsOf = new Map<string, Set<string>>();

  add(groupId: string, userId: string): boolean {
    let m = this.members.get(groupId);
    if (!m) {
      const set = new Set<string>();
      m = { set, order: new SortedIds((id) => set.has(id)) };
      this.members.set(groupId, m);
    }
    if (m.set.has(userId)) return false;
    m.set.add(userId);
    m.order.add(userId);
    let g = this.groupsOf.get(userId);
    if (!g) this.groupsOf.set(userId, (g = new Set()));
    g.add(groupId);
    return true;
  }

  remove(groupId: string, userId: string): boolean {
    const m = this.members.get(groupId);
    if (!m || !m.set.delete(userId)) return false;
    m.order.noteRemoved();
    const g = this.groupsOf.get(userId);
    if (g) {
      g.delete(groupId);
      if (g.size === 0) this.groupsOf.delete(userId);
    }
    return true;
  }

  has(groupId: string, userId: string): boolean {
    return this.members.get(groupId)?.set.has(userId) ?? false;
  }

  /** Groups the user belongs to (unordered; callers sort). Returns the removed group ids. */
  removeUser(userId: string): string[] {
    const groups = [...(this.groupsOf.get(userId) ?? [])];
    for (const g of groups) this.remove(g, userId);
    return groups;
  }

  removeGroup(groupId: string): void {
    const m = this.members.get(groupId);
    if (!m) return;
    for (const u of m.set) {
      const g = this.groupsOf.get(u);
      if (g) {
        g.delete(groupId);
        if (g.size === 0) this.groupsOf.delete(u);
      }
    }
    this.members.delete(groupId);
  }

  count(groupId: string): number {
    return this.members.get(groupId)?.set.size ?? 0;
  }

  /** Member ids greater than `after`, ascending. */
  membersFrom(groupId: string, after?: string): IterableIterator<string> {
    const m = this.members.get(groupId);
    return m ? m.order.from(after) : [][Symbol.iterator]();
  }

  groupIdsOf(userId: string): string[] {
    return [...(this.groupsOf.get(userId) ?? [])].sort();
  }

  clear(): void {
    this.members.clear();
    this.groupsOf.clear();
  }
}
