/**
 * First contact of a directory record with Okta (the agent never linked it): create a user, link
 * the Okta user the match rules find, or quarantine — decided from what the agent knows of Okta
 * (its mirror). Pure: the lookups are given. Apply uses the same rules when a create finds the
 * login taken after all (a race the mirror did not know), over the one user Okta names.
 *
 * - match ambiguous → quarantine (never guessed);
 * - one match: already linked to another record (in the state, or earlier in this run) →
 *   quarantine; deactivated → quarantine (reactivate it or resolve it in Okta first); the record's
 *   login held by another Okta user → quarantine; else link it;
 * - no match, the login held by an Okta user → quarantine (Okta would refuse the create; a match
 *   rule, e.g. `login`, links such users);
 * - else create.
 */
import type { OktaUser } from '../../okta/client';
import { describeOktaUser, type MatchDecision } from '../../okta/matching';
import { profileValuesEqual, type Profile } from '../../okta/profile';
import type { AttributeChange } from './types';

export type FirstContact =
  { kind: 'create' } | { kind: 'link'; user: OktaUser; how: string; changes: AttributeChange[] } | { kind: 'quarantine'; step: string; reason: string };

export interface FirstContactLookups {
  /** Okta users holding a login (as Okta compares logins). */
  loginHolders(login: string): readonly OktaUser[];
  /** The record linked to this Okta user: in the state, or planned earlier in this run. */
  linkHolder(oktaId: string): { anchor: string; dn: string } | undefined;
}

export function decideFirstContact(r: { anchor: string; login: string; profile: Profile }, match: MatchDecision, lookups: FirstContactLookups): FirstContact {
  const heldBy = lookups.loginHolders(r.login);
  if (match.kind === 'ambiguous') {
    const list = match.candidates.map((c) => `${c.id} (${c.login}) by ${c.rules.join(' and ')}`).join('; ');
    return { kind: 'quarantine', step: 'okta-match', reason: `ambiguous match in Okta, not guessed: ${list}` };
  }
  if (match.kind === 'none') {
    const holder = heldBy[0];
    if (!holder) return { kind: 'create' };
    return {
      kind: 'quarantine',
      step: 'okta-match',
      reason: `login "${r.login}" already exists in Okta (${describeOktaUser(holder)}) and no okta.match rule links it to this record`,
    };
  }
  const u = match.user;
  const how = `matched by ${match.rules.join(' and ')}`;
  const theirs = `Okta user ${u.id} (login "${String(u.profile.login ?? '')}", ${how})`;
  const linked = lookups.linkHolder(u.id);
  if (linked && linked.anchor !== r.anchor) return { kind: 'quarantine', step: 'okta-match', reason: `${theirs} is already linked to ${linked.dn}` };
  if (u.status === 'DEPROVISIONED') {
    return { kind: 'quarantine', step: 'okta-match', reason: `${theirs} is deactivated; reactivate it or resolve the conflict in Okta first` };
  }
  const other = heldBy.find((h) => h.id !== u.id);
  if (other) return { kind: 'quarantine', step: 'okta-match', reason: `${theirs} would get login "${r.login}", which ${describeOktaUser(other)} holds` };
  return { kind: 'link', user: u, how, changes: linkChanges(u.profile, r.profile) };
}

/** What linking sends: the attributes of the desired profile whose Okta value differs (only values: nothing is cleared on first contact). */
export function linkChanges(okta: Profile, desired: Profile): AttributeChange[] {
  return Object.keys(desired)
    .filter((k) => desired[k] !== null && !profileValuesEqual(okta[k] ?? null, desired[k]))
    .sort()
    .map((attribute) => ({ attribute, before: okta[attribute], after: desired[attribute] }));
}
