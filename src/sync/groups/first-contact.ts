/**
 * First contact: what happens to a directory group without an Okta group, given the Okta groups
 * that carry its name (Okta compares names ignoring case). Pure: apply decides with it before
 * writing, and `plan` with it to say "create" or "take over" (Okta is only read).
 *
 * - an OKTA_GROUP with the name that no other directory group manages → take it over; one managed
 *   for a directory group that left the directory and holds no memberships any more (a group deleted
 *   and recreated in the directory, under a new anchor) → take it over from that group;
 * - an OKTA_GROUP managed for another directory group → quarantine;
 * - only an APP_GROUP / BUILT_IN with the name → quarantine (never touched);
 * - nothing → create.
 */
import type { OktaGroup } from '../../okta/client';
import type { GroupRow } from '../../state/group-store';
import { groupNameKey } from './templates';

export type FirstContact = { kind: 'create' } | { kind: 'take over'; group: OktaGroup; from?: GroupRow } | { kind: 'quarantine'; reason: string };

export interface FirstContactLookups {
  /** The state group that manages this Okta group, if any. */
  holderOf(oktaId: string): GroupRow | undefined;
  /**
   * Whether this holder lets its Okta group go: it left the directory and holds no memberships in
   * it any more (apply: after the removals; plan: they are all planned for removal).
   */
  releases(holder: GroupRow): boolean;
}

/** The Okta groups among `found` whose name is `name` (ignoring case), by type. */
export function groupsNamed(name: string, found: readonly OktaGroup[]): { okta?: OktaGroup; other?: OktaGroup } {
  const key = groupNameKey(name);
  const same = found.filter((g) => groupNameKey(g.name) === key);
  return { okta: same.find((g) => g.type === 'OKTA_GROUP'), other: same.find((g) => g.type !== 'OKTA_GROUP') };
}

export function decideFirstContact(anchor: string, name: string, found: readonly OktaGroup[], lookups: FirstContactLookups): FirstContact {
  const existing = groupsNamed(name, found);
  if (existing.okta) return takeOver(anchor, existing.okta, lookups);
  if (existing.other) {
    const o = existing.other;
    return {
      kind: 'quarantine',
      reason: `an Okta ${o.type} named "${o.name}" (${o.id}) exists; the agent manages only OKTA_GROUPs, so it leaves this directory group alone (rename it with groups.name, or remove the other group)`,
    };
  }
  return { kind: 'create' };
}

/** An OKTA_GROUP with the name exists: take it over unless another directory group manages it. */
export function takeOver(anchor: string, g: OktaGroup, lookups: FirstContactLookups): FirstContact {
  const holder = lookups.holderOf(g.id);
  if (!holder || holder.anchor === anchor) return { kind: 'take over', group: g };
  if (!lookups.releases(holder)) {
    return { kind: 'quarantine', reason: `the Okta group "${g.name}" (${g.id}) is managed for directory group ${holder.dn}` };
  }
  return { kind: 'take over', group: g, from: holder };
}
