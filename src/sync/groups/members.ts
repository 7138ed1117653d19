/**
 * The pure core of membership planning: flattening nested groups (cycle-safe) and the diff between
 * what a group should have and what the agent applied. No I/O: the caller passes lookups.
 */
import { normalizeDn } from '../../directory/dn';

/**
 * A member value as the state compares it: the normalised DN. `uniqueMember` values may carry an
 * optional UID (`cn=x,dc=y#'0101'B`, RFC 4517 NameAndOptionalUID), which is dropped. Empty values
 * (groupOfNames placeholders) give null.
 */
export function memberDnOf(value: string): string | null {
  const v = value.replace(/#'[01]*'B$/, '');
  // not trimmed here: an escaped trailing space (`cn=x\ `) belongs to the DN; normalizeDn drops the others
  return v.trim() ? normalizeDn(v) : null;
}

export interface FlattenLookups {
  /** The directory group in scope whose DN (normalised) this is, if any. */
  groupOfDn(dnNorm: string): string | undefined;
  /** Direct member DNs (normalised) of a group in scope. */
  directMembers(groupAnchor: string): Iterable<string>;
}

export interface Flattened {
  /** Member DNs that are not groups in scope: the candidates for user members. */
  memberDns: Set<string>;
  /** Groups in scope reached below the root (not the root itself unless it is its own descendant). */
  nestedGroups: Set<string>;
  /** A nested group reached the root again (a membership cycle). */
  cycle: boolean;
}

/**
 * The members of `root`: with `flatten`, members of nested groups in scope count as members too
 * (every group is expanded once, so cycles end); with `direct`, only direct members count and a
 * nested group contributes nothing. Either way a member DN that is a group in scope is never
 * returned as a member DN itself.
 */
export function flattenMembers(root: string, lookups: FlattenLookups, mode: 'flatten' | 'direct'): Flattened {
  const memberDns = new Set<string>();
  const nestedGroups = new Set<string>();
  let cycle = false;
  const expanded = new Set<string>([root]);
  const queue: string[] = [root];
  while (queue.length) {
    const g = queue.shift()!;
    for (const dn of lookups.directMembers(g)) {
      const child = lookups.groupOfDn(dn);
      if (child === undefined) {
        memberDns.add(dn);
        continue;
      }
      if (child === root) cycle = true;
      if (mode === 'direct') continue;
      if (child !== root) nestedGroups.add(child);
      if (expanded.has(child)) continue;
      expanded.add(child);
      queue.push(child);
    }
  }
  return { memberDns, nestedGroups, cycle };
}

export interface MembershipDiff {
  add: string[];
  remove: string[];
}

/**
 * What to change so that the memberships the agent applied become the desired ones. Only
 * memberships the agent applied can be removed: members someone added in Okta by hand are not in
 * `applied`, so they are never touched. Sorted, for a stable plan.
 */
export function diffMembership(desired: Iterable<string>, applied: Iterable<string>): MembershipDiff {
  const want = new Set(desired);
  const have = new Set(applied);
  const add = [...want].filter((u) => !have.has(u)).sort();
  const remove = [...have].filter((u) => !want.has(u)).sort();
  return { add, remove };
}

/**
 * Drift: memberships the agent applied that the group's Okta members no longer show (someone
 * removed them in Okta), among those the directory still wants. Sorted.
 */
export function lostMembers(applied: readonly string[], desired: ReadonlySet<string>, inOkta: (userAnchor: string) => boolean): string[] {
  return applied.filter((u) => desired.has(u) && !inOkta(u)).sort();
}
