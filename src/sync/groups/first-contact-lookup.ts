/**
 * What first contact would do for the groups a plan creates or takes over, decided from the agent's
 * mirror of Okta (its groups, refreshed by the plan phase) with the rules apply uses
 * (first-contact.ts): `plan` shows "create", "take over" or "quarantine" for every group.
 */
import type { StateStore } from '../../state/store';
import { decideFirstContact, type FirstContact } from './first-contact';
import type { GroupPlan } from './index';
import type { EnsurePayload } from './rules';

/** What first contact would do for a group. */
export type FirstContactLookup = FirstContact;

/** First contact for the first `limit` groups the plan creates or takes over (the mirror is only read). */
export function lookUpFirstContacts(plan: GroupPlan, state: StateStore, o: { limit: number }): Map<string, FirstContactLookup> {
  const out = new Map<string, FirstContactLookup>();
  const { spool } = plan;
  if (!spool) return out;
  const lookups = {
    holderOf: (oktaId: string) => state.groups.byOktaId(oktaId),
    // a holder that left the directory gives its Okta group up once its memberships are removed, which this run plans
    releases: (holder: { anchor: string; removedRun: number | null }) => holder.removedRun !== null || spool.plannedKind(holder.anchor) === 'gone',
  };
  for (const a of spool.actions<EnsurePayload>(['ensure'])) {
    if (out.size >= o.limit) break;
    out.set(a.anchor, decideFirstContact(a.anchor, a.payload.name, state.mirror.groups.named(a.payload.name), lookups));
  }
  return out;
}
