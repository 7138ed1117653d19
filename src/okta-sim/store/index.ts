/**
 * The simulated org's state: users, groups and memberships, and the operations that span them
 * (a user created with `groupIds`, deleting a user or group drops its memberships, membership
 * changes only on OKTA_GROUPs). Synchronous and HTTP-agnostic; failures are OktaSimErrors.
 *
 * Membership assumptions: PUT/DELETE membership are idempotent (204 when already a member / not a
 * member); on APP_GROUP and BUILT_IN groups they are refused with 403 E0000006, which is what Okta
 * returns to API clients for groups whose membership is managed by an app import (reported by the
 * Okta Terraform provider, PR okta/terraform-provider-okta#118); the membership path takes a user
 * id only (spec `pathUserId`), logins → 404.
 */
import { errors } from '../errors';
import type { IdGenerator } from '../ids';
import type { Clock, GroupRecord, UserRecord } from '../types';
import { GroupStore } from './groups';
import { Memberships } from './memberships';
import { UserStore, type CreateUserParams, type DeleteOutcome, type UserRulesOptions } from './users';

export class OktaStore {
  readonly users: UserStore;
  readonly groups: GroupStore;
  readonly memberships = new Memberships();

  constructor(clock: Clock, ids: IdGenerator, rules: UserRulesOptions, searchLagMs: number) {
    this.users = new UserStore(clock, ids, rules, searchLagMs);
    this.groups = new GroupStore(clock, ids, searchLagMs);
  }

  createUser(body: unknown, params: CreateUserParams): UserRecord {
    const raw = (body as { groupIds?: unknown } | null)?.groupIds;
    if (Array.isArray(raw) && raw.length <= 20) {
      for (const gid of raw) {
        const g = typeof gid === 'string' ? this.groups.get(gid) : undefined;
        if (!g) throw errors.validation([{ field: 'groupIds', message: `Group not found: ${String(gid)}` }]);
        if (g.type !== 'OKTA_GROUP') throw errors.validation([{ field: 'groupIds', message: `Cannot assign users to group ${gid}` }]);
      }
    }
    const { user, groupIds } = this.users.create(body, params);
    for (const gid of groupIds) this.addMember(gid, user.id);
    return user;
  }

  deleteUser(key: string): DeleteOutcome {
    const { outcome, user } = this.users.delete(key);
    if (outcome === 'deleted') {
      for (const gid of this.memberships.removeUser(user.id)) this.groups.touchMembership(gid);
    }
    return outcome;
  }

  deleteGroup(id: string): void {
    this.groups.delete(id);
    this.memberships.removeGroup(id);
  }

  /** PUT /groups/{gid}/users/{uid}. */
  assign(groupId: string, userId: string): void {
    const { group, user } = this.membershipTargets(groupId, userId);
    this.addMember(group.id, user.id);
  }

  /** DELETE /groups/{gid}/users/{uid}. */
  unassign(groupId: string, userId: string): void {
    const { group, user } = this.membershipTargets(groupId, userId);
    if (this.memberships.remove(group.id, user.id)) this.groups.touchMembership(group.id);
  }

  /** Adds a membership without type checks (seeding); returns whether it was new. */
  addMember(groupId: string, userId: string): boolean {
    const added = this.memberships.add(groupId, userId);
    if (added) this.groups.touchMembership(groupId);
    return added;
  }

  setSearchLag(ms: number): void {
    this.users.index.visibility.setLag(ms);
    this.groups.visibility.setLag(ms);
  }

  clear(): void {
    this.users.index.clear();
    this.users.schema.clear();
    this.groups.clear();
    this.memberships.clear();
  }

  private membershipTargets(groupId: string, userId: string): { group: GroupRecord; user: UserRecord } {
    const group = this.groups.require(groupId);
    const user = this.users.index.get(userId);
    if (!user) throw errors.notFound(userId, 'User');
    if (group.type !== 'OKTA_GROUP') throw errors.accessDenied();
    return { group, user };
  }
}
