/**
 * Direct, synchronous access to the simulated org for tests and the demo: seed users (any status,
 * DEPROVISIONED included), groups (OKTA_GROUP, APP_GROUP, BUILT_IN) and memberships, make changes
 * "behind the agent's back", and read state. Reads return snapshots in the API's JSON shape
 * (ISO timestamps) without `_links`; mutating a snapshot changes nothing.
 */
import { serializeSnapshot } from './serialize/snapshot';
import type { OktaStore } from './store';
import type { SeedGroupInput } from './store/groups';
import type { SeedUserInput } from './store/users';
import type { CustomAttributeInput, SchemaAttribute } from './store/user-schema';
import type { Clock, GroupType, Profile, ProviderType, UserStatus } from './types';

export interface SimUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: Profile;
  credentials: { password?: Record<string, never>; recovery_question?: { question: string }; provider: { type: ProviderType; name: string } };
  transitioningToStatus?: 'ACTIVE' | 'DEPROVISIONED' | 'PROVISIONED';
}

export interface SimGroup {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: GroupType;
  profile: Profile;
}

export class SimStore {
  constructor(
    private readonly s: OktaStore,
    private readonly clock: Clock,
  ) {}

  /** The org's user schema: custom attributes added and removed "in the admin console". */
  readonly schema = {
    addCustom: (name: string, def: CustomAttributeInput): SchemaAttribute => this.s.users.schema.setCustom(name, def),
    removeCustom: (name: string): boolean => this.s.users.schema.removeCustom(name),
    /** A base or custom attribute's definition. */
    attribute: (name: string): SchemaAttribute | undefined => this.s.users.schema.attribute(name),
  };

  /** The underlying store (for advanced use). */
  get raw(): OktaStore {
    return this.s;
  }

  get userCount(): number {
    return this.s.users.index.size;
  }

  get groupCount(): number {
    return this.s.groups.size;
  }

  seedUser(input: SeedUserInput): SimUser {
    return this.snapUser(this.s.users.seed(input).id)!;
  }

  /** Bulk seeding (fast path for large orgs); returns the created ids in order. */
  seedUsers(inputs: Iterable<SeedUserInput>): string[] {
    const ids: string[] = [];
    for (const input of inputs) ids.push(this.s.users.seed(input).id);
    return ids;
  }

  seedGroup(input: SeedGroupInput): SimGroup {
    return this.snapGroup(this.s.groups.seed(input).id)!;
  }

  /** Adds a membership regardless of group type (seeding APP_GROUP members is allowed here). */
  addMember(groupId: string, userIdOrLogin: string): void {
    this.s.groups.require(groupId);
    this.s.addMember(groupId, this.s.users.require(userIdOrLogin).id);
  }

  removeMember(groupId: string, userIdOrLogin: string): void {
    const uid = this.s.users.require(userIdOrLogin).id;
    if (this.s.memberships.remove(groupId, uid)) this.s.groups.touchMembership(groupId);
  }

  user(idOrLogin: string): SimUser | undefined {
    const u = this.s.users.index.resolve(idOrLogin);
    return u ? this.snapUser(u.id) : undefined;
  }

  users(filter: { status?: UserStatus } = {}): SimUser[] {
    const out: SimUser[] = [];
    for (const u of this.s.users.index.values()) {
      if (filter.status === undefined || u.status === filter.status) out.push(this.snapUser(u.id)!);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  group(id: string): SimGroup | undefined {
    return this.snapGroup(id);
  }

  groupByName(name: string): SimGroup | undefined {
    for (const g of this.s.groups.values()) if (g.profile.name === name) return this.snapGroup(g.id);
    return undefined;
  }

  groups(): SimGroup[] {
    return [...this.s.groups.values()].map((g) => this.snapGroup(g.id)!).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Member user ids, ascending. */
  members(groupId: string): string[] {
    return [...this.s.memberships.membersFrom(groupId)];
  }

  /** Group ids of a user, ascending. */
  groupsOf(userIdOrLogin: string): string[] {
    return this.s.memberships.groupIdsOf(this.s.users.require(userIdOrLogin).id);
  }

  /** Force a status, bypassing the lifecycle rules (e.g. LOCKED_OUT, RECOVERY, PASSWORD_EXPIRED). */
  setStatus(idOrLogin: string, status: UserStatus): SimUser {
    return this.snapUser(this.s.users.force(idOrLogin, () => ({ status })).id)!;
  }

  /** Shallow profile change made "in Okta" (null clears), bypassing validation. */
  patchProfile(idOrLogin: string, patch: Profile): SimUser {
    const u = this.s.users.force(idOrLogin, (cur) => {
      const profile: Profile = { ...cur.profile };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete profile[k];
        else profile[k] = v;
      }
      return { profile };
    });
    return this.snapUser(u.id)!;
  }

  /** Hard delete (any status), dropping memberships. */
  deleteUser(idOrLogin: string): void {
    const u = this.s.users.require(idOrLogin);
    this.s.users.index.remove(u.id);
    for (const gid of this.s.memberships.removeUser(u.id)) this.s.groups.touchMembership(gid);
  }

  clear(): void {
    this.s.clear();
  }

  private snapUser(id: string): SimUser | undefined {
    const u = this.s.users.index.get(id);
    return u ? (serializeSnapshot.user(u, this.clock()) as unknown as SimUser) : undefined;
  }

  private snapGroup(id: string): SimGroup | undefined {
    const g = this.s.groups.get(id);
    return g ? (serializeSnapshot.group(g) as unknown as SimGroup) : undefined;
  }
}
