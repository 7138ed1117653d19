/**
 * What first contact would do for the groups a plan creates or takes over, asked of Okta (reads
 * only) with the rules apply uses (first-contact.ts): `plan` shows "create", "take over" or
 * "quarantine" instead of "create or take over".
 */
import type { OktaClient } from '../../okta/client';
import { OktaFatalError, toOktaError } from '../../okta/errors';
import type { StateStore } from '../../state/store';
import { decideFirstContact, type FirstContact } from './first-contact';
import type { GroupPlan } from './index';
import type { EnsurePayload } from './rules';

/** What Okta said about a group's first contact, or why it could not be asked. */
export type FirstContactLookup = FirstContact | { kind: 'unknown'; reason: string };

/**
 * Ask Okta (reads only) what first contact would do for the first `limit` groups the plan creates
 * or takes over. An Okta failure other than a fatal one (bad token, Okta unreachable, which is
 * rethrown) leaves that group "create or take over", with the reason.
 */
export async function lookUpFirstContacts(
  plan: GroupPlan,
  state: StateStore,
  oktaClient: Pick<OktaClient, 'findGroupsByName'>,
  o: { limit: number; concurrency: number },
): Promise<Map<string, FirstContactLookup>> {
  const out = new Map<string, FirstContactLookup>();
  const { spool } = plan;
  if (!spool) return out;
  const todo: { anchor: string; name: string }[] = [];
  for (const a of spool.actions<EnsurePayload>(['ensure'])) {
    if (todo.length >= o.limit) break;
    todo.push({ anchor: a.anchor, name: a.payload.name });
  }
  const lookups = {
    holderOf: (oktaId: string) => state.groups.byOktaId(oktaId),
    // a holder that left the directory gives its Okta group up once its memberships are removed, which this run plans
    releases: (holder: { anchor: string; removedRun: number | null }) => holder.removedRun !== null || spool.plannedKind(holder.anchor) === 'gone',
  };
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const t = todo[next++];
      try {
        out.set(t.anchor, decideFirstContact(t.anchor, t.name, await oktaClient.findGroupsByName(t.name), lookups));
      } catch (e) {
        if (e instanceof OktaFatalError) throw e;
        out.set(t.anchor, { kind: 'unknown', reason: `Okta could not be asked: ${toOktaError(e).errorSummary}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, todo.length)) }, worker));
  return out;
}
